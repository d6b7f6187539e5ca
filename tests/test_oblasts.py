"""Tests for maps.build_oblasts: settlement points -> approximate oblast borders."""

from __future__ import annotations

import gzip
import json

import pytest
import shapely
from shapely.geometry import shape

from maps.build_oblasts import (
    OblastPoint,
    borders_geojson,
    build_borders,
    drop_outliers,
    holdout_check,
    read_points,
)


def grid(code: str, west: float, east: float, prefix: str = "h") -> list[OblastPoint]:
    """A 5 x 5 grid of points between `west` and `east` (lon) and 48.0-48.4 N, all in oblast `code`."""
    step = (east - west) / 4
    return [
        OblastPoint(code, f"{code}/{prefix}", round(west + i * step, 4), round(48.0 + j * 0.1, 4))
        for i in range(5)
        for j in range(5)
    ]


TWO = grid("07", 35.0, 35.4) + grid("05", 35.6, 36.0)  # "Kharkiv" west of 35.5 E, "Donetsk" east of it


def test_two_oblasts_give_one_border_line_between_them():
    borders = build_borders(TWO)
    assert [pair for pair, _ in borders.lines] == [("05", "07")]
    line = borders.lines[0][1]
    assert line.is_valid and not line.is_empty
    assert line.geom_type == "LineString"
    # The border is the bisector of the two grids: about 35.5 E all along (the projection bends it a little).
    lons = shapely.get_coordinates(line)[:, 0]
    assert lons.min() > 35.45 and lons.max() < 35.55
    assert set(borders.polygons) == {"05", "07"}
    assert all(g.is_valid for g in borders.polygons.values())


def test_the_outline_clips_the_border_and_the_oblasts():
    outline = shapely.box(34.9, 47.9, 36.1, 48.3)
    borders = build_borders(TWO, outline)
    (_, line), = borders.lines
    south, north = shapely.bounds(line)[1], shapely.bounds(line)[3]
    assert south == pytest.approx(47.9, abs=0.01) and north == pytest.approx(48.3, abs=0.01)
    union = shapely.union_all(list(borders.polygons.values()))
    assert union.area == pytest.approx(outline.area, rel=0.01)


def test_one_oblast_has_no_border():
    borders = build_borders(grid("07", 35.0, 35.4))
    assert borders.lines == [] and borders.polygons == {}


def test_geojson_names_the_oblasts_and_is_valid():
    collection = borders_geojson(build_borders(TWO))
    lines = [f for f in collection["features"] if f["geometry"]["type"] != "Point"]
    labels = {f["properties"]["name"] for f in collection["features"] if f["geometry"]["type"] == "Point"}
    assert [f["properties"]["between"] for f in lines] == [["Donetsk Oblast", "Kharkiv Oblast"]]
    assert labels == {"Donetsk Oblast", "Kharkiv Oblast"}
    west, south, east, north = collection["bbox"]
    assert west < 35.0 and east > 36.0 and south <= 48.0 and north >= 48.4
    assert all(shape(f["geometry"]).is_valid for f in collection["features"])
    json.dumps(collection, allow_nan=False)


def test_a_point_far_from_its_hromada_is_dropped():
    namesake = OblastPoint("07", "07/h", 30.0, 50.0)  # 400 km from the rest of its hromada
    kept, dropped = drop_outliers([*grid("07", 35.0, 35.4), namesake])
    assert dropped == 1 and namesake not in kept and len(kept) == 25


def test_small_hromadas_keep_their_points():
    pair = [OblastPoint("07", "07/small", 35.0, 48.0), OblastPoint("07", "07/small", 30.0, 50.0)]
    assert drop_outliers(pair) == (pair, 0)


def test_read_points_keeps_ukrainian_points_and_folds_cities(tmp_path):
    table = tmp_path / "settlements.tsv.gz"
    rows = [
        "id\tcountry\tadmin1\traion\thromada\tcategory\tprecision\tlat\tlon",
        "a\tUA\t07\tR\tH\tC\tpoint\t49.9\t36.2",
        "b\tUA\t07\tR\tH\tC\thromada\t49.9\t36.2",  # placed at its hromada's centre: left out
        "c\tRU\t41\tR\tH\tC\tpoint\t51.7\t36.2",
        "d\tUA\t12\t\t\tM\tpoint\t50.45\t30.52",  # Kyiv, a city with special status: Kyiv Oblast
    ]
    with gzip.open(table, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    assert read_points(table) == [
        OblastPoint("07", "07/R/H", 36.2, 49.9),
        OblastPoint("13", "13//", 30.52, 50.45),
    ]


def test_holdout_check_on_two_grids():
    result = holdout_check(TWO, None, share=0.2, seed=3)
    assert result["held_out"] > 0
    assert result["share_inside"] == 1.0
