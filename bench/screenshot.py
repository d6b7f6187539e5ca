"""Draw the README's picture from the real demo: `frontline map seeds/ --offline`, opened in headless Chromium.

Runs the same pipeline as `make demo` (with --offline, so neither the run nor the page needs the network),
opens out/map.html in Debian's Chromium through Playwright (never a browser Playwright downloads), stays on
the last period, opens the popup of a place whose popup names its raion and oblast (a place that changed
this period first), and writes docs/screenshot.png at 1400x900.

    .venv/bin/python bench/screenshot.py            # or: make screenshot
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1400, "height": 900}
# Resolves after two frames: Leaflet draws and fades popups on animation frames.
PAINTED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
# In the page: open the popup of the drawn place whose detail names an oblast, a changed one first;
# returns its name, or null when no drawn place qualifies.
OPEN_POPUP = """() => {
  const data = frontlineMap.dataFrom("fl-data");
  const detail = data.legend.columns.places.indexOf("detail");
  const name = data.legend.columns.places.indexOf("name");
  const map = window.frontline.map;
  const drawn = [];
  map.eachLayer(layer => { if (layer.flPlace !== undefined && layer.getLatLng) drawn.push(layer); });
  const named = drawn.filter(l => data.places[l.flPlace][detail].includes("Oblast"));
  if (!named.length) return null;
  // Changed places are drawn with a thicker dark outline; among them, the one nearest the map's centre.
  const centre = map.getCenter();
  const changed = named.filter(l => (l.options.weight || 0) > 3);
  const pool = changed.length ? changed : named;
  pool.sort((a, b) => a.getLatLng().distanceTo(centre) - b.getLatLng().distanceTo(centre));
  const pick = pool[0];
  pick.fire("click", { latlng: pick.getLatLng() }, true);  // true: the period group hears it
  return data.places[pick.flPlace][name];
}"""


def run_demo(outdir: Path) -> Path:
    """Run `frontline map seeds/ --offline -o outdir` with this interpreter; return the map's path."""
    command = [sys.executable, "-m", "frontline", "map", str(ROOT / "seeds"), "--offline", "-o", str(outdir)]
    subprocess.run(command, check=True, cwd=ROOT)
    return outdir / "map.html"


def screenshot(page_path: Path, target: Path) -> str:
    """Open the map without network, open a popup on the last period, write `target`; return the place's name."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.route(
                "**/*",
                lambda r: r.continue_()
                if r.request.url.startswith(("file:", "data:", "about:"))
                else (outside.append(r.request.url), r.abort()),
            )
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_selector(".folium-map[data-ready='1']")
            page.evaluate(PAINTED)
            place = page.evaluate(OPEN_POPUP)
            if place is None:
                raise SystemExit("bench/screenshot.py: no place on the last period has an oblast in its popup")
            page.locator(".leaflet-popup-content").wait_for()
            # The popup fades in and the map pans it clear of the panel; shoot once both are done.
            page.wait_for_function(
                "() => { const p = document.querySelector('.leaflet-popup');"
                " return p && getComputedStyle(p).opacity === '1' && !document.querySelector('.leaflet-zoom-anim'); }"
            )
            page.wait_for_timeout(400)
            page.evaluate(PAINTED)
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target))
        finally:
            browser.close()
    if outside or errors:
        raise SystemExit(f"bench/screenshot.py: the map requested {outside[:3]} or raised {errors[:3]}")
    return str(place)


def main(argv: list[str] | None = None) -> int:
    """Run the demo and write the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--outdir", type=Path, default=ROOT / "out", help="where the demo writes (out/)")
    parser.add_argument("--target", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"bench/screenshot.py needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    place = screenshot(run_demo(args.outdir), args.target)
    print(f"wrote {args.target} (popup: {place})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
