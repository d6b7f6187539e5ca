"""What every part of the page shares: the sides' order, colours and labels, escaping, dates, links, assets."""

from __future__ import annotations

import html
import re
from importlib import resources
from urllib.parse import urlsplit

from geo.model import Event

__all__ = ["SIDE_ORDER", "SIDE_COLORS", "SIDE_LABELS", "safe_href", "date_text"]

SIDE_ORDER = ("UA", "RU", "contested", "unknown")
SIDE_COLORS = {"UA": "#1f5fbf", "RU": "#d62728", "contested": "#f28e2b", "unknown": "#8c8c8c"}
SIDE_LABELS = {"UA": "Ukraine", "RU": "Russia", "contested": "Contested", "unknown": "Unknown"}
_HTTP_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"'`]+\Z", re.IGNORECASE)


def safe_href(url: str | None) -> str:
    """Return `url` escaped for an href attribute when it is an absolute http(s) URL, else ''."""
    candidate = (url or "").strip()
    if not _HTTP_URL.match(candidate) or not urlsplit(candidate).netloc:
        return ""
    return html.escape(candidate, quote=True)


def date_text(event: Event) -> str:
    """Return the event date with its precision, as an analyst reads it (not yet escaped)."""
    if event.date is None:
        text = "undated"
    elif event.date_precision == "week":
        text = f"week of {event.date.isoformat()}"
    elif event.date_precision == "month":
        text = f"{event.date:%Y-%m} (month)"
    elif event.date_precision == "year":
        text = f"{event.date.year} (year)"
    else:
        text = event.date.isoformat()
    return f"{text} ({event.date_note})" if event.date_note else text


def _esc(text: object) -> str:
    return html.escape(str(text or ""), quote=True)


def _side_code(side: str | None, kind: str = "") -> int:
    if kind == "contested" or side == "contested":
        return 2
    return SIDE_ORDER.index(side) if side in SIDE_ORDER else 3


def _asset_text(name: str) -> str:
    return resources.files("maps").joinpath("assets", name).read_text(encoding="utf-8")
