"""Where a sentence's cues reach: which names a region, a front sector or a "near X" circle binds.

Pure functions over a sentence's text and the offsets of its names and cue phrases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gazetteer.disambiguate import Area
from gazetteer.place import Place, nearest_km

from .mentions import NameMention

__all__ = ["binds", "far_from_the_article"]

_FAR_KM = 300.0

_ANCHOR_REACH = 100  # characters between a name and the town of a "near X" that binds it


def _anchor_close(sentence: str, anchor: str, start: int, end: int) -> bool:
    """Return True when `anchor` stands within _ANCHOR_REACH characters of a name, in the same clause.

    Not when the two are items of one list ("attacks near Holubivka, Synkivka and Kupiansk": each is near
    the fighting, none is located near the others).
    """
    for found in re.finditer(re.escape(anchor), sentence):
        at = found.start()
        between = sentence[found.end():start] if at < start else sentence[end:at]
        if abs(at - start) <= _ANCHOR_REACH and not any(c in between for c in ";—(\"“”«»") \
                and not _LIST_BETWEEN.fullmatch(between):
            return True
    return False


# Only separators and capitalised names between two places: they are items of one list.
_LIST_BETWEEN = re.compile(r"(?:\s*(?:,|\band\b|\bor\b|&)\s*(?:[A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*)*)?)+\s*")


# "troops in the X areas were regrouped to strengthen efforts in the Donetsk direction": the sector is a goal.
_PURPOSE = re.compile(r"\b(?:in\s+order\s+)?to\s+(?!the\b|a\b)[a-z]+\b|\bfor\s+(?:the\s+)?(?:redeployment|transfer)\b")


# "A, B in the Zaporizhzhia region, and C": a region said after a list item ends its scope at ", and" or ";".
_SCOPE_BREAK = re.compile(r",\s*(?:and|while|but)\b|;|\.\s|\(")


def _region_scopes(sentence: str, span: tuple[int, int], start: int, end: int) -> bool:
    """Return True when a region named at `span` binds the name at start..end of the same sentence."""
    if span[0] < 0:
        return True
    between = sentence[span[1]:start] if span[1] <= start else sentence[end:span[0]]
    return not _SCOPE_BREAK.search(between)


def binds(sentence: str, area: Area, mention: NameMention) -> bool:
    """Return True when a region, sector or circle the sentence names constrains where the name lies."""
    if not area.is_circle:
        return _region_scopes(sentence, area.span, mention.start, mention.end)
    if area.sector:
        return not _sector_after_purpose(sentence, area.anchor, mention.end)
    return _anchor_close(sentence, area.anchor, mention.start, mention.end)


def _sector_after_purpose(sentence: str, anchor: str, end: int) -> bool:
    """Return True when every mention of a front sector stands after `end` behind a purpose ("to strengthen ...")."""
    ats = [m.start() for m in re.finditer(re.escape(anchor), sentence)]
    return bool(ats) and all(at > end and _PURPOSE.search(sentence, end, at) for at in ats)


def far_from_the_article(place: Place, points: Sequence[tuple[float, float]]) -> bool:
    """Return True when at least three other places of the article all lie more than _FAR_KM away."""
    others = [p for p in points if abs(p[0] - place.lat) > 1e-6 or abs(p[1] - place.lon) > 1e-6]
    return len(others) >= 3 and nearest_km(place.lat, place.lon, others) > _FAR_KM
