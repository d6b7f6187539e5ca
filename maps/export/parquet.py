"""GeoParquet (`--format parquet`): the events and the control states per place and period, for data tools.

The same columns as the GeoPackage's `events` and `control` layers, one file each, WGS84 points, written by
geopandas (GeoParquet metadata included) through a temporary file renamed into place.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

from geo.model import Event
from geo.timeline import Timeline

from ..areas import AreaSettings
from .atomic import write_bytes_atomic
from .geopackage import _control_periods_frame, _events_frame

__all__ = ["PARQUET_FILES", "events_parquet_bytes", "control_parquet_bytes", "write_parquet_files"]

PARQUET_FILES = ("events.parquet", "control.parquet")


def _parquet_bytes(frame) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def events_parquet_bytes(events: Sequence[Event]) -> bytes:
    """Return the events as a GeoParquet file: one Point row per event, in `Event.sort_key` order."""
    return _parquet_bytes(_events_frame(events))


def control_parquet_bytes(timeline: Timeline, stale_days: int) -> bytes:
    """Return the control states as a GeoParquet file: one Point row per place and run of unchanged periods."""
    return _parquet_bytes(_control_periods_frame(timeline, stale_days))


def write_parquet_files(folder: str | os.PathLike[str], events: Sequence[Event], timeline: Timeline,
                        settings: AreaSettings | None = None) -> list[Path]:
    """Write events.parquet and control.parquet into `folder`; return their paths."""
    settings = settings or AreaSettings()
    target = Path(folder)
    # Both built before either is written: a failure leaves neither half-made nor one stale beside a new one.
    contents = [events_parquet_bytes(events), control_parquet_bytes(timeline, settings.stale_days)]
    written = []
    for name, data in zip(PARQUET_FILES, contents, strict=True):
        write_bytes_atomic(target / name, data)
        written.append(target / name)
    return written
