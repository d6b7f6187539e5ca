"""Tests for maps.areas: Voronoi cells limited by radius and land, sides dissolved, km2, gains, front line."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
import shapely
from shapely.geometry import shape

from gazetteer.place import Place
from geo.timeline import build_timeline
from maps.areas import (
    AREA_SIDES,
    AreaSettings,
    areas_feature_collection,
    equal_area_transformers,
    estimate_areas,
    front_feature_collection,
    is_stale,
    load_land,
    project,
)
from maps.export import control_periods_feature_collection

from .map_fixtures import make_event

# Two villages 20 km apart on the projection's central parallel, west and east of its central meridian.
WEST = Place("t:west", "Westvillage", 48.5, 32.8646, "UA", "", 100)
EAST = Place("t:east", "Eastvillage", 48.5, 33.1354, "UA", "", 100)
FAR = Place("t:far", "Farvillage", 50.5, 30.5, "UA", "", 100)
TWIN = Place("t:twin", "Twinvillage", 48.5, 32.8649, "UA", "", 100)  # 22 m from WEST
ODESA = Place(698740, "Odesa", 46.47747, 30.73262, "UA", "", 1000000)
DAY = dt.date(2025, 3, 10)
POLYGON_SHARE = 64 / (2 * math.pi) * math.sin(2 * math.pi / 64)  # a 64-gon's area against its circle's


def events_for(*rows):
    return [make_event(place, "captured" if side else "contested", side, day) for place, side, day in rows]


def distance_km(a: Place, b: Place) -> float:
    forward, _ = equal_area_transformers()
    (x1, x2), (y1, y2) = forward.transform([a.lon, b.lon], [a.lat, b.lat])
    return math.hypot(x2 - x1, y2 - y1) / 1000


def test_two_places_split_at_the_bisector_each_within_its_radius():
    timeline = build_timeline(events_for((WEST, "UA", DAY), (EAST, "RU", DAY)), "month")
    (result,) = estimate_areas(timeline, AreaSettings(radius_km=15))
    d = distance_km(WEST, EAST) / 2
    segment = 15**2 * math.acos(d / 15) - d * math.sqrt(15**2 - d**2)
    expected = math.pi * 15**2 * POLYGON_SHARE - segment
    assert result.area_km2["UA"] == pytest.approx(expected, rel=0.005)
    assert result.area_km2["RU"] == pytest.approx(expected, rel=0.005)
    assert result.area_km2["contested"] == 0.0
    assert result.places == {"UA": 1, "RU": 1, "contested": 0}
    # The front line is the chord where the two discs' halves meet.
    assert result.front_km == pytest.approx(2 * math.sqrt(15**2 - d**2), rel=0.01)
    assert result.fronts["UA|contested"].is_empty
    assert result.gained_km2["UA"] == result.area_km2["UA"] and result.lost_km2["UA"] == 0.0


def test_a_lone_place_is_a_disc_and_places_far_apart_do_not_meet():
    timeline = build_timeline(events_for((WEST, "UA", DAY), (FAR, "RU", DAY)), "month")
    (result,) = estimate_areas(timeline, AreaSettings(radius_km=10))
    assert result.area_km2["UA"] == pytest.approx(math.pi * 100 * POLYGON_SHARE, rel=0.002)
    assert result.area_km2["RU"] == pytest.approx(math.pi * 100 * POLYGON_SHARE, rel=0.002)
    assert result.fronts["UA|RU"].is_empty and result.front_km == 0.0


def test_a_side_change_is_gained_by_one_side_and_lost_by_the_other():
    later = DAY + dt.timedelta(days=40)
    timeline = build_timeline(events_for((WEST, "UA", DAY), (EAST, "UA", DAY), (EAST, "RU", later)), "month")
    first, second = estimate_areas(timeline, AreaSettings(radius_km=15))
    assert first.area_km2["RU"] == 0.0 and first.front_km == 0.0
    cell = second.area_km2["RU"]
    assert cell > 0
    assert second.gained_km2["RU"] == pytest.approx(cell, abs=0.2)
    assert second.lost_km2["UA"] == pytest.approx(cell, abs=0.2)
    assert second.gained_km2["UA"] == 0.0 and second.lost_km2["RU"] == 0.0
    assert first.area_km2["UA"] == pytest.approx(second.area_km2["UA"] + cell, abs=0.2)


def test_stale_states_keep_no_area_and_are_counted():
    later = DAY + dt.timedelta(days=200)
    timeline = build_timeline(events_for((WEST, "UA", DAY), (FAR, "RU", later)), "month")
    settings = AreaSettings(radius_km=10, stale_days=183)
    first, second = estimate_areas(timeline, settings)
    assert first.area_km2["UA"] > 0 and first.stale == 0
    assert second.area_km2["UA"] == 0.0 and second.stale == 1 and second.places["UA"] == 0
    assert second.lost_km2["UA"] == pytest.approx(first.area_km2["UA"], abs=0.1)
    # With a longer cut-off the same state still counts.
    assert estimate_areas(timeline, AreaSettings(radius_km=10, stale_days=400))[1].area_km2["UA"] > 0


@pytest.mark.parametrize(
    ("last", "end", "days", "stale"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 7, 3), 183, False),
        (dt.date(2025, 1, 1), dt.date(2025, 7, 4), 183, True),
        (None, dt.date(2025, 1, 1), 183, True),
        (dt.date(2025, 1, 1), None, 183, True),
    ],
)
def test_is_stale_counts_days_after_the_last_report(last, end, days, stale):
    assert is_stale(last, end, days) is stale


def test_places_at_one_point_with_different_sides_are_one_contested_site():
    timeline = build_timeline(events_for((WEST, "UA", DAY), (TWIN, "RU", DAY)), "month")
    (result,) = estimate_areas(timeline, AreaSettings(radius_km=5))
    assert result.places == {"UA": 0, "RU": 0, "contested": 1}
    assert result.area_km2["contested"] == pytest.approx(math.pi * 25 * POLYGON_SHARE, rel=0.002)


def test_unknown_sides_and_empty_timelines_give_no_area():
    assert estimate_areas(build_timeline([], "month")) == []
    timeline = build_timeline(events_for((WEST, None, DAY)), "month")
    (result,) = estimate_areas(timeline)
    assert result.area_km2["contested"] > 0 and result.area_km2["UA"] == 0


@pytest.mark.parametrize(
    ("radius", "stale"), [(0, 183), (-5, 183), (float("nan"), 183), (float("inf"), 183), ("15", 183), (15, 0)]
)
def test_bad_settings_are_value_errors(radius, stale):
    with pytest.raises(ValueError, match=r"area radius|stale cut-off"):
        AreaSettings(radius_km=radius, stale_days=stale)


LAND = load_land()
needs_land = pytest.mark.skipif(LAND is None, reason="world-atlas not installed (npm ci)")


@needs_land
def test_cells_are_clipped_to_land():
    timeline = build_timeline(events_for((ODESA, "UA", DAY)), "month")
    (open_sea,) = estimate_areas(timeline, AreaSettings(radius_km=20))
    (on_land,) = estimate_areas(timeline, AreaSettings(radius_km=20), LAND)
    assert open_sea.area_km2["UA"] == pytest.approx(math.pi * 400 * POLYGON_SHARE, rel=0.002)
    # Odesa is on the coast: the Black Sea takes a large share of its disc.
    assert 0.3 * open_sea.area_km2["UA"] < on_land.area_km2["UA"] < 0.8 * open_sea.area_km2["UA"]


@needs_land
def test_exports_are_valid_rfc7946_geometries():
    later = DAY + dt.timedelta(days=40)
    rows = [(WEST, "UA", DAY), (EAST, "RU", DAY), (ODESA, "UA", DAY), (FAR, None, DAY), (EAST, "UA", later)]
    timeline = build_timeline(events_for(*rows), "month")
    settings = AreaSettings(radius_km=25)
    results = estimate_areas(timeline, settings, LAND)
    areas = json.loads(json.dumps(areas_feature_collection(results, settings)))
    assert [(f["properties"]["period"], f["properties"]["side"]) for f in areas["features"]] == [
        ("2025-03", "UA"),
        ("2025-03", "RU"),
        ("2025-03", "contested"),
        ("2025-04", "UA"),
        ("2025-04", "contested"),
    ]
    for feature in areas["features"]:
        geom = shape(feature["geometry"])
        assert geom.is_valid and not geom.is_empty
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for polygon in getattr(geom, "geoms", [geom]):
            assert polygon.exterior.is_ccw  # RFC 7946: exterior rings counterclockwise
            assert all(not ring.is_ccw for ring in polygon.interiors)
        lon, lat = geom.centroid.x, geom.centroid.y
        assert 22 < lon < 41 and 44 < lat < 53  # lon, lat order
        assert "estimate" in feature["properties"]["method"] and "25 km" in feature["properties"]["method"]
    april = areas["features"][3]["properties"]
    assert april["gained_km2"] > 0 and april["places"] == 3
    fronts = front_feature_collection(results, settings)["features"]
    assert [(f["properties"]["period"], f["properties"]["between"]) for f in fronts] == [("2025-03", "UA|RU")]
    line = shape(fronts[0]["geometry"])
    assert line.is_valid and line.geom_type in ("LineString", "MultiLineString")
    assert fronts[0]["properties"]["length_km"] == pytest.approx(results[0].front_km)


@needs_land
def test_front_line_follows_a_straight_split_between_many_places():
    # A grid of villages 5 km apart; west of 33.0 E Ukrainian, east Russian: the line runs near 33.0 E.
    forward, inverse = equal_area_transformers()
    rows = []
    for i in range(-6, 7):
        for j in range(-6, 7):
            lon, lat = inverse.transform(i * 5000 + 2500, j * 5000)
            place = Place(f"g:{i}:{j}", f"G{i}_{j}", round(lat, 6), round(lon, 6), "UA")
            rows.append((place, "UA" if i < 0 else "RU", DAY))
    (result,) = estimate_areas(build_timeline(events_for(*rows), "month"), AreaSettings(radius_km=10), LAND)
    line = project(forward, result.fronts["UA|RU"])
    xs = shapely.get_coordinates(line)[:, 0]
    assert abs(xs).max() < 1  # on the bisector x = 0 (metres)
    assert result.front_km == pytest.approx(13 * 5 + 2 * math.sqrt(10**2 - 2.5**2) - 5, rel=0.1)
    assert sum(result.area_km2.values()) == pytest.approx(
        sum(result.area_km2[s] for s in AREA_SIDES), rel=1e-9
    )


def test_control_periods_one_feature_per_place_and_state_run():
    later = DAY + dt.timedelta(days=40)
    much_later = DAY + dt.timedelta(days=400)
    timeline = build_timeline(
        events_for((WEST, "UA", DAY), (EAST, "UA", DAY), (EAST, "RU", later), (FAR, "UA", much_later)), "month"
    )
    features = control_periods_feature_collection(timeline, stale_days=183)["features"]
    west = [f["properties"] for f in features if f["properties"]["name"] == "Westvillage"]
    assert [(p["period_start"], p["period_end"], p["side"], p["stale"], p["last_report"]) for p in west] == [
        ("2025-03-01", "2025-09-09", "UA", False, "2025-03-10"),
        ("2025-09-10", "2026-04-30", "UA", True, "2025-03-10"),
    ]
    east = [f["properties"] for f in features if f["properties"]["name"] == "Eastvillage"]
    assert [(p["period_start"], p["period_end"], p["side"], p["since"]) for p in east] == [
        ("2025-03-01", "2025-03-31", "UA", "2025-03-10"),
        ("2025-04-01", "2025-10-19", "RU", "2025-04-19"),
        ("2025-10-20", "2026-04-30", "RU", "2025-04-19"),
    ]
    assert all(f["geometry"]["type"] == "Point" for f in features)
    assert {k for f in features for k in f["properties"]} >= {
        "period_start", "period_end", "side", "since", "last_report", "stale", "name", "geonameid",
    }


def test_workers_give_the_same_estimates_as_one_process():
    days = [DAY + dt.timedelta(days=7 * w) for w in range(10)]
    rows = [(WEST, "UA", days[0]), (EAST, "UA", days[0]), (FAR, "RU", days[0])]
    rows += [(EAST, "RU" if w % 2 else "UA", day) for w, day in enumerate(days[1:], 1) if w != 5]
    rows += [(WEST, "UA", days[5])]  # week 5: sites and sides as week 4, so that estimate is reused
    timeline = build_timeline(events_for(*rows), "week")
    one = estimate_areas(timeline, AreaSettings(radius_km=15), jobs=1)
    two = estimate_areas(timeline, AreaSettings(radius_km=15), jobs=2)
    assert len(one) == len(two) == 10
    for a, b in zip(one, two, strict=True):
        assert (a.period, a.area_km2, a.gained_km2, a.lost_km2, a.front_km, a.same_as_previous) == (
            b.period, b.area_km2, b.gained_km2, b.lost_km2, b.front_km, b.same_as_previous
        )
        assert all(a.areas[s].equals(b.areas[s]) for s in AREA_SIDES)
    assert [a.same_as_previous for a in one].count(True) >= 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_started_run_draws_the_same_map_as_finished_estimates(jobs):
    from maps.areas import start_areas
    from maps.render import render_map

    days = [DAY + dt.timedelta(days=7 * w) for w in range(8)]
    rows = [(WEST, "UA", days[0]), (FAR, "RU", days[0])]
    rows += [(EAST, "RU" if w % 2 else "UA", day) for w, day in enumerate(days)]
    events = events_for(*rows)
    timeline = build_timeline(events, "week")
    settings = AreaSettings(radius_km=15)
    finished = estimate_areas(timeline, settings, jobs=1)
    run = start_areas(timeline, settings, jobs=jobs)
    page = render_map(timeline, events, areas=run, area_settings=settings)
    assert page == render_map(timeline, events, areas=finished, area_settings=settings)
    assert [a.area_km2 for a in run.result()] == [a.area_km2 for a in finished]
