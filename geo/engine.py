"""The Dask engine (`--engine dask`): the per-article detection as tasks on a dask.distributed cluster.

Needs the `cluster` extra (dask[distributed]); the CLI imports this module only for `--engine dask`.
The client reads the articles (as `--jobs` does) and submits them in batches; each worker holds one detector,
made once by a worker plugin when the worker joins (the gazetteer index is opened there, from the worker's own
cache directory, not shipped with every task). Findings come back in submission order, so the output is the
one `--jobs 1` gives. Without a scheduler address a LocalCluster of worker processes on 127.0.0.1 is started
for the run and stopped after it.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from distributed import Client, LocalCluster, WorkerPlugin, get_worker

from gazetteer.gazetteer import DEFAULT_COUNTRIES, Gazetteer

from .detect import ArticleFindings, Detector
from .errors import UsageError
from .model import Article

__all__ = ["DaskEngine", "DetectorPlugin", "PLUGIN_NAME"]

T = TypeVar("T")
PLUGIN_NAME = "frontline-detector"
# Batches in flight per worker thread: enough that no worker waits while the client reads the next batch,
# few enough that the client's memory stays bounded whatever the corpus size.
BATCHES_IN_FLIGHT_PER_THREAD = 2


class DetectorPlugin(WorkerPlugin):
    """A worker plugin that opens the gazetteer and makes a detector once, when the worker starts."""

    name = PLUGIN_NAME

    def __init__(self, countries: Sequence[str] = DEFAULT_COUNTRIES) -> None:
        self.countries = tuple(countries)
        self.detector: Detector | None = None

    def setup(self, worker: object) -> None:
        """Open the worker's gazetteer (building it in its cache directory on first use)."""
        self.detector = Detector(Gazetteer.open(countries=self.countries, progress=lambda _m: None))

    def teardown(self, worker: object) -> None:
        """Close the gazetteer's connection."""
        if self.detector is not None:
            self.detector.gazetteer.index.close()


def _detect_batch(articles: Sequence[Article]) -> list[ArticleFindings]:
    """Run on a worker: detect each article with the detector its plugin made."""
    plugin = get_worker().plugins[PLUGIN_NAME]
    assert isinstance(plugin, DetectorPlugin) and plugin.detector is not None
    return [plugin.detector.detect(article) for article in articles]


@dataclass(slots=True)
class DaskEngine:
    """A Dask client for one run: to `scheduler`, or to a LocalCluster of `workers` processes it starts."""

    scheduler: str | None = None
    workers: int = 2
    countries: tuple[str, ...] = DEFAULT_COUNTRIES
    _client: Any = None
    _cluster: Any = None

    def __enter__(self) -> DaskEngine:
        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="30s")
            except OSError as err:
                raise UsageError(f"cannot reach the Dask scheduler at {self.scheduler}: {err}") from err
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,  # no fixed port
            )
            self._client = Client(self._cluster)
        self._client.register_plugin(DetectorPlugin(self.countries), name=PLUGIN_NAME)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def threads(self) -> int:
        """Return the number of worker threads of the cluster."""
        return max(1, sum(self._client.nthreads().values()))

    def detect_batches(self, batches: Iterable[tuple[T, Sequence[Article]]],
                       _make_detector: Callable[[], Detector] | None = None
                       ) -> Iterator[tuple[T, list[ArticleFindings]]]:
        """Yield (payload, findings of each article) per batch, in order, detected on the cluster's workers.

        `_make_detector` is unused (each worker's plugin has made its own); it keeps the signature of
        `geo.pipeline.detect_batches`.
        """
        assert self._client is not None, "use DaskEngine as a context manager"
        window = self.threads() * BATCHES_IN_FLIGHT_PER_THREAD
        in_flight: collections.deque[tuple[T, Any]] = collections.deque()
        try:
            for payload, batch in batches:
                future = self._client.submit(_detect_batch, list(batch), pure=False) if batch else None
                in_flight.append((payload, future))
                while len(in_flight) > window:
                    yield _result(in_flight.popleft())
            while in_flight:
                yield _result(in_flight.popleft())
        finally:
            for _payload, future in in_flight:
                if future is not None:
                    future.cancel()


def _result(item: tuple[T, Any]) -> tuple[T, list[ArticleFindings]]:
    payload, future = item
    return payload, (future.result() if future is not None else [])
