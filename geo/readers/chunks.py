"""Large texts in chunks: pieces regrouped into articles of at most about `CHUNK_CHARS`, cut at paragraphs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["CHUNK_CHARS", "split_chunks"]

CHUNK_CHARS = 1_000_000


def split_chunks(pieces: Iterable[str], size: int | None = None) -> Iterator[str]:
    """Regroup text `pieces` into chunks of at most about `size` characters, cut at paragraph boundaries.

    `size` defaults to `CHUNK_CHARS`, read at the call.
    """
    limit = CHUNK_CHARS if size is None else size
    buffer = ""
    for piece in pieces:
        buffer = buffer + piece if buffer else piece
        while len(buffer) > limit:
            cut = _cut_point(buffer, limit)
            yield buffer[:cut]
            buffer = buffer[cut:]
    if buffer:
        yield buffer


def _cut_point(text: str, size: int) -> int:
    # Prefer a blank line, then a line end, then a sentence end, then any space; never cut at 0.
    for mark in ("\n\n", "\n", ". ", " "):
        index = text.rfind(mark, 0, size)
        if index > 0:
            return index + len(mark)
    return size
