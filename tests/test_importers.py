"""Tests for gazetteer.importers: GeoNames dumps (plain and zipped), user CSVs, format detection."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gazetteer.errors import GazetteerImportError
from gazetteer.importers import (
    GEONAMES_COLUMNS,
    detect_format,
    read_entries,
    read_geonames_dump,
    read_user_csv,
)
from gazetteer.place import Entry, Place


def geonames_line(**overrides: str) -> str:
    """Return one line of a GeoNames dump: a Ukrainian village unless fields are overridden."""
    fields = {
        "geonameid": "700001",
        "name": "Hrakove",
        "asciiname": "Hrakove",
        "alternatenames": "Grakovo,Гракове,Граково",
        "latitude": "49.56667",
        "longitude": "36.43333",
        "feature class": "P",
        "feature code": "PPL",
        "country code": "UA",
        "cc2": "",
        "admin1 code": "07",
        "admin2 code": "",
        "admin3 code": "",
        "admin4 code": "",
        "population": "1200",
        "elevation": "",
        "dem": "150",
        "timezone": "Europe/Kyiv",
        "modification date": "2023-01-10",
    }
    fields.update({key.replace("_", " "): value for key, value in overrides.items()})
    assert list(fields) == list(GEONAMES_COLUMNS)
    return "\t".join(fields.values()) + "\n"


HRAKOVE = Entry(
    place=Place(700001, "Hrakove", 49.56667, 36.43333, "UA", "07", 1200, "geonames"),
    names=("Hrakove", "Grakovo", "Гракове", "Граково"),
    feature_code="PPL",
)
IZIUM_LINE = geonames_line(
    geonameid="707688",
    name="Izium",
    asciiname="Izium",
    alternatenames="Izjum,Izyum,Izium,Изюм,Ізюм",
    latitude="49.21018",
    longitude="37.25696",
    feature_code="PPLA2",
    population="",
)
IZIUM = Entry(
    place=Place(707688, "Izium", 49.21018, 37.25696, "UA", "07", 0, "geonames"),
    names=("Izium", "Izjum", "Izyum", "Изюм", "Ізюм"),
    feature_code="PPLA2",
)
OBLAST_LINE = geonames_line(geonameid="706482", name="Kharkivska Oblast", feature_class="A", feature_code="ADM1")
RIVER_LINE = geonames_line(geonameid="706000", name="Donets", feature_class="H", feature_code="STM")
DUMP = geonames_line() + OBLAST_LINE + RIVER_LINE + IZIUM_LINE + "\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def zip_with(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_dump_keeps_populated_places_only(tmp_path: Path) -> None:
    assert list(read_geonames_dump(write(tmp_path / "UA.txt", DUMP))) == [HRAKOVE, IZIUM]


def test_dump_accepts_a_string_path(tmp_path: Path) -> None:
    assert list(read_geonames_dump(str(write(tmp_path / "UA.txt", DUMP)))) == [HRAKOVE, IZIUM]


@pytest.mark.parametrize(
    ("zip_name", "members"),
    [
        ("UA.zip", {"readme.txt": "GeoNames readme\n", "UA.txt": DUMP}),
        ("UA.zip", {"UA.txt": DUMP, "readme.txt": "GeoNames readme\n"}),
        ("download.zip", {"readme.txt": "GeoNames readme\n", "places.txt": DUMP}),
        ("RU.zip", {"dumps/RU.txt": DUMP}),
    ],
)
def test_zipped_dump(tmp_path: Path, zip_name: str, members: dict[str, str]) -> None:
    assert list(read_geonames_dump(zip_with(tmp_path / zip_name, members))) == [HRAKOVE, IZIUM]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"readme.txt": "x\n"}, "found readme.txt"),
        ({"a.txt": DUMP, "b.txt": DUMP}, "found a.txt, b.txt"),
        ({"UA.csv": DUMP}, "found UA.csv"),
    ],
)
def test_zip_without_one_dump(tmp_path: Path, members: dict[str, str], message: str) -> None:
    with pytest.raises(GazetteerImportError, match=message):
        list(read_geonames_dump(zip_with(tmp_path / "UA.zip", members)))


def test_reading_is_lazy(tmp_path: Path) -> None:
    # The first entry comes out before the reader reaches the broken second line: the file is streamed.
    entries = read_geonames_dump(write(tmp_path / "UA.txt", geonames_line() + "broken\n"))
    assert next(entries) == HRAKOVE
    with pytest.raises(GazetteerImportError, match=r"UA\.txt, line 2: expected 19 tab-separated columns"):
        next(entries)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("700001\tHrakove\n", "expected 19 tab-separated columns of a GeoNames dump, found 2"),
        (geonames_line().replace("\n", "\textra\n"), "expected 19 tab-separated columns of a GeoNames dump, found 20"),
        (geonames_line(geonameid="70000x"), "geonameid '70000x' is not a number"),
        (geonames_line(latitude="north"), "latitude 'north' is not a number"),
        (geonames_line(longitude="nan"), "longitude 'nan' is not a finite number"),
        (geonames_line(latitude="91.5"), r"latitude 91\.5 is outside -90\.\.90"),
        (geonames_line(longitude="-190"), r"longitude -190\.0 is outside -180\.\.180"),
        (geonames_line(population="many"), "population 'many' is not a number"),
        (geonames_line(population="-5"), "population -5 is negative"),
        (geonames_line(name="", asciiname=""), "a place needs a name"),
    ],
)
def test_malformed_dump_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path / "UA.txt", geonames_line() + line)
    with pytest.raises(GazetteerImportError, match=rf"UA\.txt, line 2: {message}"):
        list(read_geonames_dump(path))


def test_malformed_line_in_zip_names_archive_and_member(tmp_path: Path) -> None:
    path = zip_with(tmp_path / "UA.zip", {"UA.txt": geonames_line() + geonames_line(latitude="?")})
    with pytest.raises(GazetteerImportError, match=r"UA\.zip:UA\.txt, line 2: latitude '\?'"):
        list(read_geonames_dump(path))


def test_non_utf8_dump(tmp_path: Path) -> None:
    path = tmp_path / "UA.txt"
    path.write_bytes(geonames_line().encode() + geonames_line(name="Grakov\xe9", alternatenames="").encode("latin-1"))
    with pytest.raises(GazetteerImportError, match=r"UA\.txt, line 2: not UTF-8 text"):
        list(read_geonames_dump(path))


def test_damaged_zip(tmp_path: Path) -> None:
    good = zip_with(tmp_path / "good.zip", {"UA.txt": DUMP * 20})
    data = bytearray(good.read_bytes())
    data[60:90] = b"\0" * 30  # inside the compressed stream of UA.txt
    bad = tmp_path / "UA.zip"
    bad.write_bytes(bytes(data))
    with pytest.raises(GazetteerImportError, match=r"UA\.zip"):
        list(read_geonames_dump(bad))


def test_names_are_stripped_and_deduplicated(tmp_path: Path) -> None:
    line = geonames_line(alternatenames=" Grakovo ,,Hrakove,Grakovo,Гракове")
    [entry] = read_geonames_dump(write(tmp_path / "UA.txt", line))
    assert entry.names == ("Hrakove", "Grakovo", "Гракове")


def test_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "UA.txt"
    path.write_bytes(DUMP.replace("\n", "\r\n").encode())
    assert list(read_geonames_dump(path)) == [HRAKOVE, IZIUM]


USER_CSV = """\ufeffname,lat,lon,country,aliases
Hrakove,49.5667,36.4333,ua,Grakové;Grakovo|Гракове

Robotyne,47.4456,35.8389,UA,Роботине | Работино ;
"Klishchiivka, Bakhmut district",48.5333,37.9667,UA,
"""

HRAKOVE_USER = Entry(
    place=Place("user:hrakove:UA", "Hrakove", 49.5667, 36.4333, "UA", "", 0, "user"),
    names=("Hrakove", "Grakové", "Grakovo", "Гракове"),
)
ROBOTYNE_USER = Entry(
    place=Place("user:robotyne:UA", "Robotyne", 47.4456, 35.8389, "UA", "", 0, "user"),
    names=("Robotyne", "Роботине", "Работино"),
)
KLISHCHIIVKA_USER = Entry(
    place=Place(
        "user:klishchiivka bakhmut district:UA",
        "Klishchiivka, Bakhmut district",
        48.5333,
        37.9667,
        "UA",
        source="user",
    ),
    names=("Klishchiivka, Bakhmut district",),
)


def test_user_csv(tmp_path: Path) -> None:
    path = write(tmp_path / "extra.csv", USER_CSV)
    assert list(read_user_csv(path)) == [HRAKOVE_USER, ROBOTYNE_USER, KLISHCHIIVKA_USER]
    assert KLISHCHIIVKA_USER.place.source == "user"


def test_user_csv_columns_in_any_order_without_aliases(tmp_path: Path) -> None:
    path = write(tmp_path / "extra.csv", "Country, Name ,LON,lat\nUA,Robotyne,35.8389,47.4456\n")
    assert list(read_user_csv(path)) == [Entry(place=ROBOTYNE_USER.place, names=("Robotyne",))]


def test_user_csv_id_is_stable_across_spellings(tmp_path: Path) -> None:
    path = write(tmp_path / "extra.csv", "name,lat,lon,country\nGrakové,49.5,36.4,UA\nGrakové,49.5,36.4,RU\n")
    assert [e.place.geonameid for e in read_user_csv(path)] == ["user:grakove:UA", "user:grakove:RU"]


def test_user_csv_with_header_only(tmp_path: Path) -> None:
    assert list(read_user_csv(write(tmp_path / "extra.csv", "name,lat,lon,country\n"))) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"extra\.csv: the file is empty"),
        ("\n\n", r"extra\.csv: the file is empty"),
        ("name,lat,country\nA,1,UA\n", r"line 1: missing column lon; expected a CSV with the header"),
        ("name,latitude,lon,country\n", r"line 1: unknown column 'latitude'"),
        ("name,lat,lon,country,lat\n", r"line 1: column 'lat' appears twice"),
        ("name,lat,lon,country\nA,1,2\n", r"line 2: expected 4 fields like the header, found 3"),
        ("name,lat,lon,country\nA,1,2,UA,x\n", r"line 2: expected 4 fields like the header, found 5"),
        ("name,lat,lon,country\n,1,2,UA\n", r"line 2: the name is empty"),
        ("name,lat,lon,country\n--,1,2,UA\n", r"line 2: the name '--' has no letters or digits"),
        ("name,lat,lon,country\nA,1°N,2,UA\n", r"line 2: latitude '1°N' is not a number"),
        ("name,lat,lon,country\nA,1,,UA\n", r"line 2: longitude '' is not a number"),
        ("name,lat,lon,country\nA,inf,2,UA\n", r"line 2: latitude 'inf' is not a finite number"),
        ("name,lat,lon,country\nA,90.5,2,UA\n", r"line 2: latitude 90\.5 is outside -90\.\.90"),
        ("name,lat,lon,country\nA,1,180.1,UA\n", r"line 2: longitude 180\.1 is outside -180\.\.180"),
        ("name,lat,lon,country\nA,1,2,Ukraine\n", r"line 2: country 'Ukraine' is not a two-letter ISO"),
        ("name,lat,lon,country\nA,1,2,\n", r"line 2: country '' is not a two-letter ISO"),
        ("name,lat,lon,country\nA,1,2,U1\n", r"line 2: country 'U1' is not a two-letter ISO"),
        ("name,lat,lon,country\nA,1,2,UA\n\na,3,4,ua\n", r"line 4: 'a' in UA repeats line 2"),
        ('name,lat,lon,country\n"A,1,2,UA\n', r"line 2: unexpected end of data"),
    ],
)
def test_bad_user_csv(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "extra.csv", text)
    with pytest.raises(GazetteerImportError, match=message):
        list(read_user_csv(path))


def test_bad_user_csv_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "extra.csv", "name,lat,lon,country\nA,x,2,UA\n")
    with pytest.raises(GazetteerImportError) as caught:
        list(read_user_csv(path))
    assert str(caught.value) == f"{path}, line 2: latitude 'x' is not a number"


def test_non_utf8_user_csv(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_bytes("name,lat,lon,country\nGrakov\xe9,1,2,UA\n".encode("latin-1"))
    with pytest.raises(GazetteerImportError, match=r"line 2: not UTF-8 text"):
        list(read_user_csv(path))


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("UA.txt", DUMP, "geonames"),
        ("no-extension", DUMP, "geonames"),
        ("places.csv", "\n" + DUMP, "geonames"),
        ("extra.csv", USER_CSV, "user_csv"),
        ("extra.txt", "NAME;x\n".replace(";x", ",lat,lon,country"), "user_csv"),
        ("extra.csv", "country,lon,lat,name,aliases\n", "user_csv"),
    ],
)
def test_detect_format(tmp_path: Path, name: str, content: str, expected: str) -> None:
    assert detect_format(write(tmp_path / name, content)) == expected


def test_detect_format_of_zip(tmp_path: Path) -> None:
    assert detect_format(zip_with(tmp_path / "UA.zip", {"readme.txt": "x\n", "UA.txt": DUMP})) == "geonames"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n  \n", "the file is empty"),
        (b"name,lat,lon\nA,1,2\n", r"cannot tell the format from the first line 'name,lat,lon'"),
        (b"a\tb\tc\n", "cannot tell the format"),
        (b"\xff\xfe\x00n\x00a", "not UTF-8 text"),
    ],
)
def test_detect_format_refuses(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "mystery.dat"
    path.write_bytes(content)
    with pytest.raises(GazetteerImportError, match=message) as caught:
        detect_format(path)
    assert "expected a GeoNames dump (19 tab-separated columns per line) or a CSV with the header" in str(caught.value)


def test_read_entries_dispatches_on_content(tmp_path: Path) -> None:
    assert list(read_entries(write(tmp_path / "a.txt", DUMP))) == [HRAKOVE, IZIUM]
    assert list(read_entries(write(tmp_path / "b.txt", USER_CSV))) == [
        HRAKOVE_USER,
        ROBOTYNE_USER,
        KLISHCHIIVKA_USER,
    ]
