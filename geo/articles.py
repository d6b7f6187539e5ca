"""Read articles from files and directories, streaming, and give each its publication date.

Formats: `.txt` and `.md` (optional front matter), `.html`/`.htm` (reduced to text), `.json` (one record,
or a list of records) and `.jsonl` (one record a line). Articles come out one at a time, in a deterministic
order, so a corpus of any size is processed with bounded memory:

- a text or HTML file larger than `CHUNK_CHARS` is read in blocks and yielded as several `Article`s cut at
  paragraph boundaries, all with the file's id and metadata (character offsets are then relative to the
  chunk); a dateline is looked for at the start of the first chunk only, and dates every chunk;
- a `.jsonl` file is read line by line; a `.json` list is decoded element by element.

Publication dates come, in this order, from: the `manifest.csv` of the file's directory, front matter (or
an HTML page's `article:published_time`), the JSON record's fields, a dateline carrying a full date at the
start of the text, `default_date`. A source that gives a date it cannot parse wins anyway and leaves the
article undated, with a warning: a bad date is never replaced by a guess.

Problems with one file or record (binary, undecodable, empty, malformed) are reported through `warn` and
recorded in `LoadStats.skipped`; the other inputs are still read. Only sources that cannot be used at all
(a missing path, an unreadable directory, a directory without article files) raise `InputError`.

The formats are read by the modules of `geo.readers` (one per format, chosen by suffix); this module finds the
files and runs the readers over them. A document in a format Frontline does not read (`.docx`, `.pdf` ...)
found in a directory beside articles is skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from geo.errors import InputError
from geo.model import Article
from geo.readers import EXTENSIONS, UNREAD_EXTENSIONS, reader_for
from geo.readers.base import MAX_FILE_WARNINGS, LoadStats, Skip, Warn
from geo.readers.chunks import CHUNK_CHARS, split_chunks
from geo.readers.dateline import dateline_date
from geo.readers.frontmatter import split_front_matter
from geo.readers.manifest import MANIFEST_NAME
from geo.readers.published import parse_published
from geo.readers.run import Run

__all__ = [
    "EXTENSIONS",
    "MANIFEST_NAME",
    "CHUNK_CHARS",
    "MAX_FILE_WARNINGS",
    "LoadStats",
    "find_article_files",
    "iter_articles",
    "parse_published",
    "dateline_date",
    "split_front_matter",
    "split_chunks",
]

_log = logging.getLogger(__name__)
_FOUND_EXTENSIONS = EXTENSIONS + UNREAD_EXTENSIONS


def find_article_files(sources: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Return the article files named by `sources`, directories searched recursively, in a stable order.

    A directory's documents in formats that are not read come too, so that they are reported as skipped; a
    directory with no article file at all raises InputError.
    """
    if not sources:
        raise InputError("no input given: name article files or directories")
    found: list[Path] = []
    seen: set[str] = set()
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files = _walk(path)
            if not any(file.suffix.lower() in EXTENSIONS for file in files):
                raise InputError(f"no article files ({', '.join(EXTENSIONS)}) in {path}")
        elif path.is_file():
            # A file named explicitly is read whatever its extension (as plain text when unknown).
            files = [] if path.name == MANIFEST_NAME else [path]
        elif os.path.lexists(path):
            raise InputError(f"not a file or directory: {path}")
        else:
            raise InputError(f"no such file or directory: {path}")
        for file in files:
            # abspath, not realpath: no system call per file (a symlinked duplicate is read twice).
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    if not found:
        raise InputError(f"no article files ({', '.join(EXTENSIONS)}) in {', '.join(map(str, sources))}")
    return found


def _walk(root: Path) -> list[Path]:
    def fail(err: OSError) -> None:
        raise InputError(f"cannot read directory {err.filename}: {err.strerror}") from err

    files: list[tuple[tuple[str, ...], Path]] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=fail):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        base = Path(dirpath)
        folder = base.relative_to(root).parts  # once per directory: relative_to costs more than the walk
        for name in filenames:
            if name.startswith(".") or name == MANIFEST_NAME or not name.lower().endswith(_FOUND_EXTENSIONS):
                continue
            files.append(((*folder, name), base / name))
    files.sort(key=lambda item: item[0])
    return [path for _, path in files]


def iter_articles(
    sources: Sequence[str | os.PathLike[str]],
    *,
    default_date: dt.date | None = None,
    warn: Warn | None = None,
    stats: LoadStats | None = None,
) -> Iterator[Article]:
    """Yield the articles of `sources` one at a time; raise InputError now if a source is missing."""
    files = find_article_files(sources)
    run = Run(warn or _log.warning, stats if stats is not None else LoadStats(), default_date)
    return _iterate(files, run)


def _iterate(files: list[Path], run: Run) -> Iterator[Article]:
    for path in files:
        run.stats.files += 1
        produced = 0
        try:
            for article in reader_for(path)(path, run):
                produced += 1
                run.stats.articles += 1
                yield article
        except Skip as skip:
            reason = f"stopped after {produced} articles: {skip.reason}" if produced else skip.reason
            run.skip(str(path), reason)
        except OSError as err:
            run.skip(str(path), f"cannot read: {err.strerror or err}")
        if produced:
            run.stats.read += 1
