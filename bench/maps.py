"""Benchmark the map at scale: N random places in Ukraine's bounding box x W weekly periods.

Times build_timeline, estimate_areas, render_map, writing map.html, the three overlapped as `frontline
map` runs them (the target: < 30 s), the GeoJSON/CSV exports, reports the file sizes, then times opening
the map in headless Debian Chromium until the last period is drawn, switching to another period, and
opening a popup.

    .venv/bin/python bench/maps.py                   # 20,000 places x 52 weeks, offline map
    .venv/bin/python bench/maps.py --places 2000 --weeks 12 --online --no-browser
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

from gazetteer.place import Place  # noqa: E402
from geo.model import Event  # noqa: E402
from geo.timeline import build_timeline  # noqa: E402
from maps.areas import AreaSettings, estimate_areas, load_land, start_areas  # noqa: E402
from maps.export import write_map_outputs  # noqa: E402
from maps.export.atomic import write_text_atomic  # noqa: E402
from maps.render import render_map  # noqa: E402

UKRAINE_BBOX = (22.14, 44.39, 40.23, 52.38)  # west, south, east, north
# Resolves after the next frame is painted: Leaflet's canvas draws on animation frames.
PAINTED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
OUTLETS = ("Reuters", "Kyiv Independent", "AP", "BBC", "ISW", "Ukrainska Pravda", "Meduza")


def _report(place: Place, kind: str, side: str | None, day: dt.date, n: int, rng: random.Random) -> Event:
    """Return the n-th synthetic event: three to an article, outlets in turn, a sentence naming the place."""
    return Event(
        place=place,
        surface=place.name,
        kind=kind,
        side=side,
        date=day,
        date_precision="day",
        claimed=rng.random() < 0.2,
        confidence=round(rng.uniform(0.5, 1.0), 3),
        article_id=f"{n // 3:06d}.txt",
        sentence=f"Forces reported that {place.name} changed hands after heavy fighting on the "
        f"approaches to the town, according to officials quoted on {day.isoformat()}.",
        outlet=OUTLETS[n % len(OUTLETS)],
        url=f"https://example.org/news/{n // 3:06d}",
        title=f"Front-line report {n // 3:06d}",
        published=day,
    )


def synthetic_events(places: int, weeks: int, seed: int) -> list[Event]:
    """Return 1-4 events per random place, spread over `weeks` weeks starting Monday 2023-01-02."""
    rng = random.Random(seed)
    start = dt.date(2023, 1, 2)
    west, south, east, north = UKRAINE_BBOX
    events = []
    for i in range(places):
        place = Place(
            900000 + i,
            f"Place {i:05d}",
            round(rng.uniform(south, north), 5),
            round(rng.uniform(west, east), 5),
            "UA",
            "Synthetic Oblast",
            rng.randint(100, 50000),
        )
        side = "UA"
        for _ in range(rng.randint(1, 4)):
            day = start + dt.timedelta(days=rng.randrange(weeks * 7))
            kind = rng.choice(("captured", "retaken", "withdrawn", "contested"))
            side = None if kind == "contested" else ("RU" if side == "UA" else "UA")
            events.append(_report(place, kind, side, day, len(events), rng))
            side = side or "UA"
    # Every week gets at least one event, so the timeline has exactly `weeks` periods.
    for w in range(weeks):
        events.append(
            Event(
                place=events[w].place,
                surface=events[w].place.name,
                kind="contested",
                side=None,
                date=start + dt.timedelta(days=7 * w + 3),
                date_precision="week",
                claimed=False,
                confidence=0.7,
                article_id=f"weekly-{w:02d}.txt",
                sentence="Fighting continues.",
                outlet="ISW",
                url="https://example.org/weekly",
                title="Weekly assessment",
                published=None,
            )
        )
    return events


def ukraine_points(count: int, seed: int) -> list[tuple[float, float]]:
    """Return `count` random (lon, lat) points inside Ukraine's Natural Earth outline (world-atlas)."""
    import shapely

    from maps.areas import load_land

    land = load_land()
    if land is None:
        raise SystemExit("bench/maps.py needs `npm ci` (world-atlas) for places inside Ukraine")
    ukraine = dict(land)["804"]
    shapely.prepare(ukraine)
    rng = random.Random(seed)
    west, south, east, north = UKRAINE_BBOX
    points: list[tuple[float, float]] = []
    while len(points) < count:
        batch = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(count)]
        inside = shapely.contains_xy(ukraine, [p[0] for p in batch], [p[1] for p in batch])
        points.extend(p for p, ok in zip(batch, inside, strict=True) if ok)
    return [(round(lon, 5), round(lat, 5)) for lon, lat in points[:count]]


def front_offset_deg(lon: float, lat: float, week: int) -> float:
    """Return how far east of a synthetic front a point lies (degrees; > 0: Russian-held side)."""
    # A front from Kharkiv oblast down to the Dnipro at Kherson, moving 1.5 km west a week.
    return lon - (36.6 + 0.55 * (lat - 48.0)) + 0.02 * week


def front_events(places: int, weeks: int, seed: int) -> list[Event]:
    """Return 1-4 reports per place inside Ukraine at random weeks; sides follow a moving front line.

    Places within 15 km of the front that week are reported contested, 20% of reports are claims, and
    every week has at least one report, so the timeline has exactly `weeks` periods.
    """
    rng = random.Random(seed)
    start = dt.date(2023, 1, 2)
    events = []
    for i, (lon, lat) in enumerate(ukraine_points(places, seed)):
        place = Place(900000 + i, f"Place {i:05d}", lat, lon, "UA", "Synthetic Oblast", rng.randint(100, 50000))
        reports = sorted(rng.randrange(weeks) for _ in range(rng.randint(1, 4)))
        if i < weeks:
            reports = sorted({*reports, i})
        for week in reports:
            offset = front_offset_deg(lon, lat, week)
            kind, side = ("contested", None) if abs(offset) < 0.05 else (
                ("captured", "RU") if offset > 0 else ("retaken", "UA"))
            day = start + dt.timedelta(days=7 * week + rng.randrange(7))
            events.append(_report(place, kind, side, day, len(events), rng))
    return events


def browser_timings(path: Path) -> dict[str, float]:
    """Open the map in headless Chromium with the network blocked; time load, a period switch, a popup."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(
            "**/*",
            lambda r: (
                r.continue_() if r.request.url.startswith("file:") else (requests.append(r.request.url), r.abort())
            ),
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        t0 = time.perf_counter()
        page.goto(path.as_uri(), timeout=120_000)
        page.wait_for_selector(".folium-map[data-ready='1']", timeout=120_000)
        page.evaluate(PAINTED)
        load = time.perf_counter() - t0
        drawn = int(page.get_attribute(".folium-map", "data-drawn") or 0)
        t0 = time.perf_counter()
        page.evaluate("() => window.frontline.show(0)")
        page.evaluate(PAINTED)
        switch = time.perf_counter() - t0
        t0 = time.perf_counter()
        page.evaluate("() => window.frontline.show(Math.min(25, window.frontline.current() + 25))")
        page.evaluate(PAINTED)
        switch_far = time.perf_counter() - t0
        t0 = time.perf_counter()
        page.locator(".leaflet-control-layers-overlays label", has_text="All reports").click()
        page.evaluate(PAINTED)
        all_reports = time.perf_counter() - t0
        browser.close()
    if requests or errors:
        raise SystemExit(f"the map requested {requests[:3]} or raised {errors[:3]}")
    return {"load": load, "switch_first": switch, "switch_far": switch_far, "all_reports": all_reports, "drawn": drawn}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=20000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--online", action="store_true", help="tile basemap and CDN Leaflet instead of offline")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timing")
    parser.add_argument(
        "--sides",
        choices=["front", "random"],
        default="front",
        help="front: places inside Ukraine, sides from a moving front line (default); random: random sides "
        "in Ukraine's bounding box (the worst case for the areas: every neighbour differs)",
    )
    parser.add_argument("--area-radius", type=float, default=AreaSettings().radius_km)
    parser.add_argument("--jobs", type=int, default=None, help="area workers (default: one per core)")
    parser.add_argument("-o", "--outdir", type=Path, help="keep the outputs here (default: a temp folder)")
    args = parser.parse_args(argv)

    rows: list[tuple[str, str]] = []
    make = front_events if args.sides == "front" else synthetic_events
    events = make(args.places, args.weeks, args.seed)
    rows.append(("synthetic events", f"{len(events):,} events, {args.places:,} places, sides: {args.sides}"))
    t0, c0 = time.perf_counter(), time.process_time()
    timeline = build_timeline(events, "week")
    rows.append(
        (
            "build_timeline",
            f"{time.perf_counter() - t0:.2f} s ({time.process_time() - c0:.2f} s CPU), "
            f"{len(timeline.periods)} periods, "
            f"{sum(len(s) for s in timeline.states.values()):,} states",
        )
    )

    outdir = args.outdir or Path(tempfile.mkdtemp(prefix="frontline-bench-"))
    outdir.mkdir(parents=True, exist_ok=True)
    settings = AreaSettings(radius_km=args.area_radius)
    t0, c0 = time.perf_counter(), time.process_time()
    land = load_land()
    areas = estimate_areas(timeline, settings, land, jobs=args.jobs)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    last = areas[-1] if areas else None
    rows.append(
        (
            "estimate_areas",
            f"{seconds:.2f} s ({cpu:.2f} s CPU), radius {settings.radius_km:g} km"
            + (
                f"; last period UA {last.area_km2['UA']:,.0f} km2, RU {last.area_km2['RU']:,.0f} km2, "
                f"front line {last.front_km:,.0f} km, {last.stale:,} stale"
                if last
                else ""
            ),
        )
    )
    t0, c0 = time.perf_counter(), time.process_time()
    page = render_map(
        timeline, events, offline=not args.online, title="Frontline benchmark", areas=areas, area_settings=settings
    )
    where = "online" if args.online else "offline"
    rows.append(("render_map", f"{time.perf_counter() - t0:.2f} s ({time.process_time() - c0:.2f} s CPU, {where})"))
    t0 = time.perf_counter()
    write_text_atomic(outdir / "map.html", page)
    rows.append(
        ("write map.html", f"{time.perf_counter() - t0:.2f} s, {(outdir / 'map.html').stat().st_size / 1e6:.1f} MB")
    )
    # The target: areas and front line computed and map.html written, as `frontline map` does it (the area
    # workers run while render_map lays out the places and states).
    t0, c0 = time.perf_counter(), time.process_time()
    run = start_areas(timeline, settings, land, jobs=args.jobs)
    page = render_map(
        timeline, events, offline=not args.online, title="Frontline benchmark", areas=run, area_settings=settings
    )
    write_text_atomic(outdir / "map.html", page)
    rows.append(
        (
            "areas + map.html",
            f"{time.perf_counter() - t0:.2f} s ({time.process_time() - c0:.2f} s CPU in the main process): "
            "start_areas, render_map, write, overlapped as in `frontline map`",
        )
    )
    t0 = time.perf_counter()
    paths = write_map_outputs(
        outdir / "all", events, timeline, offline=not args.online, areas=settings, jobs=args.jobs
    )
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in paths)
    rows.append(("write_map_outputs", f"{time.perf_counter() - t0:.2f} s: {sizes}"))

    if not args.no_browser:
        if not Path(CHROMIUM).exists():
            rows.append(("chromium", f"skipped: {CHROMIUM} is missing"))
        else:
            timings = browser_timings(outdir / "map.html")
            rows.append(
                ("chromium load", f"{timings['load']:.2f} s to the last period drawn ({timings['drawn']:,} markers)")
            )
            rows.append(
                (
                    "switch period",
                    f"{timings['switch_first']:.2f} s to the first, {timings['switch_far']:.2f} s to week 26",
                )
            )
            rows.append(("All reports", f"{timings['all_reports']:.2f} s to draw every event"))

    width = max(len(name) for name, _ in rows)
    print(f"{'step'.ljust(width)} | result")
    print(f"{'-' * width}-+-{'-' * 60}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")
    print(f"outputs in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
