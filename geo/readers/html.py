"""HTML pages (`.html`, `.htm`): reduced to their text; the head's title, outlet, URL and publication time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from geo.htmltext import HtmlTextParser
from geo.model import Article

from .base import Meta, Warner
from .chunks import split_chunks
from .encodings import decoded_pieces
from .published import parse_published
from .run import Run, chunk_articles

__all__ = ["read"]


def read(path: Path, run: Run) -> Iterator[Article]:
    """Yield the articles of an HTML page (one, or one per chunk of a large page)."""
    with open(path, "rb") as handle:
        pieces = decoded_pieces(handle, html=True, warn=run.warning, where=str(path))
        parser = HtmlTextParser()
        parser.feed(next(pieces, ""))
        # The head is in the first block: its metadata applies to every chunk of a large page.
        second = next(pieces, None)
        if second is None:
            parser.close()
        metas: tuple[Meta, ...] = (run.manifest_meta(path), _html_meta(path, parser, run))

        def paragraphs() -> Iterator[str]:
            if second is not None:
                for piece in chain((second,), pieces):
                    yield "".join(paragraph + "\n\n" for paragraph in parser.take_paragraphs())
                    parser.feed(piece)
                parser.close()
            yield "\n\n".join(parser.take_paragraphs())

        chunks = (chunk.rstrip("\n") for chunk in split_chunks(paragraphs()))
        yield from chunk_articles(path, run, chunks, metas, "no text in the page once markup is removed")


def _html_meta(path: Path, parser: HtmlTextParser, run: Warner) -> Meta:
    page = parser.document("")
    published: dt.date | None = None
    dated = False
    if page.published:
        dated = True
        try:
            published = parse_published(page.published)
        except ValueError as err:
            run.warning(f"{path}: published-time meta tag: {err}; the article is treated as undated")
    return Meta(published, dated, page.outlet, page.url, page.title)
