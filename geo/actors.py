"""Actors: which words stand for which side, read from a data file, and where they stand in a sentence."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .factor import compile_factored
from .text import lower_same_length

__all__ = ["Actor", "ActorLexicon", "other_side"]

# Patterns marked "lower" run on the lower-cased sentence (see `lower_same_length`): case-blind
# matching of large alternations is several times slower in Python's engine.
_LOCATIVE = compile_factored(r"\b(?:in|inside|into|across|to|from|of|near|against|toward|towards|within|throughout|"
                             r"on|over|with|for|about|between)\s+(?:the\s+)?$")  # lower
_FORCE_NAME = compile_factored(r"\b(?:group|grouping|forces|battlegroup|army|military|brigade|battalion|regiment|corps|"
                               r"legion|division)\b")  # lower
# "the defence ministry in Moscow", "officials in Kyiv": the capital stands for the institution's side.
_SEAT_OF = compile_factored(r"\b(?:ministry|officials|authorities|government|leadership|command|sources|"
                            r"spokes(?:man|woman|person))\s+in\s+$")  # lower
_OF_BEFORE = compile_factored(r"\bof\s+(?:the\s+)?$")  # lower
_LOCATIVE_REACH = 40  # characters before an actor in which a preposition makes it a place
_PRONOUN = compile_factored(r"\b(?P<word>its|their|his|our)\s+(?:own\s+)?(?:\w+\s+)?"
                            r"(?P<noun>forces|troops|soldiers|units|army|fighters|men|servicemen)\b", re.I)
_LOSS_AFTER = compile_factored(r"\s*(?:\w+\s+){0,2}?(?:surrendered|retreated|withdrew|fled|lost|abandoned|were driven|"
                               r"were pushed|were forced)\b")  # lower, used with match(text, pos)


_WORD = compile_factored(r"[\w-]+")  # a word as the actor patterns bound it: letters, digits, underscores, hyphens

_DIRECT_FORCE = compile_factored(r"^\s+(?:group\s+)?(?:forces|troops|fighters|units|soldiers|army|military|mercenaries|"
                                 r"militia|militias|commanders?|brigades?|battalions?)$", re.I)


def other_side(side: str | None) -> str | None:
    """Return the opposing side."""
    return {"UA": "RU", "RU": "UA"}.get(side or "")


@dataclass(frozen=True, slots=True)
class Actor:
    """An actor phrase in a sentence: its span, its side, and whether it stands as a place (locative)."""

    start: int
    end: int
    side: str
    text: str
    locative: bool = False
    loser: bool = False  # "Ukrainian soldiers surrendered": the actor lost, the other side gained
    pronoun: bool = False


_GLOSS = re.compile(r"\s\([a-z]{2,12}\)(?=\s)")


class ActorLexicon:
    """The actor words of a data file: a table of heads by first word, force-noun tails, flag words."""

    def __init__(self, data: dict) -> None:
        sides = data["sides"]
        self.flags = {w: side for side, d in sides.items() for w in d.get("flags", [])}
        adjectives = {w: side for side, d in sides.items() for w in d.get("adjectives", [])}
        nouns = {w: side for side, d in sides.items() for w in d.get("nouns", [])}
        force = sorted(data["force_nouns"], key=len, reverse=True)
        self._words = {**adjectives, **nouns}
        self._nouns = nouns
        force_alt = "|".join(re.escape(w) for w in force)
        # An actor is a head (a word of the lexicon, which starts a word and begins with that whole word)
        # with an optional tail ending in a force noun: an adjective acts only with one ("Russian forces",
        # "Ukrainian irregular forces' ..."). Heads are looked up by their first word.
        self._tail = compile_factored(rf"(?:\s+[\w'’-]+){{0,3}}?\s+(?:{force_alt})(?![\w-])")  # lower
        heads_by_word: dict[str, list[str]] = {}
        for w in sorted(self._words, key=len, reverse=True):
            first = _WORD.match(w)
            if first:
                heads_by_word.setdefault(first.group(), []).append(w)
        # The words that begin a head, each a whole word: one scan finds them instead of a loop over every word.
        self._first_word_pattern = compile_factored(
            r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(heads_by_word)) + r")(?![\w-])")
        self._longer_heads = {first: compile_factored(
                                  "(?:" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in heads) + r")(?![\w-])")
                              for first, heads in heads_by_word.items() if heads != [first]}
        flag_alt = "|".join(re.escape(w) for w in sorted(self.flags, key=len, reverse=True))
        self.flag_pattern = compile_factored(rf"(?<![\w-])(?P<side>{flag_alt})\s+(?:[\w-]+\s+)?flags?\b", re.I)
        self.names = frozenset(self._words)

    @classmethod
    def load(cls, path: Path | None = None) -> ActorLexicon:
        """Load the lexicon from a JSON file (default: the one shipped with Frontline)."""
        if path is None:
            text = resources.files("geo").joinpath("data/actors.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls(json.loads(text))

    def side_of_word(self, word: str) -> str | None:
        """Return the side an actor word stands for alone ("rebel" in "under rebel control"), or None."""
        return self._words.get(word.lower())

    def is_actor_word(self, text: str) -> bool:
        """Return True when `text` is itself an actor word (Moscow, Kremlin, separatists)."""
        return text.lower() in self._words

    def find(self, sentence: str) -> list[Actor]:
        """Return the actors of a sentence, in order."""
        actors: list[Actor] = []
        pos = 0
        # "the Sever (North) group of forces": a short gloss in brackets is read as spaces
        lower = lower_same_length(sentence)
        if "(" in lower:
            lower = _GLOSS.sub(lambda m: " " * len(m.group()), lower)
        longer_heads = self._longer_heads
        for word in self._first_word_pattern.finditer(lower):
            start = word.start()
            first = word.group()
            if start < pos:
                continue
            head = first
            if first in longer_heads:  # "russian" may begin "russian defence ministry": the longest that is there
                longer = longer_heads[first].match(lower, start)
                if longer is None:
                    continue
                head = longer.group()
            head_end = start + len(head)
            head = " ".join(head.split())  # the lexicon's spelling: "sever (north) group" was read with spaces
            found_tail = self._tail.match(lower, head_end)
            pos = found_tail.end() if found_tail else head_end
            if head not in self._nouns and not found_tail:
                continue
            side = self._words[head]
            end = pos
            tail = found_tail.group() if found_tail and (head not in self._nouns
                                                         or _DIRECT_FORCE.match(found_tail.group())) else ""
            if not tail:
                end = pos = head_end  # "Moscow has withdrawn its forces": the actor is Moscow alone
            locative = not tail and bool(_LOCATIVE.search(lower, max(0, start - _LOCATIVE_REACH), start)) \
                and not _SEAT_OF.search(lower, max(0, start - _LOCATIVE_REACH), start)
            if locative and _FORCE_NAME.search(head) and _OF_BEFORE.search(lower, max(0, start - 12), start):
                locative = False  # "units of the Southern group of forces": a force, not a place
            loser = bool(_LOSS_AFTER.match(lower, end))
            actors.append(Actor(start, end, side, sentence[start:end], locative, loser))
        return actors

    @staticmethod
    def has_pronoun_actor(sentence: str) -> bool:
        """Return True when the sentence has an actor such as "its troops" that refers back."""
        return _PRONOUN.search(sentence) is not None

    def pronoun_actors(self, sentence: str, earlier: list[Actor], previous_side: str | None) -> list[Actor]:
        """Resolve "its troops", "his forces" to the nearest earlier actor (or the previous sentence's)."""
        out = []
        for m in _PRONOUN.finditer(sentence):
            before = [a for a in earlier if a.end <= m.start() and not a.locative]
            side = before[-1].side if before else previous_side
            if side:
                out.append(Actor(m.start(), m.end(), side, m.group(0), pronoun=True))
        return out
