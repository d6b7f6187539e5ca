"""What spans sentences: a list continued in the next sentence, the year a passage tells of, who writes.

Pure functions over an article's sentences, text and outlet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from .cues import RUSSIAN_OUTLETS, UKRAINIAN_OUTLETS, VOICE_RU, VOICE_UA
from .grammar import LIST_ANNOUNCED, LIST_CONTINUES
from .text import Sentence

__all__ = ["article_voice", "join_announced_lists", "narrative_years"]


def join_announced_lists(sentences: Sequence[Sentence]) -> list[Sentence]:
    """Join a sentence that goes on with a list ("Among them: X, Y.") to the one that announced it, and the
    items of a bulleted list ("liberated the following settlements:" then "- X and Y in the Z region;") to the
    line that opens it: one sentence, its items separated by commas."""
    joined: list[Sentence] = []
    bulleted = False  # the last joined sentence ends with bulleted items
    for s in sentences:
        bullet = _BULLET.match(s.text)
        if joined and bullet and (joined[-1].text.rstrip().endswith(":") or bulleted):
            before = joined[-1]
            head = before.text.rstrip()
            head = head[:-1] + "," if bulleted and head.endswith((";", ",")) else head
            joined[-1] = Sentence(before.index, before.start, f"{head} {s.text[bullet.end():]}")
            bulleted = True
            continue
        bulleted = False
        if joined and LIST_CONTINUES.match(s.text.lower()) and LIST_ANNOUNCED.search(joined[-1].text.lower()):
            before = joined[-1]
            joined[-1] = Sentence(before.index, before.start, f"{before.text} {s.text}")
        else:
            joined.append(Sentence(len(joined), s.start, s.text) if s.index != len(joined) else s)
    return joined


# A list item on a line of its own: "- X", "• X", "3. X", "3) X".
_BULLET = re.compile(r"^\s*(?:[-–—•*▪]|\d{1,2}[.)])\s+")


# A year the text tells of: not "since 2014" (a start), not the year of the report itself.
_STORY_YEAR = re.compile(r"(?<!since )(?<!Since )\b(20[12]\d)\b")


def narrative_years(sentences: Sequence[Sentence], reference: dt.date | None) -> list[int | None]:
    """Return, for each sentence, the earlier year its own words or the previous sentence's name, if any."""
    if reference is None:
        return [None] * len(sentences)
    years: list[int | None] = []
    for s in sentences:
        found = [int(y) for y in _STORY_YEAR.findall(s.text)] if "20" in s.text else []
        years.append(found[-1] if found and 2014 <= found[-1] < reference.year else None)
    return [years[i] or (years[i - 1] if i else None) for i in range(len(sentences))]


def article_voice(outlet: str, text: str) -> str | None:
    """Return the side an article speaks for ("RU" for the Russian ministry's wording), or None when unsure."""
    lower = text.lower()
    ru = len(VOICE_RU.findall(lower)) + (3 if RUSSIAN_OUTLETS.search(outlet.lower()) else 0)
    ua = len(VOICE_UA.findall(lower)) + (3 if UKRAINIAN_OUTLETS.search(outlet.lower()) else 0)
    if ru >= 2 and ru >= 2 * ua:
        return "RU"
    if ua >= 2 and ua >= 2 * ru:
        return "UA"
    return None
