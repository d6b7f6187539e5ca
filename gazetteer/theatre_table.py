"""The theatre table's side file: the spotter's keys, their candidate rows and places, as plain text.

It is derived once per index file and kept beside it (`spotter-<stamp>.txt`): three sections separated by a blank
line, after a header line that names the format (see `NameIndex.spotter_key_set`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .index_build import SCHEMA_VERSION
from .index_sources import content_digest

__all__ = [
    "PLACE_FIELDS",
    "SPOTTER_FILE_PREFIX",
    "SPOTTER_HEADER",
    "PlaceRow",
    "decode_place_row",
    "encode_place_row",
    "read_side_file",
    "side_file_path",
    "write_side_file",
]

SPOTTER_FILE_PREFIX = "spotter-"
SPOTTER_HEADER = "frontline theatre table v4\n"
# A places row as the index stores it: geonameid, name, lat, lon, country, admin1, population, source,
# precision, admin2, admin3, admin_seat.
PlaceRow = tuple[str, str, float, float, str, str, int, str, str, str, str, int]
_ROW_DECODER = json.JSONDecoder()  # its raw_decode skips json.loads' wrappers, for one short row at a time
PLACE_FIELDS = 12  # geonameid, name, lat, lon, country, admin1, population, source, precision, admin2, admin3,
# admin_seat


def side_file_path(index_path: Path, countries: Sequence[str], focus: tuple[float, float] | None) -> Path:
    """Return the path of the theatre table of `countries` with `focus`, beside the index file."""
    return index_path.with_name(f"{SPOTTER_FILE_PREFIX}{_stamp(index_path, countries, focus)}.txt")


def _stamp(index_path: Path, countries: Sequence[str], focus: tuple[float, float] | None) -> str:
    # The index file is replaced on every rebuild: its size and mtime, with the countries and the focus,
    # name the table.
    # The table carries prior scores: the ranking's code (its weights) is part of its name too.
    from . import disambiguate

    stat = index_path.stat()
    payload = json.dumps([SCHEMA_VERSION, SPOTTER_HEADER, stat.st_size, stat.st_mtime_ns, sorted(countries),
                          focus, content_digest(str(disambiguate.__file__))])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def read_side_file(side: Path) -> list[str]:
    """Return the sections of a side file, or [] when it is missing, unreadable or of another format."""
    # Each section decoded on its own: one rare character (a Gothic letter in a key) makes Python store
    # a whole string at four bytes a character, and the sections need not pay for each other's.
    try:
        data = side.read_bytes()
        header = SPOTTER_HEADER.encode()
        if not data.startswith(header):
            return []
        return [part.decode("utf-8") for part in data[len(header):].split(b"\n\n")]
    except (OSError, UnicodeDecodeError):
        return []


def _starts_with(path: Path, header: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(header.encode())) == header.encode()


def write_side_file(side: Path, sections: Sequence[str], index_path: Path) -> None:
    """Write the sections as the side file `side`, then remove the stale tables beside it (best effort)."""
    text = SPOTTER_HEADER + "\n\n".join(sections)
    # A read-only cache directory only costs the next process the SQL query again.
    try:
        fd, tmp = tempfile.mkstemp(prefix=".spotter.", dir=side.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, side)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    # Tables written before the index was last rebuilt, or in an older format, are stale.
    for stale in side.parent.glob(f"{SPOTTER_FILE_PREFIX}*.txt"):
        with contextlib.suppress(OSError):
            if stale != side and (stale.stat().st_mtime_ns < index_path.stat().st_mtime_ns
                                  or not _starts_with(stale, SPOTTER_HEADER)):
                stale.unlink()


def encode_place_row(row: PlaceRow) -> str:
    """Return a places row as one line of the side file (see `decode_place_row`)."""
    # The fields joined by tabs (repr keeps every float exact); a row whose text holds a tab or a line break
    # is written as JSON, which escapes them, so that it splits into one part, not PLACE_FIELDS.
    if any("\t" in field or "\n" in field for field in row if isinstance(field, str)):
        return json.dumps(row, ensure_ascii=False)
    return "\t".join(map(str, row))


def decode_place_row(encoded: str) -> PlaceRow:
    """Return the places row of one line written by `encode_place_row`."""
    fields = encoded.split("\t")
    if len(fields) != PLACE_FIELDS:
        return tuple(_ROW_DECODER.raw_decode(encoded)[0])  # type: ignore[return-value]
    geonameid, name, lat, lon, country, admin1, population, source, precision, admin2, admin3, seat = fields
    return (geonameid, name, float(lat), float(lon), country, admin1, int(population), source, precision, admin2,
            admin3, int(seat))
