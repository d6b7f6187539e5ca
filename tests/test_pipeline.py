"""run_pipeline over a small corpus of seed copies: --jobs does not change the output; summary and exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import shutil
from collections import Counter
from pathlib import Path

import pytest

from frontline.cli import exit_code
from gazetteer.gazetteer import Gazetteer
from geo.articles import LoadStats
from geo.pipeline import RunResult, run_pipeline

from .conftest import SEEDS

ROUNDS = 3  # copies of each seed


def _seed_rows() -> list[dict[str, str]]:
    with open(SEEDS / "manifest.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_copies(folder: Path, rounds: int = ROUNDS) -> Path:
    """Copy every seed `rounds` times under distinct names, each round published a day later."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [["file", "published", "outlet", "url", "title"]]
    for r in range(rounds):
        for seed in _seed_rows():
            name = f"r{r}_{seed['file']}"
            shutil.copyfile(SEEDS / seed["file"], folder / name)
            published = dt.date.fromisoformat(seed["published"]) + dt.timedelta(days=r)
            rows.append([name, published.isoformat(), seed["outlet"], f"https://example.org/{name}", seed["title"]])
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder of ROUNDS copies of the seeds with a manifest."""
    return write_copies(tmp_path_factory.mktemp("copies"))


@pytest.fixture(scope="module")
def serial(corpus: Path, gazetteer: Gazetteer) -> RunResult:
    """Return the run of the corpus in this process."""
    return run_pipeline([corpus], gazetteer, jobs=1)


@pytest.fixture(scope="module")
def seeds_alone(gazetteer: Gazetteer) -> RunResult:
    """Return the run of the seeds themselves."""
    return run_pipeline([SEEDS], gazetteer, jobs=1)


def _records(result: RunResult) -> list[dict[str, object]]:
    return [e.to_record() for e in result.events]


def test_the_corpus_has_events(serial: RunResult) -> None:
    # Without events the comparisons below would hold for nothing.
    assert len(serial.events) >= ROUNDS * 5


@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_give_the_events_of_one_process_in_the_same_order(
    corpus: Path, gazetteer: Gazetteer, serial: RunResult, jobs: int
) -> None:
    parallel = run_pipeline([corpus], gazetteer, jobs=jobs)
    assert _records(parallel) == _records(serial)
    assert parallel.unresolved == serial.unresolved
    assert (parallel.stats.articles, parallel.stats.skipped) == (serial.stats.articles, serial.stats.skipped)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_gives_the_collector_back_every_object_it_froze(corpus: Path, gazetteer: Gazetteer, jobs: int) -> None:
    # The run keeps long-lived objects out of the collector's passes; the caller's process must get them back.
    assert gc.get_freeze_count() == 0
    assert run_pipeline([corpus], gazetteer, jobs=jobs).events
    assert gc.get_freeze_count() == 0


def test_the_collector_gets_its_objects_back_when_a_run_fails(corpus: Path, gazetteer: Gazetteer) -> None:
    def interrupt(done: int) -> None:
        assert gc.get_freeze_count() > 0  # the run does freeze them
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_pipeline([corpus], gazetteer, jobs=2, progress=interrupt)
    assert gc.get_freeze_count() == 0


def test_each_copy_finds_the_places_and_sentences_of_its_seed(serial: RunResult, seeds_alone: RunResult) -> None:
    # Dates and kinds may move with the shifted publication dates and the corpus history; what each
    # copy finds, and where, may not.
    def found(records: list[dict[str, object]]) -> Counter[tuple[object, ...]]:
        return Counter((str(r["article"]).split("_", 1)[-1], r["place"], r["geonameid"], r["sentence"])
                       for r in records)

    expected = found([{**r, "article": f"x_{r['article']}"} for r in _records(seeds_alone)])
    for r in range(ROUNDS):
        mine = [rec for rec in _records(serial) if str(rec["article"]).startswith(f"r{r}_")]
        assert found(mine) == expected


def test_the_summary_counts_articles_events_places_and_unresolved_names(
    serial: RunResult, seeds_alone: RunResult
) -> None:
    result = RunResult(serial.events, serial.unresolved, serial.stats, serial.warnings, seconds=1.25)
    places = len({e.place.key for e in seeds_alone.events})
    unresolved = len({u.surface for u in seeds_alone.unresolved})
    assert result.summary() == (f"{ROUNDS * 5} articles read, 0 skipped, {ROUNDS * len(seeds_alone.events)} events, "
                                f"{places} places, {unresolved} unresolved name{'' if unresolved == 1 else 's'}, 1.2 s")
    assert places > 0
    assert exit_code(serial) == 0


def test_skipped_inputs_are_counted_and_exit_1(tmp_path: Path, gazetteer: Gazetteer, serial: RunResult) -> None:
    folder = write_copies(tmp_path / "copies")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    warnings: list[str] = []
    result = run_pipeline([folder], gazetteer, jobs=2, warn=warnings.append)
    assert [(Path(where).name, reason) for where, reason in result.stats.skipped] == [
        ("binary.txt", "binary file (NUL bytes)"),
        ("empty.txt", "empty file"),
    ]
    assert result.warnings == warnings
    assert len(warnings) == 2
    assert result.summary().startswith(f"{ROUNDS * 5} articles read, 2 skipped, {len(serial.events)} events, ")
    assert _records(result) == _records(serial)
    assert exit_code(result) == 1


@pytest.mark.parametrize(
    ("articles", "skipped", "code"),
    [
        (3, [], 0),
        (1, [], 0),
        (3, [("a.txt", "empty file")], 1),
        (1, [("a.txt", "empty file"), ("b.jsonl:2", "not valid JSON")], 1),
        (0, [], 2),
        (0, [("a.txt", "empty file")], 2),
    ],
)
def test_exit_code(articles: int, skipped: list[tuple[str, str]], code: int) -> None:
    assert exit_code(RunResult(stats=LoadStats(articles=articles, skipped=list(skipped)))) == code
