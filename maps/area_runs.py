"""Run the estimate over a timeline's periods: in this process, or in forked workers while the caller goes on."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from geo.timeline import Period, Timeline

from .area_geometry import (
    _area_changes,
    _cell_changes,
    _empty_shapes,
    _land_bbox,
    _land_mask,
    _mask_tiles,
    _Shapes,
    _shapes,
    _sites,
    _tessellate,
    _Tessellation,
    equal_area_transformers,
)
from .area_model import AREA_SIDES, AreaSettings, PeriodAreas, last_report

__all__ = ["PARALLEL_MIN_STATES", "AreaRun", "estimate_areas", "start_areas"]


def estimate_areas(
    timeline: Timeline,
    settings: AreaSettings | None = None,
    land: list[tuple[str, Any]] | None = None,
    jobs: int | None = 1,
) -> list[PeriodAreas]:
    """Return, per period of `timeline`, the estimated UA, RU and contested areas, their km2 and the front line.

    `jobs` > 1 splits the periods into that many runs of consecutive periods, each in a forked worker
    (each worker first recomputes the period before its run, for the gains and losses); None uses the
    cores when the timeline holds more than PARALLEL_MIN_STATES states. The result is the same either way.
    """
    return start_areas(timeline, settings, land, jobs).result()


class AreaRun:
    """Estimated areas being computed: in forked workers from the start, or in this process on `result()`.

    `render_map` takes one in place of the list, and asks for the result only after it has laid out the
    places and their states, so that work overlaps the workers'.
    """

    def __init__(self, context: _AreaContext, jobs: int) -> None:
        self._context = context
        self._results: list[PeriodAreas] | None = None
        self._executor: Any = None
        self._futures: list[Any] = []
        n = len(context.timeline.periods)
        if jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor(
                jobs, mp_context=multiprocessing.get_context("fork"), initializer=_init_worker, initargs=(context,)
            )
            bounds = [(n * i // jobs, n * (i + 1) // jobs) for i in range(jobs)]
            self._futures = [self._executor.submit(_run_chunk, b) for b in bounds]

    def result(self) -> list[PeriodAreas]:
        """Return the estimates, one per period (waiting for the workers, or computing them here)."""
        if self._results is None:
            if not self._futures:
                self._results = self._context.run(0, len(self._context.timeline.periods))
            else:
                try:
                    self._results = [r for future in self._futures for r in future.result()]
                finally:
                    self.close()
        return self._results

    def close(self) -> None:
        """Stop the workers (a run whose result is no longer wanted, e.g. after an error)."""
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None


def start_areas(
    timeline: Timeline,
    settings: AreaSettings | None = None,
    land: list[tuple[str, Any]] | None = None,
    jobs: int | None = 1,
) -> AreaRun:
    """Start estimating the areas as `estimate_areas` does; the workers (if any) run while the caller goes on."""
    settings = settings or AreaSettings()
    context = _AreaContext.build(timeline, settings, land)
    n = len(timeline.periods)
    if jobs is None:
        states = sum(len(v) for v in timeline.states.values())
        jobs = _cores() if states > PARALLEL_MIN_STATES else 1
    return AreaRun(context, max(1, min(jobs, n // 4)))


# Above this many place states (places x periods) `estimate_areas(jobs=None)` forks one worker per core.
PARALLEL_MIN_STATES = 200_000
_WORKER: _AreaContext | None = None  # set in a forked worker only


def _cores() -> int:
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _init_worker(context: _AreaContext) -> None:
    global _WORKER
    _WORKER = context


def _run_chunk(bounds: tuple[int, int]) -> list[PeriodAreas]:
    assert _WORKER is not None
    return _WORKER.run(*bounds)


@dataclass(slots=True)
class _AreaContext:
    """What every period's estimate needs: the timeline, the settings, projected places, the land mask."""

    timeline: Timeline
    settings: AreaSettings
    place_row: dict[int, int]  # id(Place) -> row of all_xy; the timeline keeps every Place alive
    all_xy: Any
    mask: Any
    tiles: Any
    last_day: dict[int, int] = field(default_factory=dict)  # id(events tuple) -> ordinal of its last report, -1: none

    @classmethod
    def build(cls, timeline: Timeline, settings: AreaSettings, land: list[tuple[str, Any]] | None) -> _AreaContext:
        import numpy as np
        import shapely

        forward, _ = equal_area_transformers()
        place_by_key = {p.key: p for p in timeline.places}
        # The same Place objects recur in every period: their keys are built once each, first seen first.
        seen = {id(state.place): state.place for states in timeline.states.values() for state in states}
        for place in seen.values():
            place_by_key.setdefault(place.key, place)
        keys = sorted(place_by_key)
        key_row = {k: i for i, k in enumerate(keys)}
        place_row = {i: key_row[p.key] for i, p in seen.items()}
        all_xy = np.zeros((len(keys), 2))
        mask = tiles = None
        if keys:
            lon = np.array([place_by_key[k].lon for k in keys], dtype=float)
            lat = np.array([place_by_key[k].lat for k in keys], dtype=float)
            px, py = forward.transform(lon, lat)
            all_xy = np.column_stack([px, py])
            if land:
                mask = _land_mask(land, np.column_stack([lon, lat]), _land_bbox(lon, lat, settings), forward)
                shapely.prepare(mask)
                tiles = _mask_tiles(mask)
        return cls(timeline, settings, place_row, all_xy, mask, tiles)

    def period_sites(self, period: Period) -> tuple[Any, Any, int]:
        """Return the period's sites (projected xy), their side codes (AREA_SIDES index), and the stale count."""
        import numpy as np

        states = self.timeline.states.get(period.label, ())
        chosen = [(state, code) for state in states if (code := _SIDE_CODE.get(state.side)) is not None]
        last_day = self.last_day
        for state, _ in chosen:
            if id(state.events) not in last_day:
                day = last_report(state.events)
                last_day[id(state.events)] = day.toordinal() if day else -1
        lasts = np.array([last_day[id(state.events)] for state, _ in chosen], dtype=np.int64)
        if period.end is None:
            fresh = np.zeros(len(chosen), dtype=bool)
        else:  # as is_stale: no report, or the last one more than stale_days before the end
            fresh = (lasts >= 0) & (period.end.toordinal() - lasts <= self.settings.stale_days)
        rows = np.array([self.place_row[id(state.place)] for state, _ in chosen], dtype=np.int64)[fresh]
        codes = np.array([code for _, code in chosen], dtype=np.int64)[fresh]
        xy, merged = _sites(self.all_xy[rows], codes)
        return xy, merged, int((~fresh).sum())

    def run(self, lo: int, hi: int) -> list[PeriodAreas]:
        """Return the estimates of periods lo..hi-1, computing from period lo-1 for the gains and losses."""
        import numpy as np

        radius_m = self.settings.radius_km * 1000.0
        _, inverse = equal_area_transformers()
        results: list[PeriodAreas] = []
        tess: _Tessellation | None = None
        site_key: bytes | None = None
        previous: _Estimate | None = None
        for index in range(max(lo - 1, 0), hi):
            period = self.timeline.periods[index]
            xy, codes, stale = self.period_sites(period)
            old_tess = tess
            if xy.tobytes() != site_key:
                site_key = xy.tobytes()
                tess = _tessellate(xy, radius_m, self.mask, self.tiles) if len(xy) else None
            counts = {side: int((codes == k).sum()) for k, side in enumerate(AREA_SIDES)}
            if tess is None:
                shapes = _empty_shapes()
            elif previous is not None and tess is old_tess and np.array_equal(codes, previous.codes):
                shapes = dataclasses.replace(previous.shapes, same=True)
            else:
                shapes = _shapes(tess, codes, counts, radius_m, self.mask, inverse)
            if tess is not None and tess is old_tess and previous is not None:
                changes = _cell_changes(tess, codes, previous.codes)
            else:
                changes = _area_changes(shapes.projected, previous.shapes.projected if previous else None)
            current = _Estimate(codes, shapes)
            if index >= lo:
                results.append(shapes.result(period, counts, stale, changes))
            previous = current
        return results


_SIDE_CODE = {side: i for i, side in enumerate(AREA_SIDES)}


@dataclass(frozen=True, slots=True)
class _Estimate:
    codes: Any  # the sites' side codes
    shapes: _Shapes
