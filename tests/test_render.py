"""Tests for maps.render and maps.offline: layers, escaping, offline self-containment, data blob."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from gazetteer.place import Place
from geo.errors import OutputError
from geo.model import Event
from geo.timeline import build_timeline
from maps.areas import AreaSettings, estimate_areas
from maps.offline import find_node_modules, leaflet_css_inlined, topojson_features
from maps.render import (
    changes_chart_svg,
    date_text,
    map_payload,
    period_summaries,
    render_map,
    safe_href,
    script_json,
)

from .map_fixtures import IZIUM, make_event, sample_events

HOSTILE = (
    'Lyman <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> and a literal </script> end'
)

EVENTS = sample_events(
    HOSTILE, url="javascript:alert(1)", outlet="<b>Evil</b> & Co", title='"><svg onload=alert(3)>'
)
TIMELINE = build_timeline(EVENTS, "month")
LABELS = ("2022-03", "2022-04", "2022-09", "2022-10", "2022-11")


@pytest.fixture(scope="module")
def online_html() -> str:
    return render_map(TIMELINE, EVENTS, title="War <i>map</i> & co")


@pytest.fixture(scope="module")
def offline_html() -> str:
    return render_map(TIMELINE, EVENTS, offline=True)


class _Scripts(HTMLParser):
    """Collect every element's tag and attributes and the text of each script, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def parse(page: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser


def data_blob(page: str) -> dict:
    blobs = [text for attrs, text in parse(page).scripts if attrs.get("id") == "fl-data"]
    assert len(blobs) == 1
    return json.loads(blobs[0])


def test_timeline_fixture_has_the_expected_periods():
    assert tuple(p.label for p in TIMELINE.periods) == LABELS
    assert [e.article_id for e in TIMELINE.undated] == ["undated.txt"]


@pytest.mark.parametrize("label", LABELS)
def test_one_base_layer_per_period(online_html, label):
    assert re.search(rf'base_layers : \{{[^}}]*"{label}" : feature_group_\d+,', online_html)


def test_period_layers_are_base_layers_and_reports_are_overlays(online_html):
    base = re.search(r"base_layers : \{([^}]*)\}", online_html).group(1)
    overlays = re.search(r"overlays :  \{([^}]*)\}", online_html).group(1)
    assert re.findall(r'"([^"]+)" :', base) == list(LABELS)
    assert re.findall(r'"([^"]+)" :', overlays) == ["Oblast borders (approximate)", "All reports", "Undated reports"]
    assert "L.control.layers(" in online_html


def test_only_the_last_period_starts_switched_on(online_html):
    names = dict(re.findall(r'"([^"]+)" : (feature_group_\d+),', online_html))
    added = set(re.findall(r"(feature_group_\d+)\.addTo\(", online_html))
    # Of the periods only the last; of the overlays only the oblast borders (the reports start off).
    assert added == {names["2022-11"], names["Oblast borders (approximate)"]}


def test_no_undated_layer_without_undated_events():
    dated = [e for e in EVENTS if e.date]
    page = render_map(build_timeline(dated, "month"), dated)
    assert "Undated reports" not in page
    assert "All reports" in page


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "<script>window.__pwned = 1</script>",
        '<img src=x onerror="window.__pwned = 2">',
        "<b>Evil</b>",
        '"><svg onload=alert(3)>',
    ],
)
def test_hostile_text_never_appears_raw(online_html, raw):
    assert raw not in online_html


def test_hostile_text_is_escaped_once_in_the_data(online_html):
    blob = data_blob(online_html)
    sentences = [row[5] for row in blob["events"]]
    assert html.escape(HOSTILE) in sentences
    sources = [tuple(s) for s in blob["sources"]]
    assert ("&lt;b&gt;Evil&lt;/b&gt; &amp; Co", "&quot;&gt;&lt;svg onload=alert(3)&gt;", "", "2022-10-01") in sources


def test_literal_end_script_cannot_close_the_data_element(online_html):
    parser = parse(online_html)
    assert [attrs.get("id") for attrs, _ in parser.scripts if attrs.get("type") == "application/json"] == ["fl-data"]
    # Every <script> the parser saw is one of ours: none was opened by article text.
    assert [t for t, a in parser.tags if t in ("img", "svg") and a.get("onerror", a.get("onload"))] == []
    assert "</script> end" not in online_html
    assert "&lt;/script&gt; end" in online_html


def test_javascript_url_is_dropped(online_html):
    assert "javascript:" not in online_html


def test_title_is_escaped(online_html):
    assert "<title>War &lt;i&gt;map&lt;/i&gt; &amp; co</title>" in online_html
    assert '<h1 id="fl-title">War &lt;i&gt;map&lt;/i&gt; &amp; co</h1>' in online_html


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&amp;c=2"),
        ("HTTP://EXAMPLE.ORG/", "HTTP://EXAMPLE.ORG/"),
        ("  https://example.org/x  ", "https://example.org/x"),
        ("javascript:alert(1)", ""),
        ("JavaScript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("//example.org/a", ""),
        ("ftp://example.org/a", ""),
        ("https://", ""),
        ('https://example.org/"onmouseover="alert(1)', ""),
        ("https://exa mple.org/", ""),
        ("java\tscript:alert(1)", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_href(url, href):
    assert safe_href(url) == href


@pytest.mark.parametrize(
    ("precision", "day", "note", "text"),
    [
        ("day", dt.date(2022, 9, 10), "", "2022-09-10"),
        ("week", dt.date(2022, 9, 5), "", "week of 2022-09-05"),
        ("month", dt.date(2022, 9, 1), "", "2022-09 (month)"),
        ("year", dt.date(2022, 1, 1), "", "2022 (year)"),
        ("day", dt.date(2022, 9, 10), "dateline", "2022-09-10 (dateline)"),
        ("day", None, "", "undated"),
    ],
)
def test_date_text(precision, day, note, text):
    base = make_event(IZIUM, "retaken", "UA", day, precision=precision)
    assert date_text(Event(**{**{f: getattr(base, f) for f in base.__slots__}, "date_note": note})) == text


def test_period_summaries_count_holdings_and_changes():
    summaries = period_summaries(TIMELINE)
    assert [(s["label"], s["held"], s["to"], s["changed"]) for s in summaries] == [
        (
            "2022-03",
            {"UA": 0, "RU": 1, "contested": 0, "unknown": 0},
            {"UA": 0, "RU": 1, "contested": 0, "unknown": 0},
            1,
        ),
        (
            "2022-04",
            {"UA": 0, "RU": 2, "contested": 0, "unknown": 0},
            {"UA": 0, "RU": 1, "contested": 0, "unknown": 0},
            1,
        ),
        (
            "2022-09",
            {"UA": 1, "RU": 1, "contested": 0, "unknown": 0},
            {"UA": 1, "RU": 0, "contested": 0, "unknown": 0},
            1,
        ),
        (
            "2022-10",
            {"UA": 2, "RU": 1, "contested": 0, "unknown": 0},
            {"UA": 1, "RU": 0, "contested": 0, "unknown": 0},
            1,
        ),
        (
            "2022-11",
            {"UA": 3, "RU": 0, "contested": 1, "unknown": 0},
            {"UA": 1, "RU": 0, "contested": 1, "unknown": 0},
            2,
        ),
    ]
    assert summaries[0]["start"] == "2022-03-01" and summaries[0]["end"] == "2022-03-31"


def test_payload_stores_places_once_and_states_as_changes():
    payload = map_payload(TIMELINE, EVENTS)
    names = [row[2] for row in payload["places"]]
    assert names == ["Lyman", "Kherson", "Izium", "Bakhmut"]  # sorted by Place.key
    kherson = 1
    assert payload["places"][kherson][:2] == [32.61458, 46.63695]  # lon, lat
    # Kherson: captured in 2022-03, unchanged until retaken in 2022-11; only the two changes are stored.
    rows = [(i, row) for i, rows in enumerate(payload["deltas"]) for row in rows if row[0] == kherson]
    assert rows == [(0, [1, 1, 0, "2022-03-02", 1, 1, "2022-03-02"]), (4, [1, 0, 0, "2022-11-11", 2, 1, "2022-11-11"])]
    history = [payload["events"][i] for i in payload["history"][kherson]]
    assert [(e[1], e[2], e[4]) for e in history] == [(0, 1, "2022-03-02"), (1, 0, "2022-11-11")]
    assert len(payload["all"]) == len(EVENTS)
    assert [payload["events"][i][4] for i in payload["undated"]] == ["undated"]
    assert payload["bounds"] == [32.61458, 46.63695, 37.99886, 49.20697]


def test_payload_carries_the_layout_colours_and_kinds_the_script_reads():
    payload = map_payload(TIMELINE, EVENTS)
    legend = payload["legend"]
    columns = legend["columns"]
    assert all(len(row) == len(columns["places"]) for row in payload["places"])
    assert all(len(row) == len(columns["events"]) for row in payload["events"])
    assert all(len(row) == len(columns["sources"]) for row in payload["sources"])
    assert all(len(row) == len(columns["states"]) for rows in payload["deltas"] for row in rows)
    assert legend["sides"] == ("UA", "RU", "contested", "unknown")
    assert legend["side_colors"][:3] == legend["area_colors"] == ["#1f5fbf", "#d62728", "#f28e2b"]
    assert legend["kinds"] == ("captured", "retaken", "withdrawn", "contested")
    script = (Path(__file__).resolve().parent.parent / "maps" / "assets" / "frontline.js").read_text()
    assert '"#1f5fbf"' not in script and "P_NAME = 2" not in script  # nothing mirrored by hand


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("</script><script>alert(1)</script>", '"<\\/script><script>alert(1)<\\/script>"'),
        ("<!-- <script>", '"<\\u0021-- <script>"'),
        ("plain", '"plain"'),
        ("Бахмут", '"Бахмут"'),
    ],
)
def test_script_json_escapes_element_endings(value, expected):
    text = script_json(value)
    assert text == expected
    assert json.loads(text) == value


def test_changes_chart_has_one_bar_per_period():
    svg = changes_chart_svg(period_summaries(TIMELINE))
    assert re.findall(r'<g class="fl-bar" data-index="(\d+)">', svg) == ["0", "1", "2", "3", "4"]
    assert "<title>2022-11: to Ukraine 1, to Contested 1</title>" in svg
    assert changes_chart_svg([]) == ""


def test_render_is_deterministic():
    assert render_map(TIMELINE, EVENTS) == render_map(TIMELINE, EVENTS)


def test_online_page_loads_only_leaflet():
    page = render_map(TIMELINE, EVENTS)
    tags = parse(page).tags
    scripts = [a["src"] for t, a in tags if t == "script" and a.get("src")]
    styles = [a["href"] for t, a in tags if t == "link" and a.get("href")]
    assert scripts == ["https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"]
    assert styles == ["https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"]
    assert "tile.openstreetmap.org" in page


REMOTE = [
    re.compile(r"<script[^>]*\ssrc\s*=", re.I),
    re.compile(r"<link[^>]*\shref\s*=", re.I),
    re.compile(r"<img[^>]*\ssrc\s*=\s*[\"']?(https?:)?//", re.I),
    re.compile(r"url\(\s*[\"']?(https?:)?//", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"tile\.openstreetmap|\{z\}/\{x\}/\{y\}", re.I),
]


@pytest.mark.parametrize("pattern", REMOTE, ids=lambda p: p.pattern[:30])
def test_offline_page_loads_nothing_remote(offline_html, pattern):
    assert pattern.search(offline_html) is None


def test_offline_page_inlines_leaflet_and_an_outline(offline_html):
    assert "Leaflet 1.9.4" in offline_html
    assert "url(data:image/png;base64," in offline_html
    outline = data_blob(offline_html)["outline"]
    names = {f["properties"]["name"] for f in outline["features"]}
    assert {"Ukraine", "Russia", "Belarus", "Moldova", "Romania"} <= names
    assert '"maxZoom": 14' in offline_html


def test_missing_assets_name_the_install_command(tmp_path):
    with pytest.raises(OutputError, match=r"leaflet@1\.9\.4.*world-atlas@2\.0\.2.*npm ci"):
        find_node_modules([tmp_path / "node_modules"])


def test_leaflet_css_images_become_data_uris(tmp_path):
    (tmp_path / "layers.png").write_bytes(b"\x89PNG")
    css = ".a{background-image:url(images/layers.png)} .b{behavior:url(#default#VML)}"
    assert leaflet_css_inlined(css, tmp_path) == (
        ".a{background-image:url(data:image/png;base64,iVBORw==)} .b{behavior:url(#default#VML)}"
    )


def test_topojson_decodes_quantized_delta_arcs():
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [30.0, 45.0]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "804", "properties": {"name": "Square"}, "arcs": [[0, 1]]},
                    {"type": "Polygon", "id": "001", "properties": {"name": "Reversed"}, "arcs": [[~1, ~0]]},
                    {"type": "Point", "coordinates": [1, 1]},
                ],
            }
        },
    }
    features = topojson_features(topology, "countries")
    assert [f["properties"]["name"] for f in features] == ["Square", "Reversed"]
    assert features[0]["geometry"]["coordinates"] == [
        [(30.0, 45.0), (31.0, 45.0), (31.0, 46.0), (30.0, 46.0), (30.0, 45.0)]
    ]
    assert features[1]["geometry"]["coordinates"] == [
        [(30.0, 45.0), (30.0, 46.0), (31.0, 46.0), (31.0, 45.0), (30.0, 45.0)]
    ]


@pytest.mark.parametrize(
    ("lon", "lat", "country"),
    [
        (34.10, 44.95, "Ukraine"),  # Simferopol: the outline shows the internationally recognised border
        (24.03, 49.84, "Ukraine"),  # Lviv: the outline reaches as far as the oblast borders, not only the places
        (36.45, 45.35, "Ukraine"),  # Kerch
        (36.75, 45.20, "Russia"),  # Taman, across the strait
        (37.80, 48.00, "Ukraine"),  # Donetsk
        (39.70, 47.23, "Russia"),  # Rostov-on-Don
    ],
)
def test_outline_countries(offline_html, lon, lat, country):
    from shapely.geometry import Point

    outline = data_blob(offline_html)["outline"]
    holders = [f["properties"]["name"] for f in outline["features"] if shape(f["geometry"]).contains(Point(lon, lat))]
    assert holders == [country]


@pytest.mark.parametrize("text", ["{{ 7 * 7 }}", "{% for x in y %}", "{# c #}", "{{ this.__class__ }}", "{% raw %}"])
def test_template_syntax_in_text_is_not_evaluated(text):
    events = [make_event(IZIUM, "captured", "RU", dt.date(2022, 4, 1), sentence=f"Izium {text} fell.", outlet=text)]
    page = render_map(build_timeline(events, "month"), events, title=f"Map {text}")
    escaped = html.escape(text)
    assert f"<title>Map {escaped}</title>" in page
    assert [row[5] for row in data_blob(page)["events"]] == [f"Izium {escaped} fell."]
    assert data_blob(page)["sources"][0][0] == escaped


# --- estimated areas, front line, labels and admin names: hostile text stays escaped there too

EVIL_PLACE = Place(
    "user:evil",
    '<img src=x onerror="window.__pwned = 7">Evilvillage</script>',
    48.6,
    37.9,
    "UA",
    "<script>alert(8)</script>",
    0,
    "user",
    admin2='"><svg onload=alert(9)>',
)
AREA_EVENTS = (*EVENTS, make_event(EVIL_PLACE, "retaken", "UA", dt.date(2022, 11, 2), sentence=HOSTILE))


@pytest.fixture(scope="module")
def area_html() -> str:
    timeline = build_timeline(AREA_EVENTS, "month")
    settings = AreaSettings(radius_km=20)
    areas = estimate_areas(timeline, settings)
    return render_map(timeline, AREA_EVENTS, areas=areas, area_settings=settings)


@pytest.mark.parametrize(
    "raw",
    [
        '<img src=x onerror="window.__pwned = 7">',
        "<script>alert(8)</script>",
        '"><svg onload=alert(9)>',
        "Evilvillage</script>",
    ],
)
def test_hostile_place_names_and_regions_never_appear_raw(area_html, raw):
    assert raw not in area_html


def test_labels_and_popups_read_pre_escaped_names_and_admin_names(area_html):
    blob = data_blob(area_html)
    names = {row[2]: row[3] for row in blob["places"]}
    evil = html.escape(EVIL_PLACE.name)
    assert names[evil] == html.escape('"><svg onload=alert(9)> raion, <script>alert(8)</script>, UA')
    assert names["Izium"] == "Kharkiv Oblast, UA"


def test_area_payload_holds_only_numbers_and_geometry(area_html):
    blob = data_blob(area_html)
    assert blob["stale_days"] == 183
    assert blob["area_method"].startswith("estimate: Voronoi cells of the reported places limited to 20 km")
    assert len(blob["areas"]["shapes"]) == len(blob["periods"]) == len(blob["areas"]["fronts"])
    strings = []

    def walk(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)

    walk(blob["areas"]["shapes"])
    walk(blob["areas"]["fronts"])
    assert set(strings) <= {"type", "coordinates", "Polygon", "MultiPolygon", "LineString", "MultiLineString"}
    last = blob["periods"][-1]
    assert set(last["area_km2"]) == {"UA", "RU", "contested"} and last["area_km2"]["UA"] > 0
    assert '<table class="fl-summary" id="fl-areas">' in area_html
    assert 'class="fl-chart fl-area-chart"' in area_html


def test_overlays_with_areas_list_the_estimate_layers(area_html):
    overlays = re.search(r"overlays :  \{([^}]*)\}", area_html).group(1)
    assert re.findall(r'"([^"]+)" :', overlays) == [
        "Estimated areas",
        "Front line (estimate)",
        "Oblast borders (approximate)",
        "All reports",
        "Undated reports",
    ]


def test_undated_only_header_says_so():
    undated = [e for e in EVENTS if not e.date]
    page = render_map(build_timeline(undated, "month"), undated)
    assert "Undated reports only: no period to show" in page
    assert "Reports dated no dated reports" not in page


def test_online_page_says_when_leaflet_cannot_load(online_html, offline_html):
    assert 'id=\'fl-no-leaflet\'' in online_html and "frontline map --offline" in online_html
    assert "id='fl-no-leaflet'" not in offline_html


def test_charts_mark_time_gaps_between_periods():
    # 2022-04 to 2022-09 has no report: one gap mark, with its span as a tooltip.
    summaries = period_summaries(TIMELINE)
    svg = changes_chart_svg(summaries)
    assert svg.count('class="fl-gap"') == 1
    assert "<title>no reports from 2022-04-30 to 2022-09-01</title>" in svg


@pytest.mark.parametrize("page", ["online_html", "offline_html"])
def test_both_maps_carry_the_approximate_oblast_borders(page, request):
    html_text = request.getfixturevalue(page)
    oblasts = data_blob(html_text)["oblasts"]
    lines = [f for f in oblasts["features"] if f["geometry"]["type"] in ("LineString", "MultiLineString")]
    names = {f["properties"]["name"] for f in oblasts["features"] if f["geometry"]["type"] == "Point"}
    assert len(lines) > 40
    assert {"Kharkiv Oblast", "Donetsk Oblast", "Autonomous Republic of Crimea"} <= names
    assert ["Donetsk Oblast", "Kharkiv Oblast"] in [sorted(f["properties"]["between"]) for f in lines]
    assert all(shape(f["geometry"]).is_valid for f in lines)
    assert "GeoNames" in oblasts["source"]
    assert "Oblast border (approximate)" in html_text
    assert re.search(r"oblasts: feature_group_\d+,", html_text)


def test_oblast_asset_is_small_and_inside_ukraine():
    asset = resources.files("maps").joinpath("assets", "oblasts.json")
    assert len(asset.read_bytes()) < 300_000
    borders = json.loads(asset.read_text(encoding="utf-8"))
    west, south, east, north = shapely.bounds(
        shapely.union_all([shape(f["geometry"]) for f in borders["features"]])
    ).tolist()
    assert 22.0 < west and east < 40.3 and 44.3 < south and north < 52.4
