"""The estimated areas and front lines as GeoJSON: one feature per period and side, or pair of sides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .area_geometry import equal_area_transformers, project
from .area_model import AREA_SIDES, AreaSettings, PeriodAreas, area_method

__all__ = ["areas_feature_collection", "front_feature_collection"]


def _geometry(geom: Any, grid: float) -> dict[str, object]:
    import shapely
    from shapely.geometry import mapping

    if geom.is_empty:
        return mapping(geom)
    rounded = shapely.set_precision(geom, grid)
    rounded = shapely.force_2d(rounded)
    if rounded.geom_type in ("Polygon", "MultiPolygon"):
        rounded = shapely.orient_polygons(rounded, exterior_cw=False)  # RFC 7946: exteriors counterclockwise
    return mapping(rounded)


def areas_feature_collection(
    results: Sequence[PeriodAreas], settings: AreaSettings, clipped: bool = True, grid: float = 1e-5
) -> dict[str, object]:
    """Return one feature per period and side with area: period, side, area_km2, places, gains, method."""
    method = area_method(settings, clipped)
    features = []
    for result in results:
        for side in AREA_SIDES:
            geom = result.areas[side]
            if geom.is_empty:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry(geom, grid),
                    "properties": {
                        **_period_properties(result),
                        "side": side,
                        "area_km2": result.area_km2[side],
                        "gained_km2": result.gained_km2.get(side, 0.0),
                        "lost_km2": result.lost_km2.get(side, 0.0),
                        "places": result.places[side],
                        "stale_places": result.stale,
                        "method": method,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _period_properties(result: PeriodAreas) -> dict[str, str]:
    """Return the period columns every area and front feature carries (label, start, end)."""
    return {"period": result.period.label, "period_start": result.period.start.isoformat(),
            "period_end": result.period.end.isoformat()}


def front_feature_collection(
    results: Sequence[PeriodAreas], settings: AreaSettings, clipped: bool = True, grid: float = 1e-5
) -> dict[str, object]:
    """Return one feature per period and pair of sides whose areas meet: period, between, length_km, method."""
    import shapely

    method = area_method(settings, clipped)
    forward, _ = equal_area_transformers()
    features = []
    for result in results:
        for pair, geom in result.fronts.items():
            if geom.is_empty:
                continue
            length = result.front_km
            if pair != "UA|RU":
                length = round(float(shapely.length(project(forward, geom))) / 1000, 1)
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry(geom, grid),
                    "properties": {
                        **_period_properties(result),
                        "between": pair,
                        "length_km": length,
                        "method": method,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}
