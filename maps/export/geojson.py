"""The GeoJSON files of a map folder: events, control per period run, control per place, areas, front line."""

from __future__ import annotations

from collections.abc import Sequence

from geo.model import Event
from geo.records import dumps_geojson, events_feature_collection
from geo.timeline import Timeline

from ..areas import AreaSettings, PeriodAreas, areas_feature_collection, front_feature_collection
from .control import control_feature_collection, control_periods_feature_collection

__all__ = ["geojson_texts"]


def geojson_texts(events: Sequence[Event], timeline: Timeline, areas: Sequence[PeriodAreas], settings: AreaSettings,
                  clipped: bool) -> list[tuple[str, str]]:
    """Return (file name, text) of each GeoJSON file, in writing order."""
    return [
        ("events.geojson", dumps_geojson(events_feature_collection(events))),
        ("control.geojson", dumps_geojson(control_periods_feature_collection(timeline, settings.stale_days))),
        ("control_places.geojson", dumps_geojson(control_feature_collection(timeline))),
        ("control_areas.geojson", dumps_geojson(areas_feature_collection(areas, settings, clipped))),
        ("front_line.geojson", dumps_geojson(front_feature_collection(areas, settings, clipped))),
    ]
