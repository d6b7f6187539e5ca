"""A place said again as "the town", "the city", "the village": the settlement just named.

"Irpin was the first to be cleared: its mayor declared the city fully back under Ukrainian control";
"Ukrainian forces still hold positions in the northwestern outskirts of the town". The noun phrase becomes a
mention of the settlement named last before it, in its own sentence or in the two before, so every construction
that reads a name reads it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .mentions import NameMention

# "the town", "the embattled city", not "the city of X", "the town council", "the village's school".
_DEFINITE_PLACE = re.compile(
    r"\b[Tt]he\s+(?:(?:small|nearby|frontline|front-line|embattled|besieged|encircled|ruined|devastated|strategic|"
    r"industrial|mining|key|eastern|southern|northern|western|border|railway|logistics|district|regional)\s+)?"
    r"(?P<noun>town|city|village|settlement)\b"
    r"(?!\s+(?:of|council|hall|cent(?:re|er)|administration|authorities|mayor|limits|residents|itself|and)\b)"
    r"(?!['’]s)")

# Sentences back where an antecedent may stand.
REACH = 1

# A name said only to locate another: "east of the rebel stronghold of Donetsk", "near Kharkiv", "from Mykolaiv".
_LOCATOR_BEFORE = re.compile(r"\b(?:near|outside|from|toward|towards|around|beyond|past|between|(?:north|south|east|"
                             r"west)(?:ern)?(?:-?(?:east|west)(?:ern)?)?\s+of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}$",
                             re.IGNORECASE)


# A person, not a place: "Oleksandr Syrskyi said", "Syrskyi ordered".
_PERSON_AFTER = re.compile(r"\S*\s+(?:said|says|told|ordered|announced|stated|added|wrote|reported|claimed|noted)\b")
_FIRST_NAME_BEFORE = re.compile(r"\b[A-Z][a-z]+\s+$")


def named_for_itself(sentence: str, start: int, end: int | None = None) -> bool:
    """Return whether the name at `start` is a place the sentence tells of, not one that only locates another
    (or a person's name)."""
    if end is not None and sentence[start:end].isupper():
        return False  # a dateline ("DRUZHKIVKA, Ukraine, July 6 (Reuters) -") says where the writer is
    if end is not None and (_PERSON_AFTER.match(sentence, end) or (
            start > 0 and _FIRST_NAME_BEFORE.search(sentence, max(0, start - 20), start)
            and not sentence[:start].rstrip().endswith((".", ":")))):
        return False
    return not _LOCATOR_BEFORE.search(sentence, max(0, start - 60), start)


def definite_places(sentence: str) -> list[re.Match[str]]:
    """Return the definite place noun phrases of a sentence ("the town", "the besieged city")."""
    if "the " not in sentence and "The " not in sentence:
        return []
    return list(_DEFINITE_PLACE.finditer(sentence))


class Salience:
    """The settlements an article has told of so far, by how often and how lately: "the city" is usually the one
    the article is about (Bakhmut in a report that also names Soledar), "the village" the one just named."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.last: dict[str, int] = {}

    def add(self, surface: str, sentence: int) -> None:
        self.count[surface] = self.count.get(surface, 0) + 1
        self.last[surface] = sentence

    def topic(self, sentence: int, fits: Callable[[str], bool]) -> str | None:
        """Return the place told of most (and lately: within REACH sentences, or three times or more)."""
        ranked = sorted((s for s in self.count if fits(s)), key=lambda s: (self.count[s], self.last[s]), reverse=True)
        if not ranked:
            return None
        top = ranked[0]
        if sentence - self.last[top] > REACH and self.count[top] < 3:
            return None
        if len(ranked) > 1 and (self.count[ranked[1]], self.last[ranked[1]]) == (self.count[top], self.last[top]):
            return None  # two places told of alike: no telling which is meant
        return top


# "the salt-mining town of Soledar": the noun a place was introduced with ("the city" is then another place).
_INTRODUCED_AS = re.compile(r"\b(?P<noun>town|city|village|settlement)\s+of\s+$")


def with_coreferents(sentence: str, mentions: Sequence[NameMention], salience: Salience, number: int,
                     fits: Callable[[str, str], bool], previous: str | None = None) -> list[NameMention]:
    """Return the mentions with one added for each definite place noun phrase that has an antecedent.

    The antecedent is the one settlement named before the phrase in its sentence (unless it was introduced as
    another kind of place: "took the town of Soledar ... pushing into the city"), else the one settlement the
    sentence before named (`previous`), else the article's topic (see `Salience`). `fits(surface, noun)` says
    whether a name can be called "the city" or "the village" ("the village" is not a city of half a million).
    """
    found = definite_places(sentence)
    if not found:
        return list(mentions)
    out = list(mentions)
    for match in found:
        if any(m.start < match.end() and match.start() < m.end for m in out):
            continue
        noun = match.group("noun")
        before = [m for m in mentions if m.end <= match.start() and not m.direction and not m.region_suffix
                  and named_for_itself(sentence, m.start) and fits(m.surface, noun)]
        if len({m.surface for m in before}) > 1:
            continue  # "took Soledar and Bakhmut ... the town": no telling which
        surface: str | None = None
        if before:
            introduced = _INTRODUCED_AS.search(sentence, max(0, before[0].start - 40), before[0].start)
            if not introduced or introduced.group("noun") == noun:
                surface = before[0].surface
        elif previous is not None and fits(previous, noun):
            surface = previous
        if surface is None:
            surface = salience.topic(number, lambda s, noun=noun: fits(s, noun))  # type: ignore[misc]
        if surface is not None:
            out.append(NameMention(match.start(), match.end(), surface, True, coreferent=True))
    return sorted(out, key=lambda m: m.start)
