"""Robustness of the installed `frontline` command and of the core under hostile or huge input.

- real subprocesses of `.venv/bin/frontline`: exit codes, one-line stderr, no traceback, quiet broken pipes;
- SIGINT (Ctrl-C, to the whole process group), SIGTERM and SIGKILL during a run and while map.html is
  being written: never a half-written output, no temporary file left but after SIGKILL;
- bounded memory on a 200 MB text file and on JSONL feeds; the 1M-line feed through the CLI is `slow`;
- hypothesis: arbitrary Unicode never crashes the detector; Place -> dict/GeoJSON -> Place round trips.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gazetteer.gazetteer import Gazetteer
from gazetteer.place import Place
from geo.detect import ArticleFindings, Detector
from geo.model import KINDS, Article, Event
from geo.records import dumps_geojson, events_feature_collection, point_geometry

from .helpers import write

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
BIN = Path(sys.executable).parent
FRONTLINE = BIN / "frontline"
EVENT = "Ukrainian forces recaptured Izium, the army said."
OUTPUTS = ["control.geojson", "events.csv", "events.geojson", "map.html", "unresolved.csv"]
# Lines a run may print on stderr; anything else (a traceback, "Exception ignored ...") is a failure.
STDERR_LINE = re.compile(r"(Warning: |frontline: |Error: |gazetteer: ).*")

pytestmark = pytest.mark.skipif(not FRONTLINE.exists(), reason="the frontline script is not installed in this venv")


@pytest.fixture(scope="module")
def env(gazetteer: Gazetteer) -> dict[str, str]:
    """Return the environment for subprocesses: the same gazetteer cache as the tests, already built."""
    del gazetteer  # requested so that the index exists before any subprocess starts
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def frontline(*args: object, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `frontline` script and wait for it."""
    return subprocess.run([str(FRONTLINE), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=600)  # fmt: skip


def assert_clean_stderr(stderr: str) -> None:
    """Check that every stderr line is a warning, progress, summary or error line, and at most one error."""
    lines = stderr.splitlines()
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert all(STDERR_LINE.fullmatch(line) for line in lines), stderr
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) <= 1 and (not errors or lines[-1] == errors[0]), stderr




# --- exit codes of the real script ------------------------------------------------------------------------


def _seeds(tmp: Path) -> list[object]:
    return ["map", SEEDS, "-o", tmp / "out", "-j", 1]


def _mixed(tmp: Path) -> list[object]:
    write(tmp / "in" / "a.txt", EVENT)
    write(tmp / "in" / "b.txt", b"\x00\x01binary")
    return ["events", tmp / "in", "-j", 1]


def _all_bad(tmp: Path) -> list[object]:
    write(tmp / "in" / "b.txt", b"\x00\x01binary")
    return ["map", tmp / "in", "-o", tmp / "out", "-j", 1]


def _out_is_file(tmp: Path) -> list[object]:
    return ["map", SEEDS, "-o", write(tmp / "taken", "x")]


@pytest.mark.parametrize(
    ("make", "code", "last"),
    [
        (_seeds, 0, r"frontline: 5 articles read, 0 skipped, .*"),
        (_mixed, 1, r"frontline: skipped .*/in/b\.txt"),
        (_all_bad, 2, r"Error: none of the 1 input file\(s\) held a readable article \(see the warnings above\)"),
        (lambda t: ["map", t / "missing"], 2, r"Error: no such file or directory: .*/missing"),
        (lambda t: ["events", t], 2, r"Error: no article files \(\.txt, \.md, \.html, \.htm, \.json, \.jsonl\) in .*"),
        (lambda t: ["map", SEEDS, "--period", "fortnightly"], 2,
         r"Error: Invalid value for '--period': 'fortnightly' is not one of 'day', 'week', 'month', 'quarter', "
         r"'auto'\. See 'frontline map --help'\."),
        (lambda t: ["map", SEEDS, "--date", "2022-13-45"], 2, r"Error: Invalid value for '--date': .*YYYY-MM-DD.*"),
        (lambda t: ["geocode", "Izium", "--near", "200,1"], 2, r"Error: Invalid value for '--near': .*LAT,LON.*"),
        (_out_is_file, 2, r"Error: -o .*/taken is a file; give a directory for map\.html and the exports"),
        (lambda t: ["frobnicate"], 2, r"Error: No such command 'frobnicate'\. See 'frontline --help'\."),
    ],
    ids=["ok", "some-skipped", "nothing-readable", "missing", "no-articles", "period", "date", "near", "out-file",
         "command"],
)  # fmt: skip
def test_exit_codes_and_one_line_errors(env: dict[str, str], tmp_path: Path, make, code: int, last: str) -> None:  # type: ignore[no-untyped-def]
    result = frontline(*make(tmp_path), env=env)
    assert result.returncode == code, result.stderr
    assert_clean_stderr(result.stderr)
    assert re.fullmatch(last, result.stderr.splitlines()[-1]), result.stderr


def test_every_help_works_in_the_real_script(env: dict[str, str]) -> None:
    for args in ([], ["map"], ["events"], ["geocode"], ["gazetteer"], ["gazetteer", "build"], ["gazetteer", "info"],
                 ["gazetteer", "import"], ["eval"]):  # fmt: skip
        result = frontline(*args, "--help", env=env)
        assert (result.returncode, result.stderr) == (0, ""), args
        assert "Example:\n" in result.stdout and f"frontline {' '.join(args)}".strip() in result.stdout


def test_a_closed_pipe_ends_the_run_quietly(env: dict[str, str], tmp_path: Path) -> None:
    # Enough events to overflow a pipe buffer, so that the write meets the closed pipe.
    feed = write(tmp_path / "feed.jsonl", "".join(json.dumps({"text": EVENT}) + "\n" for _ in range(600)))
    process = subprocess.Popen([str(FRONTLINE), "events", str(feed), "-j", "1", "-q"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(1) == b"{"
    process.stdout.close()  # like `| head -c 1`
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert stderr == ""


def test_jobs_do_not_change_the_outputs(env: dict[str, str], tmp_path: Path) -> None:
    for jobs in (1, 2):
        result = frontline("map", SEEDS, "-o", tmp_path / f"j{jobs}", "-j", jobs, "-q", env=env)
        assert result.returncode == 0, result.stderr
    for name in OUTPUTS:
        assert (tmp_path / "j1" / name).read_bytes() == (tmp_path / "j2" / name).read_bytes(), name


# --- signals ----------------------------------------------------------------------------------------------


def _live_members(group: int) -> list[int]:
    """Return the processes of a process group that are still running (zombies are not)."""
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                alive.append(int(entry))
    return alive


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a corpus that takes minutes to process, whose first file gives a warning at once."""
    folder = tmp_path_factory.mktemp("big")
    write(folder / "000_binary.txt", b"\x00\x01\x02")
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for i in range(3000):
        write(folder / f"a{i:05d}.txt", texts[i % len(texts)])
    return folder


@pytest.mark.parametrize(("signum", "whole_group"), [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["ctrl-c", "kill"])  # fmt: skip
def test_signal_during_a_run_keeps_the_previous_outputs(
    env: dict[str, str], tmp_path: Path, big_corpus: Path, signum: int, whole_group: bool
) -> None:
    out = write(tmp_path / "out" / "map.html", "<html>previous complete map</html>\n").parent
    process = subprocess.Popen([str(FRONTLINE), "map", str(big_corpus), "-o", str(out), "-j", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)  # fmt: skip
    assert process.stderr is not None
    first = process.stderr.readline()  # the binary file's warning: the run is reading articles
    assert first.startswith("Warning: ") and "000_binary.txt: skipped" in first
    if whole_group:
        os.killpg(process.pid, signum)  # Ctrl-C reaches the workers too
    else:
        process.send_signal(signum)
    stdout, rest = process.communicate(timeout=120)
    assert process.returncode == 128 + signum
    assert_clean_stderr(first + rest)
    assert rest.splitlines()[-1] == f"Error: interrupted by {signal.Signals(signum).name}"
    assert stdout == ""
    assert os.listdir(out) == ["map.html"]
    assert (out / "map.html").read_text() == "<html>previous complete map</html>\n"
    assert _live_members(process.pid) == []  # no orphaned worker goes on


# Runs the real command line with the output writer paused at one point, and says so on stderr, so that a
# signal lands exactly there. `where` is "mid-write" (half of map.html in the temporary file) or
# "before-rename" (the temporary file complete and synced, not yet renamed).
PAUSED_RUN = textwrap.dedent("""
    import builtins, os, sys, time
    import maps.export.atomic

    where = sys.argv.pop(1)

    def pause():
        sys.stderr.write("PAUSED\\n")
        sys.stderr.flush()
        time.sleep(600)

    class HalfThenPause:
        def __init__(self, handle):
            self.handle = handle
        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            pause()
            return self.handle.write(text[len(text) // 2 :])
        def __getattr__(self, name):
            return getattr(self.handle, name)
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)

    def slow_open(path, *args, **kwargs):
        handle = builtins.open(path, *args, **kwargs)
        return HalfThenPause(handle) if where == "mid-write" and ".map.html." in str(path) else handle

    class SlowOs:
        def __getattr__(self, name):
            return getattr(os, name)
        def fdopen(self, fd, *args, **kwargs):
            handle = os.fdopen(fd, *args, **kwargs)
            named = os.readlink(f"/proc/self/fd/{fd}")
            return HalfThenPause(handle) if where == "mid-write" and ".map.html." in named else handle
        def replace(self, source, target):
            if where == "before-rename" and str(target).endswith("map.html"):
                pause()
            os.replace(source, target)

    maps.export.atomic.open = slow_open
    maps.export.atomic.os = SlowOs()
    from frontline.cli import main
    sys.argv[0] = "frontline"
    main()
""")


@pytest.mark.parametrize("where", ["mid-write", "before-rename"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["int", "term", "kill"])
def test_signal_while_writing_never_leaves_a_half_written_map(
    env: dict[str, str], tmp_path: Path, where: str, signum: int
) -> None:
    previous = "<html>previous complete map</html>\n"
    out = write(tmp_path / "out" / "map.html", previous).parent
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_RUN, where, "map", str(SEEDS), "-o", str(out), "-j", "1", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True,
    )  # fmt: skip
    assert process.stderr is not None
    assert process.stderr.readline() == "PAUSED\n"
    temporary = [name for name in os.listdir(out) if name.startswith(".map.html.") and name.endswith(".tmp")]
    assert len(temporary) == 1  # the new map exists only under a temporary name
    os.killpg(process.pid, signum)
    _, rest = process.communicate(timeout=60)
    assert (out / "map.html").read_text() == previous
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
        assert sorted(os.listdir(out)) == sorted(["map.html", *temporary])  # nothing can clean up after kill -9
    else:
        assert process.returncode == 128 + signum
        assert rest == f"Error: interrupted by {signal.Signals(signum).name}\n"
        assert os.listdir(out) == ["map.html"]


# --- memory -----------------------------------------------------------------------------------------------


# Linux carries a process's memory high-water mark across fork and exec, so a child forked straight from
# this (large) test process would report the test's memory: a small launcher process forks it instead.
_LAUNCHER = textwrap.dedent("""
    import os, subprocess, sys
    process = subprocess.Popen(sys.argv[2:])
    _, status, usage = os.wait4(process.pid, 0)
    with open(sys.argv[1], "w") as report:
        report.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
""")


def peak_rss_kb(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, int]:
    """Run `args`; return its exit code, its stderr and its peak resident memory in KiB (Linux wait4)."""
    report = cwd / "rusage.txt"
    with open(cwd / "stdout.txt", "wb") as out, open(cwd / "stderr.txt", "wb") as err:
        subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, str(report), *args],
                       stdout=out, stderr=err, env=env, cwd=cwd, check=False)
    code, peak = (int(x) for x in report.read_text().split())
    return code, (cwd / "stderr.txt").read_text(), peak


def _write_feed(path: Path, lines: int) -> Path:
    # Records without place names: the detector reads each one and finds nothing, so only streaming is measured.
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(lines):
            handle.write(json.dumps({"text": f"Report {i}: officials met again to discuss the budget.",
                                     "published": "2022-09-10"}) + "\n")  # fmt: skip
    return path


def test_a_jsonl_feed_ten_times_longer_needs_no_more_memory(env: dict[str, str], tmp_path: Path) -> None:
    peaks = {}
    for lines in (2_000, 20_000):
        feed = _write_feed(tmp_path / f"feed{lines}.jsonl", lines)
        code, stderr, peaks[lines] = peak_rss_kb([str(FRONTLINE), "events", str(feed), "-j", "1"], env, tmp_path)
        assert code == 0, stderr
        assert f"frontline: {lines} articles read, 0 skipped, 0 events" in stderr
    assert peaks[20_000] - peaks[2_000] < 20_000  # KiB: the feed grew by 1.6 MB x 9, memory by less than 20 MB


@pytest.mark.slow
def test_a_million_line_jsonl_feed_streams_through_the_cli(env: dict[str, str], tmp_path: Path) -> None:
    feed = _write_feed(tmp_path / "feed.jsonl", 1_000_000)
    code, stderr, peak = peak_rss_kb([str(FRONTLINE), "events", str(feed), "-j", "2"], env, tmp_path)
    assert code == 0, stderr
    assert "frontline: 1000000 articles read, 0 skipped, 0 events" in stderr
    assert peak < 400_000  # KiB, for an 80 MB feed; the parent holds one batch of articles at a time


STREAM_ONE_FILE = textwrap.dedent("""
    import sys
    from geo.articles import LoadStats, iter_articles
    stats = LoadStats()
    chars = sum(len(article.text) for article in iter_articles([sys.argv[1]], stats=stats))
    print(stats.articles, chars, stats.skipped)
""")


def test_a_200_mb_text_file_streams_with_bounded_memory(env: dict[str, str], tmp_path: Path) -> None:
    # About 2 s on a laptop disk, so it stays in the default run; the file is removed at the end.
    paragraph = ("Ukrainian forces entered Kupiansk on Saturday, the army said. " * 16 + "\n\n").encode()
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        for _ in range(200_000_000 // len(paragraph) + 1):
            handle.write(paragraph)
    size = path.stat().st_size
    try:
        code, stderr, peak = peak_rss_kb([sys.executable, "-c", STREAM_ONE_FILE, str(path)], env, tmp_path)
    finally:
        path.unlink()
    assert code == 0, stderr
    articles, chars, skipped = (tmp_path / "stdout.txt").read_text().split(" ", 2)
    assert (int(articles), int(chars), skipped.strip()) == (-(-size // 1_000_000), size, "[]")
    assert peak < 150_000  # KiB, for a 200 MB file


# --- properties -------------------------------------------------------------------------------------------

# Pieces that steer generated text into the detector's deeper paths: places, actors, verbs, dates, distances.
FRAGMENTS = [
    "Izium", "Kupiansk", "Kharkiv region", "Bakhmut", "Sudzha", "Kursk", "Lyman", "Grakové", "Ізюм", "Купʼянськ",
    "Ukrainian forces", "Russian troops", "Moscow", "separatists", "recaptured", "captured", "withdrew from",
    "fighting for", "liberated", "claimed", "denied", " 74 km southeast of ", "on 10 September 2022", "Sept. 11",
    "in March", "last week", "yesterday", ". ", ", ", "\n\n", "\"", "(", ")", "—", "’s", " ",
]  # fmt: skip
TEXTS = st.lists(st.one_of(st.text(max_size=40), st.sampled_from(FRAGMENTS)), max_size=40).map("".join)


@pytest.fixture(scope="module")
def detector(gazetteer: Gazetteer) -> Detector:
    """Return a detector over the real gazetteer."""
    return Detector(gazetteer)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, title=st.text(max_size=30),
       published=st.none() | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
@example(text="", title="", published=None)
@example(text="\x00\ud7ff\U0010ffff\u200b\u202e", title="", published=None)
@example(text="Ukrainian forces recaptured Izium" * 200, title="", published=dt.date(2022, 9, 10))
@example(text="Russian troops captured " + ", ".join(["Izium"] * 300) + ".", title="", published=None)
@example(text="Izium. " * 2000, title="x", published=dt.date(1900, 1, 1))
@example(text="Ukrainian forces recaptured Izium on 31 February 2022.", title="", published=dt.date(2022, 3, 1))
@example(text="Ukrainian forces recaptured Izium 74 km southeast of Kharkiv on 10 September 9999.", title="",
         published=dt.date(2100, 12, 31))  # fmt: skip
def test_arbitrary_unicode_never_crashes_the_detector(
    detector: Detector, text: str, title: str, published: dt.date | None
) -> None:
    article = Article(id="prop.txt", text=text, title=title, published=published, outlet="o", url="https://u.example")
    findings = detector.detect(article)
    assert isinstance(findings, ArticleFindings)
    for event in findings.events:
        assert event.article_id == "prop.txt" and event.kind in KINDS
        assert event.sentence and all(part in text for part in event.sentence.split())
        assert -90 <= event.place.lat <= 90 and -180 <= event.place.lon <= 180
    for name in findings.unresolved:
        assert name.article_id == "prop.txt" and name.surface


NAMES = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40)  # no lone surrogates
PLACES = st.builds(
    Place,
    geonameid=st.integers(min_value=1, max_value=2**31) | st.text(min_size=1, max_size=20),
    name=NAMES,
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False),
    lon=st.floats(min_value=-180, max_value=180, allow_nan=False),
    country=st.sampled_from(["", "UA", "RU", "BY"]),
    admin1=st.text(max_size=10),
    population=st.integers(min_value=0, max_value=10**8),
    source=st.sampled_from(["geonames", "user", "nominatim"]),
)


@settings(max_examples=300)
@given(place=PLACES)
@example(place=Place(0, "0", -90.0, -180.0))
@example(place=Place("user:Hrakove", "Hrakove\u0301 \"<b>\"", 90.0, 180.0, "UA", "07", 0, "user"))
@example(place=Place(1, "x", 5e-324, -5e-324))
def test_place_round_trips_through_its_dict_and_json(place: Place) -> None:
    assert Place.from_dict(json.loads(json.dumps(place.to_dict(), ensure_ascii=False))) == place


@settings(max_examples=200)
@given(place=PLACES)
@example(place=Place(706483, "Kharkiv", 49.98081, 36.25272, "UA", "07", 1430885))
@example(place=Place(1, "Antimeridian", -0.000004, 179.999996))
def test_place_round_trips_through_an_event_feature(place: Place) -> None:
    event = Event(place=place, surface=place.name, kind="captured", side="RU", date=dt.date(2022, 9, 10),
                  date_precision="day", claimed=False, confidence=0.5, article_id="a.txt", sentence="s")  # fmt: skip
    text = dumps_geojson(events_feature_collection([event]))
    (feature,) = json.loads(text)["features"]
    lon, lat = feature["geometry"]["coordinates"]  # RFC 7946: [lon, lat]
    props = feature["properties"]
    back = Place(props["geonameid"], props["name"], lat, lon, props["country"], place.admin1, place.population,
                 place.source)  # fmt: skip
    assert (back.geonameid, back.name, back.country) == (place.geonameid, place.name, place.country)
    assert math.isclose(back.lat, place.lat, abs_tol=5e-6) and math.isclose(back.lon, place.lon, abs_tol=5e-6)
    assert feature["geometry"] == point_geometry(place.lat, place.lon)
