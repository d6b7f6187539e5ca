"""Reduce an HTML page to its readable text, title and the few metadata tags news sites publish.

Only the standard library's `html.parser` is used: it never raises on malformed markup, so a broken
page still yields whatever text it has. Page furniture (scripts, styles, navigation, headers, footers,
asides, forms) is dropped; block elements become paragraph breaks; entities are decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["HtmlDocument", "HtmlTextParser", "html_to_text", "sniff_charset", "DROPPED_TAGS", "BLOCK_TAGS"]

DROPPED_TAGS = frozenset(
    {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "iframe"}
)
BLOCK_TAGS = frozenset(
    {
        "address", "article", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main",
        "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

_PUBLISHED_META = ("article:published_time", "datepublished", "date", "pubdate", "dc.date", "dc.date.issued")
_OUTLET_META = ("og:site_name", "application-name")
_URL_META = ("og:url",)
_TITLE_META = ("og:title", "twitter:title")

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HtmlDocument:
    """The text of a page and the metadata found in its head (raw strings, unparsed)."""

    text: str
    title: str = ""
    published: str = ""
    outlet: str = ""
    url: str = ""


class HtmlTextParser(HTMLParser):
    """Collect paragraphs of text from HTML fed in pieces; drain them with `take_paragraphs`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self._drop_depth = 0
        self._in_title = False
        self._title_parts: list[str] = []
        self._current: list[str] = []
        self._paragraphs: list[str] = []

    def updatepos(self, i: int, j: int) -> int:
        """Skip line counting: positions are only used in parser error messages, and it costs a tenth."""
        return j

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a dropped region, a title, or a paragraph break."""
        if tag in DROPPED_TAGS:
            self._drop_depth += 1
        elif tag == "title" and not self.title:
            self._in_title = True
        elif tag == "meta":
            self._note_meta(attrs)
        elif tag == "link":
            values = {name: value or "" for name, value in attrs}
            if values.get("rel", "").lower() == "canonical" and not self.canonical:
                self.canonical = values.get("href", "").strip()
        if tag in BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Treat `<tag/>` as a void element: it never opens a dropped region."""
        if tag in DROPPED_TAGS:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        """Close a dropped region or the title; end a paragraph."""
        if tag in DROPPED_TAGS:
            self._drop_depth = max(0, self._drop_depth - 1)
        elif tag == "title" and self._in_title:
            self._in_title = False
            self.title = " ".join("".join(self._title_parts).split())
        elif tag in ("body", "html"):
            # An unclosed <nav> or <aside> must not swallow the rest of a malformed page.
            self._drop_depth = 0
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        """Keep text outside dropped regions."""
        if self._in_title:
            self._title_parts.append(data)
        elif self._drop_depth == 0:
            self._current.append(data)

    def close(self) -> None:
        """Flush the last paragraph and an unclosed title."""
        super().close()
        if self._in_title:
            self._in_title = False
            self.title = " ".join("".join(self._title_parts).split())
        self._break()

    def take_paragraphs(self) -> list[str]:
        """Return the paragraphs completed so far and forget them (bounded memory when streaming)."""
        done, self._paragraphs = self._paragraphs, []
        return done

    def document(self, text: str) -> HtmlDocument:
        """Return `text` with the title and head metadata seen so far."""
        title = self.title or self._first_meta(_TITLE_META)
        return HtmlDocument(
            text=text,
            title=title,
            published=self._first_meta(_PUBLISHED_META),
            outlet=self._first_meta(_OUTLET_META),
            url=self._first_meta(_URL_META) or self.canonical,
        )

    def _break(self) -> None:
        if self._current:
            paragraph = " ".join("".join(self._current).split())
            self._current = []
            if paragraph:
                self._paragraphs.append(paragraph)

    def _note_meta(self, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        key = (values.get("property") or values.get("name") or values.get("itemprop") or "").strip().lower()
        content = " ".join(values.get("content", "").split())
        if key and content and key not in self.meta:
            self.meta[key] = content

    def _first_meta(self, keys: tuple[str, ...]) -> str:
        for key in keys:
            if key in self.meta:
                return self.meta[key]
        return ""


def html_to_text(markup: str) -> HtmlDocument:
    """Return the readable text of `markup`, paragraphs separated by blank lines, with its title."""
    parser = HtmlTextParser()
    parser.feed(markup)
    parser.close()
    return parser.document("\n\n".join(parser.take_paragraphs()))


def sniff_charset(head: bytes) -> str | None:
    """Return the charset a `<meta charset>` or `http-equiv` tag declares in the first bytes of a page."""
    match = _CHARSET_RE.search(head[:4096])
    return match.group(1).decode("ascii").lower() if match else None
