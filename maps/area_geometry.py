"""The geometry of one period's estimate: land, projection, Voronoi cells, sides dissolved, front lines, km2.

Because a point of a Voronoi cell is nearer its own place than any other, the union of a side's
disc-limited cells equals the union of its whole cells intersected with the union of all discs; so each
side is one coverage union of exact Voronoi cells clipped once to that reach (about half a second of CPU a
period for 20,000 places; README, "Measured"). Km2 gained and lost come from the cells when the sites did
not change, else from the two periods' areas.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.timeline import Period

from .area_model import AREA_SIDES, FRONT_PAIRS, AreaSettings, PeriodAreas

# Lambert azimuthal equal-area centred on the theatre: areas in m2, distances near the front within 1%.
EQUAL_AREA_CRS = "+proj=laea +lat_0=48.5 +lon_0=33 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
# A disc is a polygon of 4 x QUAD_SEGS sides: 0.5% short of the circle's area at 16.
QUAD_SEGS = 16
# Places closer than this (m) are one site: two names of one village must not split a cell.
SITE_SNAP_M = 50.0
# Land is cut into tiles of this size (m) before small cells are clipped to it.
TILE_M = 200_000.0


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


def equal_area_transformers():  # type: ignore[no-untyped-def]
    from pyproj import Transformer

    forward = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
    inverse = Transformer.from_crs(EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)
    return forward, inverse


def project(transformer: Any, geom: Any) -> Any:
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
    return shapely.make_valid(project(forward, union))


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
    out = project(inverse, geom)
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
