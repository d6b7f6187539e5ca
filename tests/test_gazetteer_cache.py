"""The gazetteer cache: missing, damaged, old or half-built indexes are rebuilt with a message; builders take turns.

All tests use a nine-place GeoNames-format file (tests/conftest.py), so a build takes milliseconds.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import gazetteer.index
from frontline.cli import cli
from gazetteer.errors import GazetteerBuildError
from gazetteer.index import INDEX_FILE, SCHEMA_VERSION, IndexSource, NameIndex

from .conftest import write_geonames_dump

PLACES = 9


def open_index(cache: Path, source: IndexSource, messages: list[str] | None = None) -> NameIndex:
    """Open the tiny index in `cache`, collecting progress messages."""
    sink = messages.append if messages is not None else (lambda _m: None)
    return NameIndex.open(cache, extra_sources=[source], progress=sink, include_embedded=False)


@pytest.fixture
def source(tmp_path: Path) -> IndexSource:
    """Return the nine-place GeoNames file as an index source."""
    return IndexSource.of("geonames", write_geonames_dump(tmp_path / "UA.txt"))


def healthy(index: NameIndex) -> bool:
    """Return True when the index file passes SQLite's integrity check and answers a lookup."""
    with sqlite3.connect(index.path) as conn:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return ok and [c.place.name for c in index.candidates("izyum")] == ["Izium"]


def leftovers(cache: Path) -> list[str]:
    """Return the files of `cache` other than the index, its lock and the import list."""
    return sorted(set(os.listdir(cache)) - {INDEX_FILE, INDEX_FILE + ".lock", "imports.json"})


def test_missing_index_is_built_with_a_message(tmp_path: Path, source: IndexSource) -> None:
    messages: list[str] = []
    index = open_index(tmp_path / "cache", source, messages)
    path = tmp_path / "cache" / INDEX_FILE
    assert messages == [f"gazetteer: building the index in {path} (once; about 35 s)", "gazetteer: index ready"]
    assert index.counts()["places_geonames"] == PLACES and healthy(index)
    messages.clear()
    open_index(tmp_path / "cache", source, messages)
    assert messages == []  # opened, not rebuilt


def _truncate_half(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _truncate_to_header(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(100)


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 100)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _other_database(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")


def _older_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION - 1),))


def _no_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'schema'")


def _other_sources(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 'x' WHERE key = 'fingerprint'")


def _names_table_dropped(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE names")


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        (_truncate_half, "damaged: database disk image is malformed"),
        (_truncate_to_header, "damaged: database disk image is malformed"),
        (_garbage, "damaged: file is not a database"),
        (_empty, "not a Frontline index"),
        (_other_database, "not a Frontline index"),
        (_older_schema, f"schema {SCHEMA_VERSION - 1}, this version reads schema {SCHEMA_VERSION}"),
        (_no_schema, f"schema unknown, this version reads schema {SCHEMA_VERSION}"),
        (_other_sources, "its sources changed"),
        (_names_table_dropped, "damaged: no such table: names"),
    ],
)
def test_unusable_index_is_rebuilt_with_a_message_saying_why(
    tmp_path: Path, source: IndexSource, spoil: Callable[[Path], None], why: str
) -> None:
    cache = tmp_path / "cache"
    open_index(cache, source).close()
    spoil(cache / INDEX_FILE)
    messages: list[str] = []
    index = open_index(cache, source, messages)
    assert messages == [
        f"gazetteer: rebuilding ({why}) the index in {cache / INDEX_FILE} (once; about 35 s)",
        "gazetteer: index ready",
    ]
    assert index.counts()["places_geonames"] == PLACES and healthy(index)
    assert leftovers(cache) == []


def test_rebuild_on_request_says_so(tmp_path: Path, source: IndexSource) -> None:
    open_index(tmp_path, source).close()
    messages: list[str] = []
    NameIndex.open(tmp_path, extra_sources=[source], progress=messages.append, include_embedded=False, rebuild=True)
    path = tmp_path / INDEX_FILE
    assert messages[0] == f"gazetteer: rebuilding (rebuild asked for) the index in {path} (once; about 35 s)"


def test_interrupted_build_leaves_the_old_index_and_no_temporary_file(
    tmp_path: Path, source: IndexSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    open_index(cache, source).close()
    before = (cache / INDEX_FILE).read_bytes()

    def interrupt(_entry: object) -> dict[str, object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(gazetteer.index, "name_variants", interrupt)
    with pytest.raises(KeyboardInterrupt):
        NameIndex.open(cache, extra_sources=[source], progress=lambda _m: None, include_embedded=False, rebuild=True)
    assert (cache / INDEX_FILE).read_bytes() == before
    assert leftovers(cache) == []


def _build_and_die(cache: Path, source: IndexSource) -> None:
    # In a forked child: die by SIGKILL half way through the build, as `kill -9` or the OOM killer would.
    def die(_entry: object) -> dict[str, object]:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")

    gazetteer.index.name_variants = die  # type: ignore[assignment]
    open_index(cache, source)


def test_killed_build_leaves_a_temporary_file_that_the_next_build_removes(tmp_path: Path, source: IndexSource) -> None:
    cache = tmp_path / "cache"
    child = multiprocessing.get_context("fork").Process(target=_build_and_die, args=(cache, source))
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    stale = leftovers(cache)
    assert len(stale) == 1 and stale[0].startswith(".gazetteer.") and stale[0].endswith(".building")
    assert not (cache / INDEX_FILE).exists()  # never a half-built index under the real name
    messages: list[str] = []
    index = open_index(cache, source, messages)  # the dead builder's lock went with it
    assert messages[0].startswith("gazetteer: building the index")
    assert healthy(index) and leftovers(cache) == []


def _open_at_once(cache: Path, source: IndexSource, barrier: multiprocessing.synchronize.Barrier,
                  results: multiprocessing.Queue) -> None:  # fmt: skip
    barrier.wait()
    messages: list[str] = []
    index = open_index(cache, source, messages)
    results.put((messages, index.counts()["places_geonames"], [c.place.name for c in index.candidates("kupyansk")]))


@pytest.mark.parametrize("processes", [2, 6])
def test_processes_starting_at_once_build_once_and_all_read_a_sound_index(
    tmp_path: Path, source: IndexSource, processes: int
) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [context.Process(target=_open_at_once, args=(tmp_path / "cache", source, barrier, results))
               for _ in range(processes)]  # fmt: skip
    for worker in workers:
        worker.start()
    answers = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join()
    assert [w.exitcode for w in workers] == [0] * processes
    assert [(count, names) for _, count, names in answers] == [(PLACES, ["Kupiansk"])] * processes
    assert sum(len(messages) for messages, _, _ in answers) == 2  # one "building", one "ready": one builder
    assert leftovers(tmp_path / "cache") == []
    assert healthy(open_index(tmp_path / "cache", source))


def test_an_open_index_keeps_working_while_another_process_rebuilds_it(tmp_path: Path, source: IndexSource) -> None:
    reader = open_index(tmp_path, source)
    assert healthy(reader)
    context = multiprocessing.get_context("fork")
    builder = context.Process(target=lambda: NameIndex.open(
        tmp_path, extra_sources=[source], progress=lambda _m: None, include_embedded=False, rebuild=True))  # fmt: skip
    builder.start()
    builder.join()
    assert builder.exitcode == 0
    # The rebuilt file replaced the old one by rename: the reader's open file is still whole.
    assert [c.place.name for c in reader.candidates("izyum")] == ["Izium"]
    assert healthy(open_index(tmp_path, source))


def test_unusable_cache_directory_is_one_error_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(GazetteerBuildError, match=f"cannot create the cache directory {blocker / 'cache'}"):
        NameIndex.open(blocker / "cache", progress=lambda _m: None)
    result = CliRunner().invoke(cli, ["gazetteer", "info"], prog_name="frontline",
                                env={"FRONTLINE_CACHE": str(blocker / "cache")})  # fmt: skip
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == (
        "", f"Error: cannot create the cache directory {blocker / 'cache'}: Not a directory\n"
    )  # fmt: skip
