"""The `frontline` command line: a thin layer that parses options and calls the library.

stdout carries data (JSONL, CSV, GeoJSON); messages, progress and the summary go to stderr.
Exit codes: 0 all inputs processed; 1 finished but some inputs skipped; 2 usage error or nothing processed.
The `map` command is added by `maps.cli`, so that this package never imports `maps`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click

from gazetteer.errors import GazetteerError
from gazetteer.gazetteer import DEFAULT_COUNTRIES, Gazetteer
from gazetteer.index import NameIndex, default_cache_dir, imported_sources, register_imports

from .articles import find_article_files
from .dates import parse_date_option
from .errors import FrontlineError
from .evaluate import load_gold, score_events
from .pipeline import RunResult, default_jobs, run_pipeline
from .records import dumps_geojson, events_csv_text, events_feature_collection, events_jsonl_lines

__all__ = [
    "main",
    "cli",
    "source_options",
    "find_sources",
    "open_gazetteer",
    "run_sources",
    "exit_code",
    "fail",
    "error_line",
    "Interrupted",
    "FrontlineGroup",
]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# Skipped inputs named in the closing summary; the warnings above it name every one.
SUMMARY_SKIPPED = 10


def error_line(message: object) -> str:
    """Return `message` as one `Error: ...` line (a message with newlines would read as several errors)."""
    return "Error: " + " ".join(str(message).split())


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error line on stderr and exit with `code`."""
    click.echo(error_line(message), err=True)
    sys.exit(code)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; a BaseException so that no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# click >= 8.2 raises this when a group is run without a command; older versions print help themselves.
_NO_ARGS_IS_HELP: tuple[type[click.UsageError], ...] = tuple(
    getattr(click.exceptions, name) for name in ("NoArgsIsHelpError",) if hasattr(click.exceptions, name)
)


class FrontlineGroup(click.Group):
    """A click group whose failures are one `Error:` line on stderr with the contract's exit code, no traceback.

    It wraps `main`, so the console script and `CliRunner` behave the same.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; in standalone mode turn every failure into one line and an exit code."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _NO_ARGS_IS_HELP as err:
            err.show()  # `frontline` or `frontline gazetteer` alone: the help, as click gives it (exit 2)
            sys.exit(err.exit_code)
        except click.UsageError as err:
            # click prints usage and a hint on three more lines: one line keeps stderr greppable.
            where = err.ctx.command_path if err.ctx else (prog_name or "frontline")
            message = err.format_message().rstrip(".")
            fail(f"{message}{'' if message.endswith('?') else '.'} See '{where} --help'.", err.exit_code)
        except click.ClickException as err:
            fail(err.format_message(), 2)
        except (click.exceptions.Abort, KeyboardInterrupt):
            fail("interrupted", 128 + signal.SIGINT)
        except Interrupted as err:
            fail(f"interrupted by {err}", 128 + err.signum)
        except (FrontlineError, GazetteerError) as err:
            fail(str(err), 2)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(0)
        except sqlite3.DatabaseError as err:
            fail(f"the gazetteer index cannot be read ({err}); rebuild it with 'frontline gazetteer build'", 2)
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            fail(f"{where}{err.strerror or err}", 2)
        except Exception as err:  # a bug: still one line, with the way to get the traceback
            if os.environ.get("FRONTLINE_DEBUG"):
                raise
            fail(f"internal error ({type(err).__name__}: {err}); run with FRONTLINE_DEBUG=1 for the traceback", 2)
        sys.exit(0)


def _silence_stdout() -> None:
    # The reader of a pipe went away (`| head`): point stdout at /dev/null so that the flush at exit
    # does not print "Exception ignored ... BrokenPipeError".
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date_option(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _parse_countries(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...]:
    if not value:
        return DEFAULT_COUNTRIES
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)} is not a two-letter country code (for example UA,RU)")
    return codes


def _parse_near(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[float, float] | None:
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


def source_options(func: Callable) -> Callable:
    """Add the options shared by the commands that read articles."""
    options: list[Callable[[Callable], Callable]] = [
        click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path)),
        click.option("--date", "default_date", callback=_parse_date, metavar="YYYY-MM-DD",
                     help="Publication date for articles that carry none."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Worker processes (default: the number of cores); output does not depend on it."),
        click.option("--countries", callback=_parse_countries, default=None, metavar="CC,CC",
                     help="Countries whose places are spotted in the text (default: UA,RU)."),
        click.option("--online", is_flag=True, help="Ask a Nominatim server about names the gazetteer lacks."),
        click.option("--nominatim-domain", default="nominatim.openstreetmap.org", show_default=True,
                     help="Nominatim host for --online (a self-hosted one, for example localhost:8080)."),
        click.option("--quiet", "-q", is_flag=True, help="No progress and no summary on stderr."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def find_sources(sources: Sequence[Path]) -> list[Path]:
    """Return the article files of `sources`; raise InputError now, before any slow work, if one is unusable."""
    return find_article_files(sources)


def open_gazetteer(countries: Sequence[str] = DEFAULT_COUNTRIES, *, quiet: bool = False, online: bool = False,
                   nominatim_domain: str = "nominatim.openstreetmap.org") -> Gazetteer:
    """Open the gazetteer of the user's cache, building it with a progress message when needed."""
    def progress(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    gazetteer = Gazetteer.open(countries=countries, progress=progress)
    if online:
        from gazetteer.online import OnlineGeocoder

        scheme = "http" if nominatim_domain.startswith(("localhost", "127.")) else "https"
        gazetteer.online = OnlineGeocoder(gazetteer.index.path, domain=nominatim_domain, scheme=scheme)
    return gazetteer


def run_sources(sources: Sequence[Path], *, default_date: dt.date | None, jobs: int | None,
                countries: Sequence[str], online: bool, nominatim_domain: str, quiet: bool,
                files: Sequence[Path] | None = None) -> RunResult:
    """Run the pipeline over `sources` with progress on a terminal and warnings on stderr.

    `files` is the result of `find_sources(sources)` when the caller has checked them already. Exits with
    code 2 and one error line when no article at all could be read.
    """
    files = list(files) if files is not None else find_sources(sources)
    gazetteer = open_gazetteer(countries, quiet=quiet, online=online, nominatim_domain=nominatim_domain)
    show_progress = not quiet and sys.stderr.isatty()

    def progress(done: int) -> None:
        if show_progress and (done % 50 == 0 or done < 50):
            click.echo(f"\rfrontline: {done:,} articles", err=True, nl=False)

    def warn(message: str) -> None:
        if not quiet:
            click.echo(f"Warning: {message}", err=True)

    result = run_pipeline(files, gazetteer, default_date=default_date, jobs=jobs or default_jobs(),
                          progress=progress, warn=warn)
    if show_progress:
        click.echo("", err=True)
    for message in gazetteer.online_errors[:5]:
        warn(f"online lookup failed for {message}")
    if not quiet:
        click.echo(f"frontline: {result.summary()}", err=True)
        skipped = [where for where, _reason in result.stats.skipped]
        if skipped:
            more = f" and {len(skipped) - SUMMARY_SKIPPED} more" if len(skipped) > SUMMARY_SKIPPED else ""
            click.echo(f"frontline: skipped {', '.join(skipped[:SUMMARY_SKIPPED])}{more}", err=True)
    if result.stats.articles == 0:
        fail(f"none of the {len(files)} input file(s) held a readable article (see the warnings above)", 2)
    return result


def exit_code(result: RunResult) -> int:
    """Return 0 when everything was read, 1 when some inputs were skipped, 2 when nothing was read."""
    if result.stats.articles == 0:
        return 2
    return 1 if result.stats.skipped else 0


@click.group(cls=FrontlineGroup, context_settings=CONTEXT)
@click.version_option(package_name="frontline")
def cli() -> None:
    """Map who holds which town, and when, from news articles.

    \b
    Example:
      frontline map seeds/ -o out/
    """


@cli.command("events", context_settings=CONTEXT)
@source_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson"]), default="jsonl", show_default=True)
def events_command(sources: tuple[Path, ...], default_date: dt.date | None, jobs: int | None,
                   countries: tuple[str, ...], online: bool, nominatim_domain: str, quiet: bool, fmt: str) -> None:
    """Print the control-change events found in SOURCES (files or directories) on stdout.

    \b
    Example:
      frontline events seeds/ --format jsonl > events.jsonl
    """
    result = run_sources(sources, default_date=default_date, jobs=jobs, countries=countries, online=online,
                         nominatim_domain=nominatim_domain, quiet=quiet)
    out = sys.stdout
    try:
        if fmt == "jsonl":
            for line in events_jsonl_lines(result.events):
                out.write(line)
        elif fmt == "csv":
            out.write(events_csv_text(result.events))
        else:
            out.write(dumps_geojson(events_feature_collection(result.events)))
        out.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): the run itself went as the exit code says.
        _silence_stdout()
    sys.exit(exit_code(result))


@cli.command("geocode", context_settings=CONTEXT)
@click.argument("names", nargs=-1, required=True)
@click.option("--country", "countries", multiple=True, metavar="CC", help="Prefer places in this country (repeat).")
@click.option("--near", callback=_parse_near, metavar="LAT,LON", help="Prefer places near this point.")
@click.option("--context", "context_text", default="", metavar="TEXT",
              help='Text around the name: region and distance cues ("74 km southeast of Kharkiv").')
@click.option("--json", "as_json", is_flag=True, help="One JSON line per name.")
@click.option("--online", is_flag=True, help="Ask a Nominatim server when the gazetteer has no such name.")
@click.option("--nominatim-domain", default="nominatim.openstreetmap.org", show_default=True)
def geocode_command(names: tuple[str, ...], countries: tuple[str, ...], near: tuple[float, float] | None,
                    context_text: str, as_json: bool, online: bool, nominatim_domain: str) -> None:
    """Resolve place NAMES: the best match and the ranked candidates; unknown names are reported as such.

    \b
    Example:
      frontline geocode Kupyansk Grakove "Lyman" --context "Donetsk region" --json
    """
    codes = tuple(c.upper() for c in countries)
    for code in codes:
        if len(code) != 2 or not code.isalpha():
            raise click.BadParameter(f"{code!r} is not a two-letter country code (for example UA)",
                                     param_hint="--country")
    gazetteer = open_gazetteer(online=online, nominatim_domain=nominatim_domain)
    cues = gazetteer.cues_from_text(context_text) if context_text else gazetteer.default_cues()
    if codes or near:
        cues = replace(cues, countries=codes or cues.countries, near=near)
    unresolved = 0
    for name in names:
        result = gazetteer.resolve(name, cues)
        unresolved += result.status != "resolved"
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        elif result.best is None:
            click.echo(f"{name}: unresolved")
        else:
            b = result.best
            click.echo(f"{name}: {result.status} -> {b.name} ({b.country} {b.admin1}) {b.lat:.4f},{b.lon:.4f} "
                       f"geonameid={b.geonameid} population={b.population}")
            for place, score in result.candidates[1:5]:
                click.echo(f"    also {place.name} ({place.country} {place.admin1}) {place.lat:.4f},{place.lon:.4f} "
                           f"score={score:.2f}")
    for message in gazetteer.online_errors:
        click.echo(f"Warning: online lookup failed for {message}", err=True)


@cli.group("gazetteer", context_settings=CONTEXT)
def gazetteer_group() -> None:
    """Build, inspect and extend the offline gazetteer (GeoNames, CC BY 4.0).

    \b
    Example:
      frontline gazetteer info
    """


@gazetteer_group.command("build", context_settings=CONTEXT)
def gazetteer_build() -> None:
    """Build (or rebuild) the SQLite index in the cache directory.

    \b
    Example:
      frontline gazetteer build
    """
    directory = default_cache_dir()
    index = NameIndex.open(directory, rebuild=True, progress=lambda m: click.echo(m, err=True))
    click.echo(str(index.path))


@gazetteer_group.command("info", context_settings=CONTEXT)
def gazetteer_info() -> None:
    """Print the index's sources, counts and build date.

    \b
    Example:
      frontline gazetteer info
    """
    index = NameIndex.open(default_cache_dir(), progress=lambda m: click.echo(m, err=True))
    meta = index.meta()
    click.echo(f"index: {index.path}")
    click.echo(f"schema: {meta.get('schema')}  built: {meta.get('built_at')}")
    for source in json.loads(meta.get("sources", "[]")):
        click.echo(f"source: {source['kind']} {source['path']}")
    for key, value in sorted(index.counts().items()):
        click.echo(f"{key}: {value:,}")


@gazetteer_group.command("import", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gazetteer_import(files: tuple[Path, ...]) -> None:
    """Add GeoNames country dumps (UA.txt, RU.zip ...) or a user CSV (name,lat,lon,country[,aliases]).

    User CSV entries override the rest. The index is rebuilt with the new sources.

    \b
    Example:
      frontline gazetteer import UA.zip my_places.csv
    """
    directory = default_cache_dir()
    register_imports(list(files), directory)
    index = NameIndex.open(directory, progress=lambda m: click.echo(m, err=True))
    click.echo(f"imported {len(files)} file(s); sources now: "
               f"{', '.join(Path(s.path).name for s in imported_sources(directory)) or 'none'}")
    for key, value in sorted(index.counts().items()):
        click.echo(f"{key}: {value:,}")


def _parse_download_codes(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    from gazetteer.download import country_code

    try:
        return tuple(dict.fromkeys(country_code(v) for v in value))
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _parse_base_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    from gazetteer.download import DEFAULT_BASE_URL, dump_url

    try:
        dump_url(value or DEFAULT_BASE_URL, "UA")
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    return value or DEFAULT_BASE_URL


class _DownloadProgress:
    """Bytes received / total on stderr: one rewritten line on a terminal, a line per finished file elsewhere."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.open_line = False
        self.shown_at = 0.0

    def __call__(self, name: str, done: int, total: int | None) -> None:
        finished = done == total
        text = f"{name}: {done:,} / {total:,} bytes" if total is not None else f"{name}: {done:,} bytes"
        if not self.live:
            if finished:
                click.echo(f"frontline: downloaded {text}", err=True)
            return
        now = time.monotonic()
        if finished or now - self.shown_at >= 0.1:
            self.shown_at = now
            click.echo(f"\rfrontline: downloading {text}", err=True, nl=finished)
            self.open_line = not finished

    def message(self, text: str) -> None:
        """Print a line of the index builder, after ending a progress line left open."""
        self.end_line()
        click.echo(text, err=True)

    def end_line(self) -> None:
        """End a progress line cut short (a failed download), so that the error has a line of its own."""
        if self.open_line:
            click.echo("", err=True)
            self.open_line = False


@gazetteer_group.command("download", context_settings=CONTEXT)
@click.argument("codes", nargs=-1, required=True, metavar="CC...", callback=_parse_download_codes)
@click.option("--base-url", callback=_parse_base_url, envvar="FRONTLINE_GEONAMES_URL", show_envvar=True,
              metavar="URL", help="Where the {CC}.zip dumps are (a mirror); default: GeoNames' export/dump/.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def gazetteer_download(codes: tuple[str, ...], base_url: str, quiet: bool) -> None:
    """Download the full GeoNames dumps of countries CC (UA, RU ...) and import them, all or nothing.

    Each {CC}.zip is checked (a zip holding {CC}.txt in GeoNames' 19 columns) before anything changes;
    a failure leaves the current index and imports as they were. Needs the network.

    \b
    Example:
      frontline gazetteer download UA RU
    """
    from gazetteer.download import download_countries

    progress = _DownloadProgress()
    try:
        dumps, index = download_countries(
            codes, default_cache_dir(), base_url=base_url, on_bytes=None if quiet else progress,
            progress=(lambda _m: None) if quiet else progress.message,
        )
    finally:
        progress.end_line()
    for dump in dumps:
        click.echo(f"{dump.code}: {dump.path} ({dump.size_bytes:,} bytes, {dump.places:,} places)")
    for key, value in sorted(index.counts().items()):
        click.echo(f"{key}: {value:,}")


@cli.command("eval", context_settings=CONTEXT)
@click.argument("gold", type=click.Path(path_type=Path))
@source_options
def eval_command(gold: Path, sources: tuple[Path, ...], default_date: dt.date | None, jobs: int | None,
                 countries: tuple[str, ...], online: bool, nominatim_domain: str, quiet: bool) -> None:
    """Score the events found in SOURCES against GOLD (JSONL): precision, recall, F1, date accuracy.

    \b
    Example:
      frontline eval ../shared/dev/seeds_gold.jsonl seeds/
    """
    gold_rows = load_gold(gold)
    result = run_sources(sources, default_date=default_date, jobs=jobs, countries=countries, online=online,
                         nominatim_domain=nominatim_domain, quiet=True)
    predicted = [e.to_record() for e in result.events]
    score = score_events(gold_rows, predicted)
    for g in score.misses:
        click.echo(f"MISS  {g.get('file')}  {g.get('canonical') or g.get('place')}  {g.get('kind')} "
                   f"{g.get('side')} {g.get('date')}")
    for p in score.false_events:
        click.echo(f"FALSE {p.get('article')}  {p.get('name')}  {p.get('kind')} {p.get('side')} {p.get('date')}  "
                   f"| {str(p.get('sentence'))[:100]}")
    click.echo(score.summary())


def _on_signal(parent: int) -> Callable[[int, FrameType | None], None]:
    def handle(signum: int, _frame: FrameType | None) -> None:
        if os.getpid() != parent:  # a forked child that kept the handler: leave at once
            os._exit(128 + signum)
        raise Interrupted(signum)

    return handle


def _worker_signals() -> None:
    # In a forked pool worker, Ctrl-C (sent to the whole process group) is left to the parent, which stops
    # the pool: a worker that died on it could die holding the pool's queue lock, and the pool's shutdown
    # would wait for that lock forever. SIGTERM, which that shutdown sends, must end the worker at once,
    # whatever it waits on: the kernel's default action, not a Python handler that runs between bytecodes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; SIGINT and SIGTERM unwind (temporary files removed) and exit with 128 + signal."""
    handler = _on_signal(os.getpid())
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)
    os.register_at_fork(after_in_child=_worker_signals)
    cli.main(args=list(argv) if argv is not None else None, prog_name="frontline")
