"""Every file of a map folder, written in one place: map.html, the GeoJSON files, events.csv, events.gpkg,
events.parquet and control.parquet, and unresolved.csv, each through a temporary file renamed into place.

One module per format (`geojson`, `tables` for CSV, `geopackage`, `parquet`), the control records they share
(`control`) and the atomic writes (`atomic`); the output folder is checked once, by `prepare_folder`.
The event records of the command-line contract (JSONL, CSV, GeoJSON on stdout) are `geo.records`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.errors import OutputError, UsageError
from geo.model import Event, UnresolvedName
from geo.records import events_csv_text
from geo.timeline import Timeline

from ..areas import AreaSettings, load_land, start_areas
from .atomic import write_text_atomic
from .control import control_feature_collection, control_periods_feature_collection
from .geojson import geojson_texts
from .geopackage import write_geopackage
from .parquet import write_parquet_files
from .tables import unresolved_csv_text

__all__ = [
    "FORMATS",
    "OutputFolder",
    "control_feature_collection",
    "control_periods_feature_collection",
    "prepare_folder",
    "write_geopackage",
    "write_map_outputs",
    "write_parquet_files",
]

FORMATS = ("geojson", "csv", "gpkg", "parquet")


@dataclass(frozen=True, slots=True)
class OutputFolder:
    """A folder proved writable by `prepare_folder`: the writers do not check it again."""

    path: Path


def prepare_folder(path: str | os.PathLike[str]) -> OutputFolder:
    """Create the output folder if needed and prove it writable, before the long run rather than after."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"-o {folder} is a file; give a directory for map.html and the exports")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output directory {folder}: {err.strerror or err}") from err
    try:
        # An anonymous temporary file: nothing is left behind, even if the run is killed here.
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        raise OutputError(f"cannot write into the output directory {folder}: {err.strerror or err}") from err
    return OutputFolder(folder)


def write_map_outputs(
    outdir: str | os.PathLike[str] | OutputFolder,
    events: Sequence[Event],
    timeline: Timeline,
    *,
    offline: bool = False,
    title: str = "Frontline",
    formats: Sequence[str] = ("geojson", "csv"),
    areas: AreaSettings | None = None,
    jobs: int | None = None,
    unresolved: Iterable[UnresolvedName] | None = None,
) -> list[Path]:
    """Write map.html and the chosen exports into `outdir`; return the paths written, in writing order.

    Estimated control areas and the front line are computed with `areas` (default settings when None)
    and go into the map, `control_areas.geojson`, `front_line.geojson` and the GeoPackage; `jobs` as
    for `estimate_areas` (None: one worker per core for a large timeline). With `unresolved`, unresolved.csv
    is written last. `outdir` is checked here unless it is an `OutputFolder` (checked before a long run).
    """
    from ..render import render_map

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"export format {unknown[0]!r} is not one of {', '.join(FORMATS)}")
    folder = (outdir if isinstance(outdir, OutputFolder) else prepare_folder(outdir)).path
    settings = areas or AreaSettings()
    land = load_land()
    # The area workers run while render_map lays out the places and states; it waits for them after that.
    run = start_areas(timeline, settings, land, jobs=jobs)
    clipped = land is not None
    try:
        page = render_map(timeline, events, offline=offline, title=title, areas=run, area_settings=settings,
                          clipped=clipped)
        estimated = run.result()
    finally:
        run.close()
    outputs: list[tuple[str, str]] = [("map.html", page)]
    if "geojson" in formats:
        outputs.extend(geojson_texts(events, timeline, estimated, settings, clipped))
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
        if "parquet" in formats:
            written.extend(write_parquet_files(folder, events, timeline, settings))
        if unresolved is not None:
            write_text_atomic(folder / "unresolved.csv", unresolved_csv_text(unresolved))
            written.append(folder / "unresolved.csv")
    except OSError as err:
        raise OutputError(f"cannot write into {folder}: {err.strerror or err}") from err
    return written
