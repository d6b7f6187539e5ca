"""The scoring rule of `frontline eval`, and the event records it reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from gazetteer.place import Place
from geo.errors import InputError
from geo.evaluate import load_gold, score_events
from geo.model import Event, UnresolvedName
from geo.records import (
    EVENT_COLUMNS,
    events_csv_text,
    events_feature_collection,
    events_jsonl_lines,
)
from maps.export.tables import unresolved_csv_text

GOLD = {"file": "a.txt", "lat": 49.71, "lon": 37.6158, "kind": "retaken", "side": "UA", "date": "2022-09-10",
        "date_tolerance_days": 1}


def pred(**kw: object) -> dict:
    base = {"article": "a.txt", "lat": 49.71, "lon": 37.6158, "kind": "retaken", "side": "UA", "date": "2022-09-10"}
    base.update(kw)
    return base


@pytest.mark.parametrize(
    ("prediction", "tp", "dates_ok"),
    [
        (pred(), 1, 1),
        (pred(kind="captured"), 1, 1),  # captured/retaken/withdrawn are one class
        (pred(kind="withdrawn"), 1, 1),
        (pred(kind="contested", side=None), 0, 0),  # contested is its own class
        (pred(side="RU"), 0, 0),  # wrong side
        (pred(lat=49.9), 0, 0),  # about 21 km away: beyond 15 km
        (pred(lat=49.80), 1, 1),  # about 10 km away
        (pred(article="b.txt"), 0, 0),  # another article
        (pred(article="sub/a.txt"), 1, 1),  # matched by file stem
        (pred(date="2022-09-12"), 1, 0),  # matched, date outside the tolerance
        (pred(date="2022-09-11"), 1, 1),
    ],
)
def test_matching_rule(prediction: dict, tp: int, dates_ok: int) -> None:
    score = score_events([GOLD], [prediction])
    assert (score.true_positives, score.dates_ok) == (tp, dates_ok)
    assert score.precision == tp and score.recall == tp


def test_optional_gold_neither_required_nor_penalized() -> None:
    optional = dict(GOLD, optional=True, lat=48.0, lon=37.0)
    score = score_events([GOLD, optional], [pred()])
    assert (score.required, score.optional, score.recall, score.precision) == (1, 1, 1.0, 1.0)
    assert score.misses == []


def test_each_prediction_matches_once() -> None:
    score = score_events([GOLD, dict(GOLD)], [pred()])
    assert score.true_positives == 1 and len(score.misses) == 1
    assert score.summary().startswith("gold=2(+0 optional) pred=1 tp=1 fp=0")


def test_load_gold_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD) + "\n{not json}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:2"):
        load_gold(path)


PLACE = Place(703656, "Kupyansk", 49.71055, 37.61517, "UA", "07", 27169)


def event(**kw: object) -> Event:
    base: dict[str, object] = dict(
        place=PLACE, surface="Kupyansk", kind="retaken", side="UA", date=dt.date(2022, 9, 10),
        date_precision="day", claimed=True, confidence=0.7, article_id="004.txt",
        sentence='Troops "entered" <b>Kupyansk</b>, a city of 27,000.', outlet="AFP", url="https://x.test/a")
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"kind": "won"}, "kind"),
        ({"side": "XX"}, "side"),
        ({"kind": "contested", "side": "UA"}, "contested"),
        ({"confidence": 1.5}, "confidence"),
    ],
)
def test_event_validation(kw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        event(**kw)


def test_jsonl_record_keys_follow_the_contract() -> None:
    line = next(iter(events_jsonl_lines([event()])))
    record = json.loads(line)
    assert tuple(record) == EVENT_COLUMNS
    assert record["lat"] == 49.71055 and record["side"] == "UA" and record["claimed"] is True


def test_csv_round_trips_quotes_and_commas() -> None:
    rows = list(csv.DictReader(io.StringIO(events_csv_text([event()]))))
    assert len(rows) == 1 and rows[0]["sentence"] == 'Troops "entered" <b>Kupyansk</b>, a city of 27,000.'
    assert rows[0]["geonameid"] == "703656" and rows[0]["claimed"] == "true"


def test_geojson_is_lon_lat() -> None:
    feature = events_feature_collection([event()])["features"][0]  # type: ignore[index]
    assert feature["geometry"] == {"type": "Point", "coordinates": [37.61517, 49.71055]}


def test_events_sorted_by_date_then_place() -> None:
    later = event(date=dt.date(2022, 9, 11), article_id="z.txt")
    undated = event(date=None, article_id="u.txt")
    first = event(date=dt.date(2022, 9, 1))
    order = [json.loads(x)["date"] for x in events_jsonl_lines([undated, later, first])]
    assert order == ["2022-09-01", "2022-09-11", None]


def test_unresolved_csv_lists_candidates_once() -> None:
    name = UnresolvedName("Grakové", "004.txt", "In the village of Grakové, just recaptured ...", "unresolved",
                          ((PLACE, 5.0),), "change UA")
    rows = list(csv.DictReader(io.StringIO(unresolved_csv_text([name, name]))))
    assert len(rows) == 1
    assert rows[0]["surface"] == "Grakové"
    assert rows[0]["candidates"] == "Kupyansk (Kharkiv Oblast, UA) 49.7105,37.6152 id=703656"


@pytest.mark.parametrize("outlet", ["=HYPERLINK(\"http://x.test\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_never_start_a_formula(outlet: str) -> None:
    rows = list(csv.DictReader(io.StringIO(events_csv_text([event(outlet=outlet)]))))
    assert rows[0]["outlet"] == "'" + outlet
    assert rows[0]["lon"] == "37.61517"  # numbers are left alone
