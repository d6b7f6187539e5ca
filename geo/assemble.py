"""Events from hits: kind, side, date and confidence of one reading, and one event per change of an article.

Pure functions: `make_event` turns a hit at a resolved place into an Event; `merge_article_events` keeps the
best-supported reading of each change an article tells of.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from gazetteer.place import Place

from .dates import DateMention
from .factor import compile_factored
from .hits import Hit
from .mentions import NameMention
from .model import Article, Event
from .text import Sentence
from .timeline import side_of_country

__all__ = ["WAR_START", "OLD_YEAR", "event_class", "make_event", "merge_article_events"]

# This war began in 2014: a change dated earlier (Kharkiv 1943, Sevastopol 1855) is history, not an event.
WAR_START = dt.date(2014, 1, 1)

# A year before the war that the date reader does not take (it reads 1900-2099): "fell in 1855", "in 1783".
OLD_YEAR = compile_factored(r"\b(?:1[0-8]\d\d|19\d\d|200\d|201[0-3])\b")


def event_class(kind: str) -> str:
    """Return "contested" or "change": the classes events are matched and merged by."""
    return "contested" if kind == "contested" else "change"


def make_event(article: Article, s: Sentence, mention: NameMention, place: Place, hit: Hit,
               dates: Sequence[DateMention], method: str, anchor: int, reference: dt.date | None = None) -> Event:
    """Return the event a hit at a resolved place makes: kind, side, date and confidence."""
    confidence = hit.confidence
    if mention.region_suffix:
        confidence -= 0.15
    if method == "fuzzy":
        confidence -= 0.1
    if hit.claimed:
        confidence -= 0.05
    date, precision, note = _event_date(dates, anchor, article.published or reference, s.text)
    if note == "publication date" and article.published is None:
        note = "latest date named in the article"
    if hit.cls == "contested":
        kind, side = "contested", None
    elif hit.cls == "withdraw":
        kind, side = "withdrawn", hit.side
    else:
        side = hit.side
        kind = "retaken" if side == side_of_country(place.country) else "captured"
    return Event(
        place=place, surface=mention.surface, kind=kind, side=side, date=date, date_precision=precision,
        claimed=hit.claimed, confidence=round(max(0.05, min(1.0, confidence)), 3), article_id=article.id,
        sentence=s.text, outlet=article.outlet, url=article.url, title=article.title,
        published=article.published, date_note=note,
    )


_RELATIVE_GAP = compile_factored(r",\s*(?:which|who|whom|whose|where)\b", re.I)

# "the base of the Russian group since April": a state's start, not the event
_SINCE = compile_factored(r"since\b", re.I)


def _event_date(dates: Sequence[DateMention], anchor: int, published: dt.date | None,
                sentence: str = "") -> tuple[dt.date | None, str, str]:
    """Pick the date expression nearest the trigger word; else the publication date."""
    # A date after the trigger behind ", which ..." belongs to the relative clause ("recaptured X, which
    # Russia had held since March").
    dates = [d for d in dates if d.start < anchor or not _RELATIVE_GAP.search(sentence, anchor, d.start)]
    if dates:
        def distance(d: DateMention) -> int:
            gap = sentence[d.end:anchor] if d.end <= anchor else sentence[anchor:d.start]
            # A date across a comma most often belongs to another clause ("X, which fell in May, was retaken").
            penalty = (40 if re.search(r"[,;]", gap) else 0) + (60 if _SINCE.match(sentence, d.start) else 0)
            return min(abs(d.start - anchor), abs(d.end - anchor)) + penalty

        nearest = min(dates, key=distance)
        if published is None or nearest.date <= published:
            return nearest.date, nearest.precision, nearest.note
    if published is None:
        return None, "day", ""
    return published, "day", "publication date"


def _stronger(a: Event, b: Event) -> bool:
    return (a.confidence, not a.claimed) > (b.confidence, not b.claimed)


def _same_days(a: dt.date | None, b: dt.date | None) -> bool:
    """Return True when two event dates are within three days, or both unknown (an undated article's events
    are of one time: the side of a past change must not depend on whether the article is dated)."""
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).days) <= 3


def merge_article_events(events: Sequence[Event], days: int = 31) -> list[Event]:
    """Keep one event per (article, place, kind and side, month-long span): the best supported.

    Reports weeks apart are different changes (a town lost in spring, retaken in autumn). Two readings of
    the same article that give the same place to opposite sides within a few days cannot both be right:
    the weaker one is dropped.
    """
    groups: dict[tuple[str, str, str, str | None], list[Event]] = {}
    for event in events:
        key = (event.article_id, event.place.key, event_class(event.kind), event.side)
        groups.setdefault(key, []).append(event)
    kept: list[Event] = []
    for group in groups.values():
        group.sort(key=lambda e: e.date or dt.date.max)
        cluster: list[Event] = []
        for event in group:
            if cluster and not (event.date and cluster[0].date and (event.date - cluster[0].date).days <= days) \
                    and not (event.date is None and cluster[0].date is None):
                kept.append(max(cluster, key=lambda e: (e.confidence, not e.claimed)))
                cluster = []
            cluster.append(event)
        kept.append(max(cluster, key=lambda e: (e.confidence, not e.claimed)))
    changes = [e for e in kept if event_class(e.kind) == "change"]
    dropped = {id(e) for e in changes for o in changes
               if o is not e and o.article_id == e.article_id and o.place.key == e.place.key and o.side != e.side
               and _same_days(e.date, o.date) and _stronger(o, e)}
    return sorted((e for e in kept if id(e) not in dropped), key=Event.sort_key)
