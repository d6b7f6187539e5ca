"""Readers for the files a user imports: GeoNames country dumps and CSVs of extra places.

Both stream their file and yield `Entry` values one at a time, so a dump of millions of lines
(allCountries.txt) never sits in memory. A malformed line raises `GazetteerImportError` naming the
file and the line number.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import math
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import GazetteerImportError
from .normalize import normalize
from .place import Entry, Place

__all__ = [
    "GEONAMES_COLUMNS",
    "USER_CSV_COLUMNS",
    "read_geonames_dump",
    "read_user_csv",
    "detect_format",
    "read_entries",
]

# The geoname table of https://download.geonames.org/export/dump/readme.txt, in file order.
GEONAMES_COLUMNS: tuple[str, ...] = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature class",
    "feature code", "country code", "cc2", "admin1 code", "admin2 code", "admin3 code", "admin4 code",
    "population", "elevation", "dem", "timezone", "modification date",
)  # fmt: skip
USER_CSV_COLUMNS: tuple[str, ...] = ("name", "lat", "lon", "country", "aliases")
_REQUIRED_USER_COLUMNS = USER_CSV_COLUMNS[:4]
_ALIAS_SEPARATOR = re.compile(r"[;|]")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_USER_CSV_HINT = "a CSV with the header name,lat,lon,country[,aliases]"
_GEONAMES_HINT = f"a GeoNames dump ({len(GEONAMES_COLUMNS)} tab-separated columns per line)"

PathLike = str | os.PathLike[str]


def _zip_member(archive: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    """Pick the dump inside a GeoNames zip: UA.zip holds UA.txt next to a readme.txt."""
    texts = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".txt")]
    for info in texts:
        if Path(info.filename).name.lower() == f"{path.stem.lower()}.txt":
            return info
    dumps = [i for i in texts if Path(i.filename).name.lower() != "readme.txt"]
    if len(dumps) == 1:
        return dumps[0]
    names = ", ".join(i.filename for i in archive.infolist()) or "nothing"
    raise GazetteerImportError(
        f"{path}: expected one GeoNames .txt dump inside the zip, found {names}; unzip it and import the .txt file"
    )


@contextlib.contextmanager
def _open_binary(path: Path) -> Iterator[tuple[IO[bytes], str]]:
    """Yield a byte stream over a file, or over the dump inside a zip, and the label its errors use."""
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                member = _zip_member(archive, path)
                with archive.open(member) as raw:
                    yield raw, f"{path}:{member.filename}"
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as err:
            # A damaged archive can fail at any point of the stream, not only when it is opened.
            raise GazetteerImportError(f"{path}: damaged zip archive ({err}); download it again") from err
    else:
        with open(path, "rb") as raw:
            yield raw, str(path)


def _text_lines(raw: IO[bytes], label: str, hint: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) for each line, decoding one line at a time so errors know their line."""
    # Splitting bytes on "\n" only: a stray "\r" inside a GeoNames field must not split the line.
    for lineno, data in enumerate(raw, 1):
        if lineno == 1 and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            yield lineno, data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise GazetteerImportError(f"{label}, line {lineno}: not UTF-8 text ({err.reason}); {hint}") from None


def _number(text: str, what: str, where: str, kind: type[int] | type[float]) -> int | float:
    """Parse one numeric field or raise an import error that shows it."""
    try:
        value = kind(text)
    except ValueError:
        raise GazetteerImportError(f"{where}: {what} {text!r} is not a number") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise GazetteerImportError(f"{where}: {what} {text!r} is not a finite number")
    return value


def _geonames_entry(line: str, where: str) -> Entry | None:
    """Parse one dump line; return None for a line that is not a populated place (class P)."""
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) != len(GEONAMES_COLUMNS):
        raise GazetteerImportError(
            f"{where}: expected {len(GEONAMES_COLUMNS)} tab-separated columns of a GeoNames dump, found {len(fields)}"
        )
    if fields[6] != "P":
        return None
    geonameid = _number(fields[0], "geonameid", where, int)
    lat = _number(fields[4], "latitude", where, float)
    lon = _number(fields[5], "longitude", where, float)
    population = _number(fields[14], "population", where, int) if fields[14] else 0
    try:
        place = Place(
            geonameid=int(geonameid),
            name=fields[1].strip(),
            lat=float(lat),
            lon=float(lon),
            country=fields[8].strip(),
            admin1=fields[10].strip(),
            population=int(population),
            source="geonames",
        )
    except ValueError as err:
        raise GazetteerImportError(f"{where}: {err}") from None
    spellings = (fields[1], fields[2], *fields[3].split(","))
    names = tuple(dict.fromkeys(s.strip() for s in spellings if s.strip()))
    return Entry(place=place, names=names, feature_code=fields[7].strip())


def read_geonames_dump(path: PathLike) -> Iterator[Entry]:
    """Yield the populated places (feature class P) of a GeoNames dump, plain .txt or zipped."""
    path = Path(path)
    with _open_binary(path) as (raw, label):
        for lineno, line in _text_lines(raw, label, "GeoNames dumps are UTF-8"):
            if line.strip("\r\n"):
                entry = _geonames_entry(line, f"{label}, line {lineno}")
                if entry is not None:
                    yield entry


def _user_header(row: list[str], where: str) -> dict[str, int]:
    """Map each column of a user CSV header to its position, refusing unknown or missing ones."""
    columns = [cell.strip().lower() for cell in row]
    unknown = [c for c in columns if c not in USER_CSV_COLUMNS]
    if unknown:
        raise GazetteerImportError(f"{where}: unknown column {unknown[0]!r}; expected {_USER_CSV_HINT}")
    missing = [c for c in _REQUIRED_USER_COLUMNS if c not in columns]
    if missing:
        raise GazetteerImportError(f"{where}: missing column {', '.join(missing)}; expected {_USER_CSV_HINT}")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise GazetteerImportError(f"{where}: column {duplicated[0]!r} appears twice")
    return {name: i for i, name in enumerate(columns)}


def _user_entry(row: list[str], header: dict[str, int], where: str) -> Entry:
    """Parse one data row of a user CSV."""
    if len(row) != len(header):
        raise GazetteerImportError(f"{where}: expected {len(header)} fields like the header, found {len(row)}")
    cell = {name: row[i].strip() for name, i in header.items()}
    name = cell["name"]
    if not name:
        raise GazetteerImportError(f"{where}: the name is empty")
    lat = float(_number(cell["lat"], "latitude", where, float))
    lon = float(_number(cell["lon"], "longitude", where, float))
    if not -90.0 <= lat <= 90.0:
        raise GazetteerImportError(f"{where}: latitude {lat!r} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise GazetteerImportError(f"{where}: longitude {lon!r} is outside -180..180")
    country = cell["country"].upper()
    if not _COUNTRY_CODE.fullmatch(country):
        raise GazetteerImportError(
            f"{where}: country {cell['country']!r} is not a two-letter ISO 3166-1 code such as UA or RU"
        )
    key = normalize(name)
    if not key:
        raise GazetteerImportError(f"{where}: the name {name!r} has no letters or digits")
    aliases = _ALIAS_SEPARATOR.split(cell.get("aliases", ""))
    names = tuple(dict.fromkeys(n for n in (name, *(a.strip() for a in aliases)) if n))
    place = Place(geonameid=f"user:{key}:{country}", name=name, lat=lat, lon=lon, country=country, source="user")
    return Entry(place=place, names=names)


def read_user_csv(path: PathLike) -> Iterator[Entry]:
    """Yield the places of a user CSV (header name,lat,lon,country[,aliases]; aliases split by ; or |)."""
    path = Path(path)
    with _open_binary(path) as (raw, label):
        lines = (text for _, text in _text_lines(raw, label, "save the CSV as UTF-8"))
        reader = csv.reader(lines, strict=True)
        header: dict[str, int] | None = None
        first_line: dict[str, int] = {}
        try:
            for row in reader:
                where = f"{label}, line {reader.line_num}"
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = _user_header(row, where)
                    continue
                entry = _user_entry(row, header, where)
                ident = str(entry.place.geonameid)
                if ident in first_line:
                    raise GazetteerImportError(
                        f"{where}: {entry.place.name!r} in {entry.place.country} repeats line "
                        f"{first_line[ident]}; merge the two rows (put extra spellings in aliases)"
                    )
                first_line[ident] = reader.line_num
                yield entry
        except csv.Error as err:
            raise GazetteerImportError(f"{label}, line {reader.line_num}: {err}") from None
        if header is None:
            raise GazetteerImportError(f"{label}: the file is empty; expected {_USER_CSV_HINT}")


def _first_line(path: Path) -> str:
    """Return the first non-blank line of a file or of the dump inside a zip, reading no further."""
    with _open_binary(path) as (raw, label):
        hint = f"expected {_GEONAMES_HINT} or {_USER_CSV_HINT}"
        for _, line in _text_lines(raw, label, hint):
            if line.strip():
                return line.rstrip("\r\n")
    return ""


def detect_format(path: PathLike) -> str:
    """Return "geonames" or "user_csv" for a file to import, judged from its first line."""
    path = Path(path)
    line = _first_line(path)
    if not line:
        raise GazetteerImportError(f"{path}: the file is empty; expected {_GEONAMES_HINT} or {_USER_CSV_HINT}")
    if len(line.split("\t")) == len(GEONAMES_COLUMNS):
        return "geonames"
    if not zipfile.is_zipfile(path):
        header = [cell.strip().lower() for cell in next(csv.reader([line]))]
        if set(_REQUIRED_USER_COLUMNS) <= set(header):
            return "user_csv"
    raise GazetteerImportError(
        f"{path}: cannot tell the format from the first line {line[:80]!r}; "
        f"expected {_GEONAMES_HINT} or {_USER_CSV_HINT}"
    )


def read_entries(path: PathLike) -> Iterator[Entry]:
    """Yield the entries of a file to import, whichever of the two formats it is in."""
    if detect_format(path) == "geonames":
        return read_geonames_dump(path)
    return read_user_csv(path)
