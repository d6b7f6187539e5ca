"""Tests for geo.actors: the actor lexicon read from its data file, sides, locatives, losers and pronouns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.actors import ActorLexicon, other_side


@pytest.fixture(scope="module")
def lexicon() -> ActorLexicon:
    """Return the lexicon shipped with Frontline."""
    return ActorLexicon.load()


CASES = [
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
