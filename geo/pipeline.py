"""The pipeline: articles -> findings -> events (kinds corrected by history), streaming, in parallel if asked."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from gazetteer.gazetteer import Gazetteer

from .articles import LoadStats, iter_articles
from .detect import ArticleFindings, Detector
from .model import Article, Event, UnresolvedName
from .timeline import correct_kinds

__all__ = ["RunResult", "run_pipeline", "default_jobs", "BATCH_SIZE"]

# Articles handed to the workers at a time: bounds memory whatever the corpus size.
BATCH_SIZE = 256

Progress = Callable[[int], None]


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(slots=True)
class RunResult:
    """Everything one run found, and what it could not read."""

    events: list[Event] = field(default_factory=list)
    unresolved: list[UnresolvedName] = field(default_factory=list)
    stats: LoadStats = field(default_factory=LoadStats)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, findings: ArticleFindings) -> None:
        """Add the events and unresolved names of one article."""
        self.events.extend(findings.events)
        self.unresolved.extend(findings.unresolved)

    @property
    def places(self) -> int:
        """Return the number of distinct places with events."""
        return len({e.place.key for e in self.events})

    def summary(self) -> str:
        """Return the one-line summary printed at the end of a run."""
        counts = (_count(self.stats.articles, "article") + " read", f"{len(self.stats.skipped)} skipped",
                  _count(len(self.events), "event"), _count(self.places, "place"),
                  _count(len({u.surface for u in self.unresolved}), "unresolved name"))
        return ", ".join(counts) + f", {self.seconds:.1f} s"


def _count(number: int, noun: str) -> str:
    """Return "1 article", "2 articles", "0 articles"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# Worker state: one detector per process, made once (the gazetteer is opened once per process).
_WORKER: Detector | None = None


def _init_worker(detector: Detector) -> None:
    global _WORKER
    detector.gazetteer.index.reopen()  # an SQLite connection must not cross a fork
    _WORKER = detector


def _detect(article: Article) -> ArticleFindings:
    assert _WORKER is not None
    return _WORKER.detect(article)


@contextlib.contextmanager
def _collector_skips_existing_objects() -> Iterator[None]:
    """Keep the objects alive now (the name tables, compiled patterns) out of the cyclic collector's passes.

    They live for the whole run: traversing them in every full collection is wasted time, and in a forked
    worker it also writes to every page that holds them, which copies pages the worker could have shared.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def run_pipeline(
    sources: Sequence[str | os.PathLike[str]],
    gazetteer: Gazetteer,
    *,
    default_date: dt.date | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    detector: Detector | None = None,
) -> RunResult:
    """Read every article of `sources` once, detect events, and correct kinds across the whole corpus.

    Raises InputError before reading anything when a source is missing or holds no articles.
    """
    started = time.perf_counter()
    result = RunResult()

    def record_warning(message: str) -> None:
        result.warnings.append(message)
        if warn:
            warn(message)

    articles = iter_articles(sources, default_date=default_date, warn=record_warning, stats=result.stats)
    detector = detector or Detector(gazetteer)
    if jobs > 1:
        # Load the name tables before forking so that workers share them instead of each loading them.
        gazetteer.load_tables()
    with _collector_skips_existing_objects():
        if jobs <= 1:
            _detect_here(articles, detector, result, progress)
        else:
            _detect_in_workers(articles, detector, jobs, result, progress)
    result.events = correct_kinds(result.events)
    result.seconds = time.perf_counter() - started
    return result


def _detect_here(articles: Iterable[Article], detector: Detector, result: RunResult,
                 progress: Progress | None) -> None:
    for done, article in enumerate(articles, 1):
        result.add(detector.detect(article))
        if progress:
            progress(done)


def _detect_in_workers(articles: Iterable[Article], detector: Detector, jobs: int, result: RunResult,
                       progress: Progress | None) -> None:
    # An executor, not multiprocessing.Pool: it notices a worker killed by a signal and raises instead of
    # waiting forever on a queue lock the dead worker held.
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_init_worker, initargs=(detector,))
    done = 0
    try:
        # The next batch is handed out before this one's results are read, so that no worker waits
        # while the last chunks of a batch finish; two batches at most are in memory.
        waiting: tuple[int, Iterator[ArticleFindings]] | None = None
        for batch in itertools.chain(_batches(articles, BATCH_SIZE), [[]]):
            submitted = (len(batch), executor.map(_detect, batch, chunksize=max(1, len(batch) // (jobs * 4))))
            if waiting is not None:
                size, findings_of_batch = waiting
                for findings in findings_of_batch:
                    result.add(findings)
                done += size
                if progress:
                    progress(done)
            waiting = submitted
    except BaseException:
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()  # stop now: the caller is unwinding (Ctrl-C, SIGTERM, an error)
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
