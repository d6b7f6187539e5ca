"""The optional online fallback: Nominatim through geopy, cached in SQLite and throttled.

Off by default: nothing here runs unless the caller builds an `OnlineGeocoder`. Every answer is kept
in the `online_cache` table of the gazetteer's SQLite file, so a name is asked once per service, and
requests are spaced by `min_delay_seconds` (the public Nominatim allows one per second).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from geopy.exc import (  # type: ignore[import-untyped]
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQuotaExceeded,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import Nominatim  # type: ignore[import-untyped]

from .errors import OnlineLookupError
from .place import Place

__all__ = ["SETTLEMENT_TYPES", "DEFAULT_USER_AGENT", "parse_nominatim", "OnlineGeocoder"]

SETTLEMENT_TYPES = frozenset({"city", "town", "village", "hamlet"})
# An administrative boundary stands for a settlement only when Nominatim says it addresses one.
_BOUNDARY_ADDRESS_TYPES = frozenset({"city", "town", "village"})
DEFAULT_USER_AGENT = "frontline/0.1 (+https://github.com/frontline-maps/frontline)"
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")

_CACHE_SCHEMA = """CREATE TABLE IF NOT EXISTS online_cache (
    query TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    fetched_at TEXT NOT NULL
)"""


def _is_settlement(record: dict[str, Any]) -> bool:
    """Return whether a Nominatim record is a city, town, village or hamlet."""
    category = record.get("class", record.get("category"))  # format=json says class, jsonv2 category
    kind = record.get("type")
    if category == "place":
        return kind in SETTLEMENT_TYPES
    return (
        category == "boundary" and kind == "administrative" and record.get("addresstype") in (_BOUNDARY_ADDRESS_TYPES)
    )


def _record_name(record: dict[str, Any]) -> str:
    """Return a record's own name, or the first part of its display name for servers without `name`."""
    name = record.get("name")
    if not name and isinstance(record.get("namedetails"), dict):
        name = record["namedetails"].get("name")
    if not name:
        name = str(record.get("display_name") or "").split(",")[0]
    return str(name).strip()


def parse_nominatim(results: list[dict[str, Any]]) -> list[Place]:
    """Return the settlements among Nominatim search results, in the service's order."""
    if not isinstance(results, list):
        raise OnlineLookupError(
            f"the geocoder answered {type(results).__name__}, not a list of places; "
            "check that the domain points to a Nominatim server"
        )
    places: list[Place] = []
    for record in results:
        if not isinstance(record, dict):
            raise OnlineLookupError(f"the geocoder answered a record that is not an object: {record!r:.80}")
        if not _is_settlement(record):
            continue
        name = _record_name(record)
        if not name:
            continue
        try:
            lat, lon = float(record["lat"]), float(record["lon"])
            osm_type, osm_id = str(record["osm_type"]), str(record["osm_id"])
            if not (math.isfinite(lat) and math.isfinite(lon)) or not osm_type or not osm_id:
                raise ValueError("empty or infinite field")
            address = record.get("address")
            if not isinstance(address, dict):
                address = {}
            places.append(
                Place(
                    geonameid=f"osm:{osm_type}:{osm_id}",
                    name=name,
                    lat=lat,
                    lon=lon,
                    country=str(address.get("country_code") or "").upper(),
                    population=0,
                    source="nominatim",
                )
            )
        except (KeyError, TypeError, ValueError) as err:
            raise OnlineLookupError(
                f"the geocoder answered a malformed record for {name!r} ({err!r}); "
                "check that the domain points to a Nominatim server"
            ) from None
    return places


def _advice(err: GeopyError) -> str:
    """Return what the user can do about a geopy error."""
    if isinstance(err, GeocoderQuotaExceeded):
        return "the service refuses more requests for now: wait before retrying, or use your own Nominatim"
    if isinstance(err, GeocoderInsufficientPrivileges):
        return "the service refused access: check its usage policy and the user agent"
    if isinstance(err, GeocoderTimedOut):
        return "retry later, or allow a longer timeout"
    if isinstance(err, GeocoderUnavailable):
        return "check the network connection and the domain, or run offline"
    if isinstance(err, GeocoderParseError):
        return "check that the domain points to a Nominatim server"
    return "retry later, use another Nominatim domain, or run offline"


class OnlineGeocoder:
    """Look settlement names up on a Nominatim server, through a SQLite cache and a throttle."""

    def __init__(
        self,
        cache_path: str | Path,
        domain: str = "nominatim.openstreetmap.org",
        scheme: str = "https",
        user_agent: str = DEFAULT_USER_AGENT,
        min_delay_seconds: float = 1.0,
        timeout: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if scheme not in ("http", "https"):
            raise ValueError(f"scheme {scheme!r} is not one of: http, https")
        if not domain.strip("/"):
            raise ValueError("the Nominatim domain is empty; give a host such as nominatim.openstreetmap.org")
        if not user_agent.strip():
            raise ValueError("the user agent is empty; Nominatim's usage policy requires one naming the app")
        if not (math.isfinite(min_delay_seconds) and min_delay_seconds >= 0):
            raise ValueError(f"min_delay_seconds {min_delay_seconds!r} must be a number >= 0")
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"timeout {timeout!r} must be a number > 0")
        self.cache_path = Path(cache_path)
        self.domain = domain.strip("/")
        self.scheme = scheme
        self.user_agent = user_agent
        self.min_delay_seconds = float(min_delay_seconds)
        self.timeout = float(timeout)
        self._clock = clock
        self._sleep = sleep
        self._last_request_at: float | None = None
        self._nominatim = Nominatim(domain=self.domain, scheme=scheme, user_agent=user_agent, timeout=timeout)
        try:
            with closing(self._connect()) as conn, conn:
                conn.execute(_CACHE_SCHEMA)
        except sqlite3.Error as err:
            raise OnlineLookupError(
                f"cannot create the online cache in {self.cache_path}: {err}; is it an SQLite file?"
            ) from err

    def _connect(self) -> sqlite3.Connection:
        """Open the cache file; the caller closes the connection."""
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            return sqlite3.connect(self.cache_path, timeout=30.0)
        except (OSError, sqlite3.Error) as err:
            raise OnlineLookupError(
                f"cannot open the online cache {self.cache_path}: {err}; check that the directory is writable"
            ) from err

    def _cache_key(self, name: str, country_codes: Sequence[str]) -> str:
        """Return the cache key of a query: the service, the folded name and the country filter."""
        countries = ",".join(sorted({c.lower() for c in country_codes}))
        return f"{self.scheme}://{self.domain}/search?q={name.casefold()}&countrycodes={countries}"

    def _cached(self, key: str) -> list[dict[str, Any]] | None:
        """Return the raw answer cached for `key`, or None."""
        try:
            with closing(self._connect()) as conn:
                row = conn.execute("SELECT answer FROM online_cache WHERE query = ?", (key,)).fetchone()
        except sqlite3.Error as err:
            raise OnlineLookupError(f"cannot read the online cache {self.cache_path}: {err}") from err
        if row is None:
            return None
        try:
            answer: list[dict[str, Any]] = json.loads(row[0])
        except ValueError:
            return None  # a damaged entry is asked again and overwritten
        return answer

    def _store(self, key: str, answer: list[dict[str, Any]]) -> None:
        """Keep a raw answer in the cache."""
        fetched_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        try:
            with closing(self._connect()) as conn, conn:
                conn.execute(
                    "INSERT OR REPLACE INTO online_cache (query, answer, fetched_at) VALUES (?, ?, ?)",
                    (key, json.dumps(answer, ensure_ascii=False), fetched_at),
                )
        except sqlite3.Error as err:
            raise OnlineLookupError(f"cannot write the online cache {self.cache_path}: {err}") from err

    def _wait_turn(self) -> None:
        """Sleep until `min_delay_seconds` have passed since the previous request finished."""
        if self._last_request_at is None:
            return
        while (remaining := self._last_request_at + self.min_delay_seconds - self._clock()) > 0:
            self._sleep(remaining)

    def _fetch(self, name: str, country_codes: Sequence[str]) -> list[dict[str, Any]]:
        """Ask the service, once the throttle allows it, and return its raw records."""
        self._wait_turn()
        try:
            locations = self._nominatim.geocode(
                name,
                exactly_one=False,
                addressdetails=True,
                country_codes=list(country_codes) or None,
                timeout=self.timeout,
            )
        except GeopyError as err:
            raise OnlineLookupError(
                f"online lookup of {name!r} at {self.scheme}://{self.domain} failed ({err}); {_advice(err)}"
            ) from err
        except (TypeError, ValueError) as err:
            # geopy's own parser chokes on a record without numeric coordinates.
            raise OnlineLookupError(
                f"online lookup of {name!r} at {self.scheme}://{self.domain} got a malformed record ({err}); "
                "check that the domain points to a Nominatim server"
            ) from err
        finally:
            # Counted from the end of the request, so a slow answer does not shorten the next pause.
            self._last_request_at = self._clock()
        return [dict(location.raw) for location in locations or ()]

    def lookup(self, name: str, country_codes: Sequence[str] = ()) -> list[Place]:
        """Return the settlements a Nominatim search finds for `name`, from the cache when it has them."""
        query = " ".join(name.split())
        if not query:
            raise ValueError("cannot look up an empty name")
        if isinstance(country_codes, str):
            country_codes = (country_codes,)
        for code in country_codes:
            if not _COUNTRY_CODE.fullmatch(code):
                raise ValueError(f"country code {code!r} is not a two-letter ISO 3166-1 code such as UA")
        codes = sorted({code.lower() for code in country_codes})
        key = self._cache_key(query, codes)
        answer = self._cached(key)
        if answer is None:
            answer = self._fetch(query, codes)
            places = parse_nominatim(answer)  # parse before caching: a malformed answer is not kept
            self._store(key, answer)
            return places
        return parse_nominatim(answer)
