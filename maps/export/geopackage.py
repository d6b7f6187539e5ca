"""The GeoPackage (`events.gpkg`): layers events, control, control_places, control_areas and front_line."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from geo.model import Event
from geo.records import EVENT_COLUMNS, event_properties
from geo.timeline import Timeline

from ..areas import AreaSettings, PeriodAreas, areas_feature_collection, front_feature_collection
from .atomic import atomic_path
from .control import control_period_rows, control_rows

__all__ = ["write_geopackage", "GPKG_TIMESTAMP"]

# GeoPackage stamps the time of writing into gpkg_contents; a fixed stamp keeps the file reproducible.
GPKG_TIMESTAMP = "2000-01-01T00:00:00.000Z"


def _geonameid_column(values: Sequence[object]) -> list[object]:
    # GeoPackage columns have one type: keep integers when every id is a GeoNames integer, else text.
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return list(values)
    return [str(v) for v in values]


def _events_frame(events: Sequence[Event]):  # type: ignore[no-untyped-def]
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    ordered = sorted(events, key=Event.sort_key)
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

    rows = control_rows(timeline)
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

    rows = control_period_rows(timeline, stale_days)
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
