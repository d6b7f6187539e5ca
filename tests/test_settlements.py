"""The settlements table (KATOTTG names, GeoNames points checked against the hromada) and hard region cues."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from gazetteer import build_settlements as build
from gazetteer import index as index_module
from gazetteer.disambiguate import Area, Cues, inside
from gazetteer.gazetteer import Gazetteer
from gazetteer.index import IndexSource, _fingerprint
from gazetteer.place import PRECISIONS, Place
from gazetteer.regions import region_name
from gazetteer.settlements import read_settlement_rows, settlements_path

from .conftest import write_geonames_dump

HEADER = "id\tcountry\tadmin1\traion\thromada\tcategory\tprecision\tlat\tlon\tgeonameid\tname\tnames\n"
TABLE_ROWS = [
    # Robotyne's own point; a second Robotyne-like village with only its hromada's centre; a Kursk village.
    "UA23100270150025192\tUA\t26\tPolohivskyi\tTokmatska\tC\tpoint\t47.44560\t35.83430\t\tRobotyne\tРоботине",
    "UA23100270990000001\tUA\t26\tPolohivskyi\tTokmatska\tC\thromada\t47.25000\t35.70000\t\tVerbove\tВербове",
    "UA63140150040031976\tUA\t07\tChuhuivskyi\tProlisnenska\tC\tpoint\t49.71820\t36.81480\t\tHrakove\tГракове",
    "RU-307812\tRU\t41\t\t\t\tpoint\t51.25110\t35.11780\t\tSverdlikovo\tСвердликово",
]


def write_table(path: Path, rows: list[str] = TABLE_ROWS) -> Path:
    """Write a settlements table in the shipped format."""
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(HEADER + "".join(r + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """Return a gazetteer of the tiny GeoNames places plus a four-row settlements table."""
    folder = tmp_path_factory.mktemp("settlements")
    table = write_table(folder / "settlements.tsv.gz")
    dump = write_geonames_dump(folder / "UA.txt")
    return Gazetteer.open(folder / "cache", extra_sources=[IndexSource.of("geonames", dump),
                                                          IndexSource.of("settlements", table)],
                          progress=lambda _m: None, include_embedded=False)


# -- the shipped table ------------------------------------------------------------------------------------------

def test_shipped_table_holds_every_settlement_with_a_known_precision() -> None:
    rows = list(read_settlement_rows(settlements_path()))
    ukraine = [r for r in rows if r.country == "UA"]
    assert len(ukraine) > 28_000
    assert {r.precision for r in rows} <= set(PRECISIONS)
    assert sum(r.country == "RU" for r in rows) > 500
    # Every point lies in the theatre's box, every Ukrainian row has its oblast, raion and hromada.
    assert all(44.0 <= r.lat <= 52.5 and 22.0 <= r.lon <= 40.5 for r in ukraine)
    assert all(r.admin1 and r.raion and r.hromada for r in ukraine)
    robotyne = [r for r in ukraine if r.name == "Robotyne"]
    assert len(robotyne) == 1 and robotyne[0].precision == "point" and robotyne[0].admin1 == "26"


# -- the build: a point is trusted only near its hromada ------------------------------------------------------

def _settlement(code: str, name: str, hromada: str = "H1") -> build.Settlement:
    return build.Settlement(code, "C", name, "07", "R1", "Raion", hromada, "Hromada")


def test_build_rejects_a_namesake_point_and_gives_the_hromada_centre() -> None:
    villages = [_settlement("A", "Ааа"), _settlement("B", "Ббб"), _settlement("C", "Ввв"), _settlement("D", "Ггг"),
                _settlement("E", "Ддд")]
    postal = [
        {"country_code": "UA", "city": "Ааа", "state": "Kharkivska", "latitude": 49.70, "longitude": 36.80,
         "accuracy": 4.0},
        {"country_code": "UA", "city": "Ббб", "state": "Kharkivska", "latitude": 49.72, "longitude": 36.85,
         "accuracy": 4.0},
        {"country_code": "UA", "city": "Ввв (Вввська сільська рада)", "state": "Kharkivska", "latitude": 49.68,
         "longitude": 36.83, "accuracy": 4.0},
        # A namesake's point 150 km away: not this village's.
        {"country_code": "UA", "city": "Ггг", "state": "Kharkivska", "latitude": 50.60, "longitude": 35.20,
         "accuracy": 4.0},
        # A coarse point (accuracy 1): never used.
        {"country_code": "UA", "city": "Ддд", "state": "Kharkivska", "latitude": 49.69, "longitude": 36.82,
         "accuracy": 1.0},
    ]
    counts = build.place_ukraine(villages, postal, [])
    by_code = {s.code: s for s in villages}
    assert counts["point"] == 3 and counts["hromada"] == 2
    assert by_code["A"].point == (49.70, 36.80) and by_code["A"].precision == "point"
    assert by_code["C"].precision == "point"  # the council's name in brackets is not part of the name
    for code in "DE":
        assert by_code[code].precision == "hromada"
        lat, lon = by_code[code].point  # type: ignore[misc]
        assert 49.6 < lat < 49.8 and 36.7 < lon < 36.9


def test_match_key_folds_apostrophes_and_council_names() -> None:
    assert build.match_key("П’ятихатки ") == build.match_key("П'ятихатки") == "п'ятихатки"
    assert build.match_key("Воля (Микулинецька селищна рада)") == "воля"


# -- the index reads the table ----------------------------------------------------------------------------------

def test_table_places_resolve_with_precision_and_region(small: Gazetteer) -> None:
    robotyne = small.resolve("Robotyne")
    assert robotyne.status == "resolved" and robotyne.best is not None
    assert robotyne.best.precision == "point" and robotyne.best.admin2 == "Polohivskyi"
    assert robotyne.best.region == "Zaporizhzhia Oblast"
    # Latin spellings come from the Cyrillic name under every system (Robotine: BGN/PCGN read of Роботине).
    assert small.resolve("Robotine").best == robotyne.best
    verbove = small.resolve("Verbove")
    assert verbove.best is not None and verbove.best.precision == "hromada" and verbove.best.approximate
    assert verbove.to_dict()["best"]["precision"] == "hromada"  # type: ignore[index]
    kursk = small.resolve("Sverdlikovo")
    assert kursk.best is not None and kursk.best.region == "Kursk Oblast"


def test_an_imported_dump_wins_over_the_table(tmp_path: Path) -> None:
    table = write_table(tmp_path / "settlements.tsv.gz")
    dump = write_geonames_dump(tmp_path / "UA.txt", [
        (999001, "Robotyne", "Robotyne", "Роботине", 47.4470, 35.8350, "PPL", "UA", "26", 500)])
    small = Gazetteer.open(tmp_path / "cache", extra_sources=[IndexSource.of("geonames", dump),
                                                             IndexSource.of("settlements", table)],
                           progress=lambda _m: None, include_embedded=False)
    found = small.candidates("Robotyne")
    assert [c.place.geonameid for c in found] == [999001]


# -- hard region cues -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("fighting in the Kharkiv region", 703071),  # the village, not the Donetsk-region town
        ("fighting in the Donetsk region", 704204),
        ("shelling near Balakliia", 703071),
        ("in the Balakliia direction", 703071),
        ("Lyman, 45 km from Kharkiv", 703071),
        ("the Kursk region", None),  # no Lyman there: unresolved, never a namesake elsewhere
        ("Lyman, Kursk Oblast", None),
    ],
)  # fmt: skip
def test_a_stated_region_rules_out_every_candidate_outside_it(tiny_gazetteer: Gazetteer, context: str,
                                                              expected: int | None) -> None:
    result = tiny_gazetteer.resolve("Lyman", tiny_gazetteer.cues_from_text(context))
    if expected is None:
        assert result.status == "unresolved" and result.best is None
        assert result.candidates  # the namesakes outside stay listed for unresolved.csv
    else:
        assert result.best is not None and result.best.geonameid == expected


@pytest.mark.parametrize(
    ("context", "bound"),
    [("Lyman, just across the administrative border from the Donetsk region", False),
     ("Lyman, on the border with the Donetsk region", False),
     ("Lyman, outside the Donetsk region", False),
     ("Lyman, in the neighbouring Donetsk region", True)],
)  # fmt: skip
def test_a_region_named_as_the_neighbour_binds_nothing(tiny_gazetteer: Gazetteer, context: str, bound: bool) -> None:
    regions = [a for a in tiny_gazetteer.within_cues(context) if not a.is_circle]
    assert bool(regions) is bound


def test_raion_and_hromada_cues_name_units_by_adjective_or_centre(small: Gazetteer) -> None:
    assert small.unit_areas("Polohivskyi", "district") == (Area("UA", "26", "Polohivskyi"),)
    assert small.unit_areas("Tokmatska", "hromada") == (Area("UA", "26", "Polohivskyi", "Tokmatska"),)
    cues = small.cues_from_text("Robotyne in the Polohivskyi district")
    assert small.resolve("Robotyne", cues).status == "resolved"
    assert small.resolve("Hrakove", cues).status == "unresolved"


def test_inside_needs_one_region_and_one_circle() -> None:
    place = Place(1, "X", 49.0, 37.0, "UA", "05", admin2="Kramatorskyi")
    assert inside(place, (Area("UA", "07"), Area("UA", "05")))
    assert not inside(place, (Area("UA", "07"),))
    assert inside(place, (Area("UA", "05", "Kramatorskyi"), Area(lat=49.1, lon=37.0, km=20.0)))
    assert not inside(place, (Area("UA", "05"), Area(lat=50.0, lon=37.0, km=20.0)))
    assert not inside(place, (Area("UA", "05", "Bakhmutskyi"),))
    assert inside(Place(2, "Y", 49.0, 37.0, "UA", "05"), (Area("UA", "05", "Bakhmutskyi"),))  # raion unknown


@pytest.mark.parametrize("name", ["Donbas", "Dnipropetrovsk", "Kirovohrad", "Donbass"])
def test_names_that_are_regions_are_never_points(tiny_gazetteer: Gazetteer, name: str) -> None:
    result = tiny_gazetteer.resolve(name)
    assert result.status == "region" and result.best is None


def test_cues_without_areas_keep_soft_ranking(tiny_gazetteer: Gazetteer) -> None:
    assert tiny_gazetteer.resolve("Lyman", Cues(countries=("UA",))).best is not None


# -- names, fingerprint ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("country", "admin1", "name"),
    [("UA", "07", "Kharkiv Oblast"), ("RU", "41", "Kursk Oblast"), ("RU", "09", "Belgorod Oblast"),
     ("UA", "11", "Autonomous Republic of Crimea"), ("XX", "99", "99, XX"), ("", "", "")],
)
def test_regions_are_named_not_coded(country: str, admin1: str, name: str) -> None:
    assert region_name(country, admin1) == name


def test_a_place_rejects_an_unknown_precision() -> None:
    with pytest.raises(ValueError, match="precision"):
        Place(1, "X", 49.0, 37.0, precision="exact")


def test_fingerprint_covers_the_spelling_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    table = write_table(tmp_path / "settlements.tsv.gz")
    sources = [IndexSource.of("settlements", table)]
    before = _fingerprint(sources)
    monkeypatch.setattr(index_module, "_rules_digest", lambda: "changed rules")
    assert _fingerprint(sources) != before


def test_fingerprint_covers_the_table_content(tmp_path: Path) -> None:
    table = write_table(tmp_path / "settlements.tsv.gz")
    source = IndexSource.of("settlements", table)
    before = _fingerprint([source])
    write_table(table, TABLE_ROWS[:2])
    assert _fingerprint([source]) != before  # same IndexSource (size and mtime kept), other content


def test_geocode_text_names_regions_marks_fuzzy_and_approximate(small: Gazetteer) -> None:
    assert small.resolve("Robotyne").text_lines() == [
        "Robotyne: resolved -> Robotyne (Tokmatska hromada, Polohivskyi raion, Zaporizhzhia Oblast, UA) "
        "47.4456,35.8343 geonameid=UA23100270150025192 population=0"]
    assert "(approximate location: hromada centre)" in small.resolve("Verbove").text_lines()[0]
    assert small.resolve("Donbas").text_lines() == ["Donbas: region (a region's name, not a settlement's)"]
    fuzzy = small.resolve("Sverdlikovoo", small.cues_from_text("Sudzha")).text_lines()[0]
    assert fuzzy.startswith("Sverdlikovoo: fuzzy: ")


@pytest.mark.parametrize(
    ("ukrainian", "russian"),
    [("Новомихайлівка", "Новомихайловка"), ("Георгіївка", "Георгиевка"), ("Красна Гора", "Красная Гора"),
     ("Степове", "Степовое"), ("Побєда", "Победа"), ("Олександрівка", "Александровка"), ("Покровськ", "Покровск"),
     ("Нова Каракуба", "Новая Каракуба"), ("Кур'янівка", "Курьяновка")],
)  # fmt: skip
def test_russian_forms_of_ukrainian_names(ukrainian: str, russian: str) -> None:
    assert build.russian_form(ukrainian) == russian


@pytest.mark.parametrize(
    ("ukrainian", "forms"),
    [("Піски", ("Писки", "Пески")), ("Велика Новосілка", ("Великая Новосилка", "Великая Новосёлка")),
     ("Кліщіївка", ("Клищиевка", "Клещеевка")), ("Роботине", ("Роботино", "Работино")),
     ("Кам’янка", ("Камьянка", "Каменка")), ("Затишшя", ("Затишье",)), ("Привілля", ("Привилье", "Приволье")),
     ("Світле", ("Свитлое", "Светлое")), ("Новий Світ", ("Новый Свит", "Новый Свет")),
     ("Перемога", ("Победа", "Побєда")), ("Північне", ("Пивничное", "Северное", "Сєверне")),
     ("Новомихайлівка", ("Новомихайловка",)), ("Великий Бурлук", ()),
     # -ів stays: Антонів -> Антонов would be a surname (the Antonov airport), not a village.
     ("Антонів", ("Антонив",)),
     # the Russian press's forms of Oliinykove, Pletenivka, Pylna, Halytsynivka, Novoekonomichne
     ("Олійникове", ("Олийниковое", "Олейниково")), ("Плетенівка", ("Плетеновка", "Плетеневка")),
     ("Пильна", ("Пыльная",)), ("Галицинівка", ("Галициновка", "Галицыновка")),
     ("Новоекономічне", ("Новоекономичное", "Новоэкономическое"))],
)  # fmt: skip
def test_second_russian_forms_and_translated_names(ukrainian: str, forms: tuple[str, ...]) -> None:
    found = build.russian_forms(ukrainian)
    # The usual form first; the others in any order (a root's vowel and an ending may each differ or not).
    assert found[:1] == forms[:1] and set(forms) <= set(found), found
    assert not forms or all(f != ukrainian for f in found)


@pytest.mark.parametrize(("name", "spelling"), [("Великая Новосёлка", "Velikaya Novosyolka"),
                                                ("Артёмовск", "Artyomovsk")])
def test_yo_is_spelled_as_the_press_does(name: str, spelling: str) -> None:
    from gazetteer.translit import latin_variants
    assert spelling in latin_variants(name)


def test_every_approximate_point_has_a_trusted_point_in_its_hromada() -> None:
    # A hromada centre made of namesakes' points only is no centre: such villages are left out.
    trusted = {(r.admin1, r.raion, r.hromada) for r in read_settlement_rows() if r.country == "UA"
               and r.precision == "point"}
    approximate = [r for r in read_settlement_rows() if r.precision == "hromada"]
    assert approximate and all((r.admin1, r.raion, r.hromada) in trusted for r in approximate)



@pytest.mark.parametrize(
    ("context", "expected"),
    [("the village north of Balakliia", 703071),
     ("Lyman, west of Balakliia", 703071),  # the Lyman 20 km from Balakliia, not the one 110 km away
     ("Lyman, west of Kupiansk", None),  # both Lymans lie more than 60 km from Kupiansk, a town
     # a city's bearing reaches 130 km (the press's direction is loose and is not checked)
     ("Lyman, west of Donetsk", 704204),
     ("in the east of Ukraine", 704204)],  # no place's neighbourhood: the ranking alone
)  # fmt: skip
def test_bearing_of_a_town_is_a_neighbourhood(tiny_gazetteer: Gazetteer, context: str, expected: int | None) -> None:
    result = tiny_gazetteer.resolve("Lyman", tiny_gazetteer.cues_from_text(context))
    assert (result.best.geonameid if result.best else None) == expected


def test_near_a_name_does_not_constrain_that_name(tiny_gazetteer: Gazetteer) -> None:
    # "fighting near Lyman" says where other places are; Lyman itself is ranked as without the cue.
    cues = tiny_gazetteer.cues_from_text("fighting near Lyman and Izium")
    assert tiny_gazetteer.resolve("Lyman", cues).best == tiny_gazetteer.resolve("Lyman").best


@pytest.mark.parametrize(
    ("ukrainian", "expected", "absent"),
    [("Дігтярне", ("Дегтярне", "Дегтярное"), ()),  # Dehtiarne, Degtyarnoye
     ("Остапівське", ("Остаповское",), ()),  # Ostapovskoye
     ("Рівне", ("Ровное",), ()),  # Rovnoye
     # і at the start of a root or after a vowel is not a closed syllable's vowel
     ("Новоіванівка", (), ("Новоеванівка",)),
     ("Іванівка", (), ("Еванівка",))],
)  # fmt: skip
def test_root_vowel_variants_give_the_older_and_russian_spellings(ukrainian: str, expected: tuple[str, ...],
                                                                   absent: tuple[str, ...]) -> None:
    found = build.name_variants(ukrainian, taken=set())
    assert set(expected) <= set(found), found
    assert not set(absent) & set(found)


def test_a_variant_that_is_another_places_name_is_dropped() -> None:
    taken = {build.match_key("Дегтярне")}
    found = build.name_variants("Дігтярне", taken)
    assert "Дегтярне" not in found
    assert "Дегтярное" in found  # its Russian form names no settlement
