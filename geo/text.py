"""Article text -> sentences, with page chrome, captions and related-article lists left out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .factor import compile_factored

__all__ = ["Sentence", "split_sentences", "body_lines", "is_chrome_line", "lower_same_length"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article with its character offset and its index in the article."""

    index: int
    start: int
    text: str


# A line that opens a list of other stories: nothing after it belongs to the article.
_TRAILER = compile_factored(
    r"^\s*(?:more|read more|related|related articles|related posts|related stories|related news|latest news|"
    r"highlights|most read|most popular|recommended|you may also like|more from [\w\s]+|more stories|"
    r"trending|see also|also read|source link|facebook comments box)\s*:?\s*$",
    re.IGNORECASE,
)
_CAPTION = compile_factored(
    r"^\s*(?:file(?: photo)?\s*[:\-–]|photo\s*[:\-–]|image\s*[:\-–]|picture\s*[:\-–]|caption\s*[:\-–]|"
    r"video\s*[:\-–]|watch\s*[:\-–]|\(?(?:reuters|ap|afp|getty)(?: photo)?[/)]|advertisement\b|share\b|"
    r"date\s*:|share post\s*:|accessibility links|breaking news)",
    re.IGNORECASE,
)
# What a line starting with ASCII must start with to be a caption (other first letters may fold to these).
_CAPTION_OPENERS = frozenset("(abcdfgiprsvwABCDFGIPRSVW")
_CREDIT = compile_factored(r"(?:\b(?:REUTERS|AFP|AP Photo|Getty Images|via Reuters)\s*/|\bPhoto(?:graph)?:\s|"
                           r"\bScreen grab\b)")
# A sentence end, matched from its punctuation mark (scanning for [.!?] is fast). An ordinary end has a gap
# of closing quotes and spaces between the sentences; a run-on ('"dangerous".Russia pushes') has none and the
# next sentence starts where the match ends.
_SENTENCE_END = compile_factored(
    r"""[.!?](?:(?P<gap>["”’»)]*\s+)(?=["“‘«(]?[A-Z0-9])"""  # ordinary end: punctuation, space, capital
    r"""|(?<=[a-z"”’)].)(?=[A-Z][a-z])|["”’](?=[A-Z]))"""  # run-on
)
# Abbreviations and initials after which a full stop does not end a sentence; the longest is 7 characters.
_ABBREVIATION = compile_factored(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|St|Jr|Sr|Prof|Gov|Sen|Rep|U\.S|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|No|vs|approx|est|[A-Z])\.$"
)
_ABBREVIATION_CHARS = 7
_LETTERS = compile_factored(r"[A-Za-z]")
_ASCII_NON_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_SECTION_SEPARATOR = compile_factored(r"\s[|»›]\s")
# After a run-on split ('"dangerous".Russia pushes truce The surge ...') a crossheading runs into the next
# sentence with no full stop; it ends where a capitalized sentence opener follows a word.
_RUN_ON_HEADING = compile_factored(
    r"(?:[\w'’,:&-]+\s+){1,8}?(?=(?:The|A|An|In|On|At|As|But|After|While|Meanwhile|It|This|That|They|He|She|We|"
    r"Since|When|Earlier|Later|According|Speaking)\s)"
)


def lower_same_length(text: str) -> str:
    """Return `text` lower-cased letter by letter, so that every offset still points at the same letter."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def is_chrome_line(line: str) -> bool:
    """Return True for a line that is not article prose: captions, credits, headings, menu items."""
    stripped = line.strip()
    return not stripped or _is_chrome(stripped)


def _is_chrome(stripped: str) -> bool:
    """is_chrome_line of a stripped, non-empty line."""
    if (stripped[0] in _CAPTION_OPENERS or not stripped[0].isascii()) and _CAPTION.match(stripped):
        return True
    if _may_hold_credit(stripped) and _CREDIT.search(stripped):
        return True
    if not stripped.isascii() and _in_other_script(stripped):  # ASCII lines are Latin script
        return True
    if stripped[-1] in '.!?"”’»:);,':  # ends like prose (or like an item of a list: "- X in the Y region;")
        return len(stripped.split(None, 3)) < 4
    if _may_hold_separator(stripped) and _SECTION_SEPARATOR.search(stripped):
        return True  # "Headline | Section News": a page title or a link with its section
    return len(stripped.split(None, 14)) <= 14


def _may_hold_credit(text: str) -> bool:
    # Every alternative of _CREDIT needs one of these: most lines are cleared without running it.
    return "/" in text or "Photo" in text or "Screen grab" in text


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches


def _may_hold_separator(text: str) -> bool:
    return "|" in text or "»" in text or "›" in text


def _in_other_script(text: str) -> bool:
    """Return True for a line mostly in another script, or opening with a word in another script."""
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _ASCII_NON_LETTERS))
    if ascii_letters < 0.5 * (len(text) - text.count(" ")):
        return True  # a menu or a link list in the site's language
    first_letter = next((c for c in text if c.isalpha()), "a")
    if first_letter.isascii():
        return False
    first_word = text.split(None, 1)[0]
    return 2 * len(_LETTERS.findall(first_word)) < len(first_word)  # not just one homoglyph: "Сaptured"


def body_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, line) for the prose lines of an article, stopping at a related-stories list."""
    seen: set[str] = set()
    offset = 0
    half = len(text) // 3
    listing = False  # the last line kept announced a list or was one of its items
    for line in text.splitlines(keepends=True):
        start = offset
        offset += len(line)
        content = line.strip()
        if not content:
            continue
        # A trailer line ends in a word or a colon, which prose lines seldom do: most skip the regex.
        if start >= half and (content[-1] == ":" or _is_word_char(content[-1])) and _TRAILER.match(content):
            return
        # An item of a list a line announced ("the following settlements were liberated:" then "- X;" lines)
        # is prose however short; a lone "- Home" is a menu item.
        item = listing and _LIST_ITEM.match(content) is not None
        if not item and (content in seen or _is_chrome(content)):
            listing = False
            continue
        listing = item or content.endswith(":")
        seen.add(content)
        yield start + (len(line) - len(line.lstrip())), content


_LIST_ITEM = re.compile(r"^(?:[-–—•*▪]|\d{1,2}[.)])\s+[A-ZА-ЯІЇЄ]\w")


def split_sentences(text: str) -> list[Sentence]:
    """Split the prose of an article into sentences, keeping their offsets in the original text."""
    sentences: list[Sentence] = []
    for line_start, line in body_lines(text):
        begin = 0
        for match in _SENTENCE_END.finditer(line):
            stop = match.start()  # the punctuation mark
            if line[stop] == "." and _ABBREVIATION.search(line, max(begin, stop + 1 - _ABBREVIATION_CHARS), stop + 1):
                continue
            end, next_begin = match.span("gap")
            run_on = end < 0
            if run_on:
                end = next_begin = match.end()
            _add_sentence(sentences, line_start, line, begin, end)
            begin = next_begin
            if run_on:  # drop the crossheading glued to the next sentence
                heading = _RUN_ON_HEADING.match(line, begin)
                if heading:
                    begin = heading.end()
        _add_sentence(sentences, line_start, line, begin, len(line))
    return sentences


def _add_sentence(sentences: list[Sentence], line_start: int, line: str, begin: int, end: int) -> None:
    chunk = line[begin:end].strip()
    # Three words at least, or an item of a list ("- Arkhanhelske;", "2) Andreevka;"), which the reader joins
    # to the line that announced it.
    if len(chunk.split(None, 2)) == 3 or _LIST_ITEM.match(chunk):
        sentences.append(Sentence(len(sentences), line_start + begin, chunk))
