"""The Dask engine: the same events as `--jobs 1`, on a LocalCluster of two worker processes on 127.0.0.1."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from gazetteer.gazetteer import Gazetteer
from geo.pipeline import run_pipeline
from geo.records import events_jsonl_lines

distributed = pytest.importorskip("distributed")

from geo.engine import PLUGIN_NAME, DaskEngine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """Return the address of a LocalCluster of two single-threaded worker processes on 127.0.0.1."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder of the five seeds and a feed of 600 short reports (three batches of the engine)."""
    folder = tmp_path_factory.mktemp("engine") / "in"
    folder.mkdir()
    for path in SEEDS.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    names = ("Izium", "Balakliia", "Kupiansk", "Lyman", "Vovchansk", "Bakhmut")
    with open(folder / "feed.jsonl", "w", encoding="utf-8") as handle:
        for i in range(600):
            side = "Ukrainian" if i % 3 else "Russian"
            text = f"{side} forces captured {names[i % len(names)]}, officials said on day {i}."
            handle.write(json.dumps({"text": text, "published": f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}"}) + "\n")
    return folder


def _jsonl(events) -> str:  # type: ignore[no-untyped-def]
    return "".join(events_jsonl_lines(events))


def test_the_dask_engine_finds_what_one_process_finds(scheduler: str, corpus: Path, gazetteer: Gazetteer) -> None:
    local = run_pipeline([corpus], gazetteer, jobs=1)
    with DaskEngine(scheduler) as engine:
        assert engine.threads() == 2
        clustered = run_pipeline([corpus], gazetteer, batch_detector=engine.detect_batches)
    assert len(local.events) > 600
    assert _jsonl(clustered.events) == _jsonl(local.events)
    assert sorted(clustered.unresolved, key=repr) == sorted(local.unresolved, key=repr)
    assert clustered.stats.articles == local.stats.articles == 605


def test_each_worker_makes_its_detector_once(scheduler: str, corpus: Path, gazetteer: Gazetteer) -> None:
    def detector_id(dask_worker) -> int:  # type: ignore[no-untyped-def]
        return id(dask_worker.plugins[PLUGIN_NAME].detector)

    with DaskEngine(scheduler) as engine:
        client = engine._client
        before = client.run(detector_id)
        run_pipeline([corpus], gazetteer, batch_detector=engine.detect_batches)
        after = client.run(detector_id)
    assert len(before) == 2 and before == after  # the same detector served every task of the run


def test_ingest_and_events_with_engine_dask(run: Invoke, scheduler: str, corpus: Path, tmp_path: Path) -> None:
    direct = run("events", corpus, "-q", "-j", 1)
    clustered = run("events", corpus, "-q", "--engine", "dask", "--scheduler", scheduler)
    assert clustered.exit_code == 0, clustered.stderr
    assert clustered.stdout == direct.stdout
    store = tmp_path / "events.sqlite"
    ingested = run("ingest", corpus, "--store", store, "--engine", "dask", "--scheduler", scheduler)
    assert ingested.exit_code == 0, ingested.stderr
    assert "605 articles read, 605 detected" in ingested.stderr
    assert run("events", "--store", store, "-q").stdout == direct.stdout


def test_engine_dask_without_an_address_starts_a_local_cluster(run: Invoke) -> None:
    direct = run("events", SEEDS, "-q", "-j", 1)
    clustered = run("events", SEEDS, "-q", "--engine", "dask", "-j", 1)
    assert clustered.exit_code == 0, clustered.stderr
    assert clustered.stdout == direct.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
    (["--engine", "dask", "--online"], "--online works with --engine local only (the workers ask no Nominatim "
                                       "server)"),
])
def test_engine_options_that_do_not_go_together(run: Invoke, args: list[str], message: str) -> None:
    result = run("events", SEEDS, *args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}. See 'frontline events --help'.\n"
