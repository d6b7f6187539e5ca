"""The data blob the page reads: places, events and sources once, each period's state changes, areas, oblasts.

Every piece of article or manifest text is HTML-escaped here, before it enters the blob; links are kept only
for http(s) URLs (maps/render.py's docstring says how the blob is embedded).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import cast

from gazetteer.place import Place
from geo.model import KINDS, ControlState, Event
from geo.timeline import Timeline

from .areas import AREA_SIDES, FRONT_PAIRS, AreaRun, AreaSettings, PeriodAreas, area_method, last_report
from .page_text import SIDE_COLORS, SIDE_LABELS, SIDE_ORDER, _asset_text, _esc, _side_code, date_text, safe_href

__all__ = [
    "PLACE_ROW",
    "EVENT_ROW",
    "STATE_ROW",
    "SOURCE_ROW",
    "period_summaries",
    "areas_payload",
    "map_legend",
    "map_payload",
    "oblast_borders",
    "script_json",
]

# The payload's row layouts: the page's script finds every column by these names (the payload's "legend").
PLACE_ROW = ("lon", "lat", "name", "detail")
EVENT_ROW = ("place", "kind", "side", "claimed", "date", "sentence", "source")
STATE_ROW = ("place", "side", "claimed", "since", "events", "changed", "last")
SOURCE_ROW = ("outlet", "title", "href", "published")
# Display geometry of the areas: simplified to ~100 m and rounded to ~10 m, which no zoom of a
# reports-based estimate can tell apart; the exports keep the full geometry.
AREA_SIMPLIFY_DEG = 0.001
AREA_GRID_DEG = 1e-4
# Approximate oblast borders built from the gazetteer's settlement points by `python -m maps.build_oblasts`.
OBLASTS_ASSET = "oblasts.json"


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
