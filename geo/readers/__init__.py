"""Article readers, one module per format, chosen by file suffix.

A reader is `read(path, run) -> Iterator[Article]`: it yields the file's articles and raises `Skip` when the
file cannot be used. To add a format, write a module with a `read` function and add its suffixes to
`READERS` below. The pieces the readers share are small modules of their own: `encodings` (BOMs, binary
detection, code pages), `manifest` (`manifest.csv`), `frontmatter`, `dateline`, `published` (date fields),
`chunks` (large files), `records` (JSON record fields), `run` (warnings, counters, building an `Article`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from geo.model import Article

from . import html, json, jsonl, text, unsupported
from .run import Run

__all__ = ["Reader", "READERS", "EXTENSIONS", "UNREAD_EXTENSIONS", "reader_for"]

Reader = Callable[[Path, Run], Iterator[Article]]

# Suffix (lower case) -> reader. The order is the order in which messages list the formats.
READERS: dict[str, Reader] = {
    ".txt": text.read,
    ".md": text.read,
    ".html": html.read,
    ".htm": html.read,
    ".json": json.read,
    ".jsonl": jsonl.read,
}
EXTENSIONS = tuple(READERS)
# Documents that are found in a directory walk so that they can be reported as skipped.
UNREAD_EXTENSIONS = unsupported.SUFFIXES


def reader_for(path: Path) -> Reader:
    """Return the reader of `path`'s format: by suffix, plain text for a suffix no reader claims."""
    suffix = path.suffix.lower()
    if suffix in UNREAD_EXTENSIONS:
        return unsupported.read
    return READERS.get(suffix, text.read)
