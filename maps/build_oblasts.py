"""Build approximate oblast borders of Ukraine from the gazetteer's settlement points.

No registry package ships freely licensed admin-1 polygons of Ukraine (README, "Data and credits"), but
`gazetteer/data/settlements.tsv.gz` places about 17,000 settlements at their GeoNames point and names each
one's oblast (GeoNames admin1 code, from the KATOTTG codifier). A Voronoi tessellation of those points,
dissolved by oblast, approximates each oblast as the land nearer its own settlements than any other's;
where two dissolved oblasts meet is the border drawn on the map.

Steps (`build_borders`): drop the points far from the rest of their hromada (a namesake's coordinates), fold
the two cities with special status into the oblast around them (one point each cannot outline a city),
tessellate in the theatre's equal-area projection, dissolve by oblast (coverage union), clip to Ukraine's
Natural Earth outline (Crimea with Ukraine), keep the shared edges as lines, and simplify them.

    .venv/bin/python -m maps.build_oblasts            # writes maps/assets/oblasts.json, prints the hold-out check
    .venv/bin/python -m maps.build_oblasts --check-only
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazetteer.regions import region_name

from .area_geometry import equal_area_transformers, load_land, project

__all__ = [
    "OblastPoint",
    "OblastBorders",
    "read_points",
    "drop_outliers",
    "build_borders",
    "borders_geojson",
    "holdout_check",
    "main",
]

TABLE = Path(__file__).resolve().parent.parent / "gazetteer" / "data" / "settlements.tsv.gz"
ASSET = Path(__file__).resolve().parent / "assets" / "oblasts.json"
# A point farther than this from the median of its hromada's points is another place's coordinates.
OUTLIER_KM = 30.0
# Hromadas with fewer points than this have no median to trust: their points are all kept.
OUTLIER_MIN_POINTS = 3
# Cities with special status (one point each) folded into the region around them.
FOLD = {"12": "13", "20": "11"}  # Kyiv -> Kyiv Oblast, Sevastopol -> Crimea
SIMPLIFY_M = 750.0
# Output coordinates rounded to 0.001 degree (about 100 m), below the simplification's tolerance.
GRID_DEG = 1e-3
# Dissolved parts smaller than this (km2) that are not an oblast's largest are Voronoi noise (one stray cell).
SLIVER_KM2 = 60.0
UKRAINE_ID = "804"
SOURCE = (
    "approximate oblast borders derived from settlement points: GeoNames (CC BY 4.0) coordinates of the "
    "KATOTTG codifier's settlements, Voronoi cells dissolved by oblast, clipped to Natural Earth (public domain)"
)


@dataclass(frozen=True, slots=True)
class OblastPoint:
    """One settlement point: its oblast (GeoNames admin1 code), its hromada key, lon/lat."""

    admin1: str
    hromada: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class OblastBorders:
    """The built borders: shared edges as (codes pair, lon/lat line), and each oblast's lon/lat polygon."""

    lines: list[tuple[tuple[str, str], Any]]
    polygons: dict[str, Any]


def read_points(table: Path = TABLE) -> list[OblastPoint]:
    """Return the Ukrainian settlements placed at a point (not at their hromada's centre), in table order."""
    points = []
    with gzip.open(table, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["country"] != "UA" or row["precision"] != "point":
                continue
            admin1 = FOLD.get(row["admin1"], row["admin1"])
            hromada = f"{admin1}/{row['raion']}/{row['hromada']}"
            points.append(OblastPoint(admin1, hromada, float(row["lon"]), float(row["lat"])))
    return points


def _xy(points: Sequence[OblastPoint]) -> Any:
    import numpy as np

    forward, _ = equal_area_transformers()
    x, y = forward.transform([p.lon for p in points], [p.lat for p in points])
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])


def drop_outliers(points: Sequence[OblastPoint], limit_km: float = OUTLIER_KM) -> tuple[list[OblastPoint], int]:
    """Return the points within `limit_km` of their hromada's median point, and how many were dropped."""
    import numpy as np

    if not points:
        return [], 0
    xy = _xy(points)
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(points):
        groups.setdefault(p.hromada, []).append(i)
    keep = np.ones(len(points), dtype=bool)
    for rows in groups.values():
        if len(rows) < OUTLIER_MIN_POINTS:
            continue
        here = xy[rows]
        centre = np.median(here, axis=0)
        far = np.hypot(*(here - centre).T) > limit_km * 1000.0
        keep[np.array(rows)[far]] = False
    kept = [p for p, ok in zip(points, keep, strict=True) if ok]
    return kept, len(points) - len(kept)


def _cells_by_code(points: Sequence[OblastPoint], xy: Any, frame: Any) -> dict[str, list[Any]]:
    """Voronoi cells of the distinct sites, grouped by oblast code (the first point at a site decides)."""
    import numpy as np
    import shapely

    _, first = np.unique(np.round(xy), axis=0, return_index=True)
    first = np.sort(first)
    tess = shapely.voronoi_polygons(shapely.multipoints(xy[first]), extend_to=frame, ordered=True)
    cells: dict[str, list[Any]] = {}
    for row, cell in zip(first, shapely.get_parts(tess), strict=True):
        cells.setdefault(points[row].admin1, []).append(cell)
    return cells


def _drop_slivers(polygons: dict[str, Any]) -> dict[str, Any]:
    """Give each stray small part of an oblast to the neighbour it shares the longest edge with."""
    import shapely

    result = {code: list(shapely.get_parts(geom)) for code, geom in polygons.items()}
    strays: list[tuple[str, Any]] = []
    for code, parts in result.items():
        biggest = max(parts, key=lambda g: g.area)
        small = [g for g in parts if g is not biggest and g.area < SLIVER_KM2 * 1e6]
        strays.extend((code, g) for g in small)
        result[code] = [g for g in parts if not any(g is s for s in small)]
    for code, stray in strays:
        edge = {
            other: shapely.length(shapely.intersection(stray.boundary, shapely.union_all(parts).boundary))
            for other, parts in result.items()
            if other != code and parts
        }
        winner = max(sorted(edge), key=lambda k: edge[k]) if edge else code
        result[winner].append(stray)
    return {code: shapely.coverage_union_all(parts) for code, parts in result.items() if parts}


def _shared_edges(polygons: dict[str, Any], clip: Any) -> list[tuple[tuple[str, str], Any]]:
    """Lines where two oblasts meet, cut to `clip`, merged and simplified (projected)."""
    import shapely

    codes = sorted(polygons)
    tree = shapely.STRtree([polygons[c] for c in codes])
    left, right = tree.query([polygons[c] for c in codes], predicate="intersects")
    lines = []
    for i, j in sorted(zip(left.tolist(), right.tolist(), strict=True)):
        if i >= j:
            continue
        shared = shapely.intersection(polygons[codes[i]].boundary, polygons[codes[j]].boundary)
        parts = [g for g in shapely.get_parts(shared) if g.geom_type in ("LineString", "MultiLineString")]
        if not parts:
            continue
        merged = shapely.line_merge(shapely.union_all(parts))
        if clip is not None:
            merged = shapely.intersection(merged, clip)
        merged = shapely.simplify(merged, SIMPLIFY_M, preserve_topology=False)
        merged = shapely.line_merge(merged) if not merged.is_empty else merged
        if merged.is_empty or shapely.length(merged) < 2 * SIMPLIFY_M:
            continue
        lines.append(((codes[i], codes[j]), merged))
    return lines


def build_borders(points: Sequence[OblastPoint], outline: Any | None = None) -> OblastBorders:
    """Return the borders between the oblasts of `points`, clipped to `outline` (a lon/lat polygon) if given."""
    import shapely

    if len({p.admin1 for p in points}) < 2:
        return OblastBorders(lines=[], polygons={})
    forward, inverse = equal_area_transformers()
    xy = _xy(points)
    clip = project(forward, shapely.make_valid(outline)) if outline is not None else None
    west, south = xy.min(axis=0) - 100_000
    east, north = xy.max(axis=0) + 100_000
    frame = shapely.box(west, south, east, north)
    if clip is not None:
        frame = shapely.box(*shapely.union(frame, shapely.envelope(clip)).bounds)
    cells = _cells_by_code(points, xy, frame)
    polygons = _drop_slivers({code: shapely.coverage_union_all(group) for code, group in cells.items()})
    lines = _shared_edges(polygons, clip)
    clipped = {
        code: shapely.intersection(geom, clip) if clip is not None else geom for code, geom in polygons.items()
    }
    return OblastBorders(
        lines=[(pair, project(inverse, line)) for pair, line in lines],
        polygons={code: project(inverse, geom) for code, geom in clipped.items()},
    )


def _label_point(polygon: Any) -> tuple[float, float]:
    """A point well inside the oblast's largest part (lon, lat), for its name."""
    import shapely

    largest = max(shapely.get_parts(polygon), key=lambda g: g.area)
    spot = shapely.polylabels(largest, tolerance=0.01) if hasattr(shapely, "polylabels") else largest
    spot = spot if spot.geom_type == "Point" else largest.point_on_surface()
    return round(spot.x, 3), round(spot.y, 3)


def borders_geojson(borders: OblastBorders) -> dict[str, object]:
    """Return the borders as a compact GeoJSON FeatureCollection: lines with the two oblasts' names, label points."""
    import shapely

    features: list[dict[str, object]] = []
    for (a, b), line in borders.lines:
        rounded = shapely.set_precision(line, GRID_DEG)
        if rounded.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"between": [region_name("UA", a), region_name("UA", b)]},
                "geometry": json.loads(shapely.to_geojson(rounded)),
            }
        )
    for code in sorted(borders.polygons):
        lon, lat = _label_point(borders.polygons[code])
        features.append(
            {
                "type": "Feature",
                "properties": {"name": region_name("UA", code)},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    lines = [line for _, line in borders.lines] + list(borders.polygons.values())
    west, south, east, north = (round(float(v), 3) for v in shapely.total_bounds(lines)) if lines else (0, 0, 0, 0)
    collection: dict[str, object] = {"type": "FeatureCollection", "source": SOURCE, "features": features}
    if lines:
        collection["bbox"] = [west, south, east, north]  # RFC 7946 section 5: what the offline basemap must cover
    return collection


def holdout_check(points: Sequence[OblastPoint], outline: Any | None, share: float = 0.1, seed: int = 1) -> dict:
    """Build from (1 - share) of the points; return how many held-out points fall inside their own oblast."""
    import random

    import numpy as np
    import shapely

    rng = random.Random(seed)
    held = np.array([rng.random() < share for _ in points])
    train = [p for p, h in zip(points, held, strict=True) if not h]
    test = [p for p, h in zip(points, held, strict=True) if h]
    borders = build_borders(train, outline)
    forward, _ = equal_area_transformers()
    inside = 0
    misplaced_km: list[float] = []
    projected = {code: project(forward, geom) for code, geom in borders.polygons.items()}
    for p, (x, y) in zip(test, _xy(test), strict=True):
        own = projected.get(p.admin1)
        spot = shapely.Point(x, y)
        if own is not None and own.covers(spot):
            inside += 1
        elif own is not None:
            misplaced_km.append(own.distance(spot) / 1000.0)
    return {
        "held_out": len(test),
        "inside_own_oblast": inside,
        "share_inside": round(inside / len(test), 4) if test else math.nan,
        "misplaced_median_km": round(float(np.median(misplaced_km)), 2) if misplaced_km else 0.0,
        "misplaced_p90_km": round(float(np.percentile(misplaced_km, 90)), 2) if misplaced_km else 0.0,
    }


def ukraine_outline() -> Any | None:
    """Ukraine's Natural Earth outline with Crimea (lon/lat), or None without npm `world-atlas`."""
    land = load_land()
    return dict(land).get(UKRAINE_ID) if land else None


def _write(path: Path, collection: dict[str, object]) -> int:
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def main(argv: Iterable[str] | None = None) -> int:
    """Build the asset and print the hold-out check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument("-o", "--output", type=Path, default=ASSET)
    parser.add_argument("--check-only", action="store_true", help="only measure, write nothing")
    args = parser.parse_args(list(argv) if argv is not None else None)
    outline = ukraine_outline()
    if outline is None:
        print("maps.build_oblasts: needs `npm ci` (world-atlas) for Ukraine's outline", file=sys.stderr)
        return 1
    points, dropped = drop_outliers(read_points(args.table))
    print(f"{len(points):,} settlement points, {dropped} dropped as far from their hromada")
    print("hold-out (10%):", json.dumps(holdout_check(points, outline)))
    if args.check_only:
        return 0
    borders = build_borders(points, outline)
    size = _write(args.output, borders_geojson(borders))
    print(f"wrote {args.output}: {len(borders.lines)} border lines, {len(borders.polygons)} oblasts, {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
