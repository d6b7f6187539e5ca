"""JSON records as articles: the text, title, date, outlet and URL fields of a `.json` or `.jsonl` record.

Field names of the common feeds are read: `text`/`body`/`content`, `published`/`date`/`published_at`/
`datePublished`/`publishedAt` (NewsAPI), `outlet`/`source` (NewsAPI's `{"name": ...}` too), `url`/`link`,
`title`/`headline`. HTML in the text field is reduced to its text.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from geo.htmltext import html_to_text
from geo.model import Article

from .base import FileWarnings, Meta, Skip
from .dateline import with_dateline
from .published import parse_published
from .run import Run

__all__ = ["TEXT_KEYS", "record_article", "json_reason", "json_type"]

TEXT_KEYS = ("text", "body", "content")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("published", "date", "published_at", "datePublished", "publishedAt")
_OUTLET_KEYS = ("outlet", "source")
_URL_KEYS = ("url", "link")


def record_article(
    record: object, path: Path, ident: str, line: int, manifest: Meta, warnings: FileWarnings, run: Run
) -> Article:
    """Return the article of one JSON record (line `line` of `path`); raise Skip when it is not usable."""
    if not isinstance(record, dict):
        raise Skip(f"a record must be a JSON object, not {json_type(record)}")
    text = _record_text(record)
    if text.lstrip().startswith("<"):
        text = html_to_text(text).text
    if not text.strip():
        raise Skip("empty text")
    published: dt.date | None = None
    dated = False
    for key in _DATE_KEYS:
        value = record.get(key)
        if value is None or value == "":
            continue
        dated = True
        if not isinstance(value, str):
            warnings.warn(line, f"field {key!r} is {json_type(value)}, not a date string; "
                                "the article is treated as undated")  # fmt: skip
            break
        try:
            published = parse_published(value)
        except ValueError as err:
            warnings.warn(line, f"field {key!r}: {err}; the article is treated as undated")
        break
    outlet = _record_string(record, _OUTLET_KEYS, line, warnings, allow_name=True)
    meta = Meta(published, dated, outlet, _record_string(record, _URL_KEYS, line, warnings),
                 _record_string(record, _TITLE_KEYS, line, warnings))  # fmt: skip
    return run.article(path, ident, text, with_dateline((manifest, meta), text))


def _record_text(record: dict[str, object]) -> str:
    for key in TEXT_KEYS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise Skip(f"field {key!r} is {json_type(value)}, not a string")
        return value
    raise Skip(f"no text field ({', '.join(TEXT_KEYS)})")


def _record_string(
    record: dict[str, object],
    keys: tuple[str, ...],
    line: int,
    warnings: FileWarnings,
    allow_name: bool = False,
) -> str:
    for key in keys:
        value = record.get(key)
        if value is None:
            continue
        if allow_name and isinstance(value, dict) and isinstance(value.get("name"), str):
            value = value["name"]  # NewsAPI-style {"source": {"id": ..., "name": ...}}
        if isinstance(value, str):
            return value.strip()
        warnings.warn(line, f"field {key!r} is {json_type(value)}, not a string; ignored")
        return ""
    return ""


def json_type(value: object) -> str:
    """Return the JSON type of `value` as a warning names it ("a number", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def json_reason(err: BaseException) -> str:
    """Return why a JSON text could not be decoded, in a few words with its column."""
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg.removesuffix(' at')} at column {err.colno}"
    if isinstance(err, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(err, RecursionError):
        return "nested too deeply"
    return str(err)
