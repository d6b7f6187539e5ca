"""Control records of a timeline: one per place, and one per place and run of unchanged periods.

Pure functions: a timeline in, plain data out; places in `Place.key` order, periods in time order.
"""

from __future__ import annotations

import datetime as dt

from geo.records import point_geometry
from geo.timeline import Timeline

from ..areas import AreaSettings, is_stale, last_report

__all__ = ["control_feature_collection", "control_periods_feature_collection", "control_rows", "control_period_rows"]


def control_rows(timeline: Timeline) -> list[dict[str, object]]:
    """Return one plain record per place: identity, per-period states, latest state and source count."""
    states: dict[str, dict[str, dict[str, object]]] = {place.key: {} for place in timeline.places}
    latest: dict[str, tuple[str, str]] = {}
    articles: dict[str, set[str]] = {place.key: set() for place in timeline.places}
    for period in timeline.periods:
        for state in timeline.states.get(period.label, ()):
            key = state.place.key
            states.setdefault(key, {})[period.label] = {
                "side": state.side,
                "since": state.since.isoformat() if state.since else None,
                "claimed": state.claimed,
                "changed": state.changed,
            }
            latest[key] = (state.side, period.label)
            articles.setdefault(key, set()).update(e.article_id for e in state.events)
    for event in timeline.undated:
        articles.setdefault(event.place.key, set()).add(event.article_id)
    rows: list[dict[str, object]] = []
    for place in sorted(timeline.places, key=lambda p: p.key):
        side, latest_period = latest.get(place.key, (None, None))
        rows.append(
            {
                "place": place,
                "geonameid": place.geonameid,
                "name": place.name,
                "country": place.country,
                "states": states.get(place.key, {}),
                "latest_side": side,
                "latest_period": latest_period,
                "sources": len(articles.get(place.key, ())),
            }
        )
    return rows


def control_feature_collection(timeline: Timeline) -> dict[str, object]:
    """Return one feature per place; its geometry once, its state per period as a property mapping."""
    features = []
    for row in control_rows(timeline):
        place = row.pop("place")
        features.append({"type": "Feature", "geometry": point_geometry(place.lat, place.lon), "properties": row})  # type: ignore[attr-defined]
    return {"type": "FeatureCollection", "features": features}


def control_period_rows(timeline: Timeline, stale_days: int) -> list[tuple[object, dict[str, object]]]:
    """Return (place, record) per place and run of periods with the same state, in place then time order.

    A run ends where the side, the claim, the last report or staleness changes; it lasts until the day
    before the next run's period starts (a state holds through periods without reports), so QGIS's
    Temporal Controller shows each place at every date from its first report on.
    """
    runs: dict[str, list[dict[str, object]]] = {}
    places: dict[str, object] = {}
    keys: dict[int, str] = {}
    for period in timeline.periods:
        for state in timeline.states.get(period.label, ()):
            key = keys.get(id(state.place))
            if key is None:
                key = keys[id(state.place)] = state.place.key
            places.setdefault(key, state.place)
            last = last_report(state.events)
            stale = is_stale(last, period.end, stale_days)
            signature = (state.side, state.since, state.claimed, last, stale)
            place_runs = runs.setdefault(key, [])
            if place_runs and place_runs[-1]["_signature"] == signature:
                place_runs[-1]["period_last"] = period.label
                place_runs[-1]["_end"] = period.end
                place_runs[-1]["changed"] = bool(place_runs[-1]["changed"]) or state.changed
                continue
            if place_runs:
                place_runs[-1]["period_end"] = (period.start - dt.timedelta(days=1)).isoformat()
            place_runs.append(
                {
                    "_signature": signature,
                    "_end": period.end,
                    "period": period.label,
                    "period_last": period.label,
                    "period_start": period.start.isoformat(),
                    "period_end": None,
                    "side": state.side,
                    "since": state.since.isoformat() if state.since else None,
                    "last_report": last.isoformat() if last else None,
                    "claimed": state.claimed,
                    "changed": state.changed,
                    "stale": stale,
                    "reports": len(state.events),
                }
            )
    rows: list[tuple[object, dict[str, object]]] = []
    for key in sorted(runs):
        place = places[key]
        for run in _split_at_cutoff(runs[key], stale_days):
            record = {
                "geonameid": place.geonameid,  # type: ignore[attr-defined]
                "name": place.name,  # type: ignore[attr-defined]
                "country": place.country,  # type: ignore[attr-defined]
                "admin1": place.admin1,  # type: ignore[attr-defined]
                **run,
            }
            rows.append((place, record))
    return rows


def _split_at_cutoff(runs: list[dict[str, object]], stale_days: int) -> list[dict[str, object]]:
    """Close each run's open end, and cut a fresh run where it turns stale between reports (a long gap)."""
    out: list[dict[str, object]] = []
    for run in runs:
        end = run.pop("_end")
        run.pop("_signature")
        if run["period_end"] is None:
            run["period_end"] = end.isoformat()  # type: ignore[attr-defined]
        last = run["last_report"]
        if not run["stale"] and last:
            cutoff = dt.date.fromisoformat(str(last)) + dt.timedelta(days=stale_days)
            if cutoff.isoformat() < str(run["period_end"]):
                start = (cutoff + dt.timedelta(days=1)).isoformat()
                stale_part = {**run, "stale": True, "changed": False, "period_start": start}
                run["period_end"] = cutoff.isoformat()
                out.append(run)
                run = stale_part
        previous = out[-1] if out else None
        same = ("side", "since", "claimed", "last_report", "stale")
        if previous is not None and all(previous[k] == run[k] for k in same) and not run["changed"]:
            previous["period_end"] = run["period_end"]
            previous["period_last"] = run["period_last"]
            continue
        out.append(run)
    return out


def control_periods_feature_collection(timeline: Timeline, stale_days: int | None = None) -> dict[str, object]:
    """Return one point per place and run of periods with an unchanged state: period_start/end, side, since ..."""
    days = stale_days if stale_days is not None else AreaSettings().stale_days
    features = [
        {"type": "Feature", "geometry": point_geometry(place.lat, place.lon), "properties": record}  # type: ignore[attr-defined]
        for place, record in control_period_rows(timeline, days)
    ]
    return {"type": "FeatureCollection", "features": features}
