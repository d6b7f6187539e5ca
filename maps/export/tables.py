"""The CSV files of a map folder: `events.csv` (the command-line contract) and `unresolved.csv`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from gazetteer.place import Place
from geo.model import UnresolvedName
from geo.records import inert_text

__all__ = ["UNRESOLVED_COLUMNS", "unresolved_csv_text"]

UNRESOLVED_COLUMNS = ("surface", "status", "article", "would_be", "candidates", "sentence")


def unresolved_csv_text(names: Iterable[UnresolvedName]) -> str:
    """Return unresolved and ambiguous names as CSV: one row per (name, article, sentence), best candidates."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(UNRESOLVED_COLUMNS)
    rows = set()
    for name in names:
        candidates = "; ".join(
            f"{place.name} ({_where(place)}) {place.lat:.4f},{place.lon:.4f} id={place.geonameid}"
            for place, _score in name.candidates[:5]
        )
        rows.add(tuple(inert_text(cell) for cell in (name.surface, name.status, name.article_id, name.would_be,
                                                        candidates, name.sentence)))
    for row in sorted(rows):
        writer.writerow(row)
    return buffer.getvalue()


def _where(place: Place) -> str:
    # As `frontline geocode` says it: "Shevchenkove hromada, Kupiansk raion, Kharkiv Oblast, UA".
    parts = (place.admin3 and f"{place.admin3} hromada", place.admin2 and f"{place.admin2} raion", place.region,
             place.country)
    return ", ".join(part for part in parts if part)
