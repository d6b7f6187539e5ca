"""The `frontline` command line: a thin layer that parses options and calls the library.

stdout carries data (JSONL, CSV, GeoJSON, the path of map.html); messages, progress and the summary go to
stderr. Every command of the tool is here, above the packages it calls (`maps -> geo -> gazetteer`); none of
them registers commands. Exit codes: 0 all inputs processed; 1 finished but some inputs skipped; 2 usage error
or nothing processed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import click

from gazetteer.gazetteer import DEFAULT_COUNTRIES, Gazetteer
from gazetteer.index import NameIndex, default_cache_dir, imported_sources, register_imports
from geo.articles import find_article_files
from geo.detect import Detector
from geo.errors import UsageError
from geo.evaluate import load_gold, score_events
from geo.model import Event
from geo.pipeline import (
    BatchDetector,
    IngestResult,
    RunResult,
    default_jobs,
    events_in_window,
    ingest,
    load_stored,
    run_pipeline,
)
from geo.records import dumps_geojson, events_csv_text, events_feature_collection, events_jsonl_lines
from geo.store import EventStore
from geo.timeline import PERIOD_SIZES, build_timeline
from maps.areas import DEFAULT_RADIUS_KM, AreaSettings
from maps.export import FORMATS, prepare_folder, write_map_outputs
from maps.export.atomic import write_bytes_atomic

from .group import FrontlineGroup, fail, install_signal_handlers, silence_stdout
from .options import CONTEXT, ingest_options, parse_names, parse_near, source_options, stored_source_options
from .progress import DownloadProgress

__all__ = ["main", "cli", "find_sources", "open_gazetteer", "run_sources", "ingest_sources", "read_events",
           "exit_code"]

# Skipped inputs named in the closing summary; the warnings above it name every one.
SUMMARY_SKIPPED = 10


# --- the library calls the commands share -----------------------------------------------------------------


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
                files: Sequence[Path] | None = None, batch_detector: BatchDetector | None = None) -> RunResult:
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
                          progress=progress, warn=warn, batch_detector=batch_detector)
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


def _progress_printer(quiet: bool, noun: str = "articles") -> tuple[bool, Callable[[int], None]]:
    show = not quiet and sys.stderr.isatty()

    def progress(done: int) -> None:
        if show and (done % 50 == 0 or done < 50):
            click.echo(f"\rfrontline: {done:,} {noun}", err=True, nl=False)

    return show, progress


def _echo_skipped(skipped_inputs: Sequence[tuple[str, str]]) -> None:
    skipped = [where for where, _reason in skipped_inputs]
    if skipped:
        more = f" and {len(skipped) - SUMMARY_SKIPPED} more" if len(skipped) > SUMMARY_SKIPPED else ""
        click.echo(f"frontline: skipped {', '.join(skipped[:SUMMARY_SKIPPED])}{more}", err=True)


def ingest_sources(sources: Sequence[Path], store: EventStore, *, default_date: dt.date | None, jobs: int | None,
                   countries: Sequence[str], online: bool, nominatim_domain: str, quiet: bool,
                   batch_detector: BatchDetector | None = None) -> IngestResult:
    """Record the articles of `sources` in `store` with progress on a terminal and warnings on stderr.

    The gazetteer is opened only when some article must be detected. Exits with code 2 and one error line
    when no article at all could be read and no file was recorded before.
    """
    files = find_sources(sources)
    show_progress, progress = _progress_printer(quiet)
    opened: list[Gazetteer] = []

    def make_detector() -> Detector:
        opened.append(open_gazetteer(countries, quiet=quiet, online=online, nominatim_domain=nominatim_domain))
        return Detector(opened[0])

    def warn(message: str) -> None:
        if not quiet:
            click.echo(f"Warning: {message}", err=True)

    result = ingest(files, store, make_detector, default_date=default_date, jobs=jobs or default_jobs(),
                    progress=progress, warn=warn, batch_detector=batch_detector)
    if show_progress and result.stats.articles:
        click.echo("", err=True)
    for gazetteer in opened:
        for message in gazetteer.online_errors[:5]:
            warn(f"online lookup failed for {message}")
    if not quiet:
        click.echo(f"frontline: {result.summary()}", err=True)
        _echo_skipped(result.stats.skipped)
    if result.stats.articles == 0 and result.unchanged_files == 0:
        fail(f"none of the {len(files)} input file(s) held a readable article (see the warnings above)", 2)
    return result


@contextlib.contextmanager
def detection_engine(engine: str, scheduler: str | None, jobs: int | None, countries: Sequence[str], online: bool,
                     *, needed: bool = True) -> Iterator[BatchDetector | None]:
    """Yield the batch detector of `--engine` (None: the local one, `--jobs` processes), started for the block.

    With nothing to detect (`needed` False: a map from the store alone) no cluster is started.
    """
    if engine == "local":
        if scheduler:
            raise click.UsageError("--scheduler needs --engine dask")
        yield None
        return
    if online:
        raise click.UsageError("--online works with --engine local only (the workers ask no Nominatim server)")
    if not needed:
        yield None
        return
    try:
        from geo.engine import DaskEngine
    except ImportError as err:
        raise UsageError(f"--engine dask needs dask.distributed ({err}); install it with "
                         f"pip install 'frontline[cluster]'") from None
    with DaskEngine(scheduler, workers=jobs or default_jobs(), countries=tuple(countries)) as dask_engine:
        yield dask_engine.detect_batches  # type: ignore[misc]


def _ingest_exit_code(result: IngestResult) -> int:
    return 1 if result.stats.skipped else 0


def read_events(sources: Sequence[Path], store_path: Path | None, *, since: dt.date | None, until: dt.date | None,
                default_date: dt.date | None, jobs: int | None, countries: Sequence[str], online: bool,
                nominatim_domain: str, quiet: bool, files: Sequence[Path] | None = None,
                batch_detector: BatchDetector | None = None) -> tuple[RunResult, int]:
    """Return the events of `sources`, or of the store (after ingesting `sources` into it), cut to the window,
    and the exit code the run earned."""
    if store_path is None:
        if not sources:
            # As click says it for a required argument: SOURCES may be left out only with --store.
            raise click.UsageError("Missing argument 'SOURCES...'.", click.get_current_context())
        result = run_sources(sources, files=files, default_date=default_date, jobs=jobs, countries=countries,
                             online=online, nominatim_domain=nominatim_domain, quiet=quiet,
                             batch_detector=batch_detector)
        code = exit_code(result)
        if since or until:
            result.events = events_in_window(result.events, since, until)
        return result, code
    code = 0
    with EventStore.open(store_path, create=bool(sources)) as store:
        if sources:
            code = _ingest_exit_code(ingest_sources(sources, store, default_date=default_date, jobs=jobs,
                                                    countries=countries, online=online,
                                                    nominatim_domain=nominatim_domain, quiet=quiet,
                                                    batch_detector=batch_detector))
        result = load_stored(store, since=since, until=until)
    if result.stats.articles == 0:
        fail(f"the event store {store_path} holds no articles; add some with 'frontline ingest SOURCE... "
             f"--store {store_path}'", 2)
    if not quiet:
        click.echo(f"frontline: {store_path}: {_count_text(result.stats.articles, 'article')}, "
                   f"{_count_text(len(result.events), 'event')} selected, {result.seconds:.1f} s", err=True)
    return result, code


def _count_text(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


# --- the commands -----------------------------------------------------------------------------------------


@click.group(cls=FrontlineGroup, context_settings=CONTEXT)
@click.version_option(package_name="frontline")
def cli() -> None:
    """Map who holds which town, and when, from news articles.

    \b
    Example:
      frontline map seeds/ -o out/
    """


@cli.command("map", context_settings=CONTEXT)
@stored_source_options
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
    type=click.Choice([*PERIOD_SIZES, "auto"], case_sensitive=False),
    default="auto",
    show_default=True,
    help="One map layer per period of this size (auto: 4-30 layers).",
)
@click.option("--offline", is_flag=True, help="A self-contained map.html that loads nothing from the network.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS, case_sensitive=False),
    help="Exports to write (repeat; default: geojson and csv).",
)
@click.option("--title", default="Frontline", show_default=True, help="Title shown on the map.")
@click.option(
    "--area-radius",
    type=click.FloatRange(min=0, min_open=True, max=500),
    default=DEFAULT_RADIUS_KM,
    show_default=True,
    metavar="KM",
    help="Estimated control areas: each reported place's cell reaches at most this far.",
)
def map_command(
    sources: tuple[Path, ...],
    default_date: dt.date | None,
    jobs: int | None,
    countries: tuple[str, ...],
    online: bool,
    nominatim_domain: str,
    quiet: bool,
    store: Path | None,
    since: dt.date | None,
    until: dt.date | None,
    engine: str,
    scheduler: str | None,
    outdir: Path,
    period: str,
    offline: bool,
    formats: tuple[str, ...],
    title: str,
    area_radius: float,
) -> None:
    """Write a layered HTML map and GIS exports of the events found in SOURCES, or recorded in --store.

    With --store and SOURCES, the new articles of SOURCES are recorded first; --since/--until map a window.

    \b
    Example:
      frontline map seeds/ -o out/ --period month
      frontline map --store events.sqlite --since 2024-01-01 -o out/ --format parquet
    """
    # A missing input or store fails before the output directory is created.
    files = find_sources(sources) if sources else None
    if store is not None and not sources:
        EventStore.open(store, create=False).close()
    folder = prepare_folder(outdir)
    with detection_engine(engine, scheduler, jobs, countries, online, needed=bool(sources)) as batches:
        result, code = read_events(sources, store, since=since, until=until, files=files,
                                   default_date=default_date, jobs=jobs, countries=countries, online=online,
                                   nominatim_domain=nominatim_domain, quiet=quiet, batch_detector=batches)
    timeline = build_timeline(result.events, period)
    write_map_outputs(
        folder, result.events, timeline, offline=offline, title=title, formats=formats or ("geojson", "csv"),
        areas=AreaSettings(radius_km=area_radius), unresolved=result.unresolved,
    )
    click.echo(str((outdir / "map.html").resolve()))
    sys.exit(code)


@cli.command("events", context_settings=CONTEXT)
@stored_source_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson", "parquet"], case_sensitive=False),
              default="jsonl", show_default=True, help="parquet: GeoParquet, to -o FILE or a redirected stdout.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write to FILE (replaced whole when the run succeeds) instead of stdout.")
def events_command(sources: tuple[Path, ...], default_date: dt.date | None, jobs: int | None,
                   countries: tuple[str, ...], online: bool, nominatim_domain: str, quiet: bool, store: Path | None,
                   since: dt.date | None, until: dt.date | None, engine: str, scheduler: str | None, fmt: str,
                   output: Path | None) -> None:
    """Print the control-change events found in SOURCES (files or directories), or recorded in --store.

    \b
    Example:
      frontline events seeds/ --format jsonl > events.jsonl
      frontline events --store events.sqlite --since 2024-06-01 --until 2024-06-30
      frontline events --store events.sqlite --format parquet -o events.parquet
    """
    if fmt == "parquet" and output is None and _stdout_is_terminal():
        raise click.UsageError("parquet is binary: give -o FILE or redirect stdout to a file")
    if output is not None:
        prepare_folder(output.parent if str(output.parent) else Path("."))
    with detection_engine(engine, scheduler, jobs, countries, online, needed=bool(sources)) as batches:
        result, code = read_events(sources, store, since=since, until=until, default_date=default_date, jobs=jobs,
                                   countries=countries, online=online, nominatim_domain=nominatim_domain,
                                   quiet=quiet, batch_detector=batches)
    if output is not None or fmt == "parquet":
        data = _events_bytes(result.events, fmt)
        if output is not None:
            write_bytes_atomic(output, data)
        else:
            _write_stdout_bytes(data)
        sys.exit(code)
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
        silence_stdout()
    sys.exit(code)


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _events_bytes(events: Sequence[Event], fmt: str) -> bytes:
    if fmt == "parquet":
        from maps.export.parquet import events_parquet_bytes

        return events_parquet_bytes(events)
    if fmt == "jsonl":
        return "".join(events_jsonl_lines(events)).encode("utf-8")
    if fmt == "csv":
        return events_csv_text(events).encode("utf-8")
    return dumps_geojson(events_feature_collection(events)).encode("utf-8")


def _write_stdout_bytes(data: bytes) -> None:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        silence_stdout()


@cli.command("ingest", context_settings=CONTEXT)
@ingest_options
@click.option("--prune", is_flag=True,
              help="Then forget the recorded files of SOURCES that no longer exist, with the articles and events "
                   "no other file holds (one transaction).")
def ingest_command(sources: tuple[Path, ...], default_date: dt.date | None, jobs: int | None,
                   countries: tuple[str, ...], online: bool, nominatim_domain: str, quiet: bool, store: Path,
                   engine: str, scheduler: str | None, prune: bool) -> None:
    """Record the articles of SOURCES, their events and unresolved names, in the event store FILE.

    Files unchanged since they were recorded are not read again; an article recorded before (same content)
    is not detected again; a changed article replaces its old events. Interrupted, the store keeps whole
    articles; the next run goes on from there. Read it back with 'map --store' and 'events --store'.
    With --prune, files deleted from SOURCES since they were recorded take their articles' events with them.

    \b
    Example:
      frontline ingest reports/ --store events.sqlite
      frontline ingest reports/ --store events.sqlite --prune
    """
    find_sources(sources)  # a missing input fails before the store is created
    with EventStore.open(store) as opened, detection_engine(engine, scheduler, jobs, countries, online) as batches:
        result = ingest_sources(sources, opened, default_date=default_date, jobs=jobs, countries=countries,
                                online=online, nominatim_domain=nominatim_domain, quiet=quiet,
                                batch_detector=batches)
        if prune:
            # After the ingest: a file moved within SOURCES is linked at its new path first, so its articles
            # are kept, not forgotten and detected again.
            pruned = opened.prune_missing(sources)
            if not quiet:
                click.echo(f"frontline: {pruned.summary()}", err=True)
        if not quiet:
            counts = opened.counts()
            click.echo(f"frontline: {store}: {counts['articles']:,} articles, {counts['events']:,} events, "
                       f"{counts['unresolved']:,} unresolved names", err=True)
    sys.exit(_ingest_exit_code(result))


@cli.command("geocode", context_settings=CONTEXT)
@click.argument("names", nargs=-1, required=True, callback=parse_names)
@click.option("--country", "countries", multiple=True, metavar="CC", help="Prefer places in this country (repeat).")
@click.option("--near", callback=parse_near, metavar="LAT,LON", help="Prefer places near this point.")
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
    for name in names:
        result = gazetteer.resolve(name, cues)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            click.echo("\n".join(result.text_lines()))
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
    index = NameIndex.open(default_cache_dir(), rebuild=True, progress=lambda m: click.echo(m, err=True))
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
    _echo_counts(index)


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
    _echo_counts(index)


def _echo_counts(index: NameIndex) -> None:
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

    progress = DownloadProgress()
    try:
        dumps, index = download_countries(
            codes, default_cache_dir(), base_url=base_url, on_bytes=None if quiet else progress,
            progress=(lambda _m: None) if quiet else progress.message,
        )
    finally:
        progress.end_line()
    for dump in dumps:
        click.echo(f"{dump.code}: {dump.path} ({dump.size_bytes:,} bytes, {dump.places:,} places)")
    _echo_counts(index)


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


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; SIGINT and SIGTERM unwind (temporary files removed) and exit with 128 + signal."""
    install_signal_handlers()
    cli.main(args=list(argv) if argv is not None else None, prog_name="frontline")
