"""Options shared by the commands, and the callbacks that turn option text into values or a usage error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import click

from gazetteer.gazetteer import DEFAULT_COUNTRIES
from geo.dates import parse_date_option

__all__ = ["CONTEXT", "source_options", "stored_source_options", "ingest_options", "engine_options", "store_option",
           "parse_date", "parse_countries", "parse_near", "parse_names"]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """Return the date of `--date YYYY-MM-DD`, or None when it is not given."""
    if value is None:
        return None
    try:
        return parse_date_option(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def parse_countries(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """Return the country codes of `--countries UA,RU` (default: the gazetteer's)."""
    if not value:
        return DEFAULT_COUNTRIES
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)} is not a two-letter country code (for example UA,RU)")
    return codes


def parse_near(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[float, float] | None:
    """Return (lat, lon) of `--near LAT,LON`, checked against -90..90, -180..180."""
    if value is None:
        return None
    try:
        lat_text, lon_text = value.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not LAT,LON (for example 49.99,36.23)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise click.BadParameter(f"{value!r} is outside -90..90, -180..180 (LAT,LON, for example 49.99,36.23)")
    return lat, lon


def parse_names(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Return the place names of `geocode`; an empty or blank name is a usage error, not an unresolved name."""
    for position, name in enumerate(value, start=1):
        if not name.strip():
            raise click.BadParameter(f"name {position} is empty; give a place name (for example Kupyansk)")
    return value


def _source_option_list(sources_required: bool) -> list[Callable[[Callable], Callable]]:
    return [
        click.argument("sources", nargs=-1, required=sources_required, type=click.Path(path_type=Path)),
        click.option("--date", "default_date", callback=parse_date, metavar="YYYY-MM-DD",
                     help="Publication date for articles that carry none."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Worker processes (default: the number of cores); output does not depend on it."),
        click.option("--countries", callback=parse_countries, default=None, metavar="CC,CC",
                     help="Countries whose places are spotted in the text (default: UA,RU)."),
        click.option("--online", is_flag=True, help="Ask a Nominatim server about names the gazetteer lacks."),
        click.option("--nominatim-domain", default="nominatim.openstreetmap.org", show_default=True,
                     help="Nominatim host for --online (a self-hosted one, for example localhost:8080)."),
        click.option("--quiet", "-q", is_flag=True, help="No progress and no summary on stderr."),
    ]


def _apply(func: Callable, options: list[Callable[[Callable], Callable]]) -> Callable:
    for option in reversed(options):
        func = option(func)
    return func


def source_options(func: Callable) -> Callable:
    """Add the SOURCES argument and the options shared by the commands that read articles."""
    return _apply(func, _source_option_list(sources_required=True))


def store_option(required: bool) -> Callable[[Callable], Callable]:
    """Return the `--store FILE` option: the SQLite event store to record into or read from."""
    return click.option("--store", "store", type=click.Path(path_type=Path), required=required, metavar="FILE",
                        help="SQLite event store: articles already recorded there are not read again.")


def check_window(ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """Return the date of `--until`, checked to be on or after `--since`."""
    until = parse_date(ctx, _param, value)
    since = ctx.params.get("since")
    if until and since and until < since:
        raise click.BadParameter(f"{until.isoformat()} is before --since {since.isoformat()}")
    return until


def engine_options() -> list[Callable[[Callable], Callable]]:
    """Return the `--engine` and `--scheduler` options of the commands that detect events."""
    return [
        click.option("--engine", type=click.Choice(["local", "dask"], case_sensitive=False), default="local",
                     show_default=True,
                     help="local: --jobs processes here; dask: tasks on a dask.distributed cluster (same output)."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler (tcp://host:8786) for --engine dask; default: a local cluster of --jobs "
                          "workers."),
    ]


def ingest_options(func: Callable) -> Callable:
    """Add the options of `ingest`: those of the commands that read articles, --store (required), the engine."""
    return _apply(func, [*_source_option_list(sources_required=True), store_option(required=True),
                         *engine_options()])


def stored_source_options(func: Callable) -> Callable:
    """Add the options of the commands that read articles or an event store: SOURCES optional with --store,
    the time window and the engine."""
    return _apply(func, [
        *_source_option_list(sources_required=False),
        store_option(required=False),
        click.option("--since", callback=parse_date, metavar="YYYY-MM-DD", is_eager=True,
                     help="Only events dated on or after this day (undated events are left out)."),
        click.option("--until", callback=check_window, metavar="YYYY-MM-DD",
                     help="Only events dated on or before this day (undated events are left out)."),
        *engine_options(),
    ])
