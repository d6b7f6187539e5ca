"""Gazetteer: normalization, index, spotting, disambiguation signals, fuzzy rules, imports."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gazetteer.disambiguate import Cues, DistanceCue, destination, rank
from gazetteer.gazetteer import Gazetteer
from gazetteer.index import Candidate, IndexSource, NameIndex, imported_sources, register_imports
from gazetteer.normalize import normalize
from gazetteer.place import Place, haversine_km

from .conftest import write_geonames_dump


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Kupyansk", "kupyansk"),
        ("Kup'iansk", "kupiansk"),
        ("Kup’iansk", "kupiansk"),
        ("Balakliïa", "balakliia"),
        ("Grakové", "grakove"),
        ("Stanytsia-Luhanska", "stanytsia luhanska"),
        ("  Chasiv   Yar ", "chasiv yar"),
        ("Łyman", "lyman"),
        ("", ""),
    ],
)
def test_normalize(name: str, key: str) -> None:
    assert normalize(name) == key


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91.0, 0.0), (-91.0, 0.0), (0.0, 181.0), (float("nan"), 0.0), (0.0, float("inf"))],
)
def test_place_rejects_bad_coordinates(lat: float, lon: float) -> None:
    with pytest.raises(ValueError):
        Place(1, "X", lat, lon)


def test_place_round_trips_through_dict() -> None:
    place = Place(712926, "Balakliia", 49.46278, 36.85861, "UA", "07", 26334)
    assert Place.from_dict(place.to_dict()) == place


def test_haversine_known_distance() -> None:
    # Kharkiv -> Kyiv is about 410 km.
    assert 400 < haversine_km(49.98081, 36.25272, 50.45466, 30.5238) < 420


def test_destination_moves_the_given_distance() -> None:
    lat, lon = destination(49.98, 36.25, 74.0, 135.0)
    assert haversine_km(49.98, 36.25, lat, lon) == pytest.approx(74.0, abs=0.1)
    assert lat < 49.98 and lon > 36.25  # southeast


@pytest.mark.parametrize(
    ("name", "geonameid"),
    [
        ("Kharkiv", 706483),
        ("Kharkov", 706483),  # Latin alternate name
        ("Kupyansk", 703656),
        ("Koupiansk", 703656),  # French press, from Купянск
        ("Kupjansk", 703656),  # German press
        ("Kup'iansk", 703656),  # apostrophe dropped
        ("Izioum", 707292),
        ("Balakleya", 712926),  # Russian BGN/PCGN, from Балаклея
        ("Sudzha", 486816),
    ],
)
def test_spellings_resolve(tiny_gazetteer: Gazetteer, name: str, geonameid: int) -> None:
    result = tiny_gazetteer.resolve(name)
    assert result.status == "resolved"
    assert result.best is not None and result.best.geonameid == geonameid


def test_unknown_name_is_unresolved(tiny_gazetteer: Gazetteer) -> None:
    result = tiny_gazetteer.resolve("Yugansk")
    assert result.status == "unresolved" and result.best is None


def test_same_named_places_follow_population_without_cues(tiny_gazetteer: Gazetteer) -> None:
    result = tiny_gazetteer.resolve("Lyman")
    assert result.best is not None and result.best.geonameid == 704204
    assert [p.geonameid for p, _ in result.candidates] == [704204, 703071]


def test_region_cue_moves_the_choice(tiny_gazetteer: Gazetteer) -> None:
    cues = tiny_gazetteer.cues_from_text("fighting in the Kharkiv region")
    assert ("UA", "07") in cues.regions
    result = tiny_gazetteer.resolve("Lyman", cues)
    assert result.best is not None and result.best.geonameid == 703071


def test_distance_cue_moves_the_choice(tiny_gazetteer: Gazetteer) -> None:
    # The Kharkiv-region Lyman lies about 60 km southeast of Kharkiv; the Donetsk one about 185 km.
    cues = tiny_gazetteer.cues_from_text("Lyman, 60 km southeast of Kharkiv")
    assert len(cues.distance) == 1 and cues.distance[0].km == 60.0
    result = tiny_gazetteer.resolve("Lyman", cues)
    assert result.best is not None and result.best.geonameid == 703071


def test_near_cue_moves_the_choice(tiny_gazetteer: Gazetteer) -> None:
    result = tiny_gazetteer.resolve("Lyman", Cues(countries=("UA",), near=(49.6, 36.5)))
    assert result.best is not None and result.best.geonameid == 703071


def test_coherence_with_other_places_moves_the_choice(tiny_gazetteer: Gazetteer) -> None:
    result = tiny_gazetteer.resolve("Lyman", Cues(countries=("UA",), context_points=((49.50, 36.40),)))
    assert result.best is not None and result.best.geonameid == 703071


def _candidate(gid: int, lat: float, lon: float, pop: int, **kw: object) -> Candidate:
    defaults: dict[str, object] = {"is_primary": True, "admin_seat": False, "system": "source", "support": 1,
                                   "native": True}
    defaults.update(kw)
    return Candidate(Place(gid, f"P{gid}", lat, lon, "UA", "05", pop), **defaults)  # type: ignore[arg-type]


def test_equal_far_apart_candidates_are_ambiguous() -> None:
    result = rank("Andriivka", [_candidate(1, 48.0, 37.0, 1000), _candidate(2, 47.0, 33.0, 1000)], Cues())
    assert result.status == "ambiguous"


def test_equal_candidates_close_together_are_resolved() -> None:
    result = rank("X", [_candidate(1, 48.0, 37.0, 1000), _candidate(2, 48.01, 37.01, 900)], Cues())
    assert result.status == "resolved"


def test_current_name_beats_former_name_of_a_bigger_town() -> None:
    current = _candidate(1, 48.28, 37.18, 60000, support=4)
    former = _candidate(2, 51.5, 46.1, 220000, is_primary=False, support=1, native=False)
    result = rank("Pokrovsk", [current, former], Cues())
    assert result.best is not None and result.best.geonameid == 1


def test_user_entries_override() -> None:
    user = Candidate(Place("user:x:UA", "X", 49.0, 36.0, "UA", "", 0, "user"), True, False, "source", 1, True)
    result = rank("X", [_candidate(1, 48.0, 37.0, 500000), user], Cues())
    assert result.best is not None and result.best.source == "user"


def test_distance_cue_without_bearing_uses_the_ring() -> None:
    near = _candidate(1, 49.0, 36.0, 100)
    far = _candidate(2, 47.0, 30.0, 100000)
    cue = DistanceCue(49.0, 36.5, 36.5, None)  # ~36 km from the anchor: `near` lies on that ring
    result = rank("X", [near, far], Cues(distance=(cue,)))
    assert result.best is not None and result.best.geonameid == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ukrainian forces entered Kupyansk on Saturday.", ["Kupyansk"]),
        ("In Lyman, the situation remains difficult.", ["Lyman"]),
        ("Kharkiv’s mayor said", ["Kharkiv"]),
        ("President Volodymyr Kharkiv spoke", []),  # part of a longer name
        ("the Donetsk People's Republic", []),
        ("fighting near Sudzha Saturday and in Izium", ["Sudzha", "Izium"]),
        ("no names here at all", []),
        ("kupyansk in lower case is not a name", []),
    ],
)
def test_spot(tiny_gazetteer: Gazetteer, text: str, expected: list[str]) -> None:
    assert [s.surface for s in tiny_gazetteer.spot(text)] == expected


def test_spot_offsets_point_into_the_text(tiny_gazetteer: Gazetteer) -> None:
    text = "Troops reached Balakliia and Izium."
    for spot in tiny_gazetteer.spot(text):
        assert text[spot.start:spot.end] == spot.surface


def test_region_of_names_first_order_seats_only(tiny_gazetteer: Gazetteer) -> None:
    assert tiny_gazetteer.region_of("Kharkiv") == ("UA", "07")
    assert tiny_gazetteer.region_of("Kursk") == ("RU", "41")
    assert tiny_gazetteer.region_of("Izium") is None


def test_fuzzy_needs_context_and_stays_near_it(tiny_gazetteer: Gazetteer) -> None:
    near_izium = Cues(countries=("UA",), context_points=((49.2, 37.3),))
    assert tiny_gazetteer.resolve("Balaklyia", near_izium).status == "resolved"
    assert tiny_gazetteer.resolve("Balaklyia").status == "ambiguous"  # no context: not a decision
    far_away = Cues(countries=("UA",), context_points=((46.5, 30.7),))
    assert tiny_gazetteer.resolve("Balaklyia", far_away).status == "unresolved"


def test_fuzzy_is_never_a_substring_match(tiny_gazetteer: Gazetteer) -> None:
    assert tiny_gazetteer.fuzzy_key("Kupyan") is None
    assert tiny_gazetteer.fuzzy_key("Izi") is None


def test_index_records_sources_and_counts(tiny_gazetteer: Gazetteer) -> None:
    meta = tiny_gazetteer.index.meta()
    assert meta["schema"] and meta["built_at"] and "geonames" in meta["sources"]
    counts = tiny_gazetteer.index.counts()
    assert counts["places_geonames"] == 9 and counts["names"] > 30


def test_import_registers_sources_and_user_csv_overrides(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    dump = write_geonames_dump(tmp_path / "UA.txt")
    user = tmp_path / "mine.csv"
    user.write_text("name,lat,lon,country,aliases\nHrakove,49.68,36.55,UA,Grakove;Grakovo\n", encoding="utf-8")
    registered = register_imports([user, dump], cache)
    assert [s.kind for s in registered] == ["geonames", "user_csv"]  # user CSV last, so that it overrides
    assert [s.kind for s in imported_sources(cache)] == ["geonames", "user_csv"]
    gaz = Gazetteer(NameIndex.open(cache, progress=lambda _m: None, include_embedded=False))
    result = gaz.resolve("Grakové")
    assert result.status == "resolved" and result.best is not None
    assert result.best.source == "user" and result.best.name == "Hrakove"
    assert [s.surface for s in gaz.spot("In the village of Grakové, just recaptured")] == ["Grakové"]


def test_index_is_rebuilt_when_sources_change(tmp_path: Path) -> None:
    dump = write_geonames_dump(tmp_path / "UA.txt")
    messages: list[str] = []
    source = IndexSource.of("geonames", dump)
    NameIndex.open(tmp_path / "c", extra_sources=[source], progress=messages.append, include_embedded=False)
    assert any("building" in m for m in messages)
    messages.clear()
    NameIndex.open(tmp_path / "c", extra_sources=[source], progress=messages.append, include_embedded=False)
    assert messages == []  # fresh index: opened, not rebuilt
    write_geonames_dump(dump, rows=[(1, "Newtown", "Newtown", "", 49.0, 36.0, "PPL", "UA", "07", 10)])
    changed = IndexSource.of("geonames", dump)
    index = NameIndex.open(tmp_path / "c", extra_sources=[changed], progress=messages.append,
                           include_embedded=False)
    assert any("rebuilding" in m for m in messages)
    assert index.counts()["places_geonames"] == 1


def test_corrupt_index_is_rebuilt(tmp_path: Path) -> None:
    dump = write_geonames_dump(tmp_path / "UA.txt")
    source = IndexSource.of("geonames", dump)
    index = NameIndex.open(tmp_path / "c", extra_sources=[source], progress=lambda _m: None, include_embedded=False)
    index.close()
    index.path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)  # truncated
    rebuilt = NameIndex.open(tmp_path / "c", extra_sources=[source], progress=lambda _m: None,
                             include_embedded=False)
    assert rebuilt.counts()["places_geonames"] == 9
    with sqlite3.connect(rebuilt.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize(("text", "cue"), [("the Kharkiv region", True), ("Kharkiv Oblast", True),
                                           ("kharkiv region", False), ("the Izium region", False)])
def test_region_word_may_be_capitalized(tiny_gazetteer: Gazetteer, text: str, cue: bool) -> None:
    assert tiny_gazetteer.region_cues(text) == (frozenset({("UA", "07")}) if cue else frozenset())


def test_former_name_of_a_city_loses_to_the_village_of_that_name() -> None:
    city = Candidate(Place(1, "Melitopol", 46.84, 35.37, "UA", "26", 150000), False, False, "source", 1, True)
    village = Candidate(Place(2, "Novooleksandrivka", 47.5, 36.5, "UA", "26", 1500), True, False, "source", 2, True)
    result = rank("Novooleksandrivka", [city, village], Cues(countries=("UA",)))
    assert result.best is not None and result.best.geonameid == 2


def test_many_homonyms_need_a_larger_lead() -> None:
    def village(gid: int, lat: float, pop: int) -> Candidate:
        return _candidate(gid, lat, 30.0 + gid, pop)
    two = rank("Mykolaivka", [village(1, 48.0, 9000), village(2, 46.0, 900)], Cues(countries=("UA",)))
    five = rank("Mykolaivka", [village(i, 44.0 + i, p) for i, p in enumerate([9000, 900, 800, 700, 600], 1)],
                Cues(countries=("UA",)))
    assert two.status == "resolved" and five.status == "ambiguous"


def test_theatre_focus_prefers_the_nearer_of_equal_villages() -> None:
    west = _candidate(1, 49.8, 24.0, 2000)
    east = _candidate(2, 48.4, 37.2, 2000)
    result = rank("Pisky", [west, east], Cues(countries=("UA",), focus=(48.3, 37.0)))
    assert result.best is not None and result.best.geonameid == 2


def test_a_village_beside_a_named_place_beats_a_bigger_namesake_in_a_named_region() -> None:
    # "repelled attacks near Andriivka and Klishchiivka" in an article that also names two other regions.
    beside = Candidate(Place(1, "Andriivka", 48.50, 37.97, "UA", "05", 0, "katottg"), True, False, "source", 1, True)
    elsewhere = Candidate(Place(2, "Andriyivka", 47.09, 36.59, "UA", "26", 2755), True, False, "source", 1, True)
    cues = Cues(countries=("UA",), regions=frozenset({("UA", "26"), ("UA", "14")}),
                context_points=((48.53, 37.96), (47.58, 35.78)))
    result = rank("Andriivka", [beside, elsewhere], cues)
    assert result.best is not None and result.best.geonameid == 1


def test_one_named_region_keeps_its_full_weight() -> None:
    inside_region = Candidate(Place(1, "P1", 47.09, 36.59, "UA", "26", 500), True, False, "source", 1, True)
    bigger = _candidate(2, 48.50, 37.97, 2000)
    result = rank("Andriivka", [inside_region, bigger], Cues(countries=("UA",), regions=frozenset({("UA", "26")})))
    assert result.best is not None and result.best.geonameid == 1


@pytest.mark.parametrize(("text", "cue"), [("the Kharkiv regional council said", True),
                                           ("Kharkiv regional governor Oleh Syniehubov", True)])
def test_a_regional_body_names_its_region(tiny_gazetteer: Gazetteer, text: str, cue: bool) -> None:
    assert tiny_gazetteer.region_cues(text) == (frozenset({("UA", "07")}) if cue else frozenset())
