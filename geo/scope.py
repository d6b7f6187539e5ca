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
    near_itself = bool(_NEAR_ITSELF.search(sentence, max(0, start - 120), start))
    for found in re.finditer(re.escape(anchor), sentence):
        at = found.start()
        if near_itself and _NEAR_BEFORE_ANCHOR.search(sentence, max(0, at - 30), at) and (
                (at > end and not _LIST_THEN_NEAR.fullmatch(sentence, end, at))
                or (at < start and _AND_NEAR.search(sentence, max(0, start - 40), start))):
            # "near Stepnogorsk and Kamenskoye ... and near Kherson", "positions near X, and repelled an attack
            # near Y": both where the fighting was; but "near A, B and C near Donetsk" locates the list
            continue
        between = sentence[found.end():start] if at < start else sentence[end:at]
        if abs(at - start) <= _ANCHOR_REACH and not any(c in between for c in ";—(\"“”«»") \
                and not _LIST_BETWEEN.fullmatch(between):
            return True
    return False


# A name that is itself the object of "near" (or a later item of such a list) is a place of the fighting.
_NEAR_ITSELF = re.compile(r"\b(?:near|around|close\s+to|in\s+the\s+areas?\s+of)\s+(?:the\s+(?:village|town|city|"
                          r"settlement)s?\s+of\s+)?(?:[A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*)*\s*(?:,\s*(?:and\s+)?|"
                          r"\band\s+|\bor\s+))*$")

_AND_NEAR = re.compile(r"\b(?:and|or|as\s+well\s+as)\s+(?:near|around|close\s+to|in\s+the\s+areas?\s+of)\s+$")
_NEAR_BEFORE_ANCHOR = re.compile(r"\b(?:near|around|close\s+to|in\s+the\s+areas?\s+of)\s+$")
_LIST_THEN_NEAR = re.compile(r"(?:\s*(?:,|\band\b|\bor\b)\s*[A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*)*)*\s+"
                             r"(?:near|around|close\s+to)\s+")

# Only separators and capitalised names between two places: they are items of one list.
_LIST_BETWEEN = re.compile(r"(?:\s*(?:,|\band\b|\bor\b|&)\s*(?:[A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*)*)?)+\s*")


# "troops in the X areas were regrouped to strengthen efforts in the Donetsk direction": the sector is a goal.
_PURPOSE = re.compile(r"\b(?:in\s+order\s+)?to\s+(?!the\b|a\b)[a-z]+\b|\bfor\s+(?:the\s+)?(?:redeployment|transfer)\b")


# "A, B in the Zaporizhzhia region, and C": a region said after a list item ends its scope at ", and" or ";".
_SCOPE_BREAK = re.compile(r",\s*(?:and|while|but)\b|;|\.\s|\(|\band\s+(?:near|around|in\s+the\s+areas?\s+of|outside)\b")
_REGION_AFTER_REACH = 70  # characters from a name to a region said after it that still places it


def _region_scopes(sentence: str, span: tuple[int, int], start: int, end: int) -> bool:
    """Return True when a region named at `span` binds the name at start..end of the same sentence.

    A region said after the name binds it only close by ("X, a village in the Y region"; not "liberated X on
    Sunday and continued operations ... in western Zaporizhia Oblast").
    """
    if span[0] < 0:
        return True
    between = sentence[span[1]:start] if span[1] <= start else sentence[end:span[0]]
    if span[0] >= end and len(between) > _REGION_AFTER_REACH:
        return False
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
