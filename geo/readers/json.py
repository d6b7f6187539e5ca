"""JSON (`.json`): one record, a list of records, or an object holding one (`articles`, `items` ...).

A top-level list is decoded element by element, so a large feed is never held whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from geo.model import Article

from .base import FileWarnings, Skip
from .encodings import decoded_pieces
from .records import TEXT_KEYS, json_reason, record_article
from .run import Run

__all__ = ["read", "MAX_JSON_VALUE_CHARS"]

# A single JSON value larger than this is treated as malformed, so a broken file cannot fill memory.
MAX_JSON_VALUE_CHARS = 64_000_000
_JSON_LIST_KEYS = ("articles", "items", "records", "data")


def read(path: Path, run: Run) -> Iterator[Article]:
    """Yield an article per record of a JSON file."""
    warnings = FileWarnings(run, str(path))
    manifest = run.manifest_meta(path)
    with open(path, "rb") as handle:
        pieces = decoded_pieces(handle, html=False, warn=run.warning, where=str(path))
        values = _JsonValues(pieces)
        records = 0
        for index, (line, record) in enumerate(values.values()):
            records += 1
            ident = path.name if values.single else f"{path.name}:{index + 1}"
            try:
                yield record_article(record, path, ident, line, manifest, warnings, run)
            except Skip as skip:
                warnings.skip_record(line, skip.reason)
        if values.error:
            line, reason = values.error
            warnings.finish()
            raise Skip(f"line {line}: {reason}")
    warnings.finish()
    if not records:
        raise Skip("no records (an empty list)")


class _JsonValues:
    """Decode a JSON document element by element when it is a list, so a large feed is never held whole."""

    def __init__(self, pieces: Iterator[str]) -> None:
        self.pieces = pieces
        self.buffer = ""
        self.pos = 0
        self.line = 1  # line of self.pos
        self.eof = False
        self.single = False
        self.error: tuple[int, str] | None = None
        self.decoder = json.JSONDecoder()

    def values(self) -> Iterator[tuple[int, object]]:
        """Yield (line, value) for each element of a top-level list, or the records of a single object."""
        if not self._skip_space():
            self.error = (self.line, "no JSON value")
            return
        if self.buffer[self.pos] != "[":
            yield from self._whole()
            return
        self._advance(self.pos + 1)
        while True:
            if not self._skip_space():
                self.error = (self.line, "the list is not closed with ]")
                return
            if self.buffer[self.pos] == "]":
                return
            value = self._value()
            if value is None:
                return
            yield value
            if not self._skip_space():
                self.error = (self.line, "the list is not closed with ]")
                return
            mark = self.buffer[self.pos]
            if mark == ",":
                self._advance(self.pos + 1)
            elif mark != "]":
                self.error = (self.line, f"expected , or ] but found {mark!r}")
                return

    def _whole(self) -> Iterator[tuple[int, object]]:
        start_line = self.line
        parts = [self.buffer[self.pos :]]
        size = len(parts[0])
        for piece in self.pieces:
            size += len(piece)
            if size > MAX_JSON_VALUE_CHARS:
                self.error = (start_line, "a JSON object this large must be written as a list or as JSONL")
                return
            parts.append(piece)
        try:
            document = json.loads("".join(parts))
        except (ValueError, RecursionError) as err:
            self.error = (start_line, f"not valid JSON ({json_reason(err)})")
            return
        if isinstance(document, dict) and not any(key in document for key in TEXT_KEYS):
            for key in _JSON_LIST_KEYS:
                if isinstance(document.get(key), list):
                    for item in document[key]:
                        yield start_line, item
                    return
        self.single = True
        yield start_line, document

    def _value(self) -> tuple[int, object] | None:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except (ValueError, RecursionError) as err:
                too_big = len(self.buffer) - self.pos > MAX_JSON_VALUE_CHARS
                if self.eof or too_big or not self._fill():
                    reason = f"not valid JSON ({json_reason(err)}); the rest of the file is skipped"
                    self.error = (self.line, reason)
                    return None
                continue
            if end == len(self.buffer) and not self.eof and self._fill():
                continue  # a number may go on in the next piece
            line = self.line
            self._advance(end)
            return line, value

    def _skip_space(self) -> bool:
        while True:
            length = len(self.buffer)
            pos = self.pos
            while pos < length and self.buffer[pos] in " \t\r\n\ufeff":
                pos += 1
            self._advance(pos)
            if self.pos < len(self.buffer):
                return True
            if not self._fill():
                return False

    def _advance(self, pos: int) -> None:
        self.line += self.buffer.count("\n", self.pos, pos)
        self.pos = pos

    def _fill(self) -> bool:
        piece = next(self.pieces, None)
        if piece is None:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + piece
        self.pos = 0
        return True
