"""Property tests of geo.articles: no input crashes the loader, and text survives the trip through a file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo.articles import LoadStats, dateline_date, iter_articles, split_chunks, split_front_matter
from geo.htmltext import html_to_text

# Text a person could write: no surrogates (unencodable) and no control characters but tab and newline
# (a text full of control characters is taken for binary, by design).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
    min_size=1,
    max_size=300,
)


def read_one(name: str, data: bytes) -> tuple[list[tuple[str, str]], LoadStats, list[str]]:
    """Write `data` to a file called `name` and read it; return (id, text) pairs, stats and warnings.

    The places in `stats.skipped` are made relative to the temporary directory.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        stats = LoadStats()
        warnings: list[str] = []
        found = [(a.id, a.text) for a in iter_articles([path], warn=warnings.append, stats=stats)]
    stats.skipped = [(where.removeprefix(f"{tmp}/"), why) for where, why in stats.skipped]
    return found, stats, warnings


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html", "a.json", "a.jsonl", "a"])
@settings(max_examples=60, deadline=None)
@given(data=st.binary(min_size=0, max_size=600))
@example(data=b"\x00")
@example(data=b"\xff\xfe\x00")
@example(data=b"\xef\xbb\xbf")
@example(data=b"---\n")
@example(data=b'[{"text": "x"}, ')
@example(data=b"\xc3")
@example(data=b"[" * 5000)
def test_arbitrary_bytes_never_crash_the_loader(name: str, data: bytes) -> None:
    found, stats, warnings = read_one(name, data)
    # Every file either gives articles or is reported as skipped, never silently dropped.
    assert found or any(where == name or where.startswith(f"{name}:") for where, _ in stats.skipped)
    assert stats.articles == len(found)
    assert all(isinstance(message, str) and message for message in warnings)
    assert all(text.strip() for _, text in found)


@settings(max_examples=200, deadline=None)
@given(text=TEXT.filter(lambda t: t.strip() and not t.startswith(("---", "\ufeff")) and "\r" not in t))
@example(text="Ізюм\n\nKupiansk — Балаклія\t“retaken”")
@example(text="KYIV, Sept. 10, 2022 (Reuters) - x")
@example(text="x\u2028y\u00a0z")
def test_unicode_text_round_trips_through_a_utf8_file(text: str) -> None:
    found, stats, warnings = read_one("a.txt", text.encode("utf-8"))
    assert found == [("a.txt", text)]
    assert (warnings, stats.skipped) == ([], [])


@settings(max_examples=100, deadline=None)
@given(text=TEXT.filter(lambda t: t.strip() and not t.startswith(("---", "\ufeff")) and "\r" not in t))
def test_unicode_text_round_trips_through_a_utf16_file_with_bom(text: str) -> None:
    found, _, warnings = read_one("a.txt", text.encode("utf-16"))
    assert found == [("a.txt", text)]
    assert warnings == []


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=200).filter(lambda t: t.strip() and not t.lstrip().startswith("<")))
def test_json_record_text_round_trips_through_jsonl(text: str) -> None:
    line = json.dumps({"text": text, "published": "2022-09-10"}, ensure_ascii=False)
    found, _, warnings = read_one("f.jsonl", (line + "\n").encode("utf-8"))
    assert found == [("f.jsonl:1", text)]
    assert warnings == []


@given(pieces=st.lists(st.text(max_size=50), max_size=10), size=st.integers(min_value=1, max_value=40))
def test_split_chunks_keeps_every_character_and_respects_the_size(pieces: list[str], size: int) -> None:
    chunks = list(split_chunks(pieces, size))
    assert "".join(chunks) == "".join(pieces)
    assert all(0 < len(chunk) <= size for chunk in chunks)


@given(text=st.text(max_size=400))
def test_pure_helpers_accept_any_text(text: str) -> None:
    fields, body = split_front_matter(text)
    assert text.endswith(body)
    assert all(value in text for _, value in fields.values())
    dateline_date(text)
    page = html_to_text(text)
    assert "\n\n\n" not in page.text
