"""Measure the estimated control areas and front line against DeepStateMap (a yardstick, never a data source).

DeepStateMap's occupied-territory snapshots (../shared/reference/deepstate, GPL-3.0, hand-drawn by its
volunteers) are read here only to score Frontline's estimate; nothing from them reaches Frontline's code or
outputs.

synthetic: for each snapshot date, the settlements of Frontline's own table (gazetteer/data/settlements.tsv.gz)
  within 60 km of DeepState's front are "reported" with probability --share, each with the side DeepState
  gives it on that date (inside the polygon: RU); maps.areas then estimates areas from those reports alone.
  This measures the method with perfect reports: how the radius trades area reached against area wrong.
dev: the dev articles (tests/data/dev_articles*, seeds) through `frontline map --period month` for each radius;
  every period that ends inside DeepState's range is compared with the first snapshot after it.

Scores (equal-area projection of maps.areas): RU precision = share of the estimated RU area inside DeepState's
polygon; UA precision = share of the UA area outside it; band recall = share of DeepState's occupied area within
30 km of its front that the estimate calls RU; front distance = median and 90th percentile distance (km) from
points every 1 km along the estimated UA|RU line to DeepState's front (its boundary away from the coast and the
state border); front recall = share of DeepState's front within 5 km of the estimated line.

    .venv/bin/python bench/areas.py synthetic --radius 5 10 15 20 30 --share 0.5 0.2 0.05
    .venv/bin/python bench/areas.py dev --radius 10 15 20 30
    .venv/bin/python bench/areas.py drift --months 1 3 6 12   # how far DeepState's front moves (stale cut-off)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from gazetteer.place import Place  # noqa: E402
from geo.model import Event  # noqa: E402
from geo.timeline import build_timeline  # noqa: E402
from maps.areas import AreaSettings, equal_area_transformers, estimate_areas, load_land, project  # noqa: E402

DEEPSTATE = ROOT.parent / "shared" / "reference" / "deepstate"
DATES = ("2024-10-01", "2025-06-01", "2026-03-01")
DEV_SOURCES = ["tests/data/dev_articles", "tests/data/dev_articles_2", "tests/data/dev_articles_3",
               "tests/data/dev_articles_4", "seeds"]


def snapshot(day: str):  # type: ignore[no-untyped-def]
    """Return DeepState's occupied polygon of `day`, projected."""
    forward, _ = equal_area_transformers()
    path = DEEPSTATE / f"occupied_{day}.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    geom = shapely.union_all([shape(f["geometry"]) for f in collection["features"]])
    return shapely.buffer(shapely.make_valid(project(forward, geom)), 0)


def snapshots() -> list[tuple[dt.date, str]]:
    """Return the snapshot dates available, in order."""
    days = sorted(p.stem.split("_")[1] for p in DEEPSTATE.glob("occupied_*.geojson"))
    return [(dt.date.fromisoformat(d), d) for d in days]


def ukraine():  # type: ignore[no-untyped-def]
    forward, _ = equal_area_transformers()
    land = load_land()
    if land is None:
        raise SystemExit("needs `npm ci` (world-atlas)")
    return shapely.buffer(shapely.make_valid(project(forward, dict(land)["804"])), 0)


def ds_front(occupied, ua):  # type: ignore[no-untyped-def]
    """DeepState's front: the polygon's boundary away from the coast and the state border (3 km)."""
    inner = shapely.make_valid(shapely.buffer(ua, -3000))
    return shapely.intersection(occupied.boundary, inner)


def sample_line(line, step_m: float = 1000.0):  # type: ignore[no-untyped-def]
    if line.is_empty:
        return shapely.points(np.zeros((0, 2)))
    parts = shapely.get_parts(shapely.line_merge(line) if line.geom_type != "LineString" else line)
    points = []
    for part in parts:
        n = max(int(part.length // step_m), 1)
        points.extend(shapely.line_interpolate_point(part, np.linspace(0, part.length, n + 1)))
    return np.array(points, dtype=object)


def scores(estimate, occupied, front, ua) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Score one period's projected estimate (dict with UA/RU polygons and the UA|RU line) against DeepState."""
    # DeepState maps Ukraine only: the estimate is scored inside Ukraine's borders.
    ru = shapely.intersection(shapely.make_valid(estimate["RU"]), ua)
    uaa = shapely.intersection(shapely.make_valid(estimate["UA"]), ua)
    out: dict[str, float] = {}
    out["ru_km2"] = ru.area / 1e6
    out["ua_km2"] = uaa.area / 1e6
    out["ru_precision"] = shapely.intersection(ru, occupied).area / ru.area if ru.area else float("nan")
    out["ua_precision"] = shapely.difference(uaa, occupied).area / uaa.area if uaa.area else float("nan")
    band = shapely.make_valid(shapely.intersection(shapely.intersection(shapely.buffer(front, 30000), occupied), ua))
    out["band_recall"] = shapely.intersection(ru, band).area / band.area if band.area else float("nan")
    line = estimate["line"]
    est_points = sample_line(line)
    if len(est_points):
        d = shapely.distance(est_points, front) / 1000
        out["front_median_km"] = float(np.median(d))
        out["front_p90_km"] = float(np.percentile(d, 90))
        ds_points = sample_line(front)
        out["front_recall"] = float(np.mean(shapely.distance(ds_points, line) <= 5000)) if len(ds_points) else 0.0
    else:
        out.update(front_median_km=float("nan"), front_p90_km=float("nan"), front_recall=0.0)
    out["line_km"] = line.length / 1000
    return out


def settlements() -> list[tuple[str, float, float]]:
    rows = []
    with gzip.open(ROOT / "gazetteer" / "data" / "settlements.tsv.gz", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["country"] == "UA" and row["precision"] == "point":
                rows.append((row["name"], float(row["lat"]), float(row["lon"])))
    return rows


def projected_estimate(result) -> dict[str, object]:  # type: ignore[no-untyped-def]
    forward, _ = equal_area_transformers()
    return {
        "RU": project(forward, result.areas["RU"]) if not result.areas["RU"].is_empty else shapely.Polygon(),
        "UA": project(forward, result.areas["UA"]) if not result.areas["UA"].is_empty else shapely.Polygon(),
        "line": project(forward, result.fronts["UA|RU"]) if not result.fronts["UA|RU"].is_empty
        else shapely.MultiLineString(),
    }


def synthetic(radii: list[float], shares: list[float], dates: list[str], seed: int) -> None:
    forward, _ = equal_area_transformers()
    ua = ukraine()
    rows = settlements()
    lon = np.array([r[2] for r in rows])
    lat = np.array([r[1] for r in rows])
    x, y = forward.transform(lon, lat)
    points = shapely.points(np.column_stack([x, y]))
    land = load_land()
    print("date | share | reported | radius km | RU precision | UA precision | band recall | "
          "front median km | front p90 km | front recall | RU km2 | DS band km2")
    for day in dates:
        occupied = snapshot(day)
        front = ds_front(occupied, ua)
        near = np.nonzero(shapely.dwithin(points, front, 60000))[0]
        inside = shapely.contains(occupied, points[near])
        when = dt.date.fromisoformat(day) - dt.timedelta(days=3)
        for share in shares:
            rng = random.Random(seed)
            chosen = [i for i in range(len(near)) if rng.random() < share]
            events = []
            for i in chosen:
                name, la, lo = rows[near[i]]
                place = Place(f"bench:{near[i]}", name, la, lo, "UA")
                side = "RU" if inside[i] else "UA"
                events.append(Event(place=place, surface=name, kind="captured", side=side, date=when,
                                    date_precision="day", claimed=False, confidence=0.9, article_id="bench",
                                    sentence="", outlet="", url="", title="", published=when))
            timeline = build_timeline(events, "month")
            band = shapely.intersection(shapely.intersection(shapely.buffer(front, 30000), occupied), ua).area / 1e6
            for radius in radii:
                result = estimate_areas(timeline, AreaSettings(radius_km=radius), land)[-1]
                s = scores(projected_estimate(result), occupied, front, ua)
                print(f"{day} | {share:.2f} | {len(chosen)} | {radius:g} | {s['ru_precision']:.3f} | "
                      f"{s['ua_precision']:.3f} | {s['band_recall']:.3f} | {s['front_median_km']:.1f} | "
                      f"{s['front_p90_km']:.1f} | {s['front_recall']:.3f} | {s['ru_km2']:,.0f} | {band:,.0f}",
                      flush=True)


def dev(radii: list[float]) -> None:
    forward, _ = equal_area_transformers()
    ua = ukraine()
    available = snapshots()
    print("radius km | periods | RU precision (area-weighted) | UA precision | band recall | RU places inside DS | "
          "front median km | RU km2 (sum)")
    for radius in radii:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([str(ROOT / ".venv" / "bin" / "frontline"), "map", *DEV_SOURCES, "-o", tmp, "--period",
                            "month", "--format", "geojson", "-q", "--area-radius", str(radius)], cwd=ROOT,
                           check=False, stdout=subprocess.DEVNULL)
            areas = json.loads((Path(tmp) / "control_areas.geojson").read_text(encoding="utf-8"))["features"]
            fronts = json.loads((Path(tmp) / "front_line.geojson").read_text(encoding="utf-8"))["features"]
            runs = json.loads((Path(tmp) / "control.geojson").read_text(encoding="utf-8"))["features"]
        by_period: dict[str, dict[str, object]] = {}
        for f in areas:
            p = f["properties"]
            item = by_period.setdefault(p["period"], {"end": p["period_end"]})
            item[p["side"]] = project(forward, shape(f["geometry"]))
        for f in fronts:
            if f["properties"]["between"] == "UA|RU" and f["properties"]["period"] in by_period:
                by_period[f["properties"]["period"]]["line"] = project(forward, shape(f["geometry"]))
        total = {"ru": 0.0, "ru_in": 0.0, "ua": 0.0, "ua_out": 0.0, "band": 0.0, "band_hit": 0.0}
        medians = []
        places_in = places_all = 0
        n = 0
        for _, item in sorted(by_period.items()):
            end = dt.date.fromisoformat(str(item["end"]))
            after = [(d, s) for d, s in available if d > end]
            if not after or end < available[0][0] - dt.timedelta(days=31):
                continue
            occupied = snapshot(after[0][1])
            front = ds_front(occupied, ua)
            n += 1
            estimate = {"RU": item.get("RU", shapely.Polygon()), "UA": item.get("UA", shapely.Polygon()),
                        "line": item.get("line", shapely.MultiLineString())}
            s = scores(estimate, occupied, front, ua)
            total["ru"] += s["ru_km2"]
            total["ru_in"] += s["ru_km2"] * (0 if s["ru_precision"] != s["ru_precision"] else s["ru_precision"])
            total["ua"] += s["ua_km2"]
            total["ua_out"] += s["ua_km2"] * (0 if s["ua_precision"] != s["ua_precision"] else s["ua_precision"])
            band = shapely.intersection(shapely.intersection(shapely.buffer(front, 30000), occupied), ua)
            total["band"] += band.area
            ru_in_ua = shapely.intersection(shapely.make_valid(estimate["RU"]), ua)
            total["band_hit"] += shapely.intersection(ru_in_ua, shapely.make_valid(band)).area
            if s["front_median_km"] == s["front_median_km"]:
                medians.append(s["front_median_km"])
            for f in runs:
                p = f["properties"]
                active = p["period_start"] <= str(item["end"]) <= p["period_end"]
                if p["side"] == "RU" and not p["stale"] and active and p["country"] == "UA":
                    pt = project(forward, shape(f["geometry"]))
                    places_all += 1
                    places_in += bool(shapely.dwithin(occupied, pt, 2000))
        print(f"{radius:g} | {n} | {total['ru_in'] / max(total['ru'], 1e-9):.3f} | "
              f"{total['ua_out'] / max(total['ua'], 1e-9):.3f} | {total['band_hit'] / max(total['band'], 1e-9):.3f} | "
              f"{places_in}/{places_all} | {np.median(medians) if medians else float('nan'):.1f} | {total['ru']:,.0f}",
              flush=True)


def drift(months: list[int]) -> None:
    """How far DeepState's front moves in k months: the basis of the stale cut-off."""
    ua = ukraine()
    available = snapshots()
    print("months | pairs | share of front moved > 5 km | > 10 km | > 20 km | median km | p90 km")
    for k in months:
        moved: list[float] = []
        pairs = 0
        for i, (day, name) in enumerate(available):
            later = [(d, n) for d, n in available[i + 1:] if (d - day).days >= 30 * k - 5]
            if not later or (later[0][0] - day).days > 30 * k + 25:
                continue
            pairs += 1
            before = ds_front(snapshot(name), ua)
            after = snapshot(later[0][1])
            points = sample_line(before, 2000)
            # A point of the old front that the later polygon swallowed or left: its distance to the new front.
            moved.extend((shapely.distance(points, ds_front(after, ua)) / 1000).tolist())
        data = np.array(moved)
        if not len(data):
            continue
        print(f"{k} | {pairs} | {np.mean(data > 5):.3f} | {np.mean(data > 10):.3f} | {np.mean(data > 20):.3f} | "
              f"{np.median(data):.1f} | {np.percentile(data, 90):.1f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run one measurement and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["synthetic", "dev", "drift"])
    parser.add_argument("--months", type=int, nargs="+", default=[1, 3, 6, 12])
    parser.add_argument("--radius", type=float, nargs="+", default=[5, 10, 15, 20, 30])
    parser.add_argument("--share", type=float, nargs="+", default=[0.5, 0.2, 0.05])
    parser.add_argument("--date", nargs="+", default=list(DATES))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.mode == "synthetic":
        synthetic(args.radius, args.share, args.date, args.seed)
    elif args.mode == "dev":
        dev(args.radius)
    else:
        drift(args.months)
    return 0


if __name__ == "__main__":
    sys.exit(main())
