"""Tests for geo.actors: the actor lexicon read from its data file, sides, locatives, losers and pronouns."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.actors import ActorLexicon, other_side
from geo.text import lower_same_length


@pytest.fixture(scope="module")
def lexicon() -> ActorLexicon:
    """Return the lexicon shipped with Frontline."""
    return ActorLexicon.load()


CASES = [
    ("The defence ministry in Moscow said so.", [("Moscow", "RU", False, False)]),
    ("Shelling in Kyiv went on.", [("Kyiv", "UA", True, False)]),
    ("Ukrainian forces entered the town.", [("Ukrainian forces", "UA", False, False)]),
    ("Kyiv's troops pushed east.", [("Kyiv's troops", "UA", False, False)]),
    ("Kiev’s forces pushed east.", [("Kiev’s forces", "UA", False, False)]),
    ("The ZSU said it held the line.", [("ZSU", "UA", False, False)]),
    ("The Azov regiment defended the plant.", [("Azov regiment", "UA", False, False)]),
    ("The Third Assault Brigade cleared the village.", [("Third Assault Brigade", "UA", False, False)]),
    ("The Donbass battalion reported gains.", [("Donbass battalion", "UA", False, False)]),
    ("Russian troops advanced.", [("Russian troops", "RU", False, False)]),
    ("Moscow claims gains.", [("Moscow", "RU", False, False)]),
    ("The Kremlin said so.", [("Kremlin", "RU", False, False)]),
    ("Pro-Russian rebels retreated.", [("Pro-Russian rebels", "RU", False, True)]),
    ("Separatists shelled the city.", [("Separatists", "RU", False, False)]),
    ("Local militias took over.", [("militias", "RU", False, False)]),
    ("DPR fighters and LPR units advanced.", [("DPR fighters", "RU", False, False), ("LPR units", "RU", False, False)]),
    ("Wagner mercenaries stormed the town.", [("Wagner mercenaries", "RU", False, False)]),
    ("It was captured by Donetsk PR in April.", [("Donetsk PR", "RU", False, False)]),
    ("The Russian Volunteer Corps raided the border.", [("Russian Volunteer Corps", "UA", False, False)]),
    ("Moscow has withdrawn its forces.", [("Moscow", "RU", False, False)]),
    ("Aid was sent to Ukraine.", [("Ukraine", "UA", True, False)]),
    ("More than 2,500 Ukrainian soldiers surrendered.", [("Ukrainian soldiers", "UA", False, True)]),
    ("Elements of the Central Grouping of Forces advanced.", [("Central Grouping of Forces", "RU", False, False)]),
    ("National Guard units held the town.", [("National Guard units", "UA", False, False)]),
    ("The Russian National Guard patrolled it.", [("Russian National Guard", "RU", False, False)]),
    ("Government forces retook the town.", [("Government forces", "UA", False, False)]),
    ("A Russian journalist wrote about it.", []),
    ("The town lies near the border.", []),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_find(lexicon: ActorLexicon, sentence: str, expected: list) -> None:
    assert [(a.text, a.side, a.locative, a.loser) for a in lexicon.find(sentence)] == expected


@pytest.mark.parametrize(("sentence", "previous", "expected"), [
    ("Russian commanders said its troops entered the town.", None, [("its troops", "RU")]),
    ("Zelensky said his forces had taken 30 villages.", None, [("his forces", "UA")]),
    ("Its troops entered the town.", "UA", [("Its troops", "UA")]),
    ("Their soldiers retreated.", None, []),
])
def test_pronouns_take_the_nearest_earlier_actor(lexicon: ActorLexicon, sentence: str, previous: str | None,
                                                 expected: list) -> None:
    earlier = lexicon.find(sentence)
    assert [(a.text, a.side) for a in lexicon.pronoun_actors(sentence, earlier, previous)] == expected


@pytest.mark.parametrize(("word", "expected"), [("Moscow", True), ("kremlin", True), ("Kyiv", True),
                                                ("Russian", True), ("Bakhmut", False), ("", False)])
def test_is_actor_word(lexicon: ActorLexicon, word: str, expected: bool) -> None:
    assert lexicon.is_actor_word(word) is expected


@pytest.mark.parametrize(("side", "expected"), [("UA", "RU"), ("RU", "UA"), (None, None), ("XX", None)])
def test_other_side(side: str | None, expected: str | None) -> None:
    assert other_side(side) == expected


def test_sides_come_from_the_data_file(tmp_path: Path) -> None:
    data = {"sides": {"UA": {"nouns": ["bluefor"], "adjectives": [], "flags": []},
                      "RU": {"nouns": ["redfor"], "adjectives": ["crimson"], "flags": ["crimson"]}},
            "force_nouns": ["troops"]}
    path = tmp_path / "actors.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    lexicon = ActorLexicon.load(path)
    found = lexicon.find("Bluefor met crimson troops while Redfor and Russian forces waited.")
    assert [(a.text, a.side) for a in found] == [("Bluefor", "UA"), ("crimson troops", "RU"), ("Redfor", "RU")]
    assert lexicon.flags == {"crimson": "RU"}


# -- the word-by-word search against the plain definition ---------------------------------------------------

@functools.cache
def _reference_definition() -> tuple[dict[str, str], set[str], re.Pattern[str]]:
    """The lexicon's words with their sides, its nouns, and the one regular expression that defines an actor."""
    data = json.loads((Path(__file__).parent.parent / "geo" / "data" / "actors.json").read_text(encoding="utf-8"))
    words = {w: side for side, d in data["sides"].items() for k in ("adjectives", "nouns") for w in d.get(k, [])}
    nouns = {w for d in data["sides"].values() for w in d.get("nouns", [])}
    heads = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    forces = "|".join(re.escape(w) for w in sorted(data["force_nouns"], key=len, reverse=True))
    phrase = re.compile(rf"(?<![\w-])(?P<head>{heads})(?![\w-])"
                        rf"(?P<tail>(?:\s+[\w'’-]+){{0,3}}?\s+(?:{forces})(?![\w-]))?")
    return words, nouns, phrase


def _reference_find(sentence: str) -> list[tuple[int, int, str]]:
    """Actors by the definition: one regular expression, the longest whole-word head, then an optional tail."""
    words, nouns, phrase = _reference_definition()
    lower = lower_same_length(sentence)
    found, pos = [], 0
    while m := phrase.search(lower, pos):
        pos = m.end()
        head, tail = m.group("head"), m.group("tail")
        if head not in nouns and not tail:
            continue
        if not (tail and (head not in nouns or re.match(r"^\s+(?:group\s+)?(?:forces|troops|fighters|units|soldiers|"
                                                        r"army|military|mercenaries|militia|militias|commanders?|"
                                                        r"brigades?|battalions?)$", tail, re.I))):
            pos = m.end("head")
        found.append((m.start(), pos, words[head]))
    return found


_PIECES = ["russian", "Ukrainian", "forces", "troops", "wagner", "group", "of", "the", "armed forces of ukraine",
           "general staff", "defence ministry", "kyiv", "Kyiv's", "ukraine’s", "pro-russian", "azov", "regiment",
           "in", "near", "x", "Kupiansk", "units", "zsu", "separatists", "moscow", "storm-z"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from([" ", " ", "-", "’", "'s ", "", ", "])),
                max_size=14))
def test_find_is_the_longest_whole_word_head_then_a_tail(lexicon: ActorLexicon, pieces: list) -> None:
    sentence = "".join(word + sep for word, sep in pieces)
    assert [(a.start, a.end, a.side) for a in lexicon.find(sentence)] == _reference_find(sentence)
