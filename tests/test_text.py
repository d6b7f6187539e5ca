"""Tests for geo.text: sentence splitting, page chrome, captions, related-story lists and run-on headings."""

from __future__ import annotations

import pytest

from geo.text import is_chrome_line, split_sentences

SPLIT_CASES = [
    ("Russian forces entered the town. Residents fled west.", ["Russian forces entered the town.",
                                                               "Residents fled west."]),
    ("Mr. Zelensky spoke in Kyiv. He thanked the troops.", ["Mr. Zelensky spoke in Kyiv.", "He thanked the troops."]),
    ("Since Russia's Feb. 24 invasion, aid has grown. It continues today.",
     ["Since Russia's Feb. 24 invasion, aid has grown.", "It continues today."]),
    ("The U.S. sent more aid to the army. Officials agreed with it.", ["The U.S. sent more aid to the army.",
                                                               "Officials agreed with it."]),
    ('He said "this can be dangerous".Russia pushes truce The surge of optimism has faded.',
     ['He said "this can be dangerous".', "The surge of optimism has faded."]),
    ("Their position worsened fast.Rebels regroup The withdrawal was led by a senior commander.",
     ["Their position worsened fast.", "The withdrawal was led by a senior commander."]),
    ("“We will return,” he said. “Kupiansk is Ukraine.”", ["“We will return,” he said.", "“Kupiansk is Ukraine.”"]),
    ("Сaptured by Russia in 2022 according to the reports here.", ["Сaptured by Russia in 2022 according to the "
                                                                     "reports here."]),
    ("", []),
    ("Ok. Yes.", []),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES, ids=[c[0][:30] or "empty" for c in SPLIT_CASES])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_offsets_point_into_the_text() -> None:
    text = "Share\nUkrainian troops entered Kherson on Friday. Crowds cheered them in the square."
    sentences = split_sentences(text)
    assert [(s.index, text[s.start:s.start + len(s.text)]) for s in sentences] == [
        (0, "Ukrainian troops entered Kherson on Friday."), (1, "Crowds cheered them in the square.")]


CHROME_CASES = [
    ("Share post:", True),
    ("Date:", True),
    ("Accessibility links", True),
    ("FILE: A woman hugs a Ukrainian serviceman in Bucha after the Russian retreat, April 2022.", True),
    ("Photo: Russian troops in Mariupol, which fell in May.", True),
    ("Ukrainian soldiers ride a tank. REUTERS/Gleb Garanich", True),
    ("Russia captures Avdiivka", True),
    ("Russia claims more gains in Kursk as Ukraine hints at pullback | Russia-Ukraine war News", True),
    ("আরও পড়ুনঃ  Russian forces capture Avdiivka after months of fighting | Russia-Ukraine war News", True),
    ("18 hours ago", True),
    ("", True),
    ("Ukrainian troops entered Kherson on Friday to cheering crowds.", False),
    ("“Kupiansk is Ukraine,” a regional official wrote on social media.", False),
    ("Russian forces are advancing toward Pokrovsk along the main highway from Donetsk and have taken several "
     "villages on the way", False),
]


@pytest.mark.parametrize(("line", "expected"), CHROME_CASES, ids=[c[0][:30] or "empty" for c in CHROME_CASES])
def test_is_chrome_line(line: str, expected: bool) -> None:
    assert is_chrome_line(line) is expected


def test_related_stories_list_ends_the_article() -> None:
    body = "Ukrainian troops entered Kherson on Friday to cheering crowds.\n" * 3
    text = body + "Related articles\nRussian forces capture Bakhmut after months of heavy fighting, officials say.\n"
    assert [s.text for s in split_sentences(text)] == ["Ukrainian troops entered Kherson on Friday to cheering crowds."]


def test_repeated_lines_count_once() -> None:
    line = "Kyiv is advancing to the east, Moscow announces that it will regroup forces around Donetsk."
    assert len(split_sentences(f"{line}\n\n{line}\n")) == 1
