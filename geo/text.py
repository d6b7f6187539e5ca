"""Article text -> sentences, with page chrome, captions and related-article lists left out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences", "body_lines", "is_chrome_line"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article with its character offset and its index in the article."""

    index: int
    start: int
    text: str


# A line that opens a list of other stories: nothing after it belongs to the article.
_TRAILER = re.compile(
    r"^\s*(?:more|read more|related|related articles|related posts|related stories|related news|latest news|"
    r"highlights|most read|most popular|recommended|you may also like|more from [\w\s]+|more stories|"
    r"trending|see also|also read|source link|facebook comments box)\s*:?\s*$",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"^\s*(?:file(?: photo)?\s*[:\-–]|photo\s*[:\-–]|image\s*[:\-–]|picture\s*[:\-–]|caption\s*[:\-–]|"
    r"video\s*[:\-–]|watch\s*[:\-–]|\(?(?:reuters|ap|afp|getty)(?: photo)?[/)]|advertisement\b|share\b|"
    r"date\s*:|share post\s*:|accessibility links|breaking news)",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"(?:\b(?:REUTERS|AFP|AP Photo|Getty Images|via Reuters)\s*/|\bPhoto(?:graph)?:\s|"
                     r"\bScreen grab\b)")
_SENTENCE_END = re.compile(
    r"""(?<=[.!?])["”’»)]*\s+(?=["“‘«(]?[A-Z0-9])"""  # ordinary end: punctuation, space, capital
    r"""|(?<=[.!?]["”’])(?=[A-Z])|(?<=[a-z"”’)][.!?])(?=[A-Z][a-z])"""  # run-on: '"dangerous".Russia pushes'
)
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|St|Jr|Sr|Prof|Gov|Sen|Rep|U\.S|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|No|vs|approx|est)\.$"
)
_LETTERS = re.compile(r"[A-Za-z]")
# After a run-on split ('"dangerous".Russia pushes truce The surge ...') a crossheading runs into the next
# sentence with no full stop; it ends where a capitalized sentence opener follows a word.
_RUN_ON_HEADING = re.compile(
    r"(?:[\w'’,:&-]+\s+){1,8}?(?=(?:The|A|An|In|On|At|As|But|After|While|Meanwhile|It|This|That|They|He|She|We|"
    r"Since|When|Earlier|Later|According|Speaking)\s)"
)


def is_chrome_line(line: str) -> bool:
    """Return True for a line that is not article prose: captions, credits, headings, menu items."""
    stripped = line.strip()
    if not stripped:
        return True
    if _CAPTION.match(stripped) or _CREDIT.search(stripped):
        return True
    words = stripped.split()
    if not stripped.isascii():  # ASCII lines are Latin script: skip the letter counts
        latin = len(_LETTERS.findall(stripped))
        first_letter = next((c for c in stripped if c.isalpha()), "a")
        if latin < 0.5 * len(stripped.replace(" ", "")):
            return True  # another script: a menu or a link list in the site's language
        if not _LETTERS.match(first_letter) and 2 * len(_LETTERS.findall(words[0])) < len(words[0]):
            return True  # a line opening with a word in another script (not just one homoglyph: "Сaptured")
    ends_like_prose = stripped[-1] in '.!?"”’»:)'
    if not ends_like_prose and re.search(r"\s[|»›]\s", stripped):
        return True  # "Headline | Section News": a page title or a link with its section
    return len(words) < 4 or (not ends_like_prose and len(words) <= 14)


def body_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, line) for the prose lines of an article, stopping at a related-stories list."""
    seen: set[str] = set()
    offset = 0
    half = len(text) // 3
    for line in text.splitlines(keepends=True):
        start = offset
        offset += len(line)
        content = line.strip()
        if _TRAILER.match(content) and start >= half:
            return
        if content in seen or is_chrome_line(content):
            continue
        seen.add(content)
        yield start + (len(line) - len(line.lstrip())), content


def split_sentences(text: str) -> list[Sentence]:
    """Split the prose of an article into sentences, keeping their offsets in the original text."""
    sentences: list[Sentence] = []
    for line_start, line in body_lines(text):
        pieces: list[tuple[int, int]] = []
        begin = 0
        for match in _SENTENCE_END.finditer(line):
            head = line[begin:match.start()].rstrip("\"”’»)")
            if _ABBREVIATIONS.search(head) or re.search(r"\b[A-Z]\.$", head):
                continue
            pieces.append((begin, match.start()))
            begin = match.end()
            if match.start() == match.end():  # a run-on: drop the crossheading glued to the next sentence
                heading = _RUN_ON_HEADING.match(line, begin)
                if heading:
                    begin = heading.end()
        pieces.append((begin, len(line)))
        for a, b in pieces:
            chunk = line[a:b].strip()
            if len(chunk.split()) >= 3:
                sentences.append(Sentence(len(sentences), line_start + a, chunk))
    return sentences
