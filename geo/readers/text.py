"""Plain text and Markdown (`.txt`, `.md`, and any file named explicitly whose suffix no reader claims).

Optional front matter at the top; a large file is yielded in chunks cut at paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from geo.model import Article

from .base import Meta
from .chunks import split_chunks
from .encodings import decoded_pieces, normalized_newlines
from .frontmatter import front_matter_meta, split_front_matter
from .run import Run, chunk_articles

__all__ = ["read"]


def read(path: Path, run: Run) -> Iterator[Article]:
    """Yield the articles of a text file (one, or one per chunk of a large file)."""
    with open(path, "rb") as handle:
        pieces = normalized_newlines(decoded_pieces(handle, html=False, warn=run.warning, where=str(path)))
        first = next(pieces, "")
        fields, first = split_front_matter(first)
        front = front_matter_meta(path, fields, run)
        metas: tuple[Meta, ...] = (run.manifest_meta(path), front)
        yield from chunk_articles(path, run, split_chunks(chain((first,), pieces)), metas, "empty file (no text)")
