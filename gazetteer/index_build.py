"""Write the SQLite name index: its schema, its places and name keys, and the atomic swap into place."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .index_sources import IndexSource, source_entries
from .place import Entry

__all__ = ["SCHEMA_VERSION", "KeysOf", "Progress", "write_index"]

SCHEMA_VERSION = 7
Progress = Callable[[str], None]
# How an entry's names become keys: key -> (first system, is_primary, support), as `name_keys.name_variants`.
KeysOf = Callable[[Entry], dict[str, tuple[str, bool, int]]]

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    geonameid TEXT NOT NULL,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    population INTEGER NOT NULL,
    source TEXT NOT NULL,
    precision TEXT NOT NULL,
    admin2 TEXT NOT NULL,
    admin3 TEXT NOT NULL,
    feature_code TEXT NOT NULL,
    admin_seat INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE names (
    key TEXT NOT NULL, place_id INTEGER NOT NULL, system TEXT NOT NULL,
    is_primary INTEGER NOT NULL, support INTEGER NOT NULL
);
"""
_INDEXES = """
CREATE INDEX names_key ON names(key);
CREATE INDEX places_geonameid ON places(geonameid);
"""


def write_index(path: Path, sources: Sequence[IndexSource], *, fingerprint: str, keys_of: KeysOf,
                progress: Progress) -> None:
    """Build the index at `path` from `sources` into a temporary file, then rename it into place.

    `fingerprint` is stored in the build metadata; `keys_of` gives each entry's name keys.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gazetteer.", suffix=".building", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        count = _insert_entries(conn, sources, keys_of, progress)
        _mark_admin_seats(conn)
        conn.executescript(_INDEXES)
        meta = {
            "schema": str(SCHEMA_VERSION),
            "fingerprint": fingerprint,
            "sources": json.dumps([dataclasses.asdict(s) for s in sources]),
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "places": str(count),
        }
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.commit()
        _carry_online_cache(conn, path)
        conn.close()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _insert_entries(conn: sqlite3.Connection, sources: Sequence[IndexSource], keys_of: KeysOf,
                    progress: Progress) -> int:
    """Insert the places and name keys of the sources' entries; return how many entries were read."""
    seen_ids: dict[tuple[str, str], int] = {}
    rows: list[tuple[str, int, str, int, int]] = []
    count = 0
    for entry in source_entries(sources):
        place = entry.place
        ident = (place.source if place.source != "user" else "user", str(place.geonameid))
        if ident in seen_ids:
            # A full GeoNames dump repeats cities500: the richer, later record replaces the place.
            place_id = seen_ids[ident]
            conn.execute("DELETE FROM places WHERE id = ?", (place_id,))
        else:
            place_id = len(seen_ids) + 1
            seen_ids[ident] = place_id
        conn.execute(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
            (place_id, str(place.geonameid), place.name, place.lat, place.lon, place.country,
             place.admin1, place.population, place.source, place.precision, place.admin2, place.admin3,
             entry.feature_code),
        )
        rows.extend((key, place_id, system, int(primary), support)
                    for key, (system, primary, support) in keys_of(entry).items())
        count += 1
        if len(rows) > 200_000:
            conn.executemany("INSERT INTO names VALUES (?,?,?,?,?)", rows)
            rows.clear()
        if count % 25_000 == 0:
            progress(f"gazetteer: indexed {count:,} places")
    conn.executemany("INSERT INTO names VALUES (?,?,?,?,?)", rows)
    # A dump that repeats a cities500 place replaced it: its old name rows go with it.
    conn.execute("DELETE FROM names WHERE place_id NOT IN (SELECT id FROM places)")
    return count


def _carry_online_cache(conn: sqlite3.Connection, old_path: Path) -> None:
    # The online fallback caches its answers in the index file: a rebuild must not throw them away.
    if not old_path.exists():
        return
    try:
        conn.execute("ATTACH DATABASE ? AS old", (str(old_path),))
    except sqlite3.DatabaseError:
        return
    try:
        if conn.execute("SELECT 1 FROM old.sqlite_master WHERE name = 'online_cache'").fetchone():
            conn.execute("CREATE TABLE online_cache AS SELECT * FROM old.online_cache")
            conn.commit()
    except sqlite3.DatabaseError:
        pass
    finally:
        conn.execute("DETACH DATABASE old")


def _mark_admin_seats(conn: sqlite3.Connection) -> None:
    # GeoNames marks first-order seats PPLA/PPLC; cities500 has no feature codes, so the most populous
    # place of each first-order division stands in ("Kharkiv region" names the oblast, not the city).
    conn.execute("UPDATE places SET admin_seat = 1 WHERE feature_code IN ('PPLA', 'PPLC')")
    conn.execute(
        """UPDATE places SET admin_seat = 1 WHERE feature_code = '' AND admin1 != '' AND id IN (
               SELECT id FROM (SELECT id, ROW_NUMBER() OVER (
                   PARTITION BY country, admin1 ORDER BY population DESC, id) AS rank FROM places
                   WHERE source != 'user') WHERE rank = 1)"""
    )
