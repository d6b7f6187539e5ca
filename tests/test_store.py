"""The event store: ingest, events/map --store, re-ingest, changed articles, windows, schema, crashes, concurrency."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gazetteer.gazetteer import Gazetteer
from geo.detect import Detector
from geo.model import Article
from geo.pipeline import ingest, load_stored, run_pipeline
from geo.records import events_jsonl_lines
from geo.store import SCHEMA_VERSION, EventStore, StoreError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MAP_FILES = ["events.geojson", "control.geojson", "control_places.geojson", "events.csv", "unresolved.csv"]

Invoke = Callable[..., Result]


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """Return a copy of the seed folder, which the tests may change."""
    return Path(shutil.copytree(SEEDS, tmp_path / "seeds"))


class CountingDetector(Detector):
    """A detector that remembers which articles it was asked about."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        super().__init__(gazetteer)
        self.seen: list[str] = []

    def detect(self, article: Article):  # type: ignore[no-untyped-def]
        self.seen.append(article.id)
        return super().detect(article)


def _ingest(folder: Path | list[Path], store_path: Path, gazetteer: Gazetteer, **kwargs: object):  # type: ignore[no-untyped-def]
    detector = CountingDetector(gazetteer)
    with EventStore.open(store_path) as store:
        result = ingest(folder if isinstance(folder, list) else [folder], store, lambda: detector, **kwargs)  # type: ignore[arg-type]
        stored = load_stored(store)
    return result, detector.seen, stored


def _jsonl(events) -> str:  # type: ignore[no-untyped-def]
    return "".join(events_jsonl_lines(events))


def _direct(sources: list[Path], gazetteer: Gazetteer) -> str:
    return _jsonl(run_pipeline(sources, gazetteer).events)


# --- the same output as a direct run -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson"])
def test_events_from_the_store_are_those_of_a_direct_run(run: Invoke, tmp_path: Path, fmt: str) -> None:
    store = tmp_path / "events.sqlite"
    ingested = run("ingest", SEEDS, "--store", store, "-j", 1)
    assert ingested.exit_code == 0, ingested.stderr
    assert "5 articles read, 5 detected" in ingested.stderr
    direct = run("events", SEEDS, "--format", fmt, "-q", "-j", 1)
    stored = run("events", "--store", store, "--format", fmt, "-q")
    assert stored.exit_code == 0, stored.stderr
    assert stored.stdout == direct.stdout
    assert len(direct.stdout.splitlines()) >= 10


def test_a_map_from_the_store_has_the_files_of_a_direct_map(run: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "events.sqlite"
    assert run("ingest", SEEDS, "--store", store, "-q", "-j", 1).exit_code == 0
    direct = run("map", SEEDS, "-o", tmp_path / "direct", "-q", "-j", 1)
    stored = run("map", "--store", store, "-o", tmp_path / "stored", "-q")
    assert (direct.exit_code, stored.exit_code) == (0, 0), stored.stderr
    assert stored.stdout.strip() == str((tmp_path / "stored" / "map.html").resolve())
    for name in MAP_FILES:
        assert (tmp_path / "stored" / name).read_bytes() == (tmp_path / "direct" / name).read_bytes(), name


def test_map_with_sources_and_a_store_records_them_first(run: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "events.sqlite"
    result = run("map", SEEDS, "--store", store, "-o", tmp_path / "out", "-j", 1)
    assert result.exit_code == 0, result.stderr
    with EventStore.open(store, create=False) as opened:
        assert opened.counts()["articles"] == 5


# --- re-ingest -------------------------------------------------------------------------------------------------


def test_reingest_reads_only_the_new_files(seeds: Path, tmp_path: Path, gazetteer: Gazetteer) -> None:
    store = tmp_path / "events.sqlite"
    first, seen, _ = _ingest(seeds, store, gazetteer)
    assert (first.detected, first.stats.articles, len(seen)) == (5, 5, 5)
    again, seen, _ = _ingest(seeds, store, gazetteer)
    assert (again.unchanged_files, again.stats.articles, again.detected, seen) == (5, 0, 0, [])
    assert again.stats.files == 0  # not even opened
    (seeds / "new_1.txt").write_text("KYIV, Sept 12, 2022 -- Ukrainian forces recaptured Izium, the army said.\n",
                                     encoding="utf-8")
    (seeds / "new_2.txt").write_text("KYIV, Sept 13, 2022 -- Russian troops withdrew from Kupiansk.\n",
                                     encoding="utf-8")
    with open(seeds / "manifest.csv", "a", encoding="utf-8") as manifest:  # a row for a new file only
        manifest.write("new_1.txt,2022-09-12,Wire,https://example.org/1,Izium\n")
    third, seen, stored = _ingest(seeds, store, gazetteer)
    assert (third.unchanged_files, third.stats.articles, third.detected) == (5, 2, 2)
    assert sorted(seen) == ["new_1.txt", "new_2.txt"]
    assert _jsonl(stored.events) == _direct([seeds], gazetteer)
    assert "new_1.txt" in _jsonl(stored.events)


def test_a_changed_manifest_row_reads_its_file_again_and_only_that(
        seeds: Path, tmp_path: Path, gazetteer: Gazetteer) -> None:
    store = tmp_path / "events.sqlite"
    _ingest(seeds, store, gazetteer)
    manifest = seeds / "manifest.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    header, first_row = lines[0], lines[1].split(",")
    first_row[1] = "2023-01-31"  # a new publication date for the first article only
    manifest.write_text("\n".join([header, ",".join(first_row), *lines[2:]]) + "\n", encoding="utf-8")
    again, seen, stored = _ingest(seeds, store, gazetteer)
    assert (again.unchanged_files, again.stats.articles) == (4, 1)  # only the file whose row changed
    assert (again.detected, again.kept, again.replaced) == (1, 0, 1)
    assert seen == [first_row[0]]
    assert _jsonl(stored.events) == _direct([seeds], gazetteer)


def test_a_changed_article_replaces_its_old_events(seeds: Path, tmp_path: Path, gazetteer: Gazetteer) -> None:
    store = tmp_path / "events.sqlite"
    _, _, before = _ingest(seeds, store, gazetteer)
    target = sorted(seeds.glob("*.txt"))[4]
    old_articles = {e.article_id for e in before.events}
    assert target.name in old_articles
    target.write_text("Ukrainian forces recaptured Izium, the army said.\n", encoding="utf-8")
    again, seen, after = _ingest(seeds, store, gazetteer)
    assert (again.detected, again.replaced, seen) == (1, 1, [target.name])
    assert _jsonl(after.events) == _direct([seeds], gazetteer)
    assert [e.surface for e in after.events if e.article_id == target.name] == ["Izium"]
    with EventStore.open(store) as opened:
        assert opened.counts()["articles"] == 5  # the old version is gone, not kept beside the new


def test_records_gone_from_a_jsonl_file_take_their_events_with_them(tmp_path: Path, gazetteer: Gazetteer) -> None:
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    records = [{"text": f"Ukrainian forces recaptured {name}, the army said.", "published": "2022-09-12"}
               for name in ("Izium", "Balakliia", "Kupiansk")]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    store = tmp_path / "events.sqlite"
    _, _, before = _ingest(feed.parent, store, gazetteer)
    assert sorted(e.surface for e in before.events) == ["Balakliia", "Izium", "Kupiansk"]
    feed.write_text(json.dumps(records[0]) + "\n", encoding="utf-8")
    again, seen, after = _ingest(feed.parent, store, gazetteer)
    assert (again.detected, seen) == (0, [])
    assert [e.surface for e in after.events] == ["Izium"]
    with EventStore.open(store) as opened:
        assert opened.counts()["articles"] == 1


def test_the_same_article_in_a_second_folder_is_recorded_once(seeds: Path, tmp_path: Path,
                                                                gazetteer: Gazetteer) -> None:
    store = tmp_path / "events.sqlite"
    _, _, before = _ingest(seeds, store, gazetteer)
    copy = Path(shutil.copytree(seeds, tmp_path / "yesterday-again"))
    again, seen, after = _ingest(copy, store, gazetteer)
    assert (again.stats.articles, again.detected, again.linked, seen) == (5, 0, 5, [])
    assert _jsonl(after.events) == _jsonl(before.events)


# --- pruning files deleted since -------------------------------------------------------------------------------


def _store_events(run: Invoke, store: Path) -> str:
    result = run("events", "--store", store, "-q")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_ingest_prune_forgets_the_files_deleted_from_a_source_folder(run: Invoke, seeds: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.sqlite"
    assert run("ingest", seeds, "--store", store, "-q", "-j", 1).exit_code == 0
    gone = sorted(seeds.glob("*.txt"))[1]
    assert gone.name in _store_events(run, store)
    gone.unlink()
    kept = run("ingest", seeds, "--store", store, "-j", 1)  # without --prune the events stay, as before
    assert kept.exit_code in (0, 1), kept.stderr
    assert "pruned" not in kept.stderr
    assert gone.name in _store_events(run, store)
    pruned = run("ingest", seeds, "--store", store, "--prune", "-j", 1)
    assert pruned.exit_code in (0, 1), pruned.stderr
    assert "frontline: pruned 1 file(s) gone from the sources: 1 article(s) and " in pruned.stderr
    assert gone.name not in _store_events(run, store)
    assert _store_events(run, store) == run("events", seeds, "-q", "-j", 1).stdout
    with EventStore.open(store, create=False) as opened:
        assert opened.counts()["articles"] == opened.counts()["sources"] == 4
    again = run("ingest", seeds, "--store", store, "--prune", "-j", 1)
    assert "frontline: pruned 0 file(s)" in again.stderr


def test_prune_keeps_a_moved_file_and_what_lies_outside_the_sources(seeds: Path, tmp_path: Path,
                                                                    gazetteer: Gazetteer) -> None:
    store = tmp_path / "events.sqlite"
    other = Path(shutil.copytree(seeds, tmp_path / "other"))
    _ingest([seeds, other], store, gazetteer)
    files = sorted(seeds.glob("*.txt"))
    moved = seeds / "sub" / files[0].name
    moved.parent.mkdir()
    shutil.copy(seeds / "manifest.csv", moved.parent)  # its row, so that it is the same article (same hash)
    files[0].rename(moved)  # moved within the source folder: the same article at a new path
    files[1].unlink()  # deleted, but its article is still in the other folder
    (sorted(other.glob("*.txt"))[2]).unlink()  # deleted from a folder not named: not pruned
    result, seen, _ = _ingest(seeds, store, gazetteer)
    assert (result.detected, seen) == (0, [])
    with EventStore.open(store) as opened:
        counts = opened.prune_missing([seeds])
        assert (counts.files, counts.articles, counts.events) == (2, 0, 0)
        assert opened.counts()["articles"] == 5
        paths = {row[0] for row in opened.conn.execute("SELECT path FROM sources")}
    assert str(moved) in paths and str(files[0]) not in paths and str(files[1]) not in paths
    assert len([p for p in paths if p.startswith(str(other))]) == 5  # the deleted one is still recorded there


def test_a_failed_prune_changes_nothing(seeds: Path, tmp_path: Path, gazetteer: Gazetteer,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "events.sqlite"
    _ingest(seeds, store, gazetteer)
    for path in sorted(seeds.glob("*.txt"))[:3]:
        path.unlink()
    calls = []

    def fail_on_the_third(self: EventStore, content_hash: str) -> None:
        calls.append(content_hash)
        if len(calls) == 3:
            raise OSError("disk gone")
        original(self, content_hash)

    original = EventStore._forget_unless_linked
    with EventStore.open(store) as opened:
        before = opened.counts()
        monkeypatch.setattr(EventStore, "_forget_unless_linked", fail_on_the_third)
        with pytest.raises(OSError):
            opened.prune_missing([seeds])
        monkeypatch.undo()
        assert opened.counts() == before  # one transaction: the first two articles are back too
        assert opened.prune_missing([seeds]).articles == 3
        assert opened.counts()["articles"] == 2


# --- time windows ----------------------------------------------------------------------------------------------


def test_since_and_until_select_the_events_dated_within(run: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "events.sqlite"
    assert run("ingest", SEEDS, "--store", store, "-q", "-j", 1).exit_code == 0
    everything = [json.loads(line) for line in run("events", "--store", store, "-q").stdout.splitlines()]
    since, until = "2022-05-01", "2022-09-30"
    expected = [r for r in everything if r["date"] and since <= r["date"] <= until]
    assert 0 < len(expected) < len(everything)
    window = run("events", "--store", store, "--since", since, "--until", until, "-q")
    assert [json.loads(line) for line in window.stdout.splitlines()] == expected
    # The direct path reads the same window.
    direct = run("events", SEEDS, "--since", since, "--until", until, "-q", "-j", 1)
    assert direct.stdout == window.stdout


def test_an_until_before_since_is_a_usage_error(run: Invoke, tmp_path: Path) -> None:
    result = run("events", SEEDS, "--since", "2022-09-10", "--until", "2022-09-01")
    assert result.exit_code == 2
    assert result.stderr == ("Error: Invalid value for '--until': 2022-09-01 is before --since 2022-09-10. "
                             "See 'frontline events --help'.\n")


# --- errors ----------------------------------------------------------------------------------------------------


def test_a_missing_store_is_one_line_and_no_output_folder(run: Invoke, tmp_path: Path) -> None:
    result = run("map", "--store", tmp_path / "none.sqlite", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no event store at ")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_a_store_is_refused(run: Invoke, tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all, just some notes\n" * 100, encoding="utf-8")
    result = run("events", "--store", text)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {text} is not a Frontline event store")
    assert len(result.stderr.splitlines()) == 1
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = run("events", "--store", other)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {other} is an SQLite file but not a Frontline event store\n")


@pytest.mark.parametrize(("version", "message"), [
    (SCHEMA_VERSION + 1, f"newer than this Frontline reads ({SCHEMA_VERSION}); upgrade Frontline"),
    (-1, f"which this Frontline cannot migrate to {SCHEMA_VERSION}; ingest the articles into a new store"),
])
def test_a_store_of_another_schema_version_is_refused_with_one_line(run: Invoke, tmp_path: Path, version: int,
                                                                     message: str) -> None:
    store = tmp_path / "events.sqlite"
    assert run("ingest", SEEDS, "--store", store, "-q", "-j", 1).exit_code == 0
    with sqlite3.connect(store) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    for args in (["events", "--store", store], ["ingest", SEEDS, "--store", store],
                 ["map", "--store", store, "-o", tmp_path / "out"]):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stderr == (f"Error: the event store {store} has schema version {version}, "
                                 f"{message}\n")
    with pytest.raises(StoreError):
        EventStore.open(store)


def _as_version_1(store: Path) -> None:
    """Turn a store back into schema version 1, whose events kept their fields as one JSON text."""
    from geo.store import _EVENT_COLUMNS

    fields = ", ".join(f"'{name}', {name}" for name in _EVENT_COLUMNS)
    with sqlite3.connect(store) as conn:
        conn.executescript(f"""
            CREATE TABLE events_v1 (article TEXT NOT NULL, n INTEGER NOT NULL, date TEXT, place TEXT NOT NULL,
                                    data TEXT NOT NULL, PRIMARY KEY (article, n));
            INSERT INTO events_v1 SELECT article, n, date, place,
                json_set(json_object({fields}), '$.claimed', json(CASE claimed WHEN 1 THEN 'true' ELSE 'false' END))
                FROM events;
            DROP TABLE events;
            ALTER TABLE events_v1 RENAME TO events;
            CREATE INDEX events_date ON events (date);
            PRAGMA user_version = 1;
        """)


def test_a_version_1_store_is_migrated_when_opened_and_reads_the_same(run: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "events.sqlite"
    assert run("ingest", SEEDS, "--store", store, "-q", "-j", 1).exit_code == 0
    before = run("events", "--store", store, "-q").stdout
    _as_version_1(store)
    with sqlite3.connect(store) as conn:
        assert [row[1] for row in conn.execute("PRAGMA table_info(events)")] == [
            "article", "n", "date", "place", "data"]
    after = run("events", "--store", store, "-q")
    assert after.exit_code == 0, after.stderr
    assert after.stdout == before
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        assert "data" not in {row[1] for row in conn.execute("PRAGMA table_info(events)")}


def test_the_event_columns_are_the_fields_of_an_event() -> None:
    import dataclasses

    from geo.model import Event
    from geo.store import _EVENT_COLUMNS

    assert {"place", "date", *_EVENT_COLUMNS} == {f.name for f in dataclasses.fields(Event)}
    assert len(_EVENT_COLUMNS) + 2 == len(dataclasses.fields(Event))


def test_an_empty_store_says_how_to_fill_it(run: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "events.sqlite"
    EventStore.open(store).close()
    result = run("events", "--store", store)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: the event store {store} holds no articles; add some with "
                             f"'frontline ingest SOURCE... --store {store}'\n")


# --- crashes and concurrency (real processes) ----------------------------------------------------------------


def _feed(path: Path, count: int, offset: int = 0) -> Path:
    """Write a JSONL feed of `count` short reports, each its own article (distinct dates), one event each."""
    names = ("Izium", "Balakliia", "Kupiansk", "Lyman")
    day = dt.date(2022, 1, 1)
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(offset, offset + count):
            text = (f"Ukrainian forces recaptured {names[i % len(names)]}, the army said. "
                    f"Report number {i}. " + "Fighting went on along the whole front. " * 20)
            handle.write(json.dumps({"text": text, "published": (day + dt.timedelta(days=i)).isoformat(),
                                     "outlet": "Wire"}) + "\n")
    return path


def _frontline(*args: object) -> list[str]:
    return [sys.executable, "-c", "from frontline.cli import main; main()", *map(str, args)]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _stored_articles(store: Path) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_killed_ingest_leaves_whole_articles_and_the_next_run_goes_on(tmp_path: Path,
                                                                       gazetteer: Gazetteer) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _feed(folder / "feed.jsonl", 3000)
    store = tmp_path / "events.sqlite"
    process = subprocess.Popen(_frontline("ingest", folder, "--store", store, "-j", 1, "-q"), env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _stored_articles(store) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with EventStore.open(store) as opened:
        killed_at = opened.counts()
        partial = load_stored(opened)
    assert 0 < killed_at["articles"] < 3000
    assert killed_at["sources"] == 0  # the file was not finished: it is read again next time
    # Every article recorded has its one event: no article without its events, no event without its article.
    per_article = Counter(e.article_id for e in partial.events)
    assert len(per_article) == killed_at["articles"] and set(per_article.values()) == {1}
    detector = CountingDetector(gazetteer)
    with EventStore.open(store) as opened:
        resumed = ingest([folder], opened, lambda: detector)
        complete = load_stored(opened)
    assert resumed.kept == killed_at["articles"]
    assert resumed.detected == 3000 - killed_at["articles"]
    assert _jsonl(complete.events) == _direct([folder], gazetteer)


def test_two_ingests_into_one_store_at_once(tmp_path: Path, gazetteer: Gazetteer) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    _feed(first / "a.jsonl", 400)
    _feed(second / "b.jsonl", 400, offset=400)
    (second / "again").mkdir()
    shutil.copy(first / "a.jsonl", second / "again" / "a.jsonl")  # both runs meet the same 400 articles
    store = tmp_path / "events.sqlite"
    processes = [subprocess.Popen(_frontline("ingest", folder, "--store", store, "-j", 1, "-q"), env=_env(),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for folder in (first, second)]
    errors = [p.communicate(timeout=300)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0], errors
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with EventStore.open(store) as opened:
        counts = opened.counts()
        stored = load_stored(opened)
    assert counts["sources"] == 3
    assert counts["articles"] == 800  # each recorded once, whichever run met it first
    assert _jsonl(stored.events) == _direct([first, second / "b.jsonl"], gazetteer)
