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


@pytest.mark.parametrize("name", ["Grakové", "Hrakove", "Yugansk", "Robotyne", "Klishchiivka"])
def test_towns_missing_from_cities500_are_not_guessed(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.resolve(name).status in ("unresolved", "ambiguous")


def test_same_named_village_follows_the_article_context(gazetteer: Gazetteer) -> None:
    # "Lyman, 60 km southeast of Kharkiv" is the Kharkiv-region village, not the Donetsk-region town.
    result = gazetteer.resolve("Lyman", gazetteer.cues_from_text("Lyman, 60 km southeast of Kharkiv"))
    assert result.best is not None and result.best.geonameid == 703071
