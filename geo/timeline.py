"""Control timeline: each place's state at the end of each period that has reports.

Pure functions over `Event` values; no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from gazetteer.place import Place

from .model import ControlState, Event

__all__ = [
    "PERIOD_SIZES",
    "Period",
    "Timeline",
    "period_of",
    "choose_period_size",
    "correct_kinds",
    "build_timeline",
    "side_of_country",
]

PERIOD_SIZES = ("day", "week", "month", "quarter")
UNDATED = "undated"
# Auto picks the finest period size whose layer count stays in this range.
AUTO_MIN_LAYERS, AUTO_MAX_LAYERS = 4, 30


def side_of_country(country: str) -> str | None:
    """Return the side that holds a place of this country before any reported change."""
    return {"UA": "UA", "RU": "RU"}.get(country)


@dataclass(frozen=True, slots=True)
class Period:
    """A labelled span of days, inclusive at both ends."""

    label: str
    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def period_of(day: dt.date, size: str) -> Period:
    """Return the period of the given size that contains `day`."""
    if size == "day":
        return Period(day.isoformat(), day, day)
    if size == "week":
        start = day - dt.timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Period(f"{year}-W{week:02d}", start, start + dt.timedelta(days=6))
    if size == "month":
        start = day.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return Period(f"{day.year}-{day.month:02d}", start, nxt - dt.timedelta(days=1))
    if size == "quarter":
        q = (day.month - 1) // 3
        start = dt.date(day.year, 3 * q + 1, 1)
        nxt = dt.date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
        return Period(f"{day.year}-Q{q + 1}", start, nxt - dt.timedelta(days=1))
    raise ValueError(f"period {size!r} is not one of {', '.join(PERIOD_SIZES)}, auto")


# Auto tries these sizes in this order: months read best on a war map, then weeks for a short campaign,
# quarters for a long archive, days for a burst of reports.
AUTO_ORDER = ("month", "week", "quarter", "day")


def choose_period_size(dates: Iterable[dt.date]) -> str:
    """Pick a period size that gives between 4 and 30 layers, months first; else the one closest to that."""
    days = sorted(set(dates))
    if not days:
        return "month"
    counts = {size: len({period_of(d, size).label for d in days}) for size in PERIOD_SIZES}
    for size in AUTO_ORDER:
        if AUTO_MIN_LAYERS <= counts[size] <= AUTO_MAX_LAYERS:
            return size
    if counts["quarter"] > AUTO_MAX_LAYERS:
        return "quarter"  # a long archive: as few layers as the sizes allow
    return "day"  # few distinct dates: the finest layers there are


def _event_rank(event: Event) -> tuple[str, int, int]:
    # Same-day order: contested before changes, claims before confirmations, so the strongest report wins.
    return (event.date.isoformat() if event.date else "", event.kind != "contested", not event.claimed)


def correct_kinds(events: Sequence[Event]) -> list[Event]:
    """Relabel captured/retaken from each place's history: retaken when the side held the place before."""
    by_place: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_place[event.place.key].append(event)
    corrected: list[Event] = []
    for place_events in by_place.values():
        dated = sorted((e for e in place_events if e.date), key=_event_rank)
        held: set[str] = set()
        first_holder = side_of_country(place_events[0].place.country)
        if first_holder:
            held.add(first_holder)
        for event in dated:
            if event.kind in ("captured", "retaken") and event.side:
                kind = "retaken" if event.side in held else "captured"
                event = replace(event, kind=kind) if kind != event.kind else event
            if event.side:
                held.add(event.side)
            corrected.append(event)
        corrected.extend(e for e in place_events if not e.date)
    return sorted(corrected, key=Event.sort_key)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Control states per period, for every place reported by the end of that period."""

    period_size: str
    periods: tuple[Period, ...]
    states: dict[str, tuple[ControlState, ...]]
    undated: tuple[Event, ...]
    places: tuple[Place, ...]

    def state_at(self, place: Place, label: str) -> ControlState | None:
        """Return the state of `place` at the end of the period `label`, if it was reported by then."""
        for state in self.states.get(label, ()):
            if state.place.key == place.key:
                return state
        return None


def build_timeline(events: Sequence[Event], period: str = "auto") -> Timeline:
    """Fold events into per-period control states; periods are those that contain at least one event."""
    dated = sorted((e for e in events if e.date), key=_event_rank)
    undated = tuple(sorted((e for e in events if not e.date), key=Event.sort_key))
    days = sorted({e.date for e in dated if e.date})  # a long run has many events on few days
    size = choose_period_size(days) if period == "auto" else period
    if size not in PERIOD_SIZES:
        raise ValueError(f"period {period!r} is not one of {', '.join(PERIOD_SIZES)}, auto")
    periods = sorted({period_of(day, size) for day in days}, key=lambda p: p.start)

    places: dict[str, Place] = {}
    for e in events:
        places.setdefault(e.place.key, e.place)
    current: dict[str, ControlState] = {}
    states: dict[str, tuple[ControlState, ...]] = {}
    # Each place's running (side, since, claimed) and its events so far: a state is made once per period in
    # which the place changed, not once per event (copying a long history at every event is quadratic).
    running: dict[str, tuple[str, dt.date | None, bool]] = {}
    histories: dict[str, list[Event]] = {}
    index = 0
    for per in periods:
        changed_here: set[str] = set()
        while index < len(dated) and dated[index].date and dated[index].date <= per.end:  # type: ignore[operator]
            event = dated[index]
            index += 1
            key = event.place.key
            previous = running.get(key)
            side = "contested" if event.kind == "contested" else str(event.side)
            if previous is None or previous[0] != side:
                running[key] = (side, event.date, event.claimed)
            else:
                running[key] = (side, previous[1], previous[2] and event.claimed)
            histories.setdefault(key, []).append(event)
            changed_here.add(key)
        for key in changed_here:
            side, since, claimed = running[key]
            history = histories[key]
            current[key] = ControlState(place=history[-1].place, period=per.label, period_end=per.end, side=side,
                                        since=since, claimed=claimed, changed=True, events=tuple(history))
        states[per.label] = tuple(
            replace(state, period=per.label, period_end=per.end, changed=key in changed_here)
            for key, state in sorted(current.items())
        )
    return Timeline(
        period_size=size,
        periods=tuple(periods),
        states=states,
        undated=undated,
        places=tuple(places[k] for k in sorted(places)),
    )
