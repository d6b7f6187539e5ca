"""Publication dates as the metadata sources write them: YYYY-MM-DD or an ISO datetime."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_published"]

_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")


def parse_published(value: str) -> dt.date:
    """Return the date of `value`, YYYY-MM-DD or an ISO datetime (the date as written, not converted)."""
    text = value.strip()
    try:
        if _ISO_DATE_RE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _ISO_DATETIME_RE.fullmatch(text):
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD or an ISO datetime)")
