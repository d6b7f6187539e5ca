"""JSON Lines (`.jsonl`): one record a line, read line by line; a bad line is skipped, the others are read."""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from pathlib import Path

from geo.model import Article

from .base import FileWarnings, Skip
from .encodings import BINARY_SAMPLE_BYTES, BOMS, detect_binary
from .records import json_reason, record_article
from .run import Run

__all__ = ["read"]


def read(path: Path, run: Run) -> Iterator[Article]:
    """Yield an article per record line of a JSON Lines file."""
    warnings = FileWarnings(run, str(path))
    manifest = run.manifest_meta(path)
    with open(path, "rb") as handle:
        head = handle.peek(BINARY_SAMPLE_BYTES)[:BINARY_SAMPLE_BYTES]
        if not head:
            raise Skip("empty file")
        records = 0
        for number, raw in enumerate(_jsonl_lines(handle, head), start=1):
            if number == 1 and isinstance(raw, bytes) and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            raw = raw.rstrip()
            if not raw:
                continue
            records += 1
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError) as err:
                warnings.skip_record(number, f"not valid JSON ({json_reason(err)})")
                continue
            ident = f"{path.name}:{number}"
            try:
                yield record_article(record, path, ident, number, manifest, warnings, run)
            except Skip as skip:
                warnings.skip_record(number, skip.reason)
    warnings.finish()
    if not records:
        raise Skip("no records (blank lines only)")


def _jsonl_lines(handle: io.BufferedReader, head: bytes) -> Iterator[bytes | str]:
    for bom, encoding in BOMS:
        if head.startswith(bom) and encoding != "utf-8-sig":
            # JSON Lines is UTF-8, but Windows tools write UTF-16; undecodable bytes are replaced, not fatal.
            yield from io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline=None)
            return
    detect_binary(head)
    yield from handle
