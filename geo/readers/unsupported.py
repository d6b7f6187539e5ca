"""Document formats Frontline does not read (Word, OpenDocument, RTF, PDF): skipped with a warning that says so.

Found in a directory beside articles, such a file is reported rather than passed over in silence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from geo.model import Article

from .base import Skip
from .run import Run

__all__ = ["SUFFIXES", "read"]

SUFFIXES = (".doc", ".docx", ".odt", ".rtf", ".pdf")


def read(path: Path, run: Run) -> Iterator[Article]:
    """Raise Skip: the format of `path` is not read (save the article as text or HTML)."""
    raise Skip(f"{path.suffix.lower()} files are not read; save the article as .txt, .md or .html")
    yield  # a generator, like every reader
