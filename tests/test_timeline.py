"""Tests for geo.timeline: kinds corrected by each place's history, periods and their control layers."""

from __future__ import annotations

import datetime as dt

import pytest

from gazetteer.place import Place
from geo.model import Event
from geo.timeline import build_timeline, choose_period_size, correct_kinds, period_of, side_of_country

LYMAN = Place(704204, "Lyman", 48.99012, 37.80843, "UA", "05", 20066)
SUDZHA = Place(486816, "Sudzha", 51.1910, 35.2710, "RU", "41", 6940)
IZIUM = Place(707292, "Izium", 49.2082, 37.2563, "UA", "07", 45884)


def event(place: Place, kind: str, side: str | None, day: str | None, claimed: bool = False,
          article: str = "a") -> Event:
    """Return an event with only the fields the timeline reads."""
    return Event(place=place, surface=place.name, kind=kind, side=side,
                 date=dt.date.fromisoformat(day) if day else None, date_precision="day", claimed=claimed,
                 confidence=0.9, article_id=article, sentence="s")


@pytest.mark.parametrize(("events", "expected"), [
    # A Ukrainian town: taken by Russia, then back to Ukraine.
    ([event(LYMAN, "retaken", "RU", "2022-05-27"), event(LYMAN, "captured", "UA", "2022-10-01")],
     [("2022-05-27", "captured", "RU"), ("2022-10-01", "retaken", "UA")]),
    # A Russian town: taken by Ukraine, then back to Russia.
    ([event(SUDZHA, "retaken", "UA", "2024-08-15"), event(SUDZHA, "captured", "RU", "2025-03-13")],
     [("2024-08-15", "captured", "UA"), ("2025-03-13", "retaken", "RU")]),
    # Changing hands three times: the third change is a retaking by the side that held it first.
    ([event(LYMAN, "captured", "RU", "2014-04-15"), event(LYMAN, "captured", "UA", "2014-06-05"),
      event(LYMAN, "captured", "RU", "2022-05-27")],
     [("2014-04-15", "captured", "RU"), ("2014-06-05", "retaken", "UA"), ("2022-05-27", "retaken", "RU")]),
    # Withdrawals and contested reports keep their kinds.
    ([event(IZIUM, "withdrawn", "UA", "2022-09-10"), event(IZIUM, "contested", None, "2022-09-08")],
     [("2022-09-08", "contested", None), ("2022-09-10", "withdrawn", "UA")]),
    # Undated events come last and are not relabelled.
    ([event(IZIUM, "retaken", "RU", None)], [(None, "retaken", "RU")]),
])
def test_correct_kinds(events: list[Event], expected: list) -> None:
    got = correct_kinds(events)
    assert [(e.date.isoformat() if e.date else None, e.kind, e.side) for e in got] == expected


@pytest.mark.parametrize(("country", "expected"), [("UA", "UA"), ("RU", "RU"), ("BY", None), ("", None)])
def test_side_of_country(country: str, expected: str | None) -> None:
    assert side_of_country(country) == expected


@pytest.mark.parametrize(("day", "size", "label", "start", "end"), [
    ("2022-09-14", "day", "2022-09-14", "2022-09-14", "2022-09-14"),
    ("2022-09-14", "week", "2022-W37", "2022-09-12", "2022-09-18"),
    ("2022-09-14", "month", "2022-09", "2022-09-01", "2022-09-30"),
    ("2022-09-14", "quarter", "2022-Q3", "2022-07-01", "2022-09-30"),
    ("2022-12-31", "quarter", "2022-Q4", "2022-10-01", "2022-12-31"),
    ("2024-02-29", "month", "2024-02", "2024-02-01", "2024-02-29"),
])
def test_period_of(day: str, size: str, label: str, start: str, end: str) -> None:
    period = period_of(dt.date.fromisoformat(day), size)
    assert (period.label, period.start.isoformat(), period.end.isoformat()) == (label, start, end)


def test_period_of_refuses_unknown_sizes() -> None:
    with pytest.raises(ValueError, match="fortnight"):
        period_of(dt.date(2022, 1, 1), "fortnight")


@pytest.mark.parametrize(("days", "expected"), [
    ([], "month"),
    (["2022-09-01", "2022-09-02", "2022-09-03", "2022-09-04"], "day"),  # one month, one week: days
    ([f"2022-{m:02d}-01" for m in range(1, 13)], "month"),
    ([f"2022-{m:02d}-{d:02d}" for m in range(1, 13) for d in (1, 10, 20)], "month"),
    ([f"2022-09-{d:02d}" for d in range(1, 29)] + ["2022-10-15"], "week"),  # two months: weeks
    (["2014-07-05", "2022-05-23", "2022-09-10", "2025-03-12"], "month"),  # the seeds: four months
    ([f"{y}-{m:02d}-01" for y in range(2014, 2026) for m in (1, 4, 7, 10)], "quarter"),  # 48 quarters: fewest
])
def test_choose_period_size(days: list[str], expected: str) -> None:
    assert choose_period_size(dt.date.fromisoformat(d) for d in days) == expected


def test_layers_show_the_state_at_the_end_of_each_period() -> None:
    events = correct_kinds([
        event(LYMAN, "captured", "RU", "2022-05-27"),
        event(IZIUM, "contested", None, "2022-09-08"),
        event(IZIUM, "retaken", "UA", "2022-09-10", claimed=True),
        event(LYMAN, "retaken", "UA", "2022-10-01"),
        event(SUDZHA, "captured", "UA", None),
    ])
    timeline = build_timeline(events, "month")
    assert [p.label for p in timeline.periods] == ["2022-05", "2022-09", "2022-10"]
    rows = {label: [(s.place.name, s.side, str(s.since), s.changed, s.claimed) for s in states]
            for label, states in timeline.states.items()}
    assert rows == {
        "2022-05": [("Lyman", "RU", "2022-05-27", True, False)],
        "2022-09": [("Lyman", "RU", "2022-05-27", False, False), ("Izium", "UA", "2022-09-10", True, True)],
        "2022-10": [("Lyman", "UA", "2022-10-01", True, False), ("Izium", "UA", "2022-09-10", False, True)],
    }
    assert [e.place.name for e in timeline.undated] == ["Sudzha"]
    assert timeline.state_at(LYMAN, "2022-09").side == "RU"
    assert timeline.state_at(SUDZHA, "2022-09") is None


def test_reports_of_the_same_change_keep_every_source() -> None:
    events = [event(LYMAN, "retaken", "UA", "2022-10-01", article="a"),
              event(LYMAN, "retaken", "UA", "2022-10-01", article="b", claimed=True)]
    timeline = build_timeline(correct_kinds(events), "day")
    (state,) = timeline.states["2022-10-01"]
    assert (state.side, state.claimed, sorted(e.article_id for e in state.events)) == ("UA", False, ["a", "b"])


def test_build_timeline_refuses_unknown_period() -> None:
    with pytest.raises(ValueError, match="fortnight"):
        build_timeline([event(LYMAN, "captured", "RU", "2022-05-27")], "fortnight")
