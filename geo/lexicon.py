"""The trigger lexicon (geo/data/lexicon.json): families of phrasing, every inflected form generated from a lemma.

The data names lemmas once; this module writes out their forms (base, third person, past, participle,
gerund) and derives what the detector needs from them: the alternation of a family's forms for one
construction, the words that start a trigger (the keyword index and the sentence pre-filter), the
participles read after a place. A verb added to the data reaches every pattern, index and filter at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Family", "Lexicon", "verb_forms", "VerbForms"]

_VOWELS = "aeiou"


@dataclass(frozen=True, slots=True)
class VerbForms:
    """The written forms of one verb entry: base, third person singular, past, past participle, gerund."""

    base: str
    third: str
    past: str
    participle: str
    gerund: str

    def all(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.base, self.third, self.past, self.participle, self.gerund)))


def _third(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "z", "o")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _regular_past(word: str, double: bool) -> str:
    if double:
        return word + word[-1] + "ed"
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and word[-2:-1] not in _VOWELS:
        return word[:-1] + "ied"
    return word + "ed"


def _gerund(word: str, double: bool) -> str:
    if double:
        return word + word[-1] + "ing"
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return word[:-1] + "ing"
    return word + "ing"


def verb_forms(entry: str) -> VerbForms:
    """Return the forms of a verb entry ('lemma', 'lemma|past|participle', 'lemma+', 'verb particle').

    >>> verb_forms("repel+").past, verb_forms("take back|took back|taken back").gerund
    ('repelled', 'taking back')
    """
    if entry.startswith("="):
        form = entry[1:]
        return VerbForms(form, form, form, form, form)
    parts = entry.split("|")
    head, _, rest = parts[0].partition(" ")
    double = head.endswith("+")
    head = head.rstrip("+")
    tail = f" {rest}" if rest else ""
    lemma = head + tail
    past = parts[1] if len(parts) > 1 else _regular_past(head, double) + tail
    participle = parts[2] if len(parts) > 2 else past
    return VerbForms(lemma, _third(head) + tail, past, participle, _gerund(head, double) + tail)


@dataclass(frozen=True, slots=True)
class Family:
    """One trigger family of the lexicon."""

    name: str
    engine: str  # the construction group it feeds: change, lose, enter, withdraw, nominal, fight
    cls: str  # change | withdraw | contested
    side: str  # agent | loser | owner_loses | none
    confidence: float
    constructions: tuple[str, ...]
    verbs: tuple[VerbForms, ...]
    nouns: tuple[str, ...]
    retake: bool = False
    passive_only: tuple[VerbForms, ...] = ()
    movement: tuple[VerbForms, ...] = ()
    presence: tuple[str, ...] = ()  # participles that put armed men in a place ("were filmed in X")
    object: str = ""
    needs_force: bool = False  # fires only where armed men are named in the sentence ("attacks", "advances")
    max_gap: int = 10  # words allowed between the trigger and the place's preposition (weak triggers: fewer)

    def __post_init__(self) -> None:
        if self.cls not in ("change", "withdraw", "contested"):
            raise ValueError(f"family {self.name}: class {self.cls!r} is not change, withdraw or contested")
        if self.side not in ("agent", "loser", "owner_loses", "none"):
            raise ValueError(f"family {self.name}: side rule {self.side!r} unknown")
        if not 0 < self.confidence <= 1:
            raise ValueError(f"family {self.name}: confidence {self.confidence} outside (0, 1]")

    def active_forms(self) -> tuple[str, ...]:
        """Every finite, participle and gerund form of its verbs (what stands before a place)."""
        return tuple(dict.fromkeys(f for v in self.verbs for f in v.all()))

    def participles(self) -> tuple[str, ...]:
        """Its past participles, for the passive and the apposition ("X was captured", "X, captured in May")."""
        return tuple(dict.fromkeys(v.participle for v in (*self.verbs, *self.passive_only)))


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first (spaces match any run of white space)."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


class Lexicon:
    """The families, cue lists and derived indexes of one lexicon file."""

    def __init__(self, data: dict) -> None:  # type: ignore[type-arg]
        self.families: dict[str, Family] = {}
        for name, spec in data["families"].items():
            self.families[name] = Family(
                name=name, engine=spec["engine"], cls=spec["class"], side=spec["side"],
                confidence=float(spec["confidence"]), constructions=tuple(spec.get("constructions", ())),
                verbs=tuple(verb_forms(v) for v in spec.get("verbs", ())),
                nouns=tuple(spec.get("nouns", ())), retake=bool(spec.get("retake", False)),
                passive_only=tuple(verb_forms(v) for v in spec.get("passive_only", ())),
                movement=tuple(verb_forms(v) for v in spec.get("movement", ())),
                presence=tuple(spec.get("presence", ())),
                object=spec.get("object", ""), needs_force=bool(spec.get("needs_force", False)),
                max_gap=int(spec.get("max_gap", 10)))
        self.fight_prepositions: tuple[str, ...] = tuple(data["fight_prepositions"])
        self.prepositions_not_for: dict[str, frozenset[str]] = {
            k: frozenset(v) for k, v in data.get("fight_prepositions_not_for", {}).items()}
        self.not_ground_words: frozenset[str] = frozenset(data["air_words"])
        self.list_openers: tuple[str, ...] = tuple(data["list_openers"])
        self.list_continuations: tuple[str, ...] = tuple(data["list_continuations"])
        self.count_nouns: tuple[str, ...] = tuple(data["count_nouns"])
        self.force_nouns: tuple[str, ...] = tuple(data["force_nouns"])
        self.direction_words: tuple[str, ...] = tuple(data["direction_words"])

    @classmethod
    def load(cls, path: str | None = None) -> Lexicon:
        if path is None:
            text = resources.files("geo.data").joinpath("lexicon.json").read_text(encoding="utf-8")
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        return cls(json.loads(text))

    def of_engine(self, engine: str) -> list[Family]:
        return [f for f in self.families.values() if f.engine == engine]

    # -- derived alternations ---------------------------------------------------------------------------
    def verbs(self, engine: str, construction: str = "active", *, retake: bool | None = None) -> str:
        """The alternation of every form of the verbs of `engine`'s families that take `construction`."""
        return _alternation(f for fam in self.of_engine(engine)
                            if construction in fam.constructions and fam.verbs and not fam.object
                            and (retake is None or fam.retake == retake)
                            for f in fam.active_forms())

    def triggers(self, engine: str, construction: str = "active") -> str:
        """The alternation of the verb forms and nouns of `engine`'s families that take `construction`."""
        return _alternation(w for fam in self.of_engine(engine) if construction in fam.constructions
                            and not fam.object for w in (*fam.active_forms(), *fam.nouns))

    def control_phrases(self) -> str:
        """'took control of', 'gained full control over' ...: light verbs with their object."""
        parts = []
        for fam in self.families.values():
            if fam.object:
                parts.append(rf"(?:{_alternation(fam.active_forms())})\s+{fam.object}")
        return "|".join(parts)

    def participles(self, construction: str, cls: str | None = None) -> str:
        """The alternation of the participles of the families that take `construction` (of class `cls`)."""
        return _alternation(p for fam in self.families.values() if construction in fam.constructions
                            and (cls is None or fam.cls == cls) for p in fam.participles())

    @staticmethod
    def alternation(phrases: Iterable[str]) -> str:
        """A regex alternation of `phrases`, longest first, spaces matching any white space."""
        return _alternation(phrases)

    def presence(self, engine: str = "enter") -> str:
        return _alternation(w for fam in self.of_engine(engine) for w in fam.presence)

    def past_forms(self, construction: str) -> str:
        """The past tense and participle forms of the families that take `construction` ("X, which Russia took")."""
        return _alternation(f for fam in self.families.values() if construction in fam.constructions
                            for v in fam.verbs for f in (v.past, v.participle))

    def contested_participles(self) -> frozenset[str]:
        """Participles read after a place that say it is fought over ("X was encircled"), not taken."""
        return frozenset(p for fam in self.families.values() if fam.cls == "contested"
                         and "passive" in fam.constructions for p in fam.participles())

    def movement(self, engine: str = "enter") -> str:
        return _alternation(f for fam in self.of_engine(engine) for v in fam.movement for f in v.all())

    def noun_families(self) -> dict[str, Family]:
        """Each noun of a nominal family ("the fall of X", "the liberation of X") -> its family."""
        return {n: fam for fam in self.of_engine("nominal") for n in fam.nouns}

    def fight_triggers(self, construction: str) -> dict[str, str]:
        """Each written form of the fight engine's families taking `construction` -> its family (first wins)."""
        table: dict[str, str] = {}
        families = [fam for fam in self.of_engine("fight") if construction in fam.constructions]
        # Nouns first: "advances in Kursk" reads as the noun (whose prepositions are stricter), not the verb.
        for fam in families:
            for form in fam.nouns:
                table.setdefault(form, fam.name)
        for fam in families:
            for form in fam.active_forms():
                table.setdefault(form, fam.name)
        return table

    def retake_words(self) -> frozenset[str]:
        """Every form and noun of a family that says the place went back to its earlier holder."""
        return frozenset(w for fam in self.families.values() if fam.retake
                         for w in (*fam.active_forms(), *fam.participles(), *fam.nouns))

    def phrases(self) -> frozenset[str]:
        """Every form, noun and phrase of the lexicon, whole: what a sentence must contain for a trigger."""
        words: set[str] = set()
        for fam in self.families.values():
            words.update((*fam.active_forms(), *fam.participles(), *fam.nouns, *fam.presence,
                          *(f for v in fam.movement for f in v.all())))
        return frozenset(words)


@cache
def default_lexicon() -> Lexicon:
    """The lexicon shipped in geo/data, loaded once per process."""
    return Lexicon.load()
