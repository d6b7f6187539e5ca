"""Plain frozen values that flow through the pipeline.

articles -> sentences -> mentions -> places -> events -> timeline -> map/exports
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from gazetteer.place import Place

__all__ = [
    "Article",
    "Event",
    "ControlState",
    "UnresolvedName",
    "unchecked_event",
    "KINDS",
    "SIDES",
    "PRECISIONS",
]

KINDS = ("captured", "retaken", "withdrawn", "contested")
SIDES = ("UA", "RU")
PRECISIONS = ("day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class Article:
    """One news report: its text and what the manifest or file says about it."""

    id: str
    text: str
    title: str = ""
    published: dt.date | None = None
    outlet: str = ""
    url: str = ""
    path: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """A control change at a place, with the sentence that supports it."""

    place: Place
    surface: str
    kind: str
    side: str | None
    date: dt.date | None
    date_precision: str
    claimed: bool
    confidence: float
    article_id: str
    sentence: str
    outlet: str = ""
    url: str = ""
    title: str = ""
    published: dt.date | None = None
    date_note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind == "contested":
            if self.side is not None:
                raise ValueError("a contested event has no side")
        elif self.side not in SIDES:
            raise ValueError(f"side {self.side!r} is not one of {', '.join(SIDES)}")
        if self.date_precision not in PRECISIONS and self.date is not None:
            raise ValueError(f"date precision {self.date_precision!r} is not one of {', '.join(PRECISIONS)}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence!r} is outside 0..1")

    def sort_key(self) -> tuple[str, str, str, str, str]:
        """Order events by date (undated last), then place, article and kind."""
        return (
            self.date.isoformat() if self.date else "9999-99-99",
            str(self.place.key),
            self.article_id,
            self.kind,
            self.sentence,
        )

    def to_record(self) -> dict[str, object]:
        """Return the JSONL record of the command-line contract."""
        return {
            "article": self.article_id,
            "place": self.surface,
            "name": self.place.name,
            "geonameid": self.place.geonameid,
            "lat": round(self.place.lat, 5),
            "lon": round(self.place.lon, 5),
            "precision": self.place.precision,
            "country": self.place.country,
            "kind": self.kind,
            "side": self.side,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date_precision if self.date else None,
            "claimed": self.claimed,
            "confidence": round(self.confidence, 3),
            "sentence": self.sentence,
            "outlet": self.outlet,
            "url": self.url,
        }


# The slots' own setters, which the frozen dataclass's __init__ reaches through object.__setattr__ by name.
(_set_place, _set_surface, _set_kind, _set_side, _set_date, _set_date_precision, _set_claimed, _set_confidence,
 _set_article_id, _set_sentence, _set_outlet, _set_url, _set_title, _set_published,
 _set_date_note) = (Event.__dict__[f.name].__set__ for f in dataclasses.fields(Event))


def unchecked_event(place: Place, surface: str, kind: str, side: str | None, date: dt.date | None,
                    date_precision: str, claimed: bool, confidence: float, article_id: str, sentence: str,
                    outlet: str = "", url: str = "", title: str = "", published: dt.date | None = None,
                    date_note: str = "") -> Event:
    """Return Event(...) without __post_init__'s checks: for values that passed them when first made.

    About twice as fast as the dataclass's __init__, for the 100,000s of events an event store reads back.
    """
    event = object.__new__(Event)
    _set_place(event, place)
    _set_surface(event, surface)
    _set_kind(event, kind)
    _set_side(event, side)
    _set_date(event, date)
    _set_date_precision(event, date_precision)
    _set_claimed(event, claimed)
    _set_confidence(event, confidence)
    _set_article_id(event, article_id)
    _set_sentence(event, sentence)
    _set_outlet(event, outlet)
    _set_url(event, url)
    _set_title(event, title)
    _set_published(event, published)
    _set_date_note(event, date_note)
    return event


@dataclass(frozen=True, slots=True)
class ControlState:
    """A place's control at the end of one period, and the events that led to it."""

    place: Place
    period: str
    period_end: dt.date | None
    side: str  # UA | RU | contested | unknown
    since: dt.date | None
    claimed: bool = False
    changed: bool = False
    events: tuple[Event, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class UnresolvedName:
    """A name that would carry an event (or was asked for) but did not resolve to one place."""

    surface: str
    article_id: str
    sentence: str
    status: str  # unresolved | ambiguous
    candidates: tuple[tuple[Place, float], ...] = ()
    would_be: str = ""  # e.g. "retaken UA"
