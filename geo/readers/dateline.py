"""Datelines: "KYIV, Sept. 10, 2022 (Reuters) -" dates an article that no other source dates."""

from __future__ import annotations

import datetime as dt
import re

from .base import Meta

__all__ = ["dateline_date", "with_dateline"]

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
# "KYIV, Sept. 10, 2022 (Reuters) -", "Kharkiv, Ukraine, 10 September 2022 —", "LONDON, 2022-09-10 -".
_DATELINE_RE = re.compile(
    r"\s{0,20}(?P<place>[^\W\d_][\w'’.\- ]{0,40}?)(?:,\s{0,3}(?P<region>[^\W\d_][\w'’.\- ]{0,30}?))?,\s{0,3}"
    r"(?:(?P<mon>[A-Za-z]{3,9})\.?\s{1,3}(?P<day>\d{1,2}),?\s{1,3}(?P<year>\d{4})"
    r"|(?P<day2>\d{1,2})\s{1,3}(?P<mon2>[A-Za-z]{3,9})\.?,?\s{1,3}(?P<year2>\d{4})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))"
    r"\s{0,3}(?:\([^()\n]{1,40}\)\s{0,3})?[-–—:]"
)


def dateline_date(text: str) -> dt.date | None:
    """Return the date of a dateline opening `text` ("KYIV, Sept. 10, 2022 (Reuters) -") if it has a year."""
    match = _DATELINE_RE.match(text, 0, 300)
    if match is None or not _is_place_name(match["place"]) or not _is_place_name(match["region"] or "X"):
        return None
    if match["iso"]:
        try:
            return dt.date.fromisoformat(match["iso"])
        except ValueError:
            return None
    month = _MONTHS.get((match["mon"] or match["mon2"]).lower())
    if month is None:
        return None
    try:
        return dt.date(int(match["year"] or match["year2"]), month, int(match["day"] or match["day2"]))
    except ValueError:
        return None


def _is_place_name(text: str) -> bool:
    # "KYIV", "Kryvyi Rih", "ST. PETERSBURG"; not "Ukraine on Saturday" nor "Troops advanced. KYIV".
    words = text.split()
    return 0 < len(words) <= 4 and all(word[0].isupper() for word in words) and not text.endswith(".")


def with_dateline(metas: tuple[Meta, ...], text: str) -> tuple[Meta, ...]:
    """Add the dateline of `text` as the last source of a date, unless an earlier source already dates it."""
    if any(meta.dated for meta in metas):
        return metas
    found = dateline_date(text)
    return (*metas, Meta(found, found is not None))
