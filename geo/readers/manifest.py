"""The `manifest.csv` of a directory: `file,published,outlet,url,title` for the articles beside it.

A row that cannot be trusted (a bad date, a duplicate with another date, a short row) leaves its article undated
with a warning, never with a wrong date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

from .base import FileWarnings, Meta, Skip, Warner
from .encodings import decoded_pieces
from .published import parse_published

__all__ = ["MANIFEST_NAME", "MANIFEST_COLUMNS", "read_manifest"]

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "published", "outlet", "url", "title")


def read_manifest(path: Path, run: Warner) -> dict[str, Meta]:
    """Return the rows of the manifest at `path` by file name; a missing manifest gives none, silently."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; a missing manifest is the common case
    except FileNotFoundError:
        return {}
    except OSError as err:
        run.warning(f"{path}: cannot read the manifest ({err.strerror}); its directory is read without it")
        return {}
    with handle:
        try:
            text = "".join(decoded_pieces(handle, html=False, warn=run.warning, where=str(path)))
        except Skip as skip:
            run.warning(f"{path}: manifest ignored: {skip.reason}")
            return {}
    return _parse_manifest(path, text, run)


def _parse_manifest(path: Path, text: str, run: Warner) -> dict[str, Meta]:
    warnings = FileWarnings(run, str(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        return {}
    except csv.Error as err:
        run.warning(f"{path}:1: manifest ignored: {err}")
        return {}
    if "file" not in header:
        run.warning(f"{path}:1: manifest ignored: no 'file' column (columns: {', '.join(MANIFEST_COLUMNS)})")
        return {}
    if "published" not in header:
        warnings.warn(1, "no 'published' column; dates come from the articles themselves")
    column = {name: header.index(name) for name in MANIFEST_COLUMNS if name in header}
    existing = set(os.listdir(path.parent))
    rows: dict[str, Meta] = {}
    first_line: dict[str, int] = {}
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            warnings.warn(reader.line_num, f"unreadable row ({err}); the rest of the manifest is ignored")
            break
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        meta = _manifest_row(cells, header, column, line, warnings)
        name = cells[column["file"]].strip()
        if not name:
            warnings.warn(line, "row has no file name; ignored")
            continue
        if name not in existing and not (path.parent / name).is_file():
            warnings.warn(line, f"names {name}, which does not exist in {path.parent}")
        if name in rows:
            earlier = rows[name]
            if earlier.dated != meta.dated or earlier.published != meta.published:
                warnings.warn(line, f"{name} is also on line {first_line[name]} with another date; "
                                    "it is treated as undated")  # fmt: skip
                rows[name] = Meta(None, True, earlier.outlet, earlier.url, earlier.title)
            else:
                warnings.warn(line, f"duplicate row for {name} (first on line {first_line[name]}); ignored")
            continue
        rows[name] = meta
        first_line[name] = line
    warnings.finish()
    return rows


def _manifest_row(
    cells: list[str], header: list[str], column: dict[str, int], line: int, warnings: FileWarnings
) -> Meta:
    if len(cells) != len(header):
        warnings.warn(line, f"row has {len(cells)} cells but the header has {len(header)}; check the quoting")

    def cell(name: str) -> str | None:
        index = column.get(name)
        if index is None:
            return ""
        return cells[index].strip() if index < len(cells) else None

    published: dt.date | None = None
    dated = False
    raw = cell("published")
    if raw is None:
        warnings.warn(line, "row has no 'published' cell; the article is treated as undated")
        dated = True
    elif raw:
        dated = True
        try:
            published = parse_published(raw)
        except ValueError as err:
            warnings.warn(line, f"{err}; the article is treated as undated")
    return Meta(published, dated, cell("outlet") or "", cell("url") or "", cell("title") or "")
