"""The values the matching stages pass on: a construction matched before a place, and the hit it reads as."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Claimed", "Hit", "Trigger"]


@dataclass(frozen=True, slots=True)
class Hit:
    mention: int
    cls: str  # change | withdraw | contested
    verb: str
    side: str | None
    trigger_pos: int  # in template
    confidence: float
    claimed: bool
    partial: bool = False
    actor_note: str = ""  # how the side was read: "" (an actor), APPOSITION or GUESSED (see below)
    toward: bool = False  # fighting "toward X", "northwest of X": at X only when X is a village (see detect)


Claimed = Callable[[int, "str | None"], bool]  # (trigger position, side gained) -> is it one side's claim


@dataclass(frozen=True, slots=True)
class Trigger:
    """One construction matched before a place: its group, where its trigger word stands, and what it matched."""

    group: str  # the construction group of geo.grammar.LEFT_PATTERNS
    index: int  # the mention
    match: re.Match[str]
    verb: str  # the trigger words, lower case, single-spaced
    vpos: int  # where they start in the template
    left: str  # the template before the place
    right: str  # and after it
    text: str  # the whole template, lower case
    owner: str  # the side the place's country stands for
    partial: bool  # "part of X", "the outskirts of X"


# How directly a hit's side was read, for choosing among one place's changes in a sentence (lower: more direct).
APPOSITION = "apposition"  # from a descriptive apposition: "Kherson, the only regional capital captured by Russia"
GUESSED = "guessed"  # from who held the place, no actor named: "X, which was taken on July 22"
DIRECTNESS = {"": 0, APPOSITION: 1, GUESSED: 2}
