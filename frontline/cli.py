"""The `frontline` command line: a thin layer that parses options and calls the library.

stdout carries data (JSONL, CSV, GeoJSON, the path of map.html); messages, progress and the summary go to
stderr. Every command of the tool is here, above the packages it calls (`maps -> geo -> gazetteer`); none of
them registers commands. Exit codes: 0 all inputs processed; 1 finished but some inputs skipped; 2 usage error
or nothing processed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import click

from gazetteer.gazetteer import DEFAULT_COUNTRIES, Gazetteer
from gazetteer.index import NameIndex, default_cache_dir, imported_sources, register_imports
from geo.articles import find_article_files
from geo.evaluate import load_gold, score_events
from geo.pipeline import RunResult, default_jobs, run_pipeline
from geo.records import dumps_geojson, events_csv_text, events_feature_collection, events_jsonl_lines
from geo.timeline import PERIOD_SIZES, build_timeline
from maps.areas import DEFAULT_RADIUS_KM, AreaSettings
from maps.export import FORMATS, prepare_folder, write_map_outputs

from .group import FrontlineGroup, fail, install_signal_handlers, silence_stdout
from .options import CONTEXT, parse_names, parse_near, source_options
from .progress import DownloadProgress

__all__ = ["main", "cli", "find_sources", "open_gazetteer", "run_sources", "exit_code"]

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
    outdir: Path,
    period: str,
    offline: bool,
    formats: tuple[str, ...],
    title: str,
    area_radius: float,
) -> None:
    """Write a layered HTML map and GIS exports of the events found in SOURCES.

    \b
    Example:
      frontline map seeds/ -o out/ --period month
    """
    files = find_sources(sources)  # a missing input fails before the output directory is created
    folder = prepare_folder(outdir)
    result = run_sources(sources, files=files, default_date=default_date, jobs=jobs, countries=countries,
                         online=online, nominatim_domain=nominatim_domain, quiet=quiet)
    timeline = build_timeline(result.events, period)
    write_map_outputs(
        folder, result.events, timeline, offline=offline, title=title, formats=formats or ("geojson", "csv"),
        areas=AreaSettings(radius_km=area_radius), unresolved=result.unresolved,
    )
    click.echo(str((outdir / "map.html").resolve()))
    sys.exit(exit_code(result))


@cli.command("events", context_settings=CONTEXT)
@source_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson"], case_sensitive=False),
              default="jsonl", show_default=True)
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
        silence_stdout()
    sys.exit(exit_code(result))


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
