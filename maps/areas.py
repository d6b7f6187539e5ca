"""Estimated control areas and front line per period, from the places' reported states.

Pure functions over a `Timeline`: no I/O except `load_land`, which reads the Natural Earth outline
of the npm package `world-atlas` (the offline basemap's source) when it is installed.

Method, per period (always an estimate from the reports, never a survey):

1. The active places are those whose state is UA, RU or contested and whose last report is at most
   `stale_days` before the end of the period; a stale state keeps its point on the map but grows no area.
2. A Voronoi tessellation of the active places (shapely 2 / GEOS) in an equal-area projection (Lambert
   azimuthal equal-area centred on the theatre), each cell limited to the disc of `radius_km` around its
   place and to the land of the countries that hold a reported place (Natural Earth 1:50m outlines).
3. Cells dissolved by side into UA, RU and contested areas; km2 measured in the same projection.
4. The front line: where the UA and the RU areas meet (lines); edges between contested and either side
   are kept apart, with `between` saying which pair.

Where each step lives: `maps.area_model` (settings, sides, a period's result, staleness),
`maps.area_geometry` (land, projection, cells, dissolving, fronts, km2; why one union per side suffices),
`maps.area_runs` (the periods in this process or in forked workers), `maps.area_geojson` (the exports'
features). This module keeps the names the rest of Frontline imports from it.
"""

from __future__ import annotations

from .area_geojson import areas_feature_collection, front_feature_collection
from .area_geometry import EQUAL_AREA_CRS as EQUAL_AREA_CRS
from .area_geometry import equal_area_transformers as equal_area_transformers
from .area_geometry import load_land
from .area_geometry import project as project
from .area_model import (
    AREA_SIDES,
    DEFAULT_RADIUS_KM,
    DEFAULT_STALE_DAYS,
    FRONT_PAIRS,
    AreaSettings,
    PeriodAreas,
    area_method,
    is_stale,
    last_report,
)
from .area_runs import AreaRun, estimate_areas, start_areas

__all__ = [
    "AREA_SIDES",
    "FRONT_PAIRS",
    "DEFAULT_RADIUS_KM",
    "DEFAULT_STALE_DAYS",
    "AreaSettings",
    "PeriodAreas",
    "last_report",
    "is_stale",
    "load_land",
    "estimate_areas",
    "AreaRun",
    "start_areas",
    "areas_feature_collection",
    "front_feature_collection",
    "area_method",
]
