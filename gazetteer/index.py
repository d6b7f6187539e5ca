"""The SQLite name index: built once per cache from the embedded data and imported files."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import GazetteerBuildError
from .normalize import normalize
from .place import Candidate, CandidateRow, Entry, Place, unchecked_place
from .settlements import SettlementRow, enrich, read_settlement_rows, settlement_entry, settlements_path
from .sources import embedded_cities_path, read_embedded_cities

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
]

SCHEMA_VERSION = 7
INDEX_FILE = "gazetteer.sqlite"
SPOTTER_FILE_PREFIX = "spotter-"
SPOTTER_HEADER = "frontline theatre table v4\n"
CANDIDATE_CACHE_SIZE = 200_000
# Countries whose own place names are written in Cyrillic: their names get Latin transliterations.
CYRILLIC_SCRIPT_COUNTRIES = frozenset({"UA", "RU", "BY", "BG", "RS", "MK", "KZ", "KG", "TJ", "MN", "ME", "BA"})
_MIN_KEY_LENGTH = 3
# The spelling systems that are a country's own: a Ukrainian-system spelling points to a Ukrainian place.
NATIVE_SYSTEMS = {
    "UA": {"source", "ua_national_2010"},
    "RU": {"source", "ru_bgn_pcgn", "ru_scholarly"},
    "BY": {"source", "ru_bgn_pcgn", "ru_scholarly"},
}

Progress = Callable[[str], None]
# A places row as the index stores it: geonameid, name, lat, lon, country, admin1, population, source,
# precision, admin2, admin3, admin_seat.
PlaceRow = tuple[str, str, float, float, str, str, int, str, str, str, str, int]
_ROW_DECODER = json.JSONDecoder()  # its raw_decode skips json.loads' wrappers, for one short row at a time
_PLACE_FIELDS = 12  # geonameid, name, lat, lon, country, admin1, population, source, precision, admin2, admin3,
# admin_seat


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def default_cache_dir() -> Path:
    """Return $FRONTLINE_CACHE, else $XDG_CACHE_HOME/frontline, else ~/.cache/frontline."""
    if os.environ.get("FRONTLINE_CACHE"):
        return Path(os.environ["FRONTLINE_CACHE"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "frontline"
    return Path.home() / ".cache" / "frontline"


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _usable_key(name: str, key: str) -> bool:
    # GeoNames alternate names include airport codes, links and abbreviations: keep real names only.
    if len(key) < _MIN_KEY_LENGTH or not any(c.isalpha() for c in key):
        return False
    if name.isupper() and len(name) <= 4:
        return False
    return not name.startswith(("http:", "https:"))


def name_variants(entry: Entry) -> dict[str, tuple[str, bool, int]]:
    """Return key -> (first system, is_primary, support) for every spelling of an entry.

    Support counts the distinct source spellings that give the key: a town's current name is written
    many ways (its Ukrainian and Russian forms under several systems), a former name of another town rarely.
    """
    from .translit import latin_variants

    found: dict[str, tuple[str, bool, int]] = {}

    def add(key: str, system: str, primary: bool) -> None:
        old = found.get(key)
        found[key] = (old[0], old[1] or primary, old[2] + 1) if old else (system, primary, 1)

    transliterate = entry.place.country in CYRILLIC_SCRIPT_COUNTRIES or entry.place.source == "user"
    canonical = normalize(entry.place.name)
    current = {canonical, *(normalize(n) for n in entry.current_names)}
    for name in dict.fromkeys(entry.names):
        if _is_cyrillic(name):
            if transliterate:
                keys: dict[str, str] = {}
                for variant, system in latin_variants(name).items():
                    keys.setdefault(normalize(variant), system)
                for vkey, system in keys.items():
                    if _usable_key(vkey, vkey):
                        add(vkey, system, False)
            continue
        key = normalize(name)
        if _usable_key(name, key):
            add(key, "source", key in current)
    return found


@dataclass(frozen=True, slots=True)
class IndexSource:
    """A file the index was built from, with what identifies its content."""

    kind: str  # embedded | settlements | geonames | user_csv
    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, kind: str, path: Path) -> IndexSource:
        """Describe a file as a source of the index."""
        stat = path.stat()
        return cls(kind, str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def _rules_digest() -> str:
    # The spelling rules are code: a change of the transliteration or normalization tables, or of how names
    # become keys, must rebuild the index as a change of its data does.
    from . import normalize as normalize_module
    from . import translit

    digest = hashlib.sha256()
    for module in (translit, normalize_module):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(name_variants.__code__.co_code)
    return digest.hexdigest()


def _content_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _fingerprint(sources: Sequence[IndexSource]) -> str:
    # Small shipped tables are identified by their content (an install may keep the same size and mtime).
    described = [[*dataclasses.astuple(s), _content_digest(s.path) if s.kind == "settlements" else ""]
                 for s in sources]
    payload = json.dumps([SCHEMA_VERSION, _rules_digest(), described])
    return hashlib.sha256(payload.encode()).hexdigest()


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


# A settlement of the shipped table is left out where an imported GeoNames dump has a place of the same name
# in the same region this close (its own point): the full dump is the better source.
DUMP_WINS_KM = {"point": 10.0, "hromada": 30.0}


def _entries_for(sources: Sequence[IndexSource]) -> Iterator[Entry]:
    """Yield the sources' entries: cities500 (with the settlements' spellings), dumps, settlements, user CSVs."""
    from .importers import read_geonames_dump, read_user_csv

    rows = [row for s in sources if s.kind == "settlements" for row in read_settlement_rows(Path(s.path))]
    overlay = {row.geonameid: row for row in rows if row.geonameid}
    dump_points: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    order = {"embedded": 0, "geonames": 1, "settlements": 2}
    for source in sorted(sources, key=lambda s: order.get(s.kind, 3)):  # stable: user CSVs keep their order
        if source.kind == "embedded":
            for entry in read_embedded_cities(Path(source.path)):
                row = overlay.get(str(entry.place.geonameid))
                yield enrich(entry, row) if row is not None and row.country == entry.place.country else entry
        elif source.kind == "geonames":
            for entry in read_geonames_dump(Path(source.path)):
                place = entry.place
                if place.country in ("UA", "RU") and entry.feature_code.startswith("PPL"):
                    for name in {normalize(n) for n in entry.names}:
                        dump_points[(place.country, place.admin1, name)].append((place.lat, place.lon))
                yield entry
        elif source.kind == "settlements":
            for row in rows:
                if not row.geonameid and not _in_dump(row, dump_points):
                    yield settlement_entry(row)
        elif source.kind == "user_csv":
            yield from read_user_csv(Path(source.path))


def _in_dump(row: SettlementRow, dump_points: dict[tuple[str, str, str], list[tuple[float, float]]]) -> bool:
    if not dump_points:
        return False
    from .place import nearest_km

    limit = DUMP_WINS_KM.get(row.precision, 10.0)
    return any(nearest_km(row.lat, row.lon, dump_points.get((row.country, row.admin1, normalize(n)), ())) <= limit
               for n in (row.name, *row.names))


def build_index(path: Path, sources: Sequence[IndexSource], progress: Progress = _stderr) -> None:
    """Build the index at `path` from `sources` into a temporary file, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gazetteer.", suffix=".building", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        seen_ids: dict[tuple[str, str], int] = {}
        rows: list[tuple[str, int, str, int, int]] = []
        count = 0
        for entry in _entries_for(sources):
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
                        for key, (system, primary, support) in name_variants(entry).items())
            count += 1
            if len(rows) > 200_000:
                conn.executemany("INSERT INTO names VALUES (?,?,?,?,?)", rows)
                rows.clear()
            if count % 25_000 == 0:
                progress(f"gazetteer: indexed {count:,} places")
        conn.executemany("INSERT INTO names VALUES (?,?,?,?,?)", rows)
        # A dump that repeats a cities500 place replaced it: its old name rows go with it.
        conn.execute("DELETE FROM names WHERE place_id NOT IN (SELECT id FROM places)")
        _mark_admin_seats(conn)
        conn.executescript(_INDEXES)
        meta = {
            "schema": str(SCHEMA_VERSION),
            "fingerprint": _fingerprint(sources),
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


def _candidate_row(place: Place, seat: bool, primary: int, systems: str, support: int) -> CandidateRow:
    names = set(systems.split(","))
    native = bool(names & NATIVE_SYSTEMS.get(place.country, {"source"}))
    return place, bool(primary), seat, min(names), int(support), native


IMPORTS_FILE = "imports.json"


def imported_sources(cache_dir: Path | None = None) -> list[IndexSource]:
    """Return the files registered with `frontline gazetteer import`, as index sources (missing ones left out)."""
    listing = (cache_dir or default_cache_dir()) / IMPORTS_FILE
    try:
        records = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    sources = []
    for record in records if isinstance(records, list) else []:
        path = Path(str(record.get("path", "")))
        if path.is_file():
            sources.append(IndexSource.of(str(record.get("kind", "geonames")), path))
    return sources


def register_imports(paths: Sequence[Path], cache_dir: Path | None = None) -> list[IndexSource]:
    """Check each file's format and add it to the import list; user CSVs come last so that they override."""
    from .importers import detect_format

    directory = cache_dir or default_cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    kinds = {"geonames": "geonames", "user_csv": "user_csv"}
    current = {s.path: s for s in imported_sources(directory)}
    for path in paths:
        kind = kinds[detect_format(path)]
        source = IndexSource.of(kind, Path(path))
        current[source.path] = source
    ordered = sorted(current.values(), key=lambda s: (s.kind == "user_csv", s.path))
    payload = json.dumps([{"kind": s.kind, "path": s.path} for s in ordered], indent=1)
    tmp = directory / (IMPORTS_FILE + ".tmp")
    tmp.write_text(payload, encoding="utf-8")
    os.replace(tmp, directory / IMPORTS_FILE)
    return ordered


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
        if len(fields) != _PLACE_FIELDS:
            return self._keep_place(place_id, _decode_place_row(encoded))
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
        stamp = self._stamp(countries, focus)
        side = self.path.with_name(f"{SPOTTER_FILE_PREFIX}{stamp}.txt")
        parts = _read_side_file(side)
        if len(parts) != 3:
            parts = self._theatre_table(countries, focus)
            self._write_side_file(side, SPOTTER_HEADER + "\n\n".join(parts))
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
        # "place_id<TAB>row" of each place they name (see _encode_place_row).
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
        places = [f"{i}\t{_encode_place_row(place_rows[i])}" for i in place_ids]
        return ["\n".join(grouped), "\n".join(lines), "\n".join(places)]

    def _stamp(self, countries: Sequence[str], focus: tuple[float, float] | None) -> str:
        # The index file is replaced on every rebuild: its size and mtime, with the countries and the focus,
        # name the table.
        # The table carries prior scores: the ranking's code (its weights) is part of its name too.
        from . import disambiguate

        stat = self.path.stat()
        payload = json.dumps([SCHEMA_VERSION, SPOTTER_HEADER, stat.st_size, stat.st_mtime_ns, sorted(countries),
                              focus, _content_digest(str(disambiguate.__file__))])
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def _write_side_file(self, side: Path, text: str) -> None:
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
                if stale != side and (stale.stat().st_mtime_ns < self.path.stat().st_mtime_ns
                                      or not _starts_with(stale, SPOTTER_HEADER)):
                    stale.unlink()

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


def _read_side_file(side: Path) -> list[str]:
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


def _encode_place_row(row: PlaceRow) -> str:
    # The fields joined by tabs (repr keeps every float exact); a row whose text holds a tab or a line break
    # is written as JSON, which escapes them, so that it splits into one part, not _PLACE_FIELDS.
    if any("\t" in field or "\n" in field for field in row if isinstance(field, str)):
        return json.dumps(row, ensure_ascii=False)
    return "\t".join(map(str, row))


def _decode_place_row(encoded: str) -> PlaceRow:
    fields = encoded.split("\t")
    if len(fields) != _PLACE_FIELDS:
        return tuple(_ROW_DECODER.raw_decode(encoded)[0])  # type: ignore[return-value]
    geonameid, name, lat, lon, country, admin1, population, source, precision, admin2, admin3, seat = fields
    return (geonameid, name, float(lat), float(lon), country, admin1, int(population), source, precision, admin2,
            admin3, int(seat))


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
