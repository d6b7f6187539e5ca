"""Front matter: `---` lines of `key: value` at the top of a text file (date, outlet, title, url)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .base import NO_META, Meta, Warner
from .published import parse_published

__all__ = ["split_front_matter", "front_matter_meta"]

_FRONT_MATTER_KEYS = {"date": "published", "published": "published", "outlet": "outlet", "source": "outlet",
                      "title": "title", "url": "url"}  # fmt: skip
_FRONT_MATTER_MAX_LINES = 64


def split_front_matter(text: str) -> tuple[dict[str, tuple[int, str]], str]:
    """Split `---` front matter off `text`: ({field: (line, value)}, body); no front matter -> ({}, text)."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n", _FRONT_MATTER_MAX_LINES + 1)
    if lines[0].rstrip() != "---":
        return {}, text
    fields: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(lines[1 : _FRONT_MATTER_MAX_LINES + 1], start=2):
        if line.rstrip() in ("---", "..."):
            body_start = sum(len(part) + 1 for part in lines[:number])
            return fields, text[body_start:]
        key, colon, value = line.partition(":")
        name = _FRONT_MATTER_KEYS.get(key.strip().lower())
        if colon and name and name not in fields:
            fields[name] = (number, _unquote(value.strip()))
    return {}, text


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def front_matter_meta(path: Path, fields: dict[str, tuple[int, str]], run: Warner) -> Meta:
    """Return the metadata of front matter `fields`; a date it cannot parse leaves the article undated."""
    if not fields:
        return NO_META
    published: dt.date | None = None
    dated = False
    if "published" in fields:
        line, raw = fields["published"]
        if raw:
            dated = True
            try:
                published = parse_published(raw)
            except ValueError as err:
                run.warning(f"{path}:{line}: {err}; the article is treated as undated")
    return Meta(published, dated, *(fields.get(name, (0, ""))[1] for name in ("outlet", "url", "title")))
