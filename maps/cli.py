"""The `frontline map` command, added to the command line of `geo.cli` (the console script's entry point)."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import click

from geo.cli import CONTEXT, cli, exit_code, find_sources, run_sources, source_options
from geo.errors import OutputError
from geo.outputs import write_text_atomic
from geo.records import unresolved_csv_text
from geo.timeline import PERIOD_SIZES, build_timeline

from .export import FORMATS, write_map_outputs

__all__ = ["main", "map_command"]


def _check_outdir(path: Path) -> Path:
    """Create the output directory if needed and prove it writable, before the long run rather than after."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"-o {path} is a file; give a directory for map.html and the exports")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output directory {path}: {err.strerror or err}") from err
    try:
        # An anonymous temporary file: nothing is left behind, even if the run is killed here.
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        raise OutputError(f"cannot write into the output directory {path}: {err.strerror or err}") from err
    return path


@cli.command("map", context_settings=CONTEXT)
@source_options
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Directory for map.html, events.geojson, control.geojson, events.csv, unresolved.csv.",
)
@click.option(
    "--period",
    type=click.Choice([*PERIOD_SIZES, "auto"]),
    default="auto",
    show_default=True,
    help="One map layer per period of this size (auto: 4-30 layers).",
)
@click.option("--offline", is_flag=True, help="A self-contained map.html that loads nothing from the network.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Exports to write (repeat; default: geojson and csv).",
)
@click.option("--title", default="Frontline", show_default=True, help="Title shown on the map.")
def map_command(
    sources: tuple[Path, ...],
    default_date: dt.date | None,
    jobs: int | None,
    countries: tuple[str, ...],
    online: bool,
    nominatim_domain: str,
    quiet: bool,
    outdir: Path,
    period: str,
    offline: bool,
    formats: tuple[str, ...],
    title: str,
) -> None:
    """Write a layered HTML map and GIS exports of the events found in SOURCES.

    \b
    Example:
      frontline map seeds/ -o out/ --period month
    """
    files = find_sources(sources)  # a missing input fails before the output directory is created
    _check_outdir(outdir)
    result = run_sources(
        sources,
        files=files,
        default_date=default_date,
        jobs=jobs,
        countries=countries,
        online=online,
        nominatim_domain=nominatim_domain,
        quiet=quiet,
    )
    timeline = build_timeline(result.events, period)
    write_map_outputs(
        outdir, result.events, timeline, offline=offline, title=title, formats=formats or ("geojson", "csv")
    )
    write_text_atomic(outdir / "unresolved.csv", unresolved_csv_text(result.unresolved))
    click.echo(str((outdir / "map.html").resolve()))
    sys.exit(exit_code(result))


def main() -> None:
    """Run the `frontline` command line."""
    from geo.cli import main as geo_main

    geo_main()
