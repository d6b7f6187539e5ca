"""The pipeline: articles -> findings -> events (kinds corrected by history), streaming, in parallel if asked."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import itertools
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from gazetteer.gazetteer import Gazetteer

from .articles import LoadStats, find_article_files, iter_articles
from .detect import ArticleFindings, Detector
from .model import Article, Event, UnresolvedName
from .readers.run import Run
from .store import EventStore, StoredArticle, article_hash, source_key, source_signature
from .timeline import correct_kinds

__all__ = ["RunResult", "run_pipeline", "default_jobs", "BATCH_SIZE", "detect_batches", "events_in_window",
           "IngestResult", "ingest", "load_stored"]

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
    batch_detector: BatchDetector | None = None,
) -> RunResult:
    """Read every article of `sources` once, detect events, and correct kinds across the whole corpus.

    With `batch_detector` (the Dask engine's), the articles are detected by it, in batches, instead of here
    or in `jobs` forked workers. Raises InputError before reading anything when a source is missing or holds
    no articles.
    """
    started = time.perf_counter()
    result = RunResult()

    def record_warning(message: str) -> None:
        result.warnings.append(message)
        if warn:
            warn(message)

    articles = iter_articles(sources, default_date=default_date, warn=record_warning, stats=result.stats)
    detector = detector or Detector(gazetteer)
    if batch_detector is not None:
        _detect_with(batch_detector, articles, detector, result, progress)
        result.events = correct_kinds(result.events)
        result.seconds = time.perf_counter() - started
        return result
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


def _detect_with(batch_detector: BatchDetector, articles: Iterable[Article], detector: Detector, result: RunResult,
                 progress: Progress | None) -> None:
    done = 0
    for _payload, findings_of_batch in batch_detector(((None, batch) for batch in _batches(articles, BATCH_SIZE)),
                                                      lambda: detector):
        for findings in findings_of_batch:
            result.add(findings)
        done += len(findings_of_batch)
        if progress:
            progress(done)


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


# --- batches in order, for callers that keep what each article gave (the event store) ----------------------

T = TypeVar("T")
Batches = Iterable[tuple[T, Sequence[Article]]]
# Runs the detector over batches of articles, yielding each batch's findings in order with its payload:
# `detect_batches` below on this machine, `geo.engine.DaskEngine.detect_batches` on a Dask cluster.
BatchDetector = Callable[[Batches, Callable[[], Detector]], Iterator[tuple[T, list[ArticleFindings]]]]


def detect_batches(batches: Batches, make_detector: Callable[[], Detector], *,
                   jobs: int = 1) -> Iterator[tuple[T, list[ArticleFindings]]]:
    """Yield (payload, findings of each article) per batch, in order; `jobs` forked workers when above 1.

    The detector is made on the first batch that holds an article, so a run with nothing to detect does not
    open the gazetteer. The next batch is handed out before this one's findings are yielded.
    """
    detector: Detector | None = None
    executor: ProcessPoolExecutor | None = None
    waiting: tuple[T, Sequence[Article], Iterator[ArticleFindings] | list[ArticleFindings]] | None = None
    try:
        for item in itertools.chain(batches, [None]):
            submitted = None
            if item is not None:
                payload, batch = item
                if batch and detector is None:
                    detector = make_detector()
                    if jobs > 1:
                        detector.gazetteer.load_tables()  # before forking: the workers share the tables
                        executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                                       initializer=_init_worker, initargs=(detector,))
                if not batch:
                    found: Iterator[ArticleFindings] | list[ArticleFindings] = []
                elif executor is not None:
                    found = executor.map(_detect, batch, chunksize=max(1, len(batch) // (jobs * 4)))
                else:
                    found = None  # type: ignore[assignment]  # detected here, below, after the last batch's turn
                submitted = (payload, batch, found)
            if waiting is not None:
                yield waiting[0], list(waiting[2])
            if submitted is not None and submitted[2] is None:
                assert detector is not None
                submitted = (submitted[0], submitted[1], [detector.detect(a) for a in submitted[1]])
            waiting = submitted
    except BaseException:
        if executor is not None:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()  # stop now: the caller is unwinding (Ctrl-C, SIGTERM, an error, a closed generator)
            executor.shutdown(wait=False, cancel_futures=True)
        raise
    if executor is not None:
        executor.shutdown(wait=True)


def events_in_window(events: Iterable[Event], since: dt.date | None, until: dt.date | None) -> list[Event]:
    """Return the events dated within since..until (inclusive); with a window, undated events are left out."""
    if since is None and until is None:
        return list(events)
    return [e for e in events
            if e.date is not None and (since is None or e.date >= since) and (until is None or e.date <= until)]


# --- the event store: ingest articles once, read the events back ----------------------------------------------


@dataclass(slots=True)
class IngestResult:
    """What one `ingest` did: files skipped as unchanged, articles read, detected, linked, replaced."""

    files: int = 0
    unchanged_files: int = 0
    detected: int = 0  # articles run through the detector
    kept: int = 0  # articles read again but unchanged at their place: not detected
    linked: int = 0  # articles recorded before (another file, another run): not detected
    replaced: int = 0  # positions whose article changed: its old events are gone
    events: int = 0  # events added
    stats: LoadStats = field(default_factory=LoadStats)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """Return the one-line summary printed at the end of an ingest."""
        parts = (f"{_count(self.files, 'file')} ({self.unchanged_files:,} unchanged)",
                 _count(self.stats.articles, "article") + " read", f"{self.detected:,} detected",
                 f"{self.kept + self.linked:,} known", f"{self.replaced:,} replaced",
                 f"{len(self.stats.skipped)} skipped", _count(self.events, "event") + " added")
        return ", ".join(parts) + f", {self.seconds:.1f} s"


@dataclass(slots=True)
class _FileEnd:
    path: str
    signature: str
    articles: int


def ingest(
    sources: Sequence[str | os.PathLike[str]],
    store: EventStore,
    make_detector: Callable[[], Detector],
    *,
    default_date: dt.date | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    batch_detector: BatchDetector | None = None,
) -> IngestResult:
    """Record the articles of `sources` in `store`: files unchanged since they were recorded are not read,
    articles recorded before are not detected again, a changed article replaces its old events.

    Each batch is one transaction, so an ingest killed at any point leaves whole articles. Raises InputError
    before reading anything when a source is missing or holds no articles.
    """
    started = time.perf_counter()
    result = IngestResult()

    def record_warning(message: str) -> None:
        result.warnings.append(message)
        if warn:
            warn(message)

    files = find_article_files(sources)
    result.files = len(files)
    recorded = store.signatures()
    signatures: dict[str, str] = {}
    pending: list[Path] = []
    # The manifests' rows, read once per directory and silently (the reading proper warns about them).
    manifests = Run(lambda _message: None, LoadStats(), default_date)
    for file in files:
        key = source_key(file)
        signature = source_signature(file, default_date, manifests.manifest_meta(file))
        if recorded.get(key) == signature:
            result.unchanged_files += 1
        else:
            signatures[key] = signature
            pending.append(file)
    if pending:
        articles = iter_articles(pending, default_date=default_date, warn=record_warning, stats=result.stats)
        items = _store_items(articles, store, signatures, result)
        batches = ((chunk, [item.article for item, detect in chunk if detect and isinstance(item, StoredArticle)])
                   for chunk in _item_batches(items, BATCH_SIZE))
        run_batches = batch_detector or functools.partial(detect_batches, jobs=jobs)
        done = 0
        with _collector_skips_existing_objects():
            for chunk, findings in run_batches(batches, make_detector):
                stored, finished = _with_findings(chunk, findings)
                result.detected += len(findings)
                counts = store.record(stored, finished)
                result.linked += counts.linked
                result.replaced += counts.replaced
                result.events += counts.events
                done += len(stored)
                if progress:
                    progress(done)
    result.seconds = time.perf_counter() - started
    return result


_Item = tuple["StoredArticle | _FileEnd", bool]  # an article or a file's end, and whether to detect it


def _store_items(articles: Iterable[Article], store: EventStore, signatures: dict[str, str],
                 result: IngestResult) -> Iterator[_Item]:
    """Yield each article with its place in its file, its hash and whether it must be detected (neither at
    its place already nor recorded from elsewhere), and a _FileEnd after each file's last article."""
    current: str | None = None
    seq = 0
    known: dict[int, str] = {}

    def finished(path: str, count: int) -> Iterator[_Item]:
        # A file with a skipped part is read again next time (and warned about again), not marked as read.
        skipped = {where.rsplit(":", 1)[0] if ":" in where and not os.path.exists(where) else where
                   for where, _reason in result.stats.skipped}
        if not any(source_key(where) == path for where in skipped):
            yield _FileEnd(path, signatures[path], count), False

    for article in articles:
        key = source_key(article.path)
        if key != current:
            if current is not None:
                yield from finished(current, seq)
            current, seq, known = key, 0, store.hashes_at(key)
        content_hash = article_hash(article)
        if known.get(seq) == content_hash:
            result.kept += 1
            detect = False
        else:
            detect = not store.has_article(content_hash)
        yield StoredArticle(key, seq, content_hash, article), detect
        seq += 1
    if current is not None:
        yield from finished(current, seq)


def _item_batches(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    """Yield batches of `size` articles, with the file ends that fall among them."""
    batch: list[_Item] = []
    articles = 0
    for item in items:
        batch.append(item)
        if isinstance(item[0], StoredArticle):
            articles += 1
            if articles == size:
                yield batch
                batch, articles = [], 0
    if batch:
        yield batch


def _with_findings(chunk: list[_Item], findings: list[ArticleFindings]
                   ) -> tuple[list[StoredArticle], list[tuple[str, str, int]]]:
    """Return the batch's articles, the detected ones with their findings, and the files it finishes."""
    found = iter(findings)
    stored: list[StoredArticle] = []
    finished: list[tuple[str, str, int]] = []
    for item, detect in chunk:
        if isinstance(item, _FileEnd):
            finished.append((item.path, item.signature, item.articles))
        elif detect:
            result = next(found)
            stored.append(replace(item, events=tuple(result.events), unresolved=tuple(result.unresolved)))
        else:
            stored.append(item)
    return stored, finished


def load_stored(store: EventStore, *, since: dt.date | None = None, until: dt.date | None = None) -> RunResult:
    """Return the store's events (kinds corrected over the whole history, then cut to the window) and
    unresolved names as a RunResult, as a direct run over the same articles gives them."""
    started = time.perf_counter()
    result = RunResult()
    result.events = events_in_window(correct_kinds(store.events()), since, until)
    result.unresolved = store.unresolved(since=since, until=until)
    result.stats.articles = store.article_count()
    result.seconds = time.perf_counter() - started
    return result
