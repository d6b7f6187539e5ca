"""Tests for gazetteer.online against a fake Nominatim served on 127.0.0.1 by the test itself."""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gazetteer.errors import OnlineLookupError
from gazetteer.online import DEFAULT_USER_AGENT, OnlineGeocoder, parse_nominatim
from gazetteer.place import Place


def record(**fields: Any) -> dict[str, Any]:
    """Return a Nominatim format=json search record: Izium, Kharkiv oblast, unless overridden."""
    base: dict[str, Any] = {
        "place_id": 297133590,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "relation",
        "osm_id": 12013862,
        "lat": "49.2082524",
        "lon": "37.2518488",
        "class": "boundary",
        "type": "administrative",
        "place_rank": 16,
        "importance": 0.5409,
        "addresstype": "city",
        "name": "Ізюм",
        "display_name": "Ізюм, Ізюмська міська громада, Ізюмський район, Харківська область, 64300, Україна",
        "address": {
            "city": "Ізюм",
            "district": "Ізюмський район",
            "state": "Харківська область",
            "ISO3166-2-lvl4": "UA-63",
            "postcode": "64300",
            "country": "Україна",
            "country_code": "ua",
        },
        "boundingbox": ["49.1683", "49.2399", "37.2085", "37.3163"],
    }
    base.update(fields)
    return base


IZIUM = Place("osm:relation:12013862", "Ізюм", 49.2082524, 37.2518488, "UA", "", 0, "nominatim")

PARSE_TABLE = [
    ([record()], [IZIUM]),
    (
        [record(osm_type="node", osm_id=337605839, **{"class": "place"}, type="town", name="Izium")],
        [Place("osm:node:337605839", "Izium", 49.2082524, 37.2518488, "UA", source="nominatim")],
    ),
    ([record(**{"class": "place"}, type="village")], [IZIUM]),
    ([record(**{"class": "place"}, type="hamlet")], [IZIUM]),
    ([record(**{"class": "place"}, type="city")], [IZIUM]),
    # jsonv2 says "category" instead of "class".
    ([{**{k: v for k, v in record().items() if k != "class"}, "category": "boundary"}], [IZIUM]),
    # Not settlements: an oblast, a district, a suburb, a road, a river, a railway station.
    ([record(addresstype="state")], []),
    ([record(addresstype="municipality")], []),
    ([record(**{"class": "place"}, type="suburb")], []),
    ([record(**{"class": "highway"}, type="primary")], []),
    ([record(**{"class": "waterway"}, type="river")], []),
    ([record(**{"class": "railway"}, type="station", addresstype="railway")], []),
    # A server without `name` (older Nominatim): the first part of the display name.
    ([{k: v for k, v in record().items() if k != "name"}], [IZIUM]),
    # No address details: the country stays unknown.
    ([{k: v for k, v in record().items() if k != "address"}], [replace(IZIUM, country="")]),
    ([record(address={"country_code": ""})], [replace(IZIUM, country="")]),
    ([record(name="", display_name="")], []),
    ([], []),
    (
        [record(addresstype="state"), record(), record(osm_id=1, name="Izium", lat="49.2", lon="37.3")],
        [IZIUM, Place("osm:relation:1", "Izium", 49.2, 37.3, "UA", source="nominatim")],
    ),
]


@pytest.mark.parametrize(("results", "expected"), PARSE_TABLE)
def test_parse_nominatim(results: list[dict[str, Any]], expected: list[Place]) -> None:
    assert parse_nominatim(results) == expected


@pytest.mark.parametrize(
    ("results", "message"),
    [
        ({"error": "Unable to geocode"}, "answered dict, not a list of places"),
        (["Izium"], "a record that is not an object"),
        ([{k: v for k, v in record().items() if k != "lat"}], "malformed record for 'Ізюм'"),
        ([record(lon="east")], "malformed record"),
        ([record(lat="95")], "malformed record"),
        ([record(lat="nan")], "malformed record"),
        ([{k: v for k, v in record().items() if k != "osm_id"}], "malformed record"),
    ],
)
def test_parse_nominatim_refuses(results: Any, message: str) -> None:
    with pytest.raises(OnlineLookupError, match=message):
        parse_nominatim(results)


class FakeNominatim(ThreadingHTTPServer):
    """A Nominatim /search endpoint that answers from a table and records every request."""

    daemon_threads = True

    def __init__(self, answers: dict[str, Any]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers = answers
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeNominatim

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        arrived = time.monotonic()
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        with self.server.lock:
            self.server.requests.append(
                {"path": url.path, "query": query, "user_agent": self.headers["User-Agent"], "at": arrived}
            )
        answer = self.server.answers.get(query.get("q", ""), [])
        if url.path != "/search":
            status, body = 404, b"not found"
        elif answer == "HTTP 500":
            status, body = 500, b"<html>Internal Server Error</html>"
        elif answer == "not json":
            status, body = 200, b"<html>this is not Nominatim</html>"
        else:
            status, body = 200, json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass  # keep pytest's output clean


ANSWERS: dict[str, Any] = {
    "Izium": [record(), record(addresstype="state", osm_id=71254, name="Харківська область")],
    "Kupiansk": [record(osm_id=12013863, name="Купʼянськ", lat="49.7106", lon="37.6156")],
    "Robotyne": [],
    "Boom": "HTTP 500",
    "Garbage": "not json",
}


@contextlib.contextmanager
def running(fake: FakeNominatim) -> Iterator[FakeNominatim]:
    """Serve `fake` on a thread for the duration of the block."""
    thread = threading.Thread(target=fake.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.shutdown()
        fake.server_close()
        thread.join()


@pytest.fixture
def server() -> Iterator[FakeNominatim]:
    with running(FakeNominatim(ANSWERS)) as fake:
        yield fake


def geocoder(server: FakeNominatim, cache: Path, **options: Any) -> OnlineGeocoder:
    options.setdefault("min_delay_seconds", 0.0)
    return OnlineGeocoder(cache, domain=server.domain, scheme="http", timeout=5.0, **options)


def test_lookup_asks_nominatim_search(server: FakeNominatim, tmp_path: Path) -> None:
    places = geocoder(server, tmp_path / "gazetteer.sqlite").lookup("Izium", ["UA"])
    assert places == [IZIUM]
    [request] = server.requests
    assert request["path"] == "/search"
    assert request["query"] == {"q": "Izium", "format": "json", "addressdetails": "1", "countrycodes": "ua"}
    assert request["user_agent"] == DEFAULT_USER_AGENT == "frontline/0.1 (+https://github.com/frontline-maps/frontline)"


def test_lookup_sends_the_configured_user_agent(server: FakeNominatim, tmp_path: Path) -> None:
    geocoder(server, tmp_path / "g.sqlite", user_agent="newsroom-map/2.0 (desk@example.org)").lookup("Robotyne")
    assert [r["user_agent"] for r in server.requests] == ["newsroom-map/2.0 (desk@example.org)"]
    assert "countrycodes" not in server.requests[0]["query"]


def test_second_lookup_comes_from_the_cache(server: FakeNominatim, tmp_path: Path) -> None:
    cache = tmp_path / "gazetteer.sqlite"
    first = geocoder(server, cache)
    assert first.lookup("Izium", ["ua"]) == [IZIUM]
    assert first.lookup("Izium", ["ua"]) == [IZIUM]
    assert first.lookup("  izium ", ("UA",)) == [IZIUM]  # the key folds case and spaces
    # The cache lives in the file: a new geocoder (a new run) does not ask again.
    assert geocoder(server, cache).lookup("IZIUM", ["UA"]) == [IZIUM]
    assert len(server.requests) == 1
    # A different country filter is a different question.
    geocoder(server, cache).lookup("Izium")
    assert len(server.requests) == 2


def test_empty_answers_are_cached_too(server: FakeNominatim, tmp_path: Path) -> None:
    online = geocoder(server, tmp_path / "g.sqlite")
    assert online.lookup("Robotyne", ["UA"]) == []
    assert online.lookup("Robotyne", ["UA"]) == []
    assert len(server.requests) == 1


def test_cache_table_and_other_tables(server: FakeNominatim, tmp_path: Path) -> None:
    cache = tmp_path / "gazetteer.sqlite"
    with sqlite3.connect(cache) as conn:
        conn.execute("CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO places VALUES (1, 'Hrakove')")
    conn.close()
    geocoder(server, cache).lookup("Kupiansk", ["UA"])
    with sqlite3.connect(cache) as conn:
        columns = [(row[1], row[2], row[3], row[5]) for row in conn.execute("PRAGMA table_info(online_cache)")]
        rows = conn.execute("SELECT query, answer, fetched_at FROM online_cache").fetchall()
        places = conn.execute("SELECT * FROM places").fetchall()
    conn.close()
    assert columns == [("query", "TEXT", 0, 1), ("answer", "TEXT", 1, 0), ("fetched_at", "TEXT", 1, 0)]
    [(query, answer, fetched_at)] = rows
    assert query == f"http://{server.domain}/search?q=kupiansk&countrycodes=ua"
    assert json.loads(answer) == ANSWERS["Kupiansk"]
    assert len(fetched_at) == len("2024-01-01T00:00:00+00:00") and fetched_at.endswith("+00:00")
    assert places == [(1, "Hrakove")]


def test_two_uncached_lookups_are_spaced_by_the_minimum_delay(server: FakeNominatim, tmp_path: Path) -> None:
    online = geocoder(server, tmp_path / "g.sqlite", min_delay_seconds=0.2)
    online.lookup("Izium")
    online.lookup("Kupiansk")
    first, second = (r["at"] for r in server.requests)
    assert second - first >= 0.2


class FakeClock:
    """A monotonic clock that moves only when the geocoder sleeps or the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_throttle_sleeps_only_before_a_request(server: FakeNominatim, tmp_path: Path) -> None:
    clock = FakeClock()
    online = geocoder(server, tmp_path / "g.sqlite", min_delay_seconds=1.0, clock=clock, sleep=clock.sleep)
    online.lookup("Izium")
    assert clock.sleeps == []  # nothing to wait for before the first request
    clock.now += 0.25
    online.lookup("Izium")
    assert clock.sleeps == []  # answered from the cache: no wait
    online.lookup("Kupiansk")
    assert clock.sleeps == [0.75]
    clock.now += 5.0
    online.lookup("Robotyne")
    assert clock.sleeps == [0.75]  # the delay had already passed
    assert len(server.requests) == 3


def test_server_error_becomes_online_lookup_error(server: FakeNominatim, tmp_path: Path) -> None:
    online = geocoder(server, tmp_path / "g.sqlite")
    with pytest.raises(OnlineLookupError, match=r"online lookup of 'Boom' at http://127\.0\.0\.1:\d+ failed") as caught:
        online.lookup("Boom")
    assert "500" in str(caught.value)
    assert "retry later, use another Nominatim domain, or run offline" in str(caught.value)
    # A failure is not cached: the next lookup asks again.
    with pytest.raises(OnlineLookupError):
        online.lookup("Boom")
    assert len(server.requests) == 2


def test_non_json_answer_becomes_online_lookup_error(server: FakeNominatim, tmp_path: Path) -> None:
    with pytest.raises(OnlineLookupError, match="check that the domain points to a Nominatim server"):
        geocoder(server, tmp_path / "g.sqlite").lookup("Garbage")


def test_malformed_answer_is_not_cached(tmp_path: Path) -> None:
    with running(FakeNominatim({"Izium": [record(lat="north")]})) as fake:
        online = geocoder(fake, tmp_path / "g.sqlite")
        for _ in range(2):
            with pytest.raises(OnlineLookupError, match="malformed record"):
                online.lookup("Izium")
        assert len(fake.requests) == 2


def test_unreachable_server(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    online = OnlineGeocoder(tmp_path / "g.sqlite", domain=f"127.0.0.1:{port}", scheme="http", timeout=5.0)
    with pytest.raises(OnlineLookupError, match="check the network connection and the domain, or run offline"):
        online.lookup("Izium")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scheme": "ftp"}, "scheme 'ftp' is not one of: http, https"),
        ({"domain": "/"}, "the Nominatim domain is empty"),
        ({"user_agent": " "}, "the user agent is empty"),
        ({"min_delay_seconds": -1.0}, "min_delay_seconds -1.0 must be a number >= 0"),
        ({"min_delay_seconds": float("nan")}, "min_delay_seconds nan must be"),
        ({"timeout": 0.0}, "timeout 0.0 must be a number > 0"),
    ],
)
def test_bad_options(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OnlineGeocoder(tmp_path / "g.sqlite", **options)


@pytest.mark.parametrize(
    ("name", "countries", "message"),
    [
        ("", (), "cannot look up an empty name"),
        ("  \t", (), "cannot look up an empty name"),
        ("Izium", ("UKR",), "country code 'UKR' is not a two-letter"),
        ("Izium", ("",), "country code '' is not a two-letter"),
    ],
)
def test_bad_lookup(tmp_path: Path, name: str, countries: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OnlineGeocoder(tmp_path / "g.sqlite").lookup(name, countries)


def test_cache_file_that_is_not_sqlite(tmp_path: Path) -> None:
    cache = tmp_path / "g.sqlite"
    cache.write_text("this is not a database\n" * 100)
    with pytest.raises(OnlineLookupError, match="cannot create the online cache"):
        OnlineGeocoder(cache)
