"""The real gazetteer (GeoNames cities500 with generated spellings): the press's spellings of the war's towns."""

from __future__ import annotations

import pytest

from gazetteer.gazetteer import Gazetteer

KUPIANSK, IZIUM, BALAKLIIA, SLOVIANSK, BAKHMUT, TORETSK = 703656, 707292, 712926, 693468, 713174, 709354


@pytest.mark.parametrize(
    ("spelling", "geonameid"),
    [
        ("Kupiansk", KUPIANSK), ("Kupyansk", KUPIANSK), ("Koupiansk", KUPIANSK), ("Kupjansk", KUPIANSK),
        ("Kup'iansk", KUPIANSK),
        ("Izium", IZIUM), ("Izyum", IZIUM), ("Izioum", IZIUM), ("Isium", IZIUM), ("Isjum", IZIUM),
        ("Balakliia", BALAKLIIA), ("Balakliya", BALAKLIIA), ("Balakleya", BALAKLIIA), ("Balaklya", BALAKLIIA),
        ("Balakliïa", BALAKLIIA),
        ("Sloviansk", SLOVIANSK), ("Slavyansk", SLOVIANSK),
        ("Artemivsk", BAKHMUT), ("Dzerzhynsk", TORETSK),
        ("Kostiantynivka", 705104), ("Lyman", 704204), ("Pokrovsk", 704422), ("Sudzha", 486816),
    ],
)  # fmt: skip
def test_press_spellings_resolve_to_the_right_town(gazetteer: Gazetteer, spelling: str, geonameid: int) -> None:
    result = gazetteer.resolve(spelling)
    assert result.status == "resolved", result.to_dict()
    assert result.best is not None and result.best.geonameid == geonameid


@pytest.mark.parametrize("name", ["Grakové", "Hrakove", "Yugansk"])
def test_unknown_or_shared_village_names_are_not_guessed(gazetteer: Gazetteer, name: str) -> None:
    # Two villages of Kharkiv oblast are named Hrakove: alone, the name is ambiguous; Yugansk is no place.
    assert gazetteer.resolve(name).status in ("unresolved", "ambiguous")


@pytest.mark.parametrize(
    ("name", "lat", "lon", "region"),
    [
        ("Robotyne", 47.45, 35.83, "Zaporizhzhia Oblast"),
        ("Klishchiivka", 48.53, 37.96, "Donetsk Oblast"),
        ("Sverdlikovo", 51.25, 35.12, "Kursk Oblast"),
    ],
)  # fmt: skip
def test_villages_missing_from_cities500_come_from_the_settlements_table(
        gazetteer: Gazetteer, name: str, lat: float, lon: float, region: str) -> None:
    # Before the KATOTTG table (issue 15) these had no point at all.
    result = gazetteer.resolve(name)
    assert result.status == "resolved" and result.best is not None
    assert abs(result.best.lat - lat) < 0.05 and abs(result.best.lon - lon) < 0.05
    assert result.best.region == region


def test_same_named_village_follows_the_article_context(gazetteer: Gazetteer) -> None:
    # "Lyman, 60 km southeast of Kharkiv" is the Kharkiv-region village, not the Donetsk-region town.
    result = gazetteer.resolve("Lyman", gazetteer.cues_from_text("Lyman, 60 km southeast of Kharkiv"))
    assert result.best is not None and result.best.geonameid == 703071
