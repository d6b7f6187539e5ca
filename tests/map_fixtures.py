"""Places and an Event builder shared by the map, export and browser tests."""

from __future__ import annotations

import datetime as dt

from gazetteer.place import Place
from geo.model import Event

KHERSON = Place(706448, "Kherson", 46.63695, 32.61458, "UA", "Kherson Oblast", 279131)
IZIUM = Place(707292, "Izium", 49.20697, 37.27679, "UA", "Kharkiv Oblast", 45884)
LYMAN = Place(704204, "Lyman", 48.99012, 37.80843, "UA", "Donetsk Oblast", 20066)
BAKHMUT = Place(713174, "Bakhmut", 48.59419, 37.99886, "UA", "Donetsk Oblast", 73212)
SUDZHA = Place(486816, "Sudzha", 51.191, 35.271, "RU", "Kursk Oblast", 5000)


def make_event(
    place: Place,
    kind: str,
    side: str | None,
    day: dt.date | None,
    *,
    claimed: bool = False,
    sentence: str = "",
    article: str = "a.txt",
    url: str = "https://example.org/a",
    outlet: str = "Kyiv Independent",
    title: str = "Report",
    precision: str = "day",
    confidence: float = 0.9,
    surface: str | None = None,
    published: dt.date | None = None,
) -> Event:
    """Build an Event with test defaults."""
    return Event(
        place=place,
        surface=surface if surface is not None else place.name,
        kind=kind,
        side=side,
        date=day,
        date_precision=precision,
        claimed=claimed,
        confidence=confidence,
        article_id=article,
        sentence=sentence or f"{place.name} was {kind}.",
        outlet=outlet,
        url=url,
        title=title,
        published=published if published is not None else day,
    )


def sample_events(hostile_sentence: str, **hostile_fields: str) -> tuple[Event, ...]:
    """Return events over five months and three places, one report of hostile text, one undated report."""
    return (
        make_event(KHERSON, "captured", "RU", dt.date(2022, 3, 2), article="k1.txt"),
        make_event(IZIUM, "captured", "RU", dt.date(2022, 4, 1), article="i1.txt"),
        make_event(IZIUM, "retaken", "UA", dt.date(2022, 9, 10), article="i2.txt"),
        make_event(LYMAN, "retaken", "UA", dt.date(2022, 10, 1), claimed=True, sentence=hostile_sentence,
                   article="evil.txt", **hostile_fields),  # type: ignore[arg-type]
        make_event(KHERSON, "retaken", "UA", dt.date(2022, 11, 11), article="k2.txt"),
        make_event(BAKHMUT, "contested", None, dt.date(2022, 11, 20), article="b1.txt"),
        make_event(BAKHMUT, "captured", "RU", None, article="undated.txt"),
    )
