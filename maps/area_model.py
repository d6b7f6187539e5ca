"""What an area estimate is: the sides, the settings, one period's result, and when a state is stale."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from geo.timeline import Period

__all__ = [
    "AREA_SIDES",
    "FRONT_PAIRS",
    "DEFAULT_RADIUS_KM",
    "DEFAULT_STALE_DAYS",
    "AreaSettings",
    "PeriodAreas",
    "area_method",
    "last_report",
    "is_stale",
]

AREA_SIDES = ("UA", "RU", "contested")
FRONT_PAIRS = (("UA", "RU"), ("UA", "contested"), ("RU", "contested"))
# Chosen from bench/areas.py against DeepStateMap (README, "Estimated control areas").
DEFAULT_RADIUS_KM = 20.0
# A state not reported for half a year no longer grows an area (README, "Estimated control areas").
DEFAULT_STALE_DAYS = 183


@dataclass(frozen=True, slots=True)
class AreaSettings:
    """How the areas are estimated: the radius of each place's cell and the age at which a state is stale."""

    radius_km: float = DEFAULT_RADIUS_KM
    stale_days: int = DEFAULT_STALE_DAYS

    def __post_init__(self) -> None:
        if not (isinstance(self.radius_km, int | float) and math.isfinite(self.radius_km) and self.radius_km > 0):
            raise ValueError(f"area radius {self.radius_km!r} km: give a positive number of kilometres, e.g. 15")
        if not (isinstance(self.stale_days, int) and self.stale_days > 0):
            raise ValueError(f"stale cut-off {self.stale_days!r} days: give a positive whole number of days")


@dataclass(frozen=True, slots=True)
class PeriodAreas:
    """One period's estimated areas (lon/lat geometries), their km2, gains and losses, and the front line."""

    period: Period
    areas: dict[str, Any]  # side -> shapely (Multi)Polygon, possibly empty
    area_km2: dict[str, float]
    places: dict[str, int]  # active places per side
    stale: int  # reported places left out as stale
    fronts: dict[str, Any]  # "UA|RU" ... -> shapely (Multi)LineString, possibly empty
    front_km: float  # length of the UA|RU line
    gained_km2: dict[str, float] = field(default_factory=dict)
    lost_km2: dict[str, float] = field(default_factory=dict)
    same_as_previous: bool = False  # same sites and sides as the period before: the same areas and lines


def area_method(settings: AreaSettings, clipped: bool = True) -> str:
    """Return the one-line description of the method carried by every exported area."""
    land = "clipped to Natural Earth 1:50m land of the reporting countries" if clipped else "not clipped to land"
    return (
        f"estimate: Voronoi cells of the reported places limited to {settings.radius_km:g} km, {land}, "
        f"dissolved by side; states not reported for {settings.stale_days} days left out"
    )


def last_report(events: Sequence[Any]) -> dt.date | None:
    """Return the latest date among a state's supporting events."""
    days = [e.date for e in events if e.date]
    return max(days) if days else None


def is_stale(last: dt.date | None, period_end: dt.date | None, stale_days: int) -> bool:
    """Return whether a state last reported on `last` is stale at `period_end`."""
    if last is None or period_end is None:
        return True
    return (period_end - last).days > stale_days
