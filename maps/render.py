"""Render the control timeline as one folium/Leaflet HTML page.

One folium `FeatureGroup` per period, as mutually exclusive base layers of the `LayerControl` (radio
buttons), plus "All reports" and "Undated reports" overlays. The groups start empty: every place's
point is stored once in a JSON data blob, with each period's states as changes against the period
before, and a small script (maps/assets/frontline.js) draws the group that is switched on. That keeps
20,000 places x 52 periods to a few megabytes instead of a million markers.

Escaping: every piece of article or manifest text is HTML-escaped here, in Python, before it enters the
data blob; links are kept only for http(s) URLs. The blob sits in a `<script type="application/json">`
element with `</` and `<!--` escaped, so no text can end that element early. folium's own Popup and
Tooltip are not used: the script builds popups on demand from the pre-escaped fragments.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from operator import itemgetter
from typing import cast
from urllib.parse import urlsplit

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from gazetteer.place import Place
from geo.model import KINDS, ControlState, Event
from geo.timeline import Timeline

from .areas import AREA_SIDES, FRONT_PAIRS, AreaRun, AreaSettings, PeriodAreas, area_method, last_report
from .offline import load_offline_assets

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

SIDE_ORDER = ("UA", "RU", "contested", "unknown")
SIDE_COLORS = {"UA": "#1f5fbf", "RU": "#d62728", "contested": "#f28e2b", "unknown": "#8c8c8c"}
SIDE_LABELS = {"UA": "Ukraine", "RU": "Russia", "contested": "Contested", "unknown": "Unknown"}
# The payload's row layouts: the page's script finds every column by these names (the payload's "legend").
PLACE_ROW = ("lon", "lat", "name", "detail")
EVENT_ROW = ("place", "kind", "side", "claimed", "date", "sentence", "source")
STATE_ROW = ("place", "side", "claimed", "since", "events", "changed", "last")
SOURCE_ROW = ("outlet", "title", "href", "published")
LEAFLET_JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
LEAFLET_CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"
# Display geometry of the areas: simplified to ~100 m and rounded to ~10 m, which no zoom of a
# reports-based estimate can tell apart; the exports keep the full geometry.
AREA_SIMPLIFY_DEG = 0.001
AREA_GRID_DEG = 1e-4
# Without tiles Leaflet has no zoom ceiling; past ~14 a 1:50m outline says nothing more.
OFFLINE_MAX_ZOOM = 14
ONLINE_MAX_ZOOM = 19
# Approximate oblast borders built from the gazetteer's settlement points by `python -m maps.build_oblasts`.
OBLASTS_ASSET = "oblasts.json"
DEFAULT_CENTER = (48.4, 31.2)  # Ukraine, for a map with no places
_HTTP_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"'`]+\Z", re.IGNORECASE)


def safe_href(url: str | None) -> str:
    """Return `url` escaped for an href attribute when it is an absolute http(s) URL, else ''."""
    candidate = (url or "").strip()
    if not _HTTP_URL.match(candidate) or not urlsplit(candidate).netloc:
        return ""
    return html.escape(candidate, quote=True)


def date_text(event: Event) -> str:
    """Return the event date with its precision, as an analyst reads it (not yet escaped)."""
    if event.date is None:
        text = "undated"
    elif event.date_precision == "week":
        text = f"week of {event.date.isoformat()}"
    elif event.date_precision == "month":
        text = f"{event.date:%Y-%m} (month)"
    elif event.date_precision == "year":
        text = f"{event.date.year} (year)"
    else:
        text = event.date.isoformat()
    return f"{text} ({event.date_note})" if event.date_note else text


def period_summaries(
    timeline: Timeline, areas: Sequence[PeriodAreas] | None = None, stale_days: int | None = None
) -> list[dict[str, object]]:
    """Return per period: label, span, places held (and stale) by each side, changes towards each side,
    and with `areas` the estimated km2 per side, km2 gained and lost, and the front line's length."""
    summaries = []
    previous: dict[str, str] = {}
    days = stale_days if stale_days is not None else AreaSettings().stale_days
    # Place.key builds a string and last_report walks the events: the same Place objects and events tuples
    # recur in every period, so each is read once.
    keys: dict[int, str] = {}
    lasts: dict[int, int | None] = {}  # id(events) -> ordinal of the last report
    for states in timeline.states.values():
        for state in states:
            if id(state.place) not in keys:
                keys[id(state.place)] = state.place.key
            if id(state.events) not in lasts:
                day = last_report(state.events)
                lasts[id(state.events)] = day.toordinal() if day else None
    by_label = {a.period.label: a for a in areas or ()}
    for period in timeline.periods:
        states = timeline.states.get(period.label, ())
        held = Counter(state.side for state in states)
        # As is_stale: no report, or the last one more than `days` before the end of the period.
        limit = period.end.toordinal() - days if period.end else None
        stale = Counter(
            state.side
            for state in states
            if limit is None or (ordinal := lasts[id(state.events)]) is None or ordinal < limit
        )
        current = {keys[id(state.place)]: state.side for state in states}
        towards = Counter(
            state.side for state in states if state.changed and previous.get(keys[id(state.place)]) != state.side
        )
        summary: dict[str, object] = {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "held": {side: held.get(side, 0) for side in SIDE_ORDER},
            "stale": {side: stale.get(side, 0) for side in SIDE_ORDER},
            "to": {side: towards.get(side, 0) for side in SIDE_ORDER},
            "changed": sum(1 for state in states if state.changed),
        }
        estimate = by_label.get(period.label)
        if estimate is not None:
            summary["area_km2"] = {side: round(estimate.area_km2[side]) for side in AREA_SIDES}
            summary["gained_km2"] = {side: round(estimate.gained_km2.get(side, 0.0)) for side in AREA_SIDES}
            summary["lost_km2"] = {side: round(estimate.lost_km2.get(side, 0.0)) for side in AREA_SIDES}
            summary["front_km"] = round(estimate.front_km)
            summary["area_places"] = sum(estimate.places.values())
        summaries.append(summary)
        previous = current
    return summaries


def _display_geometry(geom: object) -> object:
    """Return a geometry's GeoJSON coordinates for the page: simplified and rounded (lon, lat)."""
    import shapely

    small = shapely.simplify(geom, AREA_SIMPLIFY_DEG, preserve_topology=True)
    small = shapely.set_precision(small, AREA_GRID_DEG)
    if small.is_empty:
        return None
    return json.loads(shapely.to_geojson(small))


def areas_payload(areas: Sequence[PeriodAreas]) -> dict[str, object]:
    """Return the areas and front lines per period for the page; a period equal to the one before names its index."""
    shapes: list[object] = []
    fronts: list[object] = []
    previous: PeriodAreas | None = None
    last_index = -1
    for i, estimate in enumerate(areas):
        if previous is not None and estimate.same_as_previous:
            shapes.append(last_index)
            fronts.append(last_index)
            continue
        last_index = i
        shapes.append(
            [[AREA_SIDES.index(side), g] for side in AREA_SIDES if (g := _display_geometry(estimate.areas[side]))]
        )
        fronts.append(
            [
                [k, g]
                for k, (a, b) in enumerate(FRONT_PAIRS)
                if (g := _display_geometry(estimate.fronts[f"{a}|{b}"]))
            ]
        )
        previous = estimate
    return {"shapes": shapes, "fronts": fronts}


def _esc(text: object) -> str:
    return html.escape(str(text or ""), quote=True)


def _side_code(side: str | None, kind: str = "") -> int:
    if kind == "contested" or side == "contested":
        return 2
    return SIDE_ORDER.index(side) if side in SIDE_ORDER else 3


def map_legend() -> dict[str, object]:
    """Return what the page's script needs to read the payload: row layouts, sides (by code), colours, kinds."""
    return {
        "columns": {"places": PLACE_ROW, "events": EVENT_ROW, "states": STATE_ROW, "sources": SOURCE_ROW},
        "sides": SIDE_ORDER,
        "side_labels": [SIDE_LABELS[side] for side in SIDE_ORDER],
        "side_colors": [SIDE_COLORS[side] for side in SIDE_ORDER],
        "area_colors": [SIDE_COLORS[side] for side in AREA_SIDES],
        "kinds": KINDS,
    }


@dataclass(frozen=True, slots=True)
class _EventTable:
    """Every event once, in Event.sort_key order, and the row of each event object (by identity)."""

    table: list[Event]
    row_by_id: dict[int, int]
    tuples: dict[int, tuple[Event, ...]]  # id -> every distinct events tuple of the states


def _event_table(
    timeline: Timeline, events: Sequence[Event], period_states: Sequence[Sequence[ControlState]]
) -> _EventTable:
    # A place's state keeps the same events tuple from period to period until it changes.
    tuples: dict[int, tuple[Event, ...]] = {}
    for states in period_states:
        for state in states:
            tuples.setdefault(id(state.events), state.events)
    # Identity first: the timeline repeats the same Event objects in every period, and hashing a
    # dataclass walks all its fields; each distinct object is hashed once.
    by_id: dict[int, Event] = {}
    for event in itertools.chain(events, timeline.undated, itertools.chain.from_iterable(tuples.values())):
        by_id.setdefault(id(event), event)
    table = sorted(dict.fromkeys(by_id.values()), key=Event.sort_key)
    by_value = {event: i for i, event in enumerate(table)}
    return _EventTable(table, {i: by_value[event] for i, event in by_id.items()}, tuples)


@dataclass(frozen=True, slots=True)
class _PlaceTable:
    """Every place once, by key, and the row of each Place object (by identity)."""

    keys: list[str]
    by_key: dict[str, Place]
    row_by_id: dict[int, int]


def _place_table(
    timeline: Timeline, table: Sequence[Event], period_states: Sequence[Sequence[ControlState]]
) -> _PlaceTable:
    by_key = {p.key: p for p in timeline.places}
    for event in table:
        by_key.setdefault(event.place.key, event.place)
    keys = sorted(by_key)
    index = {key: i for i, key in enumerate(keys)}
    # The same Place objects recur in every period: each one's key is built once.
    objects = {id(event.place): event.place for event in table}
    objects.update((id(state.place), state.place) for states in period_states for state in states)
    return _PlaceTable(keys, by_key, {i: index[place.key] for i, place in objects.items()})


def _event_rows(table: Sequence[Event], place_row: dict[int, int]) -> tuple[list[list[object]], list[list[str]]]:
    """Return one row per event (EVENT_ROW) and the distinct sources (SOURCE_ROW) they point at."""
    sources: dict[tuple[str, str, str, str], int] = {}
    rows: list[list[object]] = []
    # Many events share an outlet, a title and a link: each distinct text is escaped once.
    texts: dict[str | None, str] = {}
    hrefs: dict[str | None, str] = {}
    for event in table:
        outlet = texts.get(event.outlet)
        if outlet is None:
            outlet = texts[event.outlet] = _esc(event.outlet)
        title = texts.get(event.title)
        if title is None:
            title = texts[event.title] = _esc(event.title)
        href = hrefs.get(event.url)
        if href is None:
            href = hrefs[event.url] = safe_href(event.url)
        source = (outlet, title, href, event.published.isoformat() if event.published else "")
        source_id = sources.setdefault(source, len(sources))
        rows.append(
            [
                place_row[id(event.place)],
                KINDS.index(event.kind),
                _side_code(event.side, event.kind),
                int(event.claimed),
                _esc(date_text(event)),
                _esc(event.sentence),
                source_id,
            ]
        )
    return rows, [list(source) for source in sources]


def _histories(
    period_states: Sequence[Sequence[ControlState]], indexes_of: dict[int, tuple[int, ...]], place_row: dict[int, int],
    n_places: int,
) -> list[tuple[int, ...]]:
    """Each place's longest supporting events: they grow by appending, so a state names a prefix of it."""
    history: list[tuple[int, ...]] = [() for _ in range(n_places)]
    for states in period_states:
        for state in states:
            p = place_row[id(state.place)]
            indexes = indexes_of[id(state.events)]
            if len(indexes) > len(history[p]):
                history[p] = indexes
    return history


def _deltas(
    period_states: Sequence[Sequence[ControlState]],
    indexes_of: dict[int, tuple[int, ...]],
    place_row: dict[int, int],
    history: list[tuple[int, ...]],
) -> list[list[list[object]]]:
    """Return per period the rows (STATE_ROW) of the places whose state differs from the period before."""
    deltas: list[list[list[object]]] = []
    previous: dict[int, tuple[object, ...]] = {}
    lasts: dict[int, str] = {}
    for states in period_states:
        rows: list[list[object]] = []
        current: dict[int, tuple[object, ...]] = {}
        for state in states:
            p = place_row[id(state.place)]
            indexes = indexes_of[id(state.events)]
            signature = (state.side, state.since, state.claimed, indexes)
            current[p] = signature
            if state.changed or previous.get(p) != signature:
                evidence = len(indexes) if indexes == history[p][: len(indexes)] else list(indexes)
                since = state.since.isoformat() if state.since else ""
                last = lasts.get(id(state.events))
                if last is None:
                    day = last_report(state.events)
                    last = lasts[id(state.events)] = day.isoformat() if day else ""
                rows.append([p, _side_code(state.side), int(state.claimed), since, evidence, int(state.changed), last])
        # A place can only vanish from a hand-made timeline; -1 tells the script to drop it.
        rows.extend([p, -1, 0, "", 0, 0, ""] for p in sorted(set(previous) - set(current)))
        rows.sort(key=itemgetter(0))
        deltas.append(rows)
        previous = current
    return deltas


def map_payload(
    timeline: Timeline,
    events: Sequence[Event],
    areas: Sequence[PeriodAreas] | AreaRun | None = None,
    area_settings: AreaSettings | None = None,
    clipped: bool = True,
) -> dict[str, object]:
    """Return the map's data blob: places once, events and sources once, per-period state changes, areas.

    `areas` may be an `AreaRun` still computing: its result is asked for once the states are laid out.
    """
    settings = area_settings or AreaSettings()
    period_states = [timeline.states.get(period.label, ()) for period in timeline.periods]
    event_table = _event_table(timeline, events, period_states)
    index_by_id = event_table.row_by_id
    places = _place_table(timeline, event_table.table, period_states)
    event_rows, sources = _event_rows(event_table.table, places.row_by_id)
    indexes_of = {key: tuple(index_by_id[id(e)] for e in value) for key, value in event_table.tuples.items()}
    history = _histories(period_states, indexes_of, places.row_by_id, len(places.keys))
    deltas = _deltas(period_states, indexes_of, places.row_by_id, history)
    if isinstance(areas, AreaRun):
        areas = areas.result()
    lons = [places.by_key[k].lon for k in places.keys]
    lats = [places.by_key[k].lat for k in places.keys]
    bounds = [min(lons), min(lats), max(lons), max(lats)] if places.keys else None
    return {
        "periods": period_summaries(timeline, areas, settings.stale_days),
        "areas": areas_payload(areas) if areas is not None else None,
        "area_method": area_method(settings, clipped) if areas is not None else "",
        "stale_days": settings.stale_days,
        "legend": map_legend(),
        "places": [
            [
                round(places.by_key[k].lon, 5),
                round(places.by_key[k].lat, 5),
                _esc(places.by_key[k].name),
                _esc(_place_detail(places.by_key[k])),
            ]
            for k in places.keys
        ],
        "sources": sources,
        "events": event_rows,
        "history": [list(h) for h in history],
        "deltas": deltas,
        "all": sorted({index_by_id[id(e)] for e in events}),
        "undated": [index_by_id[id(e)] for e in timeline.undated],
        "bounds": bounds,
        "outline": None,
        "oblasts": oblast_borders(),
    }


def oblast_borders() -> dict[str, object] | None:
    """Return the approximate oblast borders and label points (maps/assets/oblasts.json), None if not built."""
    try:
        return cast("dict[str, object]", json.loads(_asset_text(OBLASTS_ASSET)))
    except FileNotFoundError:
        return None


def _place_detail(place: Place) -> str:
    """Return the popup's second line: raion, oblast by name, country; 'approximate location' when so."""
    raion = f"{place.admin2} raion" if place.admin2 else ""
    region = place.region  # the oblast by name, else "admin1, country"
    parts = [raion, region] if region.endswith(place.country) else [raion, region, place.country]
    text = ", ".join(x for x in parts if x)
    return f"{text} (approximate location: hromada centre)" if place.approximate else text


def script_json(data: object) -> str:
    """Serialise `data` as JSON that can sit inside a <script> element: `</` and `<!--` cannot end it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


def _gap_marks(summaries: Sequence[dict[str, object]], step: float, bottom: float) -> list[str]:
    """Return a dashed mark between two bars whose periods are not adjacent (no report in between)."""
    marks = []
    for i in range(1, len(summaries)):
        before, after = str(summaries[i - 1]["end"]), str(summaries[i]["start"])
        if (dt.date.fromisoformat(after) - dt.date.fromisoformat(before)).days > 1:
            x = i * step
            tip = f"no reports from {before} to {after}"
            marks.append(
                f'<line class="fl-gap" x1="{x:.2f}" y1="0" x2="{x:.2f}" y2="{bottom}" stroke="#666" '
                f'stroke-dasharray="2 2"><title>{_esc(tip)}</title></line>'
            )
    return marks


def changes_chart_svg(summaries: Sequence[dict[str, object]], width: int = 276, height: int = 64) -> str:
    """Return an inline SVG bar chart of changes per period, stacked by the side each change went to."""
    if not summaries:
        return ""
    top, plot = 12, height - 14
    totals = [sum(s["to"].values()) for s in summaries]  # type: ignore[attr-defined]
    peak = max(max(totals), 1)
    step = width / len(summaries)
    bar = max(step * 0.72, 1.0)
    parts = [
        f'<svg class="fl-chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Control changes per period">'
    ]
    for i, summary in enumerate(summaries):
        to: dict[str, int] = summary["to"]  # type: ignore[assignment]
        tip = f"{summary['label']}: " + ", ".join(f"to {SIDE_LABELS[s]} {to[s]}" for s in SIDE_ORDER if to[s])
        if not any(to.values()):
            tip += "no change"
        x = i * step
        parts.append(
            f'<g class="fl-bar" data-index="{i}"><title>{_esc(tip)}</title>'
            f'<rect class="fl-hit" x="{x:.2f}" y="0" width="{step:.2f}" height="{plot + 1}"></rect>'
        )
        y = float(plot)
        for side in SIDE_ORDER:
            if to[side]:
                h = to[side] / peak * (plot - top)
                y -= h
                parts.append(
                    f'<rect x="{x + (step - bar) / 2:.2f}" y="{y:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                    f'fill="{SIDE_COLORS[side]}"></rect>'
                )
        parts.append("</g>")
    parts.append(f'<line x1="0" y1="{plot + 0.5}" x2="{width}" y2="{plot + 0.5}" stroke="#999"></line>')
    parts.extend(_gap_marks(summaries, step, plot))
    first, last = _esc(summaries[0]["label"]), _esc(summaries[-1]["label"])
    parts.append(f'<text x="0" y="{height - 2}">{first}</text>')
    if len(summaries) > 1:
        parts.append(f'<text x="{width}" y="{height - 2}" text-anchor="end">{last}</text>')
    parts.append(f'<text x="{width}" y="9" text-anchor="end">max {peak}</text></svg>')
    return "".join(parts)


def area_chart_svg(summaries: Sequence[dict[str, object]], width: int = 276, height: int = 64) -> str:
    """Return an inline SVG chart of estimated km2 gained per period: Ukraine above the axis, Russia below."""
    if not summaries or "gained_km2" not in summaries[0]:
        return ""
    mid = height // 2 - 4
    gains = [(int(s["gained_km2"]["UA"]), int(s["gained_km2"]["RU"])) for s in summaries]  # type: ignore[index]
    peak = max(max(max(g) for g in gains), 1)
    step = width / len(summaries)
    bar = max(step * 0.72, 1.0)
    half = mid - 4
    parts = [
        f'<svg class="fl-chart fl-area-chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Estimated km2 gained per period">'
    ]
    for i, (summary, (ua, ru)) in enumerate(zip(summaries, gains, strict=True)):
        lost: dict[str, int] = summary["lost_km2"]  # type: ignore[assignment]
        tip = (
            f"{summary['label']}: Ukraine +{ua:,} / -{lost['UA']:,} km\u00b2, "
            f"Russia +{ru:,} / -{lost['RU']:,} km\u00b2 (estimate)"
        )
        x = i * step
        parts.append(
            f'<g class="fl-bar" data-index="{i}"><title>{_esc(tip)}</title>'
            f'<rect class="fl-hit" x="{x:.2f}" y="0" width="{step:.2f}" height="{height - 12}"></rect>'
        )
        if ua:
            h = ua / peak * half
            parts.append(
                f'<rect x="{x + (step - bar) / 2:.2f}" y="{mid - h:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                f'fill="{SIDE_COLORS["UA"]}"></rect>'
            )
        if ru:
            h = ru / peak * half
            parts.append(
                f'<rect x="{x + (step - bar) / 2:.2f}" y="{mid:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                f'fill="{SIDE_COLORS["RU"]}"></rect>'
            )
        parts.append("</g>")
    parts.append(f'<line x1="0" y1="{mid}" x2="{width}" y2="{mid}" stroke="#999"></line>')
    parts.extend(_gap_marks(summaries, step, height - 12))
    parts.append(f'<text x="0" y="{height - 2}">{_esc(summaries[0]["label"])}</text>')
    if len(summaries) > 1:
        parts.append(f'<text x="{width}" y="{height - 2}" text-anchor="end">{_esc(summaries[-1]["label"])}</text>')
    parts.append(f'<text x="{width}" y="9" text-anchor="end">max {peak:,} km\u00b2</text></svg>')
    return "".join(parts)


def _legend_html() -> str:
    def dot(fill: str, stroke: str, r: float = 5, width: float = 1.5, dash: str = "", opacity: float = 0.85) -> str:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<svg width="20" height="20" viewBox="0 0 20 20"><circle cx="10" cy="10" r="{r}" fill="{fill}" '
            f'fill-opacity="{opacity}" stroke="{stroke}" stroke-width="{width}"{dashed}></circle></svg>'
        )

    def swatch(fill: str, line: str = "", dash: str = "") -> str:
        if line:
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            return (
                f'<svg width="20" height="20" viewBox="0 0 20 20"><line x1="1" y1="10" x2="19" y2="10" '
                f'stroke="{line}" stroke-width="3"{dashed}></line></svg>'
            )
        return (
            f'<svg width="20" height="20" viewBox="0 0 20 20"><rect x="2" y="4" width="16" height="12" '
            f'fill="{fill}" fill-opacity="0.3" stroke="none"></rect></svg>'
        )

    items = [dot(SIDE_COLORS[s], SIDE_COLORS[s]) + SIDE_LABELS[s] for s in SIDE_ORDER]
    items += [
        dot(SIDE_COLORS["UA"], "#222", dash="3 2", opacity=0.55)
        + dot(SIDE_COLORS["RU"], "#222", dash="3 2", opacity=0.55)
        + "Claimed only (side's colour, dashed outline)",
        dot(SIDE_COLORS["RU"], SIDE_COLORS["RU"], opacity=0.25).replace(
            'stroke-width="1.5"', 'stroke-width="1.5" stroke-opacity="0.45"'
        )
        + "Stale: no report for the cut-off",
        dot(SIDE_COLORS["UA"], "#111", r=8, width=3) + "Changed this period",
        dot(SIDE_COLORS["RU"], "#fff", r=4, width=1, opacity=0.9) + "Report (All reports)",
        dot("#fff", SIDE_COLORS["RU"], r=4, width=2, dash="2 2", opacity=0.9) + "Undated report",
        swatch(SIDE_COLORS["UA"]) + swatch(SIDE_COLORS["RU"]) + swatch(SIDE_COLORS["contested"])
        + "Estimated area (UA, RU, contested)",
        swatch("", "#111") + "Estimated front line (UA | RU)",
        swatch("", "#444", "4 3") + "Edge of a contested area",
        swatch("", "#8a8a8a") + "Oblast border (approximate)",
    ]
    # Items with two or three swatches or a long text take the legend's full width.
    return (
        '<ul class="fl-legend">'
        + "".join(
            f'<li class="fl-legend-wide">{item}</li>' if item.count("<svg") > 1 or len(re.sub("<[^>]*>", "", item)) > 24
            else f"<li>{item}</li>"
            for item in items
        )
        + "</ul>"
    )


def _date_span(timeline: Timeline, events: Sequence[Event]) -> str:
    # States share their events tuples from period to period: each distinct tuple is read once.
    tuples = {id(s.events): s.events for states in timeline.states.values() for s in states}
    days = sorted({e.date for e in itertools.chain(events, *tuples.values()) if e.date})
    if not days:
        return "no dated reports"
    first, last = days[0], days[-1]
    return first.isoformat() if first == last else f"{first.isoformat()} \u2013 {last.isoformat()}"


def _panel_html(timeline: Timeline, events: Sequence[Event], title: str, summaries: list[dict[str, object]]) -> str:
    n_periods = len(timeline.periods)
    facts = [
        f"{len(timeline.places)} place{'s' * (len(timeline.places) != 1)}",
        f"{len(events)} report{'s' * (len(events) != 1)}",
    ]
    if timeline.undated:
        facts.append(f"{len(timeline.undated)} undated")
    if n_periods:
        facts.append(f"{n_periods} {_esc(timeline.period_size)} period{'s' * (n_periods != 1)}")
    joined = " \u00b7 ".join(facts)
    span = _date_span(timeline, events)
    dated = "Undated reports only: no period to show" if span == "no dated reports" else f"Reports dated {span}"
    head = (
        '<div class="fl-head"><h1 id="fl-title">'
        f'{_esc(title)}</h1><button id="fl-toggle" type="button" aria-expanded="true" aria-controls="fl-body" '
        'title="Show or hide the panel">\u2630</button></div>'
        f'<div class="fl-span" id="fl-span">{_esc(dated)}<br>{joined}</div>'
    )
    if not n_periods:
        body = '<div class="fl-section">No dated control changes to show.</div>'
    else:
        rows = "".join(
            f'<tr><td><span class="fl-swatch" style="background:{SIDE_COLORS[s]}"></span>{SIDE_LABELS[s]}</td>'
            f'<td id="fl-held-{s.lower()}">0</td><td id="fl-stale-{s.lower()}">0</td>'
            f'<td id="fl-to-{s.lower()}">0</td></tr>'
            for s in SIDE_ORDER
        )
        area_rows = "".join(
            f'<tr><td><span class="fl-swatch" style="background:{SIDE_COLORS[s]}"></span>{SIDE_LABELS[s]}</td>'
            f'<td id="fl-area-{s.lower()}">0</td><td id="fl-gain-{s.lower()}">0</td>'
            f'<td id="fl-loss-{s.lower()}">0</td></tr>'
            for s in AREA_SIDES
        )
        area_section = (
            '<div class="fl-section"><table class="fl-summary" id="fl-areas"><thead><tr>'
            '<th>Estimated area</th><th>km\u00b2</th><th>gained</th><th>lost</th></tr></thead>'
            f'<tbody>{area_rows}</tbody></table><div class="fl-note" id="fl-area-note"></div>'
            '<div>km\u00b2 gained per period (Ukraine up, Russia down)</div>'
            f"{area_chart_svg(summaries)}</div>"
            if summaries and "area_km2" in summaries[0]
            else ""
        )
        body = (
            '<div class="fl-section"><div class="fl-period-row">'
            '<button id="fl-prev" type="button" title="Previous period" aria-label="Previous period">\u25c0</button>'
            '<button id="fl-play" type="button" title="Play through periods" aria-label="Play">\u25b6</button>'
            '<button id="fl-next" type="button" title="Next period" aria-label="Next period">\u25b6\u2759</button>'
            '<span id="fl-period"></span></div><div id="fl-period-span"></div>'
            f'<input id="fl-slider" type="range" min="0" max="{n_periods - 1}" step="1" value="{n_periods - 1}" '
            'aria-label="Period">'
            '<table class="fl-summary" id="fl-summary"><thead><tr><th>End of period</th><th>places held</th>'
            f"<th>of them stale</th><th>changes to</th></tr></thead><tbody>{rows}</tbody></table></div>"
            f"{area_section}"
            '<div class="fl-section"><div>Changes per period (click a bar)</div>'
            f"{changes_chart_svg(summaries)}</div>"
        )
    legend = f'<div class="fl-section">{_legend_html()}<div class="fl-note">Click a place for its sources.</div></div>'
    return f'<div id="fl-panel" class="leaflet-control">{head}<div id="fl-body">{body}{legend}</div></div>'


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


def _asset_text(name: str) -> str:
    return resources.files("maps").joinpath("assets", name).read_text(encoding="utf-8")


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
