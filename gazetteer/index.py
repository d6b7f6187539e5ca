"""The SQLite name index: built once per cache from the embedded data and imported files, then read.

Building lives in `index_build` (schema and rows), `index_sources` (the files and their entries) and `name_keys`
(how names become keys); the theatre table's side file in `theatre_table`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from .errors import GazetteerBuildError
from .index_build import SCHEMA_VERSION, Progress, write_index
from .index_sources import (
    IMPORTS_FILE,
    IndexSource,
    content_digest,
    default_cache_dir,
    imported_sources,
    register_imports,
)
from .name_keys import CYRILLIC_SCRIPT_COUNTRIES, name_variants
from .place import Candidate, CandidateRow, Place, unchecked_place
from .settlements import settlements_path
from .sources import embedded_cities_path
from .theatre_table import (
    PLACE_FIELDS,
    PlaceRow,
    decode_place_row,
    encode_place_row,
    read_side_file,
    side_file_path,
    write_side_file,
)

__all__ = [
    "Candidate",
    "CandidateRow",
    "SCHEMA_VERSION",
    "CYRILLIC_SCRIPT_COUNTRIES",
    "default_cache_dir",
    "IndexSource",
    "build_index",
    "NameIndex",
    "name_variants",
    "imported_sources",
    "register_imports",
    "IMPORTS_FILE",
    "INDEX_FILE",
    "Progress",
]


INDEX_FILE = "gazetteer.sqlite"
CANDIDATE_CACHE_SIZE = 200_000
# The spelling systems that are a country's own: a Ukrainian-system spelling points to a Ukrainian place.
NATIVE_SYSTEMS = {
    "UA": {"source", "ua_national_2010"},
    "RU": {"source", "ru_bgn_pcgn", "ru_scholarly"},
    "BY": {"source", "ru_bgn_pcgn", "ru_scholarly"},
}


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _rules_digest() -> str:
    # The spelling rules are code: a change of the transliteration or normalization tables, or of how names
    # become keys, must rebuild the index as a change of its data does.
    from . import name_keys, translit
    from . import normalize as normalize_module

    digest = hashlib.sha256()
    for module in (translit, normalize_module, name_keys):  # name_keys: which names become keys, and how
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(name_variants.__code__.co_code)
    return digest.hexdigest()


def _fingerprint(sources: Sequence[IndexSource]) -> str:
    # Small shipped tables are identified by their content (an install may keep the same size and mtime).
    described = [[*dataclasses.astuple(s), content_digest(s.path) if s.kind == "settlements" else ""]
                 for s in sources]
    payload = json.dumps([SCHEMA_VERSION, _rules_digest(), described])
    return hashlib.sha256(payload.encode()).hexdigest()


def build_index(path: Path, sources: Sequence[IndexSource], progress: Progress = _stderr) -> None:
    """Build the index at `path` from `sources` into a temporary file, then rename it into place."""
    write_index(path, sources, fingerprint=_fingerprint(sources), keys_of=name_variants, progress=progress)


def _candidate_row(place: Place, seat: bool, primary: int, systems: str, support: int) -> CandidateRow:
    names = set(systems.split(","))
    native = bool(names & NATIVE_SYSTEMS.get(place.country, {"source"}))
    return place, bool(primary), seat, min(names), int(support), native


class NameIndex:
    """Read access to a built index; open it with `NameIndex.open`."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._place_cache: dict[int, Place] = {}
        self._seat_ids: set[int] = set()  # the places of _place_cache that are first-order seats
        # Hot names (Bakhmut, Kharkiv) are looked up again and again: keep their rows in memory.
        self._row_cache: dict[str, tuple[CandidateRow, ...]] = {}
        # The theatre table (see `spotter_key_set`), once loaded: key -> its encoded candidate rows, and
        # place id -> its encoded row, decoded on first use instead of queried; the rows' prior scores are
        # those of the table's focus.
        self._theatre_rows: dict[str, str] = {}
        self._theatre_places: dict[int, str] = {}
        self._theatre_focus: tuple[float, float] | None = None

    @classmethod
    def open(
        cls,
        cache_dir: Path | None = None,
        *,
        extra_sources: Sequence[IndexSource] = (),
        progress: Progress = _stderr,
        rebuild: bool = False,
        include_embedded: bool = True,
    ) -> NameIndex:
        """Open the index in `cache_dir`, building it first when missing, stale, or unreadable.

        `include_embedded=False` builds from `extra_sources` alone (small test gazetteers).
        """
        directory = cache_dir or default_cache_dir()
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise GazetteerBuildError(f"cannot create the cache directory {directory}: {err.strerror}") from err
        path = directory / INDEX_FILE
        embedded = ([IndexSource.of("embedded", embedded_cities_path()),
                     IndexSource.of("settlements", settlements_path())] if include_embedded else [])
        sources = [*embedded, *imported_sources(directory), *extra_sources]
        wanted = _fingerprint(sources)
        if not rebuild:
            conn, _why = _try_open(path, wanted)
            if conn is not None:
                return cls(path, conn)
        # One builder at a time: a second process waits, then finds the fresh index.
        with open(directory / (INDEX_FILE + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            conn, why = (None, "rebuild asked for") if rebuild else _try_open(path, wanted)
            if conn is None:
                _remove_stale_builds(directory)
                verb = "building" if why == "missing" else f"rebuilding ({why})"
                progress(f"gazetteer: {verb} the index in {path} (once; about 35 s)")
                build_index(path, sources, progress)
                conn, why = _try_open(path, wanted)
                if conn is None:
                    raise GazetteerBuildError(f"the index at {path} cannot be read after building it: {why}")
                progress("gazetteer: index ready")
        return cls(path, conn)

    def reopen(self) -> None:
        """Open a fresh read-only connection (in a forked worker)."""
        self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def meta(self) -> dict[str, str]:
        """Return the build metadata (schema, sources, build date, counts)."""
        return dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

    def counts(self) -> dict[str, int]:
        """Return the number of places by source and the number of name keys."""
        out = {f"places_{src}": n for src, n in
               self._conn.execute("SELECT source, COUNT(*) FROM places GROUP BY source")}
        out["names"] = self._conn.execute("SELECT COUNT(*) FROM names").fetchone()[0]
        return out

    def _place(self, place_id: int) -> tuple[Place, bool]:
        place = self._place_cache.get(place_id) or self._load_place(place_id)
        return place, place_id in self._seat_ids

    def _load_place(self, place_id: int) -> Place:
        encoded = self._theatre_places.get(place_id)
        if encoded is None:
            return self._keep_place(place_id, self._place_row(place_id))
        fields = encoded.split("\t")
        if len(fields) != PLACE_FIELDS:
            return self._keep_place(place_id, decode_place_row(encoded))
        # The common case inline (no row tuple): a cold lookup of a village name decodes its places here.
        gid, name, lat, lon, country, admin1, population, source, precision, admin2, admin3, seat = fields
        place = self._place_cache[place_id] = unchecked_place(
            int(gid) if source == "geonames" and gid.isdigit() else gid, name, float(lat), float(lon), country,
            admin1, int(population), source, precision, admin2, admin3)
        if seat != "0":
            self._seat_ids.add(place_id)
        return place

    def _keep_place(self, place_id: int, row: PlaceRow) -> Place:
        geonameid: int | str = int(row[0]) if row[7] == "geonames" and row[0].isdigit() else row[0]
        place = self._place_cache[place_id] = unchecked_place(geonameid, *row[1:11])
        if row[11]:
            self._seat_ids.add(place_id)
        return place

    def _place_row(self, place_id: int) -> PlaceRow:
        return self._conn.execute(
            "SELECT geonameid, name, lat, lon, country, admin1, population, source, precision, admin2, admin3, "
            "admin_seat FROM places WHERE id = ?", (place_id,)).fetchone()

    def candidates(self, key: str) -> list[Candidate]:
        """Return every place with the normalized name `key`."""
        return [Candidate(*row) for row in self.candidate_rows(key)]

    def candidate_rows(self, key: str) -> tuple[CandidateRow, ...]:
        """Return `candidates(key)` as plain tuples of the Candidate fields (in place_id order)."""
        cached = self._row_cache.get(key)
        if cached is None:
            if len(self._row_cache) >= CANDIDATE_CACHE_SIZE:
                self._row_cache.clear()  # bounded memory on a corpus with an endless tail of names
            cached = self._row_cache[key] = self._query_candidate_rows(key)
        return cached

    def _query_candidate_rows(self, key: str) -> tuple[CandidateRow, ...]:
        encoded = self._theatre_rows.get(key)
        if encoded is not None:
            out = []
            for row in encoded.split(";"):
                place_id, _prior, primary, native, support, system = row.split(" ")  # see _theatre_table
                place, seat = self._place(int(place_id))
                out.append((place, primary == "1", seat, system, int(support), native == "1"))
            return tuple(out)
        rows = self._conn.execute(
            "SELECT place_id, MAX(is_primary), GROUP_CONCAT(system), SUM(support) FROM names WHERE key = ? "
            "GROUP BY place_id ORDER BY place_id", (key,)
        ).fetchall()
        return tuple(_candidate_row(*self._place(place_id), primary, systems, support)
                     for place_id, primary, systems, support in rows)

    def theatre_priors(self, key: str, focus: tuple[float, float] | None) -> Sequence[tuple[Place, float]] | None:
        """Return prior_scores(key, candidate_rows(key), focus) as the theatre table holds them.

        None when the table has not the key, or was built for another focus.
        """
        # Decoded on every call, not kept: the places are kept, and the answer costs less than the work that
        # the garbage collector would spend on the tuples kept for every key ever looked up.
        encoded = self._theatre_rows.get(key)
        if encoded is None or focus != self._theatre_focus:
            return None
        places = self._place_cache
        out = []
        for row in encoded.split(";"):
            place_id, prior, _ = row.split(" ", 2)  # see _theatre_table
            number = int(place_id)
            out.append((places.get(number) or self._load_place(number), float(prior)))
        return out

    def spotter_key_set(self, countries: Sequence[str], focus: tuple[float, float] | None = None) -> frozenset[str]:
        """Return the keys of the places of `countries` and of every user place (the spotter's table).

        The theatre table (those keys with the name rows and places of every place carrying them, and their
        prior scores with `focus`) is derived once per index file and kept beside it as plain text: reading it
        back takes a few hundredths of a second where the SQL takes a second, in every new process. Once read,
        lookups of its keys are answered from memory instead of SQLite.
        """
        side = side_file_path(self.path, countries, focus)
        parts = read_side_file(side)
        if len(parts) != 3:
            parts = self._theatre_table(countries, focus)
            write_side_file(side, parts, self.path)
        keys_text, rows_text, places_text = parts
        keys = keys_text.split("\n") if keys_text else []
        if focus != self._theatre_focus:  # the rows of a table with another focus carry other priors
            self._theatre_rows.clear()
            self._theatre_focus = focus
        self._theatre_rows.update(zip(keys, rows_text.split("\n"), strict=True))
        for line in places_text.split("\n") if places_text else ():
            place_id, _, row = line.partition("\t")
            self._theatre_places[int(place_id)] = row
        return frozenset(keys)

    def _theatre_table(self, countries: Sequence[str], focus: tuple[float, float] | None) -> list[str]:
        # Three sections: the keys, one a line; each key's candidate rows, joined by ";", as
        # _query_candidate_rows and theatre_priors read them ("place_id prior is_primary native support
        # system", the prior score with `focus` in repr, which gives the float back exactly); and
        # "place_id<TAB>row" of each place they name (see encode_place_row).
        from .disambiguate import prior_scores

        marks = ",".join("?" for _ in countries) or "''"
        grouped: dict[str, list[tuple[int, int, str, int]]] = defaultdict(list)
        for key, place_id, primary, systems, support in self._conn.execute(
            f"SELECT key, place_id, MAX(is_primary), GROUP_CONCAT(system), SUM(support) FROM names WHERE key IN ("
            f"SELECT n.key FROM names n JOIN places p ON p.id = n.place_id "
            f"WHERE p.country IN ({marks}) OR p.source = 'user') GROUP BY key, place_id ORDER BY key, place_id",
            tuple(countries),
        ):
            grouped[key].append((place_id, primary, systems, support))
        place_ids = sorted({place_id for rows in grouped.values() for place_id, *_ in rows})
        place_rows = {i: self._place_row(i) for i in place_ids}
        for i, row in place_rows.items():
            if i not in self._place_cache:
                self._keep_place(i, row)
        lines = []
        for key, rows in grouped.items():
            candidates = [_candidate_row(*self._place(place_id), primary, systems, support)
                          for place_id, primary, systems, support in rows]
            priors = prior_scores(key, candidates, focus)
            lines.append(";".join(
                f"{place_id} {prior!r} {int(primary)} {int(native)} {support} {system}"
                for (place_id, *_), (_place, primary, _seat, system, support, native), (_, prior)
                in zip(rows, candidates, priors, strict=True)))
        places = [f"{i}\t{encode_place_row(place_rows[i])}" for i in place_ids]
        return ["\n".join(grouped), "\n".join(lines), "\n".join(places)]


    def place_by_geonameid(self, geonameid: int | str) -> Place | None:
        """Return the place with this id, if any."""
        row = self._conn.execute("SELECT id FROM places WHERE geonameid = ?", (str(geonameid),)).fetchone()
        return self._place(row[0])[0] if row else None

    def admin_units(self) -> list[tuple[str, str, str, str]]:
        """Return the distinct (country, admin1, raion, hromada) of the places that have a raion."""
        return self._conn.execute(
            "SELECT DISTINCT country, admin1, admin2, admin3 FROM places WHERE admin2 != '' "
            "ORDER BY country, admin1, admin2, admin3").fetchall()

    def all_keys(self, countries: Sequence[str]) -> list[str]:
        """Return the distinct keys of the places of `countries` (for fuzzy matching)."""
        marks = ",".join("?" for _ in countries) or "''"
        return [k for (k,) in self._conn.execute(
            f"SELECT DISTINCT n.key FROM names n JOIN places p ON p.id = n.place_id "
            f"WHERE p.country IN ({marks}) OR p.source = 'user'", tuple(countries))]


def _remove_stale_builds(directory: Path) -> None:
    # Called with the build lock held, so no live builder owns these: they are left by a killed build.
    for stale in directory.glob(".gazetteer.*.building"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _try_open(path: Path, fingerprint: str) -> tuple[sqlite3.Connection | None, str]:
    """Return a read-only connection to a usable index, or None and why it cannot be used."""
    if not path.exists():
        return None, "missing"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as err:
        return None, f"unreadable: {err}"
    try:
        why = _unusable(conn, path, fingerprint)
    except sqlite3.Error as err:
        why = f"damaged: {err}"
    if why:
        conn.close()
        return None, why
    return conn, ""


def _unusable(conn: sqlite3.Connection, path: Path, fingerprint: str) -> str:
    """Return why the open index cannot be used, or ''."""
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    # A truncated file keeps its header, and SQLite notices the missing pages only when a query reaches them.
    if page_size * page_count > path.stat().st_size:
        return "damaged: the file is truncated"
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return "not a Frontline index"
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("schema") != str(SCHEMA_VERSION):
        return f"schema {meta.get('schema') or 'unknown'}, this version reads schema {SCHEMA_VERSION}"
    if meta.get("fingerprint") != fingerprint:
        return "its sources changed"
    conn.execute("SELECT COUNT(*) FROM names WHERE key = 'kyiv'").fetchone()
    return ""
