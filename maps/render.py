"""Render the control timeline as one folium/Leaflet HTML page.

One folium `FeatureGroup` per period, as mutually exclusive base layers of the `LayerControl` (radio
buttons), plus "All reports" and "Undated reports" overlays. The groups start empty: every place's
point is stored once in a JSON data blob, with each period's states as changes against the period
before, and a small script (maps/assets/frontline.js) draws the group that is switched on. That keeps
20,000 places x 52 periods to a few megabytes instead of a million markers.

Escaping: every piece of article or manifest text is HTML-escaped in Python (maps/map_payload.py) before it
enters the data blob; links are kept only for http(s) URLs. The blob sits in a `<script type="application/json">`
element with `</` and `<!--` escaped, so no text can end that element early. folium's own Popup and
Tooltip are not used: the script builds popups on demand from the pre-escaped fragments.

The data blob is made in maps/map_payload.py, the panel's HTML in maps/map_panel.py, shared vocabulary and
escaping in maps/page_text.py; this module assembles the folium page and keeps the names others import from it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import cast

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geo.model import Event
from geo.timeline import Timeline

from .areas import AreaRun, AreaSettings, PeriodAreas
from .map_panel import _panel_html, area_chart_svg, changes_chart_svg
from .map_payload import map_legend, map_payload, oblast_borders, period_summaries, script_json
from .offline import load_offline_assets
from .page_text import SIDE_COLORS, SIDE_ORDER, _asset_text, _esc, date_text, safe_href

__all__ = [
    "SIDE_ORDER",
    "SIDE_COLORS",
    "safe_href",
    "date_text",
    "period_summaries",
    "map_legend",
    "map_payload",
    "script_json",
    "changes_chart_svg",
    "area_chart_svg",
    "oblast_borders",
    "render_map",
]


LEAFLET_JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
LEAFLET_CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"
# Without tiles Leaflet has no zoom ceiling; past ~14 a 1:50m outline says nothing more.
OFFLINE_MAX_ZOOM = 14
ONLINE_MAX_ZOOM = 19
DEFAULT_CENTER = (48.4, 31.2)  # Ukraine, for a map with no places


class _Raw(Element):
    """Insert text into the page verbatim: branca would otherwise compile it as a Jinja template."""

    # Article text may hold "{{" or "{%"; as a template it would be evaluated (or fail), so the text is
    # only ever a value substituted into this fixed template.
    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text


class _FrontlineScript(MacroElement):
    """Inline the map script and start it on the map, its period groups and its report overlays."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this.library }}
(function () {
  var map = {{ this._parent.get_name() }};
  var panel = document.getElementById("fl-panel");
  if (panel) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () { return panel; };
    control.addTo(map);
  }
  var data = frontlineMap.dataFrom("fl-data");
  if (data.outline) {
    map.getContainer().classList.add("fl-offline");
    map.attributionControl.addAttribution("Basemap: Natural Earth (public domain)");
  }
  window.frontline = frontlineMap.create(map, {
    periods: [{% for group in this.periods %}{{ group.get_name() }}{{ ", " if not loop.last }}{% endfor %}],
    areas: {{ this.areas.get_name() if this.areas else "null" }},
    front: {{ this.front.get_name() if this.front else "null" }},
    oblasts: {{ this.oblasts.get_name() if this.oblasts else "null" }},
    all: {{ this.all_reports.get_name() }},
    undated: {{ this.undated.get_name() if this.undated else "null" }}
  }, data);
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        library: str,
        periods: list[folium.FeatureGroup],
        all_reports: folium.FeatureGroup,
        undated: folium.FeatureGroup | None,
        areas: folium.FeatureGroup | None = None,
        front: folium.FeatureGroup | None = None,
        oblasts: folium.FeatureGroup | None = None,
    ) -> None:
        super().__init__()
        self._name = "FrontlineScript"
        self.oblasts = oblasts
        self.areas = areas
        self.front = front
        self.library = library
        self.periods = periods
        self.all_reports = all_reports
        self.undated = undated


def _stable_ids(root: Element) -> None:
    # folium names elements with random UUIDs; numbering them in tree order makes the page reproducible.
    counter = itertools.count(1)
    queue = [root]
    while queue:
        element = queue.pop(0)
        element._id = f"{next(counter):04d}"
        queue.extend(element._children.values())


NO_LEAFLET_MESSAGE = (
    "The map library (Leaflet) could not be loaded from cdn.jsdelivr.net, so no map can be drawn: this "
    "page needs the network. Write a map that needs none with `frontline map --offline`."
)
_NO_LEAFLET_SCRIPT = (
    "<script>document.addEventListener('DOMContentLoaded',function(){if(typeof L!=='undefined')return;"
    "var m=document.createElement('div');m.id='fl-no-leaflet';m.setAttribute('role','alert');"
    "m.textContent=%s;document.body.insertBefore(m,document.body.firstChild);});</script>"
)


def render_map(
    timeline: Timeline,
    events: Sequence[Event],
    *,
    offline: bool = False,
    title: str = "Frontline",
    areas: Sequence[PeriodAreas] | AreaRun | None = None,
    area_settings: AreaSettings | None = None,
    clipped: bool = True,
) -> str:
    """Return the whole HTML document of the map: one layer per period, reports, areas, legend, summary, slider."""
    payload = map_payload(timeline, events, areas, area_settings, clipped)
    bounds = cast("list[float] | None", payload["bounds"])
    if offline:
        west, south, east, north = bounds or (
            DEFAULT_CENTER[1] - 8,
            DEFAULT_CENTER[0] - 4,
            DEFAULT_CENTER[1] + 8,
            DEFAULT_CENTER[0] + 4,
        )
        oblasts = cast("dict[str, list[float]] | None", payload["oblasts"])
        if oblasts and oblasts.get("bbox"):
            # The basemap reaches as far as the oblast borders drawn on it.
            box = oblasts["bbox"]
            west, south, east, north = min(west, box[0]), min(south, box[1]), max(east, box[2]), max(north, box[3])
        assets = load_offline_assets((west, south, east, north))
        payload["outline"] = assets.outline
    center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2) if bounds else DEFAULT_CENTER

    fmap = folium.Map(location=center, zoom_start=6, tiles=None, control_scale=True, font_size="13px")
    # Only Leaflet is needed: no Bootstrap, jQuery or Font Awesome (CircleMarkers, no folium.Icon).
    fmap.default_js = [] if offline else [("leaflet", LEAFLET_JS_URL)]
    fmap.default_css = [] if offline else [("leaflet_css", LEAFLET_CSS_URL)]
    fmap.options["maxZoom"] = OFFLINE_MAX_ZOOM if offline else ONLINE_MAX_ZOOM
    fmap.options["minZoom"] = 2
    figure = cast(Figure, fmap.get_root())
    figure.header.add_child(_Raw(f"<title>{_esc(title)}</title>"), name="fl_title")
    if offline:
        figure.header.add_child(_Raw(f"<style>{assets.leaflet_css}</style>"), name="fl_leaflet_css")
        figure.header.add_child(_Raw(f"<script>{assets.leaflet_js}</script>"), name="fl_leaflet_js")
    else:
        folium.TileLayer("OpenStreetMap", control=False, max_zoom=ONLINE_MAX_ZOOM).add_to(fmap)
        figure.header.add_child(_Raw(_NO_LEAFLET_SCRIPT % json.dumps(NO_LEAFLET_MESSAGE)), name="fl_no_leaflet")
    figure.header.add_child(_Raw(f"<style>{_asset_text('frontline.css')}</style>"), name="fl_css")

    groups = []
    last = len(timeline.periods) - 1
    for i, period in enumerate(timeline.periods):
        group = folium.FeatureGroup(name=_esc(period.label), overlay=False, show=i == last)
        group.add_to(fmap)
        groups.append(group)
    area_group = front_group = None
    if payload["areas"] is not None and groups:
        area_group = folium.FeatureGroup(name="Estimated areas", overlay=True, show=True)
        area_group.add_to(fmap)
        front_group = folium.FeatureGroup(name="Front line (estimate)", overlay=True, show=True)
        front_group.add_to(fmap)
    oblast_group = None
    if payload["oblasts"] is not None:
        oblast_group = folium.FeatureGroup(name="Oblast borders (approximate)", overlay=True, show=True)
        oblast_group.add_to(fmap)
    all_reports = folium.FeatureGroup(name="All reports", overlay=True, show=not groups)
    all_reports.add_to(fmap)
    undated = None
    if timeline.undated:
        undated = folium.FeatureGroup(name="Undated reports", overlay=True, show=False)
        undated.add_to(fmap)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)

    summaries: list[dict[str, object]] = payload["periods"]  # type: ignore[assignment]
    figure.html.add_child(_Raw(_panel_html(timeline, events, title, summaries)), name="fl_panel")
    figure.html.add_child(
        _Raw(f'<script type="application/json" id="fl-data">{script_json(payload)}</script>'), name="fl_data"
    )
    _FrontlineScript(
        _asset_text("frontline.js"), groups, all_reports, undated, area_group, front_group, oblast_group
    ).add_to(fmap)
    _stable_ids(figure)
    return figure.render()
