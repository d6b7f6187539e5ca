"""GeoJSON, CSV and GeoPackage exports of events and control states, and the writer of all map outputs.

The builders are pure (values in, plain data or text out); only the `write_*` functions touch files.
Output is deterministic: events in `Event.sort_key` order, places in `Place.key` order, periods in time order.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from geo.errors import OutputError, UsageError
from geo.model import Event
from geo.outputs import atomic_path, write_text_atomic
from geo.records import (
    EVENT_COLUMNS,
    dumps_geojson,
    event_properties,
    events_csv_text,
    events_feature_collection,
    point_geometry,
)
from geo.timeline import Timeline

__all__ = [
    "EVENT_COLUMNS",
    "FORMATS",
    "event_properties",
    "events_feature_collection",
    "control_feature_collection",
    "events_csv_text",
    "dumps_geojson",
    "write_geopackage",
    "write_map_outputs",
]

FORMATS = ("geojson", "csv", "gpkg")
# GeoPackage stamps the time of writing into gpkg_contents; a fixed stamp keeps the file reproducible.
GPKG_TIMESTAMP = "2000-01-01T00:00:00.000Z"


def _sorted_events(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=Event.sort_key)


def _control_rows(timeline: Timeline) -> list[dict[str, object]]:
    """Return one plain record per place: identity, per-period states, latest state and source count."""
    states: dict[str, dict[str, dict[str, object]]] = {place.key: {} for place in timeline.places}
    latest: dict[str, tuple[str, str]] = {}
    articles: dict[str, set[str]] = {place.key: set() for place in timeline.places}
    for period in timeline.periods:
        for state in timeline.states.get(period.label, ()):
            key = state.place.key
            states.setdefault(key, {})[period.label] = {
                "side": state.side,
                "since": state.since.isoformat() if state.since else None,
                "claimed": state.claimed,
                "changed": state.changed,
            }
            latest[key] = (state.side, period.label)
            articles.setdefault(key, set()).update(e.article_id for e in state.events)
    for event in timeline.undated:
        articles.setdefault(event.place.key, set()).add(event.article_id)
    rows: list[dict[str, object]] = []
    for place in sorted(timeline.places, key=lambda p: p.key):
        side, latest_period = latest.get(place.key, (None, None))
        rows.append(
            {
                "place": place,
                "geonameid": place.geonameid,
                "name": place.name,
                "country": place.country,
                "states": states.get(place.key, {}),
                "latest_side": side,
                "latest_period": latest_period,
                "sources": len(articles.get(place.key, ())),
            }
        )
    return rows


def control_feature_collection(timeline: Timeline) -> dict[str, object]:
    """Return one feature per place; its geometry once, its state per period as a property mapping."""
    features = []
    for row in _control_rows(timeline):
        place = row.pop("place")
        features.append({"type": "Feature", "geometry": point_geometry(place.lat, place.lon), "properties": row})  # type: ignore[attr-defined]
    return {"type": "FeatureCollection", "features": features}


def _geonameid_column(values: Sequence[object]) -> list[object]:
    # GeoPackage columns have one type: keep integers when every id is a GeoNames integer, else text.
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return list(values)
    return [str(v) for v in values]


def _events_frame(events: Sequence[Event]):  # type: ignore[no-untyped-def]
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    ordered = _sorted_events(events)
    props = [event_properties(e) for e in ordered]
    columns = [c for c in EVENT_COLUMNS if c not in ("lat", "lon")] + ["title", "published"]
    data = {c: [p[c] for p in props] for c in columns}
    data["geonameid"] = _geonameid_column(data["geonameid"])
    frame = pd.DataFrame(data, columns=columns)
    frame["confidence"] = frame["confidence"].astype("float64")
    frame["claimed"] = frame["claimed"].astype("bool")
    geometry = [Point(round(e.place.lon, 5), round(e.place.lat, 5)) for e in ordered]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def _control_frame(timeline: Timeline):  # type: ignore[no-untyped-def]
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    rows = _control_rows(timeline)
    columns = ["geonameid", "name", "country", "latest_side", "latest_period", "sources", "states"]
    data: dict[str, list[object]] = {c: [] for c in columns}
    geometry = []
    for row in rows:
        place = row["place"]
        for column in columns:
            value = row[column]
            # GeoPackage has no nested type: the per-period mapping is stored as JSON text.
            data[column].append(json.dumps(value, sort_keys=True) if column == "states" else value)
        geometry.append(Point(round(place.lon, 5), round(place.lat, 5)))  # type: ignore[attr-defined]
    data["geonameid"] = _geonameid_column(data["geonameid"])
    frame = pd.DataFrame(data, columns=columns)
    frame["sources"] = frame["sources"].astype("int64")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def write_geopackage(events: Sequence[Event], timeline: Timeline, path: str | os.PathLike[str]) -> Path:
    """Write layers `events` and `control` to a GeoPackage, through a temporary file renamed into place."""
    import pyogrio

    target = Path(path)
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
    try:
        with atomic_path(target) as tmp:
            gpkg = tmp.with_suffix(".gpkg")  # GDAL picks the driver's rules from the extension
            try:
                for layer, frame in (("events", _events_frame(events)), ("control", _control_frame(timeline))):
                    pyogrio.write_dataframe(frame, gpkg, layer=layer, driver="GPKG", geometry_type="Point")
                os.replace(gpkg, tmp)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    gpkg.unlink()
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    return target


def write_map_outputs(
    outdir: str | os.PathLike[str],
    events: Sequence[Event],
    timeline: Timeline,
    *,
    offline: bool = False,
    title: str = "Frontline",
    formats: Sequence[str] = ("geojson", "csv"),
) -> list[Path]:
    """Write map.html and the chosen exports into `outdir`; return the paths written, in writing order."""
    from .render import render_map

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"export format {unknown[0]!r} is not one of {', '.join(FORMATS)}")
    folder = Path(outdir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {folder}: {err.strerror or err}") from err
    if not folder.is_dir():
        raise OutputError(f"the output path {folder} is not a folder")
    outputs: list[tuple[str, str]] = [("map.html", render_map(timeline, events, offline=offline, title=title))]
    if "geojson" in formats:
        outputs.append(("events.geojson", dumps_geojson(events_feature_collection(events))))
        outputs.append(("control.geojson", dumps_geojson(control_feature_collection(timeline))))
    if "csv" in formats:
        outputs.append(("events.csv", events_csv_text(events)))
    written: list[Path] = []
    try:
        for name, text in outputs:
            write_text_atomic(folder / name, text)
            written.append(folder / name)
        if "gpkg" in formats:
            written.append(write_geopackage(events, timeline, folder / "events.gpkg"))
    except OSError as err:
        raise OutputError(f"cannot write into {folder}: {err.strerror or err}") from err
    return written
