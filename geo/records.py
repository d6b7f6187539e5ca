"""Event records in the formats of the command-line contract: JSONL, CSV and GeoJSON (RFC 7946).

Pure functions: events in, text or plain data out; deterministic (events in `Event.sort_key` order).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import cast

from .model import Event

__all__ = [
    "EVENT_COLUMNS",
    "event_properties",
    "events_feature_collection",
    "events_csv_text",
    "events_jsonl_lines",
    "dumps_geojson",
    "point_geometry",
    "inert_text",
]

# The JSONL contract's keys, in its order (see DESIGN.md); CSV columns follow it exactly.
EVENT_COLUMNS = (
    "article",
    "place",
    "name",
    "geonameid",
    "lat",
    "lon",
    "precision",
    "country",
    "kind",
    "side",
    "date",
    "date_precision",
    "claimed",
    "confidence",
    "sentence",
    "outlet",
    "url",
)
def _sorted_events(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=Event.sort_key)


def event_properties(event: Event) -> dict[str, object]:
    """Return the GeoJSON properties of an event: its JSONL record, plus title and published."""
    props = event.to_record()
    props["title"] = event.title
    props["published"] = event.published.isoformat() if event.published else None
    return props


def point_geometry(lat: float, lon: float) -> dict[str, object]:
    # The one place where folium's (lat, lon) becomes GeoJSON's [lon, lat].
    return {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}


def events_feature_collection(events: Iterable[Event]) -> dict[str, object]:
    """Return an RFC 7946 FeatureCollection with one Point feature per event."""
    features = [
        {
            "type": "Feature",
            "geometry": point_geometry(event.place.lat, event.place.lon),
            "properties": event_properties(event),
        }
        for event in _sorted_events(events)
    ]
    return {"type": "FeatureCollection", "features": features}


# A spreadsheet runs a cell that starts with one of these as a formula: article text is untrusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return inert_text(value)
    return str(value)


def inert_text(text: str) -> str:
    """Return text that a spreadsheet shows rather than evaluates (OWASP: prefix a quote)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def events_csv_text(events: Iterable[Event]) -> str:
    """Return the events as CSV text: a header row, then one row per event, RFC 4180 quoting and CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EVENT_COLUMNS)
    for event in _sorted_events(events):
        record = event.to_record()
        writer.writerow([_csv_cell(record[column]) for column in EVENT_COLUMNS])
    return buffer.getvalue()


def dumps_geojson(collection: dict[str, object]) -> str:
    """Serialise a FeatureCollection as compact UTF-8 JSON text with one feature per line, for readable diffs."""
    features = cast(list, collection.get("features", []))
    head = {key: value for key, value in collection.items() if key != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"), sort_keys=True) for f in features]
    opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"), sort_keys=True)[:-1]
    body = ",\n".join(lines)
    return f'{opening},"features":[\n{body}\n]}}\n' if lines else f'{opening},"features":[]}}\n'


def events_jsonl_lines(events: Iterable[Event]) -> Iterable[str]:
    """Yield one JSON line per event, with the keys of the JSONL contract."""
    for event in _sorted_events(events):
        yield json.dumps(event.to_record(), ensure_ascii=False) + "\n"
