"""Date expressions in a sentence, resolved against the article's publication date.

Pure functions: (sentence, publication date) -> dated spans with a precision.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from .factor import compile_factored
from .text import lower_same_length

__all__ = ["DateMention", "find_dates", "latest_full_date", "parse_date_option", "MONTHS", "WEEKDAYS"]

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}


@dataclass(frozen=True, slots=True)
class DateMention:
    """A span of a sentence that names a date, what it resolves to, and how precisely."""

    start: int
    end: int
    date: dt.date
    precision: str  # day | week | month | year
    note: str = ""


_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
# The patterns read the lower-cased sentence (same offsets): case-blind matching is slower in `re`.
_PATTERN_SOURCES = [
    ("iso", r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    ("dotted", r"\b(?P<a>\d{1,2})[./](?P<b>\d{1,2})[./](?P<y>(?:19|20)\d\d)\b"),
    ("month_day_year", rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d\d))?\b"),
    ("day_month_year", rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
                       rf"(?:,?\s+(?P<y>(?:19|20)\d\d))?\b"),
    ("part_of_month", rf"\b(?:at\s+the\s+|in\s+)?(?P<part>end|beginning|start|middle|mid|early|late)"
                      rf"(?:\s+of\s+|-|\s+){_MONTH}(?:\s+(?P<y>(?:19|20)\d\d))?\b"),
    ("season", r"\b(?:(?:in|during|over|by)\s+)?(?:the\s+)?(?:(?P<part>early|late|mid)[\s-])?"
               r"(?P<season>spring|summer|autumn|fall|winter)(?:\s+of)?\s+(?P<y>(?:19|20)\d\d)\b"),
    ("month_year", rf"\b(?:in\s+)?{_MONTH}\s+(?P<y>(?:19|20)\d\d)\b"),
    ("in_month", rf"\b(?:in|since|by|during)\s+{_MONTH}(?!\s+\d)\b"),
    ("relative_week", r"\b(?P<part>late|early|earlier|later)?\s*(?P<which>last|this|previous|past)\s+week"
                      r"(?:end)?\b"),
    ("week_part", r"\b(?P<part>late|early|end of|beginning of)\s+(?:the\s+)?(?P<which>last|this|previous)"
                  r"\s+week\b"),
    ("relative_month", r"\b(?P<part>earlier|late|early|end of)?\s*(?:this|last|(?:the\s+)?previous)\s+"
                       r"(?P<unit>month)\b"),
    ("yesterday", r"\b(?:yesterday|overnight|last night|on the previous day|the day before|"
                  r"a day (?:earlier|before))\b"),
    ("relative_year", r"\b(?:last|(?:the\s+)?previous)\s+year\b"),
    ("today", r"\b(?:today|tonight|this morning|this afternoon|this evening)\b"),
    ("weekday", rf"\b(?:(?P<last>last)\s+)?{_WEEKDAY}\b"),
    # "at the start of the full-scale invasion", "on the first day of the invasion": 24 February 2022.
    ("invasion_start", r"\b(?:(?:at|on|in|during)\s+)?the\s+(?P<part>start|beginning|outset|first\s+days?|"
                       r"first\s+weeks?|opening\s+days?)\s+of\s+(?:the\s+|russia['’]s\s+)?"
                       r"(?:full-scale\s+|all-out\s+)?invasion\b"),
    # "at the start of the month", "at the end of this month": the publication's month.
    ("part_of_this_month", r"\b(?:at\s+)?the\s+(?P<part>start|beginning|end|middle)\s+of\s+(?:the|this)"
                           r"\s+month\b"),
    ("in_year", r"\b(?:in|since)\s+(?P<y>(?:19|20)\d\d)\b"),
]
_PATTERNS = [(name, compile_factored(source)) for name, source in _PATTERN_SOURCES]


# Clues of each pattern: words one of which occurs in every text the pattern matches, so that most patterns
# are skipped after a few substring tests. A month name ending a word is a clue of its own.
_MONTH_NAME = "<month name>"
_MONTH_NAME_RE = compile_factored(r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b")
_YEAR = ("19", "20")
_CLUES: dict[str, tuple[str, ...]] = {
    "iso": _YEAR, "dotted": _YEAR, "month_day_year": (_MONTH_NAME,), "day_month_year": (_MONTH_NAME,),
    "part_of_month": (_MONTH_NAME,), "season": ("spring", "summer", "autumn", "fall", "winter"),
    "month_year": (_MONTH_NAME,), "in_month": (_MONTH_NAME,), "relative_week": ("week",), "week_part": ("week",),
    "relative_month": ("month",), "yesterday": ("day", "night"), "relative_year": ("year",),
    "today": ("day", "night", "this "), "weekday": ("day",),  # every weekday name ends in "day"
    "invasion_start": ("invasion",), "part_of_this_month": ("month",), "in_year": _YEAR,
}  # fmt: skip
_WORD_CLUES = tuple(sorted(set().union(*_CLUES.values()) - {_MONTH_NAME}))
_CLUED_PATTERNS = [(kind, frozenset(_CLUES[kind]), pattern) for kind, pattern in _PATTERNS]
_INVASION = dt.date(2022, 2, 24)


def _latest_month(month: int, published: dt.date) -> int:
    """Return the year of the latest such month on or before publication."""
    return published.year if month <= published.month else published.year - 1


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# What a match resolves to: the day, its precision (day | week | month | year) and a note.
_Resolved = tuple[dt.date, str, str]


def _resolve(kind: str, m: re.Match[str], published: dt.date) -> _Resolved | None:
    """Return what a match of the pattern `kind` means with this publication date, or None if it names no date."""
    resolver = _RESOLVERS.get(kind)
    return resolver(m, published) if resolver is not None else None


def _resolve_iso(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    day = _safe(int(g["y"]), int(g["m"]), int(g["d"]))
    return (day, "day", "") if day else None


def _resolve_dotted(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    a, b, year = int(g["a"]), int(g["b"]), int(g["y"])
    # European day.month first; when both readings are valid, say so.
    dmy, mdy = _safe(year, b, a), _safe(year, a, b)
    if dmy and mdy and dmy != mdy:
        return dmy, "day", f"ambiguous day/month: {dmy.isoformat()} or {mdy.isoformat()}"
    day = dmy or mdy
    return (day, "day", "") if day else None


def _resolve_month_day(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    month = MONTHS[g["month"].lower()]
    year = int(g["y"]) if g.get("y") else _latest_month(month, published)
    if not g.get("y") and re.match(r"\s*,?\s*last year", m.string[m.end():]):
        year = published.year - 1
    day = _safe(year, month, int(g["d"]))
    if day and not g.get("y") and day > published:
        day = _safe(year - 1, month, int(g["d"]))
    return (day, "day", "") if day else None


def _resolve_part_of_month(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    month = MONTHS[g["month"].lower()]
    year = int(g["y"]) if g.get("y") else _latest_month(month, published)
    last = calendar.monthrange(year, month)[1]
    part = g["part"].lower()
    day_of_month = {"end": last - 3, "late": last - 5, "beginning": 4, "start": 4, "early": 5}.get(part, 15)
    joined = " of " if part in ("end", "beginning", "start", "middle") else ("-" if part == "mid" else " ")
    return dt.date(year, month, day_of_month), "month", f"{part}{joined}{calendar.month_name[month]}"


def _resolve_season(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    # The middle of the season (winter: its January), month precision with the season in the note.
    season = g["season"].lower()
    month = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}[season]
    month += {"early": -1, "late": 1}.get((g.get("part") or "").lower(), 0)
    year = int(g["y"]) + (season == "winter" and month <= 2)
    return dt.date(year, max(1, month), 15), "month", f"{season} {g['y']}"


def _resolve_month_year(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    month = MONTHS[g["month"].lower()]
    return dt.date(int(g["y"]), month, 15), "month", ""


def _resolve_in_month(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    if g["month"].lower() == "may" and not m.group(0).lower().startswith(("in ", "since ", "by ", "during ")):
        return None
    month = MONTHS[g["month"].lower()]
    year = _latest_month(month, published)
    return dt.date(year, month, 15), "month", ""


def _resolve_week(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    which = g["which"].lower()
    monday = published - dt.timedelta(days=published.weekday())
    if which in ("last", "previous", "past"):
        monday -= dt.timedelta(days=7)
    part = (g.get("part") or "").lower()
    offset = {"late": 4, "end of": 5, "early": 1, "beginning of": 0}.get(part, 3)
    day = min(monday + dt.timedelta(days=offset), published)
    return day, "week", ""


def _resolve_relative_month(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    part = (g.get("part") or "").lower()
    if "last" in m.group(0).lower() or "previous" in m.group(0).lower():
        first = (published.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        last = calendar.monthrange(first.year, first.month)[1]
        return first.replace(day=last - 3 if part in ("late", "end of") else 15), "month", ""
    if part == "earlier":
        return published.replace(day=max(1, published.day // 2)), "month", ""
    return published, "month", ""


def _resolve_relative_year(m: re.Match[str], published: dt.date) -> _Resolved | None:
    return dt.date(published.year - 1, 7, 1), "year", ""


def _resolve_yesterday(m: re.Match[str], published: dt.date) -> _Resolved | None:
    return published - dt.timedelta(days=1), "day", ""


def _resolve_today(m: re.Match[str], published: dt.date) -> _Resolved | None:
    return published, "day", ""


def _resolve_weekday(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    target = WEEKDAYS[g["weekday"].lower()]
    back = (published.weekday() - target) % 7
    if g.get("last") and back == 0:
        back = 7
    return published - dt.timedelta(days=back), "day", ""


def _resolve_invasion_start(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    if published < _INVASION:
        return None
    part = g["part"].lower()
    if part.startswith("first week"):
        return _INVASION + dt.timedelta(days=7), "week", "first weeks of the invasion"
    return _INVASION, ("day" if part == "first day" else "week"), "start of the full-scale invasion"


def _resolve_part_of_this_month(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    part = g["part"].lower()
    nth = {"start": 3, "beginning": 3, "middle": 15}.get(part, calendar.monthrange(published.year,
                                                                                 published.month)[1] - 3)
    return min(published.replace(day=nth), published), "month", f"{part} of the month"


def _resolve_in_year(m: re.Match[str], published: dt.date) -> _Resolved | None:
    g = m.groupdict()
    year = int(g["y"])
    return (dt.date(year, 7, 1), "year", "") if year <= published.year else None


# One resolver per pattern kind (the two full-date orders and the two week patterns share theirs); a kind
# without one resolves to nothing.
_RESOLVERS: dict[str, Callable[[re.Match[str], dt.date], _Resolved | None]] = {
    "iso": _resolve_iso, "dotted": _resolve_dotted,
    "month_day_year": _resolve_month_day, "day_month_year": _resolve_month_day,
    "part_of_month": _resolve_part_of_month, "season": _resolve_season, "month_year": _resolve_month_year,
    "in_month": _resolve_in_month, "relative_week": _resolve_week, "week_part": _resolve_week,
    "relative_month": _resolve_relative_month, "yesterday": _resolve_yesterday,
    "relative_year": _resolve_relative_year, "today": _resolve_today, "weekday": _resolve_weekday,
    "invasion_start": _resolve_invasion_start, "part_of_this_month": _resolve_part_of_this_month,
    "in_year": _resolve_in_year,
}  # fmt: skip


_MONTH_ONLY = frozenset({"part_of_month", "in_month"})


def find_dates(sentence: str, published: dt.date | None, narrative_year: int | None = None) -> list[DateMention]:
    """Return the non-overlapping date expressions of a sentence, earliest first.

    `narrative_year`: the earlier year the text is telling of ("In 2022 ... In September, Ukraine's counteroffensive
    ..."): a month named without its year is read in that year, not in the last twelve months.
    """
    if published is None:
        published = dt.date.max.replace(year=9998)
        relative_ok = False
    else:
        relative_ok = True
    lower = lower_same_length(sentence)
    clues = {clue for clue in _WORD_CLUES if clue in lower}
    if _MONTH_NAME_RE.search(lower):
        clues.add(_MONTH_NAME)
    if not clues:
        return []
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern_clues, pattern in _CLUED_PATTERNS:
        if not relative_ok and kind not in ("iso", "dotted", "month_year", "season"):
            continue
        if clues.isdisjoint(pattern_clues):
            continue
        for m in pattern.finditer(lower):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            resolved = _resolve(kind, m, published)
            if resolved is None:
                continue
            undated_month = kind in _MONTH_ONLY and not m.groupdict().get("y")
            if narrative_year and undated_month and resolved[0].year != narrative_year:
                story_end = dt.date(narrative_year, 12, 31)
                resolved = _resolve(kind, m, story_end) or resolved
            day, precision, note = resolved
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), day, precision, note))
    return sorted(found, key=lambda d: d.start)


# An explicit full date: "20 August 2024", "August 20, 2024", "2024-08-20".
_FULL_DATE_KINDS = frozenset({"iso", "dotted", "month_day_year", "day_month_year"})


def latest_full_date(text: str) -> dt.date | None:
    """Return the latest day a text names with its year: the reference of an undated article's "on Tuesday"."""
    latest = None
    for kind, pattern in _PATTERNS:
        if kind not in _FULL_DATE_KINDS:
            continue
        for m in pattern.finditer(lower_same_length(text)):
            if kind in ("month_day_year", "day_month_year") and not m.group("y"):
                continue
            resolved = _resolve(kind, m, dt.date(9998, 12, 31))
            if resolved and (latest is None or resolved[0] > latest):
                latest = resolved[0]
    return latest


def parse_date_option(text: str) -> dt.date:
    """Parse a YYYY-MM-DD option value; raise ValueError saying the valid form."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text!r} is not a valid YYYY-MM-DD date (for example 2022-09-10)") from None
