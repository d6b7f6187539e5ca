"""GeoJSON, CSV and GeoPackage exports of events and control states, and the writer of all map outputs.

The builders are pure (values in, plain data or text out); only the `write_*` functions touch files.
Output is deterministic: events in `Event.sort_key` order, places in `Place.key` order, periods in time order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
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

from .areas import (
    AreaSettings,
    PeriodAreas,
    areas_feature_collection,
    estimate_areas,
    front_feature_collection,
    is_stale,
    last_report,
    load_land,
)

__all__ = [
    "EVENT_COLUMNS",
    "FORMATS",
    "event_properties",
    "events_feature_collection",
    "control_feature_collection",
    "control_periods_feature_collection",
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


def _control_period_rows(timeline: Timeline, stale_days: int) -> list[tuple[object, dict[str, object]]]:
    """Return (place, record) per place and run of periods with the same state, in place then time order.

    A run ends where the side, the claim, the last report or staleness changes; it lasts until the day
    before the next run's period starts (a state holds through periods without reports), so QGIS's
    Temporal Controller shows each place at every date from its first report on.
    """
    runs: dict[str, list[dict[str, object]]] = {}
    places: dict[str, object] = {}
    keys: dict[int, str] = {}
    for period in timeline.periods:
        for state in timeline.states.get(period.label, ()):
            key = keys.get(id(state.place))
            if key is None:
                key = keys[id(state.place)] = state.place.key
            places.setdefault(key, state.place)
            last = last_report(state.events)
            stale = is_stale(last, period.end, stale_days)
            signature = (state.side, state.since, state.claimed, last, stale)
            place_runs = runs.setdefault(key, [])
            if place_runs and place_runs[-1]["_signature"] == signature:
                place_runs[-1]["period_last"] = period.label
                place_runs[-1]["_end"] = period.end
                place_runs[-1]["changed"] = bool(place_runs[-1]["changed"]) or state.changed
                continue
            if place_runs:
                place_runs[-1]["period_end"] = (period.start - dt.timedelta(days=1)).isoformat()
            place_runs.append(
                {
                    "_signature": signature,
                    "_end": period.end,
                    "period": period.label,
                    "period_last": period.label,
                    "period_start": period.start.isoformat(),
                    "period_end": None,
                    "side": state.side,
                    "since": state.since.isoformat() if state.since else None,
                    "last_report": last.isoformat() if last else None,
                    "claimed": state.claimed,
                    "changed": state.changed,
                    "stale": stale,
                    "reports": len(state.events),
                }
            )
    rows: list[tuple[object, dict[str, object]]] = []
    for key in sorted(runs):
        place = places[key]
        for run in _split_at_cutoff(runs[key], stale_days):
            record = {
                "geonameid": place.geonameid,  # type: ignore[attr-defined]
                "name": place.name,  # type: ignore[attr-defined]
                "country": place.country,  # type: ignore[attr-defined]
                "admin1": place.admin1,  # type: ignore[attr-defined]
                **run,
            }
            rows.append((place, record))
    return rows


def _split_at_cutoff(runs: list[dict[str, object]], stale_days: int) -> list[dict[str, object]]:
    """Close each run's open end, and cut a fresh run where it turns stale between reports (a long gap)."""
    out: list[dict[str, object]] = []
    for run in runs:
        end = run.pop("_end")
        run.pop("_signature")
        if run["period_end"] is None:
            run["period_end"] = end.isoformat()  # type: ignore[attr-defined]
        last = run["last_report"]
        if not run["stale"] and last:
            cutoff = dt.date.fromisoformat(str(last)) + dt.timedelta(days=stale_days)
            if cutoff.isoformat() < str(run["period_end"]):
                start = (cutoff + dt.timedelta(days=1)).isoformat()
                stale_part = {**run, "stale": True, "changed": False, "period_start": start}
                run["period_end"] = cutoff.isoformat()
                out.append(run)
                run = stale_part
        previous = out[-1] if out else None
        same = ("side", "since", "claimed", "last_report", "stale")
        if previous is not None and all(previous[k] == run[k] for k in same) and not run["changed"]:
            previous["period_end"] = run["period_end"]
            previous["period_last"] = run["period_last"]
            continue
        out.append(run)
    return out


def control_periods_feature_collection(timeline: Timeline, stale_days: int | None = None) -> dict[str, object]:
    """Return one point per place and run of periods with an unchanged state: period_start/end, side, since ..."""
    days = stale_days if stale_days is not None else AreaSettings().stale_days
    features = [
        {"type": "Feature", "geometry": point_geometry(place.lat, place.lon), "properties": record}  # type: ignore[attr-defined]
        for place, record in _control_period_rows(timeline, days)
    ]
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


def _control_periods_frame(timeline: Timeline, stale_days: int):  # type: ignore[no-untyped-def]
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    rows = _control_period_rows(timeline, stale_days)
    columns = [
        "geonameid", "name", "country", "admin1", "period", "period_last", "period_start", "period_end", "side",
        "since", "last_report", "claimed", "changed", "stale", "reports",
    ]
    data: dict[str, list[object]] = {c: [r[c] for _, r in rows] for c in columns}
    data["geonameid"] = _geonameid_column(data["geonameid"])
    frame = pd.DataFrame(data, columns=columns)
    for column in ("claimed", "changed", "stale"):
        frame[column] = frame[column].astype("bool")
    frame["reports"] = frame["reports"].astype("int64")
    geometry = [Point(round(p.lon, 5), round(p.lat, 5)) for p, _ in rows]  # type: ignore[attr-defined]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def _collection_frame(collection: dict[str, object], columns: list[str]):  # type: ignore[no-untyped-def]
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import shape

    features: list[dict] = collection["features"]  # type: ignore[assignment]
    data = {c: [f["properties"][c] for f in features] for c in columns}
    geometry = [shape(f["geometry"]) for f in features]
    return gpd.GeoDataFrame(pd.DataFrame(data, columns=columns), geometry=geometry, crs="EPSG:4326")


def write_geopackage(
    events: Sequence[Event],
    timeline: Timeline,
    path: str | os.PathLike[str],
    *,
    areas: Sequence[PeriodAreas] | None = None,
    settings: AreaSettings | None = None,
    clipped: bool = True,
) -> Path:
    """Write layers events, control (per place and period), control_places and, with `areas`, control_areas
    and front_line to a GeoPackage, through a temporary file renamed into place."""
    import pyogrio

    settings = settings or AreaSettings()
    layers = [
        ("events", _events_frame(events), "Point"),
        ("control", _control_periods_frame(timeline, settings.stale_days), "Point"),
        ("control_places", _control_frame(timeline), "Point"),
    ]
    if areas is not None:
        area_columns = [
            "period", "period_start", "period_end", "side", "area_km2", "gained_km2", "lost_km2", "places",
            "stale_places", "method",
        ]
        front_columns = ["period", "period_start", "period_end", "between", "length_km", "method"]
        layers.append(
            ("control_areas", _collection_frame(areas_feature_collection(areas, settings, clipped), area_columns),
             "MultiPolygon")
        )
        layers.append(
            ("front_line", _collection_frame(front_feature_collection(areas, settings, clipped), front_columns),
             "MultiLineString")
        )
    target = Path(path)
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
    try:
        with atomic_path(target) as tmp:
            gpkg = tmp.with_suffix(".gpkg")  # GDAL picks the driver's rules from the extension
            try:
                for layer, frame, geometry_type in layers:
                    pyogrio.write_dataframe(
                        frame, gpkg, layer=layer, driver="GPKG", geometry_type=geometry_type,
                        promote_to_multi=geometry_type != "Point",
                    )
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
    areas: AreaSettings | None = None,
    jobs: int | None = None,
) -> list[Path]:
    """Write map.html and the chosen exports into `outdir`; return the paths written, in writing order.

    Estimated control areas and the front line are computed with `areas` (default settings when None)
    and go into the map, `control_areas.geojson`, `front_line.geojson` and the GeoPackage; `jobs` as
    for `estimate_areas` (None: one worker per core for a large timeline).
    """
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
    settings = areas or AreaSettings()
    land = load_land()
    estimated = estimate_areas(timeline, settings, land, jobs=jobs)
    clipped = land is not None
    page = render_map(timeline, events, offline=offline, title=title, areas=estimated, area_settings=settings,
                      clipped=clipped)
    outputs: list[tuple[str, str]] = [("map.html", page)]
    if "geojson" in formats:
        outputs.append(("events.geojson", dumps_geojson(events_feature_collection(events))))
        outputs.append(
            ("control.geojson", dumps_geojson(control_periods_feature_collection(timeline, settings.stale_days)))
        )
        outputs.append(("control_places.geojson", dumps_geojson(control_feature_collection(timeline))))
        outputs.append(
            ("control_areas.geojson", dumps_geojson(areas_feature_collection(estimated, settings, clipped)))
        )
        outputs.append(("front_line.geojson", dumps_geojson(front_feature_collection(estimated, settings, clipped))))
    if "csv" in formats:
        outputs.append(("events.csv", events_csv_text(events)))
    written: list[Path] = []
    try:
        for name, text in outputs:
            write_text_atomic(folder / name, text)
            written.append(folder / name)
        if "gpkg" in formats:
            written.append(
                write_geopackage(
                    events, timeline, folder / "events.gpkg", areas=estimated, settings=settings, clipped=clipped
                )
            )
    except OSError as err:
        raise OutputError(f"cannot write into {folder}: {err.strerror or err}") from err
    return written
