"""Factored patterns match exactly what the patterns as written match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo.actors  # noqa: F401 - imported for the patterns it compiles
import geo.dates  # noqa: F401
import geo.detect
from geo.factor import _SOURCES, compile_factored, factor_alternations, source_of, word_prefixes
from geo.text import lower_same_length, split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(("written", "factored"), [
    (r"\b(?:captur|claim|cleared|seiz)", r"\b(?:c(?:aptur|l(?:aim|eared))|seiz)"),
    (r"clear|cleared|x", r"clear(?:|ed)|x"),  # the order inside a shared letter is kept
    (r"ab|(ac)|ad", r"ab|(ac)|ad"),  # a capture stays, and nothing moves across it
    (r"ab|\sx|ac", r"ab|\sx|ac"),  # an alternative opening with an escape is a barrier
    (r"a?b|ac|ad", r"a?b|a(?:c|d)"),  # a quantified first letter is not a plain one
    (r"(?<!ab|ac)x", r"(?<!ab|ac)x"),  # lookbehinds as written
    (r"(?P<verb>took|taken)", r"(?P<verb>t(?:ook|aken))"),
    (r"[a|b]c|cd", r"[a|b]c|cd"),  # a bar inside a class is not an alternation
    (r"(?i:ab|Ac)", r"(?i:ab|Ac)"),  # scoped flags as written
])
def test_factor_examples(written: str, factored: str) -> None:
    assert factor_alternations(written) == factored


def test_ignorecase_merges_letters_of_either_case() -> None:
    assert factor_alternations("ab|Ac", ignorecase=True) == "a(?:b|c)"
    assert factor_alternations("ab|Ac") == "ab|Ac"


def test_verbose_patterns_are_left_alone() -> None:
    assert factor_alternations("ab | ac", verbose=True) == "ab | ac"
    assert factor_alternations("(?x) ab | ac") == "(?x) ab | ac"


def test_source_of_gives_the_pattern_as_written() -> None:
    compiled = compile_factored("alpha|apex|beta")
    assert compiled.pattern == "a(?:lpha|pex)|beta"
    assert source_of(compiled) == "alpha|apex|beta"
    assert source_of(re.compile("x|y")) == "x|y"


def _signature(m: re.Match[str] | None) -> object:
    return None if m is None else (m.span(), tuple(m.span(g) for g in range(1, m.re.groups + 1)))


def _seed_texts() -> list[str]:
    sentences = [s.text for path in sorted(SEEDS.glob("*.txt"))
                 for s in split_sentences(path.read_text(encoding="utf-8"))]
    lowered = [lower_same_length(s) for s in sentences]
    # The detector's templates: place names replaced by its mark.
    templates = [re.sub(r"\b[A-Z][a-z]+\b", "§", s).lower() for s in sentences]
    return sentences + lowered + templates


def test_every_factored_pattern_of_the_product_matches_as_written() -> None:
    texts = _seed_texts()
    assert len(texts) > 300
    changed = [(compiled, source) for compiled, source in list(_SOURCES.items()) if compiled.pattern != source]
    assert len(changed) > 50  # the detector's keyword lists, actors, dates, sentence splitting
    for compiled, source in changed:
        written = re.compile(source, compiled.flags)
        for text in texts:
            assert [_signature(m) for m in compiled.finditer(text)] == \
                [_signature(m) for m in written.finditer(text)], source
            # Patterns are also used with match(text, pos) from any position: every 7th one here.
            for pos in range(0, len(text), 7):
                assert _signature(compiled.match(text, pos)) == _signature(written.match(text, pos)), (source, pos)


_piece = st.sampled_from(["a", "b", "ab", "ba", "aa", "b?", "a+", r"\b", r"\s", "[ab]", "(?:a|b)", "(a)", "(?P<n>b)",
                          "", " ", "(?=a)", "(?<!a)"])
_alternative = st.lists(_piece, max_size=4).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_alternative, min_size=1, max_size=6), st.lists(st.sampled_from("ab "), max_size=12).map("".join))
def test_random_alternations_match_as_written(alternatives: list[str], text: str) -> None:
    names = 0
    pieces = []
    for alternative in alternatives:  # a named group may appear once only
        while "(?P<n>" in alternative:
            alternative = alternative.replace("(?P<n>", f"(?P<n{names}>", 1)
            names += 1
        pieces.append(alternative)
    source = "|".join(pieces)
    for pattern in (source, f"x(?:{source})y", f"(?:{source})+"):
        written = re.compile(pattern)
        factored = re.compile(factor_alternations(pattern))
        for subject in (text, f"x{text}y"):
            assert [_signature(m) for m in factored.finditer(subject)] == \
                [_signature(m) for m in written.finditer(subject)], pattern
            for pos in range(len(subject) + 1):
                assert _signature(factored.match(subject, pos)) == _signature(written.match(subject, pos)), pattern


@pytest.mark.parametrize(("pattern", "prefixes"), [
    (r"\b(?:ministry|general\s+staff|group|grouping|battlegroup)\b", ("ministry", "general", "group", "battlegroup")),
    (r"\b(?:bolsheviks?|ww\s?ii?|napoleon\w*)\b", ("bolshevik", "ww", "napoleon")),
    (r"\b(?:re)?(?:took|taken)", None),  # an optional group first
    (r"\b(?:\d+|km)", None),  # an alternative without a leading letter
    (r"(?:ab|cd)", None),  # no word boundary first
])
def test_word_prefixes(pattern: str, prefixes: tuple[str, ...] | None) -> None:
    assert word_prefixes(pattern) == prefixes


def test_lines_found_by_prefixes_are_the_lines_a_scan_finds() -> None:
    # The seeds and two sentences on the Second World War (the seeds name no war of the past).
    texts = [*_seed_texts(), "Kharkiv was liberated by the Red Army in August 1943.",
             "Its 1941 defence is remembered from the Great Patriotic War."]
    lines = "\n".join(texts)
    starts = [0]
    for text in texts[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    lowered = lower_same_length(lines)
    for pattern, prefixes in ((geo.detect._HISTORY_LINES, geo.detect._HISTORY_PREFIXES),
                              (geo.detect._INSTITUTION_HINT_LINES, geo.detect._INSTITUTION_PREFIXES)):
        assert prefixes
        scanned = geo.detect._lines_matching(pattern, lowered, starts)
        assert scanned
        assert geo.detect._lines_matching(pattern, lowered, starts, prefixes) == scanned
        # and on text where every line has one: "red army" inside "the entered army"
        crafted = "the red army entered\nthe entered army\nworld  war two\nno match here"
        crafted_starts = [0, 21, 38, 53]
        assert geo.detect._lines_matching(pattern, crafted, crafted_starts, prefixes) == \
            geo.detect._lines_matching(pattern, crafted, crafted_starts)
