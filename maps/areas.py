"""Estimated control areas and front line per period, from the places' reported states.

Pure functions over a `Timeline`: no I/O except `load_land`, which reads the Natural Earth outline
of the npm package `world-atlas` (the offline basemap's source) when it is installed.

Method, per period (always an estimate from the reports, never a survey):

1. The active places are those whose state is UA, RU or contested and whose last report is at most
   `stale_days` before the end of the period; a stale state keeps its point on the map but grows no area.
2. A Voronoi tessellation of the active places (shapely 2 / GEOS) in an equal-area projection (Lambert
   azimuthal equal-area centred on the theatre), each cell limited to the disc of `radius_km` around its
   place and to the land of the countries that hold a reported place (Natural Earth 1:50m outlines).
3. Cells dissolved by side into UA, RU and contested areas; km2 measured in the same projection.
4. The front line: where the UA and the RU areas meet (lines); edges between contested and either side
   are kept apart, with `between` saying which pair.

Because a point of a Voronoi cell is nearer its own place than any other, the union of a side's
disc-limited cells equals the union of its whole cells intersected with the union of all discs; so each
side is one coverage union of exact Voronoi cells clipped once to that reach (about half a second of CPU a
period for 20,000 places; README, "Measured"). Km2 gained and lost come from the cells when the sites did
not change, else from the two periods' areas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.timeline import Period, Timeline

__all__ = [
    "AREA_SIDES",
    "FRONT_PAIRS",
    "DEFAULT_RADIUS_KM",
    "DEFAULT_STALE_DAYS",
    "AreaSettings",
    "PeriodAreas",
    "last_report",
    "is_stale",
    "load_land",
    "estimate_areas",
    "AreaRun",
    "start_areas",
    "areas_feature_collection",
    "front_feature_collection",
    "area_method",
]

AREA_SIDES = ("UA", "RU", "contested")
FRONT_PAIRS = (("UA", "RU"), ("UA", "contested"), ("RU", "contested"))
# Chosen from bench/areas.py against DeepStateMap (README, "Estimated control areas").
DEFAULT_RADIUS_KM = 20.0
# A state not reported for half a year no longer grows an area (README, "Estimated control areas").
DEFAULT_STALE_DAYS = 183
# Lambert azimuthal equal-area centred on the theatre: areas in m2, distances near the front within 1%.
EQUAL_AREA_CRS = "+proj=laea +lat_0=48.5 +lon_0=33 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
# A disc is a polygon of 4 x QUAD_SEGS sides: 0.5% short of the circle's area at 16.
QUAD_SEGS = 16
# Places closer than this (m) are one site: two names of one village must not split a cell.
SITE_SNAP_M = 50.0
# Land is cut into tiles of this size (m) before small cells are clipped to it.
TILE_M = 200_000.0


@dataclass(frozen=True, slots=True)
class AreaSettings:
    """How the areas are estimated: the radius of each place's cell and the age at which a state is stale."""

    radius_km: float = DEFAULT_RADIUS_KM
    stale_days: int = DEFAULT_STALE_DAYS

    def __post_init__(self) -> None:
        if not (isinstance(self.radius_km, int | float) and math.isfinite(self.radius_km) and self.radius_km > 0):
            raise ValueError(f"area radius {self.radius_km!r} km: give a positive number of kilometres, e.g. 15")
        if not (isinstance(self.stale_days, int) and self.stale_days > 0):
            raise ValueError(f"stale cut-off {self.stale_days!r} days: give a positive whole number of days")


@dataclass(frozen=True, slots=True)
class PeriodAreas:
    """One period's estimated areas (lon/lat geometries), their km2, gains and losses, and the front line."""

    period: Period
    areas: dict[str, Any]  # side -> shapely (Multi)Polygon, possibly empty
    area_km2: dict[str, float]
    places: dict[str, int]  # active places per side
    stale: int  # reported places left out as stale
    fronts: dict[str, Any]  # "UA|RU" ... -> shapely (Multi)LineString, possibly empty
    front_km: float  # length of the UA|RU line
    gained_km2: dict[str, float] = field(default_factory=dict)
    lost_km2: dict[str, float] = field(default_factory=dict)
    same_as_previous: bool = False  # same sites and sides as the period before: the same areas and lines


def area_method(settings: AreaSettings, clipped: bool = True) -> str:
    """Return the one-line description of the method carried by every exported area."""
    land = "clipped to Natural Earth 1:50m land of the reporting countries" if clipped else "not clipped to land"
    return (
        f"estimate: Voronoi cells of the reported places limited to {settings.radius_km:g} km, {land}, "
        f"dissolved by side; states not reported for {settings.stale_days} days left out"
    )


def last_report(events: Sequence[Any]) -> dt.date | None:
    """Return the latest date among a state's supporting events."""
    days = [e.date for e in events if e.date]
    return max(days) if days else None


def is_stale(last: dt.date | None, period_end: dt.date | None, stale_days: int) -> bool:
    """Return whether a state last reported on `last` is stale at `period_end`."""
    if last is None or period_end is None:
        return True
    return (period_end - last).days > stale_days


def load_land(node_modules: Path | None = None) -> list[tuple[str, Any]] | None:
    """Return Natural Earth country outlines as (name, lon/lat shapely geometry); None when not installed."""
    import shapely
    from shapely.geometry import shape

    from geo.errors import OutputError

    from .offline import find_node_modules, recognised_borders, topojson_features

    try:
        folder = node_modules or find_node_modules()
        topology = json.loads((folder / "world-atlas" / "countries-50m.json").read_text(encoding="utf-8"))
    except (OutputError, OSError, ValueError):
        return None
    sources = topojson_features(topology, "countries")
    ids = [str(f.get("id") or "") for f in sources]
    geoms = [shapely.make_valid(shape(f["geometry"])) for f in sources]
    recognised_borders(ids, geoms)
    return [(i, g) for i, g in zip(ids, geoms, strict=True)]


def _transformers():  # type: ignore[no-untyped-def]
    from pyproj import Transformer

    forward = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
    inverse = Transformer.from_crs(EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)
    return forward, inverse


def _project(transformer: Any, geom: Any) -> Any:
    import numpy as np
    import shapely

    def apply(coords: Any) -> Any:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, apply)


def _land_mask(land: list[tuple[str, Any]], lonlat: Any, bbox: tuple[float, float, float, float], forward: Any) -> Any:
    """Union of the countries holding a place, clipped to `bbox` (lon/lat), projected."""
    import shapely

    points = shapely.points(lonlat)
    geoms = [g for _, g in land]
    tree = shapely.STRtree(geoms)
    hits = tree.query(points, predicate="intersects")
    chosen = sorted(set(hits[1].tolist()))
    if not chosen:
        # Places only off the outlines (a coarse coast): the nearest country still bounds them.
        chosen = sorted(set(tree.nearest(points).tolist()))
    union = shapely.union_all([shapely.clip_by_rect(geoms[i], *bbox) for i in chosen])
    return shapely.make_valid(_project(forward, union))


def _polygonal(geom: Any) -> Any:
    import shapely

    if geom.is_empty or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _lineal(geom: Any) -> Any:
    import shapely

    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("LineString", "MultiLineString")]
    if not parts:
        return shapely.MultiLineString()
    merged = shapely.line_merge(shapely.union_all(parts))
    return merged


@dataclass(slots=True)
class _Tessellation:
    xy: Any  # numpy (n, 2): projected sites
    cells: Any  # numpy array of the sites' whole Voronoi cells (projected)
    clipped: Any  # numpy array: each cell limited to its disc and the land mask (possibly empty)
    interior: Any  # numpy bool: the cell needed no clipping (so the cells share exact edges)
    cell_km2: Any  # numpy float: area of each clipped cell
    reach: Any  # union of the clipped cells: everywhere some place's estimate reaches
    tree: Any  # STRtree of the sites


def _tessellate(xy: Any, radius_m: float, mask: Any, tiles: Any = None) -> _Tessellation:
    import numpy as np
    import shapely

    n = len(xy)
    site_points = shapely.points(xy)
    if n == 1:
        cells = np.array([shapely.box(*(xy[0] - 2 * radius_m), *(xy[0] + 2 * radius_m))], dtype=object)
    else:
        west, south = xy.min(axis=0) - 2 * radius_m
        east, north = xy.max(axis=0) + 2 * radius_m
        sites = xy
        if n == 2 or np.linalg.matrix_rank(xy - xy.mean(axis=0), tol=1.0) < 2:
            # GEOS needs a triangle; a millimetre nudge of the last site gives the same bisectors.
            sites = xy.copy()
            sites[-1, 1] += 1e-3
        tess = shapely.voronoi_polygons(
            shapely.multipoints(site_points if sites is xy else shapely.points(sites)),
            extend_to=shapely.box(west, south, east, north),
            ordered=True,
        )
        cells = np.array(shapely.get_parts(tess), dtype=object)
    # A convex cell with every vertex inside its disc lies inside it; only the others are cut.
    coords, index = shapely.get_coordinates(cells, return_index=True)
    far = np.zeros(len(cells))
    np.maximum.at(far, index, np.hypot(coords[:, 0] - xy[index, 0], coords[:, 1] - xy[index, 1]))
    in_disc = far <= radius_m * math.cos(math.pi / (4 * QUAD_SEGS))
    clipped = cells.copy()
    cut = np.nonzero(~in_disc)[0]
    if len(cut):
        discs = shapely.buffer(shapely.points(xy[cut]), radius_m, quad_segs=QUAD_SEGS)
        clipped[cut] = shapely.intersection(cells[cut], discs)
    interior = in_disc.copy()
    if mask is not None:
        on_land = shapely.contains(mask, clipped)
        interior &= on_land
        edge = np.nonzero(~on_land)[0]
        if len(edge):
            clipped[edge] = _clip_to(clipped[edge], tiles if tiles is not None else _mask_tiles(mask))
    odd = np.nonzero(~np.isin(shapely.get_type_id(clipped), (3, 6)))[0]  # not Polygon / MultiPolygon
    for i in odd:
        clipped[i] = _polygonal(clipped[i])
    tess = _Tessellation(
        xy=xy,
        cells=cells,
        clipped=clipped,
        interior=interior,
        cell_km2=shapely.area(clipped) / 1e6,
        reach=None,
        tree=shapely.STRtree(site_points),
    )
    tess.reach = _dissolve(tess, np.ones(n, dtype=bool))
    return tess


def _clip_to(geoms: Any, tiles: Any) -> Any:
    """Intersect many small polygons with a large mask given as tiles (an overlay's cost grows with vertices)."""
    import numpy as np
    import shapely

    tree = shapely.STRtree(tiles)
    cell, tile = tree.query(geoms)
    pieces = shapely.intersection(geoms[cell], tiles[tile])
    out = np.full(len(geoms), shapely.Polygon(), dtype=object)
    once = np.bincount(cell, minlength=len(geoms)) == 1
    single = once[cell]
    out[cell[single]] = pieces[single]
    for i in np.unique(cell[~single]):
        out[i] = shapely.union_all(pieces[cell == i])
    return out


def _mask_tiles(mask: Any) -> Any:
    """Cut the land mask into square tiles of TILE_M."""
    import numpy as np
    import shapely

    west, south, east, north = mask.bounds
    xs = np.arange(west, east + TILE_M, TILE_M)
    ys = np.arange(south, north + TILE_M, TILE_M)
    boxes = shapely.box(*np.meshgrid(xs[:-1], ys[:-1]), *np.meshgrid(xs[1:], ys[1:]))  # type: ignore[call-overload]
    tiles = shapely.intersection(boxes.ravel(), mask)
    return tiles[~shapely.is_empty(tiles)]


def _within_reach(lines: Any, tess: _Tessellation, radius_m: float, mask: Any) -> Any:
    """Keep the parts of Voronoi edges within `radius_m` of their sites, on land.

    A point of an edge is equidistant from the two sites it separates, so each segment is cut to the disc
    of its nearest site (exactly, as a line meets a circle), then to the land mask.
    """
    import numpy as np
    import shapely

    if lines.is_empty:
        return shapely.MultiLineString()
    coords, index = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    same = index[1:] == index[:-1]
    start, end = coords[:-1][same], coords[1:][same]
    if not len(start):
        return shapely.MultiLineString()
    nearest = tess.tree.query_nearest(shapely.points((start + end) / 2), return_distance=False)
    # query_nearest returns (input, tree) pairs; ties give one pair more, the first is enough.
    first = np.unique(nearest[0], return_index=True)[1]
    centre = tess.xy[nearest[1][first]]
    d = end - start
    f = start - centre
    a = (d * d).sum(axis=1)
    b = 2 * (f * d).sum(axis=1)
    c = (f * f).sum(axis=1) - radius_m**2
    disc = b * b - 4 * a * c
    ok = (disc > 0) & (a > 0)
    root = np.sqrt(np.where(ok, disc, 0))
    t0 = np.clip((-b - root) / np.where(a > 0, 2 * a, 1), 0, 1)
    t1 = np.clip((-b + root) / np.where(a > 0, 2 * a, 1), 0, 1)
    keep = ok & (t1 > t0)
    if not keep.any():
        return shapely.MultiLineString()
    p0 = start[keep] + t0[keep, None] * d[keep]
    p1 = start[keep] + t1[keep, None] * d[keep]
    segments = shapely.linestrings(np.stack([p0, p1], axis=1))
    merged = shapely.line_merge(shapely.multilinestrings(segments))
    if mask is not None:
        merged = shapely.intersection(merged, mask)
    parts = [g for g in shapely.get_parts(merged) if g.geom_type == "LineString" and not g.is_empty]
    return shapely.multilinestrings(parts) if parts else shapely.MultiLineString()


def _sites(xy: Any, codes: Any) -> tuple[Any, Any]:
    """Merge places within SITE_SNAP_M into one site (the first in order); sides that differ make it contested."""
    import numpy as np

    if not len(xy):
        return xy.reshape(-1, 2), codes
    snapped = np.round(xy / SITE_SNAP_M).astype(np.int64)
    _, first, inverse = np.unique(snapped, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    low = np.full(len(first), 99)
    high = np.full(len(first), -1)
    np.minimum.at(low, inverse, codes)
    np.maximum.at(high, inverse, codes)
    merged = np.where(low == high, low, AREA_SIDES.index("contested"))
    return xy[first], merged


def _union_cells(cells: Any) -> Any:
    """Union Voronoi cells: a coverage union (fast, edges shared exactly), else a full overlay union.

    Sites on a regular grid put four cells at one vertex, which GEOS may node inexactly; the overlay
    union handles that at a higher cost.
    """
    import shapely

    try:
        return shapely.coverage_union_all(cells)
    except shapely.errors.GEOSException:
        pass
    try:
        return shapely.union_all(cells)
    except shapely.errors.GEOSException:
        # Nearly coincident Voronoi vertices: snap to a centimetre grid, which no area or line here can show.
        return shapely.union_all(shapely.make_valid(cells), grid_size=0.01)


def _dissolve(tess: _Tessellation, chosen: Any) -> Any:
    """Union of the chosen clipped cells: one coverage union of the untouched cells, then the cut ones."""
    import shapely

    inner = chosen & tess.interior
    outer = chosen & ~tess.interior
    parts = []
    if inner.any():
        parts.append(_union_cells(tess.cells[inner]))
    if outer.any():
        parts.extend(g for g in tess.clipped[outer] if not g.is_empty)
    if not parts:
        return shapely.Polygon()
    return _polygonal(parts[0] if len(parts) == 1 else shapely.union_all(parts))


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

        forward, _ = _transformers()
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
        _, inverse = _transformers()
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


def _land_bbox(lon: Any, lat: Any, settings: AreaSettings) -> tuple[float, float, float, float]:
    """The lon/lat box of the places padded by twice the radius and half a degree: the land that can matter."""
    import numpy as np

    pad = settings.radius_km / 111.0 * 2 + 0.5
    widen = pad / max(math.cos(math.radians(min(float(np.abs(lat).max()), 80.0))), 0.1)
    return (
        max(-180.0, float(lon.min()) - widen),
        max(-90.0, float(lat.min()) - pad),
        min(180.0, float(lon.max()) + widen),
        min(90.0, float(lat.max()) + pad),
    )


@dataclass(frozen=True, slots=True)
class _Shapes:
    """One period's geometry: projected areas (for gains and losses), lon/lat areas and fronts, km2 and km."""

    projected: dict[str, Any]
    areas: dict[str, Any]
    area_km2: dict[str, float]
    fronts: dict[str, Any]
    front_km: float
    same: bool = False

    def result(
        self, period: Period, counts: dict[str, int], stale: int, changes: dict[str, tuple[float, float]]
    ) -> PeriodAreas:
        return PeriodAreas(
            period=period,
            areas=self.areas,
            area_km2=self.area_km2,
            places=counts,
            stale=stale,
            fronts=self.fronts,
            front_km=self.front_km,
            gained_km2={s: round(changes[s][0], 1) for s in AREA_SIDES},
            lost_km2={s: round(changes[s][1], 1) for s in AREA_SIDES},
            same_as_previous=self.same,
        )


@dataclass(frozen=True, slots=True)
class _Estimate:
    codes: Any  # the sites' side codes
    shapes: _Shapes


def _empty_shapes() -> _Shapes:
    import shapely

    empty = shapely.Polygon()
    return _Shapes(
        projected={side: empty for side in AREA_SIDES},
        areas={side: empty for side in AREA_SIDES},
        area_km2=dict.fromkeys(AREA_SIDES, 0.0),
        fronts={f"{a}|{b}": shapely.MultiLineString() for a, b in FRONT_PAIRS},
        front_km=0.0,
    )


def _to_lonlat(inverse: Any, geom: Any) -> Any:
    import shapely

    if geom.is_empty:
        return geom
    out = _project(inverse, geom)
    # Vertices a few millimetres apart can cross when projected back; repair those rare cases.
    return out if out.is_valid else shapely.make_valid(out, method="structure", keep_collapsed=False)


def _shapes(
    tess: _Tessellation, codes: Any, counts: dict[str, int], radius_m: float, mask: Any, inverse: Any
) -> _Shapes:
    """Dissolve the cells by side, measure them, and trace where the sides meet."""
    import shapely

    area_km2 = {side: round(float(tess.cell_km2[codes == k].sum()), 1) for k, side in enumerate(AREA_SIDES)}
    # Each side: the union of its whole Voronoi cells (a coverage union), cut once to the reach of all
    # places; equal to the union of its disc- and land-limited cells (see the module docstring).
    wholes = {
        side: _union_cells(tess.cells[codes == k]) if counts[side] else shapely.Polygon()
        for k, side in enumerate(AREA_SIDES)
    }
    projected = {}
    for k, side in enumerate(AREA_SIDES):
        chosen = codes == k
        if not counts[side]:
            projected[side] = shapely.Polygon()
        elif tess.interior[chosen].all():
            projected[side] = _polygonal(wholes[side])
        else:
            try:
                projected[side] = _polygonal(shapely.intersection(wholes[side], tess.reach))
            except shapely.errors.GEOSException:
                projected[side] = _dissolve(tess, chosen)
    fronts = {}
    for a, b in FRONT_PAIRS:
        if projected[a].is_empty or projected[b].is_empty:
            fronts[f"{a}|{b}"] = shapely.MultiLineString()
            continue
        # Whole Voronoi cells share exact edges; the parts within reach and on land are the front.
        shared = _lineal(shapely.intersection(wholes[a].boundary, wholes[b].boundary))
        fronts[f"{a}|{b}"] = _within_reach(shared, tess, radius_m, mask)
    return _Shapes(
        projected=projected,
        areas={side: _to_lonlat(inverse, g) for side, g in projected.items()},
        area_km2=area_km2,
        fronts={pair: _to_lonlat(inverse, g) for pair, g in fronts.items()},
        front_km=round(float(shapely.length(fronts["UA|RU"])) / 1000.0, 1),
    )


def _cell_changes(tess: _Tessellation, codes: Any, previous: Any) -> dict[str, tuple[float, float]]:
    """Km2 gained and lost per side when only sides changed: the cells that moved in and out (exact)."""
    changes = {}
    for k, side in enumerate(AREA_SIDES):
        moved_in = (codes == k) & (previous != k)
        moved_out = (codes != k) & (previous == k)
        changes[side] = (float(tess.cell_km2[moved_in].sum()), float(tess.cell_km2[moved_out].sum()))
    return changes


def _area_changes(now: dict[str, Any], before: dict[str, Any] | None) -> dict[str, tuple[float, float]]:
    """Km2 gained and lost per side against the previous period's projected areas (overlay)."""
    import shapely

    empty = shapely.Polygon()
    changes = {}
    for side in AREA_SIDES:
        old = before.get(side, empty) if before else empty
        new = now.get(side, empty)
        both = 0.0
        if not (old.is_empty or new.is_empty):
            both = float(shapely.area(shapely.intersection(new, old)))
        changes[side] = (
            max(float(shapely.area(new)) - both, 0.0) / 1e6,
            max(float(shapely.area(old)) - both, 0.0) / 1e6,
        )
    return changes


def _geometry(geom: Any, grid: float) -> dict[str, object]:
    import shapely
    from shapely.geometry import mapping

    if geom.is_empty:
        return mapping(geom)
    rounded = shapely.set_precision(geom, grid)
    rounded = shapely.force_2d(rounded)
    if rounded.geom_type in ("Polygon", "MultiPolygon"):
        rounded = shapely.orient_polygons(rounded, exterior_cw=False)  # RFC 7946: exteriors counterclockwise
    return mapping(rounded)


def areas_feature_collection(
    results: Sequence[PeriodAreas], settings: AreaSettings, clipped: bool = True, grid: float = 1e-5
) -> dict[str, object]:
    """Return one feature per period and side with area: period, side, area_km2, places, gains, method."""
    method = area_method(settings, clipped)
    features = []
    for result in results:
        for side in AREA_SIDES:
            geom = result.areas[side]
            if geom.is_empty:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry(geom, grid),
                    "properties": {
                        **_period_properties(result),
                        "side": side,
                        "area_km2": result.area_km2[side],
                        "gained_km2": result.gained_km2.get(side, 0.0),
                        "lost_km2": result.lost_km2.get(side, 0.0),
                        "places": result.places[side],
                        "stale_places": result.stale,
                        "method": method,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _period_properties(result: PeriodAreas) -> dict[str, str]:
    """Return the period columns every area and front feature carries (label, start, end)."""
    return {"period": result.period.label, "period_start": result.period.start.isoformat(),
            "period_end": result.period.end.isoformat()}


def front_feature_collection(
    results: Sequence[PeriodAreas], settings: AreaSettings, clipped: bool = True, grid: float = 1e-5
) -> dict[str, object]:
    """Return one feature per period and pair of sides whose areas meet: period, between, length_km, method."""
    import shapely

    method = area_method(settings, clipped)
    forward, _ = _transformers()
    features = []
    for result in results:
        for pair, geom in result.fronts.items():
            if geom.is_empty:
                continue
            length = result.front_km
            if pair != "UA|RU":
                length = round(float(shapely.length(_project(forward, geom))) / 1000, 1)
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry(geom, grid),
                    "properties": {
                        **_period_properties(result),
                        "between": pair,
                        "length_km": length,
                        "method": method,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}
