"""Drive the estimated areas, front line, labels, stale states and small-screen panel in headless Chromium.

The map is written by `write_map_outputs` (as `frontline map` writes it), offline, from a grid of villages
around a front; every outside request is aborted and recorded. Runs at 1400x900 and at a phone's 390x844.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gazetteer.place import Place
from geo.timeline import build_timeline
from maps.areas import AreaSettings, equal_area_transformers
from maps.export import write_map_outputs
from maps.render import NO_LEAFLET_MESSAGE, render_map

from .map_fixtures import make_event
from .test_browser import CHROMIUM, CHROMIUM_ARGS, HOSTILE, assert_clean, open_map

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
MARCH, APRIL = dt.date(2025, 3, 10), dt.date(2025, 4, 12)
HOSTILE_NAME = '<img src=x onerror="window.__pwned = 5">Evilvillage</script>'


def grid_events():
    """A 7 x 7 grid of villages 6 km apart: west of the middle Ukrainian, east Russian; in April the middle
    column falls. One village last reported a year earlier (stale), one named with hostile markup."""
    _, inverse = equal_area_transformers()
    events = []
    for i in range(-3, 4):
        for j in range(-3, 4):
            lon, lat = inverse.transform(i * 6000 + 3000, j * 6000)
            place = Place(f"g:{i}:{j}", f"Village {i} {j}", round(lat, 6), round(lon, 6), "UA", "", 100)
            side = "UA" if i < 0 else "RU"
            events.append(make_event(place, "captured" if side == "RU" else "retaken", side, MARCH,
                                     article=f"{i}{j}.txt", sentence=f"{place.name} changed hands."))
            if i == -1:
                events.append(make_event(place, "captured", "RU", APRIL, article=f"{i}{j}b.txt", claimed=j == 0))
    lon, lat = inverse.transform(-60000, 0)
    old = Place("g:old", "Oldvillage", round(lat, 6), round(lon, 6), "UA", "", 100)
    events.append(make_event(old, "retaken", "UA", dt.date(2024, 3, 1), article="old.txt"))
    lon, lat = inverse.transform(-40000, 20000)
    evil = Place("g:evil", HOSTILE_NAME, round(lat, 6), round(lon, 6), "UA", "", 100)
    events.append(make_event(evil, "retaken", "UA", MARCH, article="evil.txt", sentence=HOSTILE))
    return events


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def area_map(tmp_path_factory) -> Path:
    events = grid_events()
    folder = tmp_path_factory.mktemp("areas")
    write_map_outputs(folder, events, build_timeline(events, "month"), offline=True, title="Areas <b>test</b>",
                      areas=AreaSettings(radius_km=10))
    return folder / "map.html"


def open_page(browser, path: Path, viewport: dict[str, int], ready: bool = True):
    """The shared opener of tests/test_browser.py at this test's viewport."""
    return open_map(browser, path, viewport, ready)


def dataset(page) -> dict[str, str]:
    return page.eval_on_selector(".folium-map", "el => Object.assign({}, el.dataset)")


def area_paths(page) -> int:
    return page.eval_on_selector_all(".leaflet-fl-areas-pane path", "els => els.length")


def front_paths(page) -> int:
    return page.eval_on_selector_all(".leaflet-fl-front-pane path", "els => els.length")


@pytest.fixture(params=[DESKTOP, PHONE], ids=["1400x900", "390x844"])
def session(request, browser, area_map):
    page, log = open_page(browser, area_map, request.param)
    yield page, log, request.param
    page.close()


def test_area_and_front_layers_draw_and_toggle(session):
    page, log, viewport = session
    overlays = page.eval_on_selector_all(
        ".leaflet-control-layers-overlays label", "els => els.map(l => l.textContent.trim())"
    )
    assert overlays == ["Estimated areas", "Front line (estimate)", "Oblast borders (approximate)", "All reports"]
    data = dataset(page)
    assert data["period"] == "2025-04"
    assert data["areas"] == "2" and data["fronts"] == "1"  # UA and RU areas; one UA|RU line
    assert area_paths(page) == 2 and front_paths(page) == 1
    fills = page.eval_on_selector_all(".leaflet-fl-areas-pane path", "els => els.map(e => e.getAttribute('fill'))")
    assert sorted(fills) == ["#1f5fbf", "#d62728"]
    if viewport is PHONE:
        page.click(".leaflet-control-layers-toggle") if page.is_visible(".leaflet-control-layers-toggle") else None
    page.locator(".leaflet-control-layers-overlays label", has_text="Estimated areas").click()
    assert area_paths(page) == 0 and front_paths(page) == 1
    page.locator(".leaflet-control-layers-overlays label", has_text="Front line").click()
    assert front_paths(page) == 0
    page.locator(".leaflet-control-layers-overlays label", has_text="Estimated areas").click()
    page.locator(".leaflet-control-layers-overlays label", has_text="Front line").click()
    assert area_paths(page) == 2 and front_paths(page) == 1
    # Another period redraws both layers from its own estimate.
    page.evaluate("() => window.frontline.show(1)")
    assert dataset(page)["period"] == "2025-03"
    assert area_paths(page) == 2 and front_paths(page) == 1
    page.evaluate("() => window.frontline.show(0)")  # 2024-03: Oldvillage alone, no front
    assert (dataset(page)["areas"], dataset(page)["fronts"]) == ("1", "0")
    assert area_paths(page) == 1 and front_paths(page) == 0
    assert page.evaluate("() => window.__pwned") is None
    assert_clean(log)


def oblast_paths(page) -> int:
    return page.eval_on_selector_all(".leaflet-fl-oblasts-pane path", "els => els.length")


def visible_oblast_names(page) -> list[str]:
    return page.eval_on_selector_all(
        ".fl-oblast-label", "els => els.filter(e => e.offsetParent !== null).map(e => e.textContent)"
    )


def test_oblast_borders_draw_under_the_markers_with_names_and_toggle(session):
    page, log, viewport = session
    lines = int(dataset(page)["oblastLines"])
    assert lines > 40 and oblast_paths(page) == lines
    # Thin grey lines in a pane above the basemap and below the areas, the front and the markers.
    assert page.eval_on_selector(".leaflet-fl-oblasts-pane path", "e => e.getAttribute('stroke')") == "#8a8a8a"
    z = page.evaluate(
        "() => ['fl-basemap', 'fl-oblasts', 'fl-areas', 'overlayPane']"
        ".map(n => +getComputedStyle(window.frontline.map.getPane(n)).zIndex)"
    )
    assert z == sorted(z) and len(set(z)) == 4
    page.evaluate("() => window.frontline.map.setView([48.5, 36.5], 7, {animate: false})")
    names = visible_oblast_names(page)
    assert "Kharkiv Oblast" in names and "Donetsk Oblast" in names
    page.evaluate("() => window.frontline.map.setZoom(10, {animate: false})")
    assert visible_oblast_names(page) == []  # place names take over
    if viewport is PHONE:
        page.click(".leaflet-control-layers-toggle") if page.is_visible(".leaflet-control-layers-toggle") else None
    page.locator(".leaflet-control-layers-overlays label", has_text="Oblast borders").click()
    assert oblast_paths(page) == 0 and dataset(page)["oblastLines"] == "0"
    page.locator(".leaflet-control-layers-overlays label", has_text="Oblast borders").click()
    assert oblast_paths(page) == lines
    assert_clean(log)


def test_panel_shows_km2_gained_and_lost(session):
    page, log, viewport = session
    if viewport is PHONE:
        assert not page.is_visible("#fl-areas")  # folded on a phone
        page.click("#fl-toggle")
        assert page.get_attribute("#fl-toggle", "aria-expanded") == "true"
    assert page.is_visible("#fl-areas")
    ru_area = int(page.text_content("#fl-area-ru").replace(",", ""))
    gained = int(page.text_content("#fl-gain-ru").lstrip("+").replace(",", ""))
    lost = int(page.text_content("#fl-loss-ua").lstrip("\u2212").replace(",", ""))
    assert ru_area > 0 and gained > 0 and abs(gained - lost) <= 2  # the fallen column: RU's gain is UA's loss
    assert "Estimate from" in page.text_content("#fl-area-note") and "20 km" not in page.text_content("#fl-area-note")
    assert page.eval_on_selector_all(".fl-area-chart .fl-bar", "els => els.length") == 3
    assert_clean(log)


def test_labels_appear_when_zoomed_in_and_stay_text(session):
    page, log, _ = session
    page.evaluate("() => window.frontline.map.setZoom(6, {animate: false})")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.labels === '0'")
    assert page.eval_on_selector_all(".fl-label", "els => els.length") == 0
    _, inverse = equal_area_transformers()
    lon, lat = inverse.transform(3000, 0)
    page.evaluate(f"() => window.frontline.map.setView([{lat}, {lon}], 11, {{animate: false}})")
    page.wait_for_function("() => +document.querySelector('.folium-map').dataset.labels > 0")
    labels = page.eval_on_selector_all(".fl-label", "els => els.map(e => e.textContent)")
    assert "Village 0 0" in labels
    lon, lat = inverse.transform(-40000, 20000)
    page.evaluate(f"() => window.frontline.map.setView([{lat}, {lon}], 11, {{animate: false}})")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.fl-label')].some(e => e.textContent.includes('Evil'))"
    )
    assert HOSTILE_NAME in page.eval_on_selector_all(".fl-label", "els => els.map(e => e.textContent)")
    assert page.eval_on_selector_all(".fl-label img, .fl-label script", "els => els.length") == 0
    page.evaluate("() => window.frontline.map.setZoom(6, {animate: false})")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.labels === '0'")
    assert page.evaluate("() => window.__pwned") is None
    assert_clean(log)


def test_stale_state_is_faded_and_its_popup_gives_its_age(session):
    page, log, _ = session
    assert dataset(page)["stale"] == "1"
    faded = page.locator(".leaflet-overlay-pane path[fill-opacity='0.25']")
    assert faded.count() == 1
    faded.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert text.startswith("Oldvillage")
    assert "Last report 2024-03-01, 14 months before the end of this period" in text
    assert "stale: older than 183 days" in text
    assert page.text_content("#fl-stale-ua") == "1"
    assert_clean(log)


def test_claimed_change_keeps_its_side_colour_with_a_dashed_outline(session):
    page, log, _ = session
    claimed = page.eval_on_selector_all(
        ".leaflet-overlay-pane path[stroke-dasharray='3 2']",
        "els => els.map(e => [e.getAttribute('fill'), e.getAttribute('fill-opacity')])",
    )
    assert claimed == [["#d62728", "0.85"]] or claimed == [["#d62728", "0.55"]]
    assert_clean(log)


def test_undated_only_input_has_a_plain_header(browser, tmp_path):
    events = [make_event(Place(1, "Lyman", 48.99, 37.81, "UA"), "captured", "RU", None)]
    path = tmp_path / "map.html"
    write_map_outputs(tmp_path, events, build_timeline(events, "month"), offline=True)
    page, log = open_page(browser, path, DESKTOP)
    try:
        assert page.text_content("#fl-span").startswith("Undated reports only: no period to show")
        assert "no dated reports" not in page.text_content("#fl-panel")
        assert_clean(log)
    finally:
        page.close()


def test_online_map_says_why_when_leaflet_cannot_load(browser, tmp_path):
    events = grid_events()
    path = tmp_path / "map.html"
    path.write_text(render_map(build_timeline(events, "month"), events, offline=False), encoding="utf-8")
    page, log = open_page(browser, path, DESKTOP, ready=False)
    try:
        page.wait_for_selector("#fl-no-leaflet")
        assert page.text_content("#fl-no-leaflet") == NO_LEAFLET_MESSAGE
        assert page.is_visible("#fl-no-leaflet")
        assert any("cdn.jsdelivr.net" in url for url in log.requests)  # the one thing it tried, and was refused
    finally:
        page.close()


def test_many_periods_leave_the_choice_to_the_slider(browser, tmp_path):
    place = Place(1, "Lyman", 48.99, 37.81, "UA")
    events = [make_event(place, "captured", "RU" if d % 2 else "UA", dt.date(2025, 1, 1) + dt.timedelta(days=d))
              for d in range(45)]
    path = tmp_path / "map.html"
    path.write_text(render_map(build_timeline(events, "day"), events, offline=True), encoding="utf-8")
    page, log = open_page(browser, path, DESKTOP)
    try:
        assert not page.is_visible(".leaflet-control-layers-base")
        assert page.is_visible(".leaflet-control-layers-overlays")
        page.locator("#fl-slider").fill("3")
        assert dataset(page)["period"] == "2025-01-04"
        assert_clean(log)
    finally:
        page.close()
