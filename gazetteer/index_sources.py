"""The files the name index is built from: the list of imported files, and the entries all sources hold."""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .normalize import normalize
from .place import Entry
from .settlements import SettlementRow, enrich, read_settlement_rows, settlement_entry
from .sources import read_embedded_cities

__all__ = [
    "DUMP_WINS_KM",
    "IMPORTS_FILE",
    "IndexSource",
    "content_digest",
    "default_cache_dir",
    "imported_sources",
    "register_imports",
    "source_entries",
]

IMPORTS_FILE = "imports.json"
# A settlement of the shipped table is left out where an imported GeoNames dump has a place of the same name
# in the same region this close (its own point): the full dump is the better source.
DUMP_WINS_KM = {"point": 10.0, "hromada": 30.0}


def default_cache_dir() -> Path:
    """Return $FRONTLINE_CACHE, else $XDG_CACHE_HOME/frontline, else ~/.cache/frontline."""
    if os.environ.get("FRONTLINE_CACHE"):
        return Path(os.environ["FRONTLINE_CACHE"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "frontline"
    return Path.home() / ".cache" / "frontline"


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



def content_digest(path: str) -> str:
    """Return the SHA-256 of a file's bytes, or '' when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


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


def source_entries(sources: Sequence[IndexSource]) -> Iterator[Entry]:
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
