"""Tests for maps.export: GeoJSON structure and order, GDAL round trips, CSV, determinism, errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pyogrio
import pytest

from gazetteer.place import Place
from geo.errors import OutputError, UsageError
from geo.records import EVENT_COLUMNS, dumps_geojson, events_csv_text, events_feature_collection
from geo.timeline import build_timeline
from maps.export import control_feature_collection, write_geopackage, write_map_outputs

from .map_fixtures import IZIUM, LYMAN, SUDZHA, make_event

HRAKOVE = Place("user:hrakove", "Hrakove", 49.45, 36.3, "UA", "Kharkiv Oblast", 0, "user")

TRICKY = 'He said, "Lyman is ours";\nthen left. Бахмут — €'



def event(place, kind, side, day, **fields):
    """Build an Event as the exports see them: upper-case surface, Reuters, published the day after."""
    published = day + dt.timedelta(days=1) if day else None
    fields = {"surface": place.name.upper(), "outlet": "Reuters", "title": "", "published": published, **fields}
    return make_event(place, kind, side, day, **fields)


EVENTS = [
    event(IZIUM, "retaken", "UA", dt.date(2022, 9, 10), article="002.txt", title="Izium back"),
    event(IZIUM, "captured", "RU", dt.date(2022, 4, 1), article="001.txt"),
    event(
        LYMAN,
        "retaken",
        "UA",
        dt.date(2022, 10, 1),
        claimed=True,
        sentence=TRICKY,
        article="003.txt",
        confidence=0.6666,
    ),
    event(SUDZHA, "captured", "UA", dt.date(2024, 8, 15), precision="week", article="feed.jsonl:12"),
    event(HRAKOVE, "contested", None, None, article="004.txt", url=""),
]
TIMELINE = build_timeline(EVENTS, "month")


def test_events_collection_is_rfc7946_in_sort_key_order():
    fc = events_feature_collection(EVENTS)
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"]["article"] for f in fc["features"]] == [
        "001.txt",
        "002.txt",
        "003.txt",
        "feed.jsonl:12",
        "004.txt",
    ]
    assert {f["type"] for f in fc["features"]} == {"Feature"}
    assert {f["geometry"]["type"] for f in fc["features"]} == {"Point"}


def test_event_geometry_is_lon_lat():
    first = events_feature_collection(EVENTS)["features"][0]
    assert first["geometry"]["coordinates"] == [37.27679, 49.20697]


def test_event_properties_are_the_record_plus_title_published():
    features = events_feature_collection(EVENTS)["features"]
    expected = set(EVENT_COLUMNS) | {"title", "published"}
    assert all(set(f["properties"]) == expected for f in features)
    assert features[1]["properties"] == {
        "article": "002.txt",
        "place": "IZIUM",
        "name": "Izium",
        "geonameid": 707292,
        "lat": 49.20697,
        "lon": 37.27679,
        "precision": "point",
        "country": "UA",
        "kind": "retaken",
        "side": "UA",
        "date": "2022-09-10",
        "date_precision": "day",
        "claimed": False,
        "confidence": 0.9,
        "sentence": "Izium was retaken.",
        "outlet": "Reuters",
        "url": "https://example.org/a",
        "title": "Izium back",
        "published": "2022-09-11",
    }
    undated = features[-1]["properties"]
    assert (undated["date"], undated["date_precision"], undated["side"], undated["published"]) == (
        None,
        None,
        None,
        None,
    )


def test_control_collection_stores_each_place_once_with_states_per_period():
    fc = control_feature_collection(TIMELINE)
    by_name = {f["properties"]["name"]: f for f in fc["features"]}
    assert sorted(by_name) == ["Hrakove", "Izium", "Lyman", "Sudzha"]
    izium = by_name["Izium"]
    assert izium["geometry"] == {"type": "Point", "coordinates": [37.27679, 49.20697]}
    assert izium["properties"]["states"] == {
        "2022-04": {"side": "RU", "since": "2022-04-01", "claimed": False, "changed": True},
        "2022-09": {"side": "UA", "since": "2022-09-10", "claimed": False, "changed": True},
        "2022-10": {"side": "UA", "since": "2022-09-10", "claimed": False, "changed": False},
        "2024-08": {"side": "UA", "since": "2022-09-10", "claimed": False, "changed": False},
    }
    assert list(izium["properties"]["states"]) == ["2022-04", "2022-09", "2022-10", "2024-08"]
    assert (izium["properties"]["latest_side"], izium["properties"]["latest_period"]) == ("UA", "2024-08")
    assert izium["properties"]["sources"] == 2
    assert by_name["Lyman"]["properties"]["states"]["2022-10"]["claimed"] is True
    hrakove = by_name["Hrakove"]["properties"]
    assert (hrakove["geonameid"], hrakove["states"], hrakove["latest_side"], hrakove["sources"]) == (
        "user:hrakove",
        {},
        None,
        1,
    )


def test_csv_parses_back_to_the_records():
    text = events_csv_text(EVENTS)
    assert text.startswith(",".join(EVENT_COLUMNS) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["article"] for r in rows] == ["001.txt", "002.txt", "003.txt", "feed.jsonl:12", "004.txt"]
    lyman = rows[2]
    assert lyman == {
        "article": "003.txt",
        "place": "LYMAN",
        "name": "Lyman",
        "geonameid": "704204",
        "lat": "48.99012",
        "lon": "37.80843",
        "precision": "point",
        "country": "UA",
        "kind": "retaken",
        "side": "UA",
        "date": "2022-10-01",
        "date_precision": "day",
        "claimed": "true",
        "confidence": "0.667",
        "sentence": TRICKY,
        "outlet": "Reuters",
        "url": "https://example.org/a",
    }
    assert (rows[4]["side"], rows[4]["date"], rows[4]["url"]) == ("", "", "")


def test_csv_quotes_per_rfc4180():
    text = events_csv_text([EVENTS[2]])
    assert '"He said, ""Lyman is ours"";\nthen left. Бахмут — €"' in text


def test_empty_inputs_give_empty_collections():
    assert events_feature_collection([]) == {"type": "FeatureCollection", "features": []}
    assert events_csv_text([]) == ",".join(EVENT_COLUMNS) + "\r\n"
    assert dumps_geojson({"type": "FeatureCollection", "features": []}) == (
        '{"type":"FeatureCollection","features":[]}\n'
    )


def test_dumps_geojson_is_valid_json_one_feature_per_line():
    text = dumps_geojson(events_feature_collection(EVENTS))
    assert json.loads(text) == events_feature_collection(EVENTS)
    assert len(text.splitlines()) == len(EVENTS) + 2


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    paths = write_map_outputs(folder, EVENTS, TIMELINE, formats=("geojson", "csv", "gpkg"))
    return folder, paths


def test_write_map_outputs_writes_every_file(outputs):
    folder, paths = outputs
    assert [p.name for p in paths] == [
        "map.html",
        "events.geojson",
        "control.geojson",
        "control_places.geojson",
        "control_areas.geojson",
        "front_line.geojson",
        "events.csv",
        "events.gpkg",
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)  # no temp files left


# A column mixing GeoNames integers with a user id is text to GDAL, which warns while reading it.
@pytest.mark.filterwarnings("ignore:Could not parse column 'geonameid' as JSON")
def test_geojson_reads_back_through_gdal(outputs):
    folder, _ = outputs
    frame = pyogrio.read_dataframe(folder / "events.geojson")
    assert list(frame["geonameid"]) == ["707292", "707292", "704204", "486816", "user:hrakove"]
    # GDAL recognises the ISO dates, so QGIS can filter on them.
    assert [d.date().isoformat() for d in frame["date"][:4]] == ["2022-04-01", "2022-09-10", "2022-10-01", "2024-08-15"]
    assert list(frame["article"]) == ["001.txt", "002.txt", "003.txt", "feed.jsonl:12", "004.txt"]
    assert [(round(g.x, 5), round(g.y, 5)) for g in frame.geometry] == [
        (37.27679, 49.20697),
        (37.27679, 49.20697),
        (37.80843, 48.99012),
        (35.271, 51.191),
        (36.3, 49.45),
    ]
    assert frame.crs.to_epsg() == 4326
    assert frame["sentence"][2] == TRICKY
    assert list(frame["confidence"]) == [0.9, 0.9, 0.667, 0.9, 0.9]
    assert list(frame["claimed"]) == [False, False, True, False, False]
    control = pyogrio.read_dataframe(folder / "control_places.geojson")
    assert list(control["name"]) == ["Sudzha", "Lyman", "Izium", "Hrakove"]
    assert list(control["sources"]) == [1, 1, 2, 1]
    runs = pyogrio.read_dataframe(folder / "control.geojson")
    # QGIS's Temporal Controller reads these as dates: one feature per place and unchanged state.
    izium = runs[runs["name"] == "Izium"]
    assert [(d.date().isoformat(), e.date().isoformat(), s) for d, e, s in zip(
        izium["period_start"], izium["period_end"], izium["side"], strict=True
    )] == [("2022-04-01", "2022-08-31", "RU"), ("2022-09-01", "2023-03-12", "UA"), ("2023-03-13", "2024-08-31", "UA")]


def test_geopackage_has_both_layers_with_exact_values(outputs):
    folder, _ = outputs
    path = folder / "events.gpkg"
    assert [tuple(x) for x in pyogrio.list_layers(path)] == [
        ("events", "Point"),
        ("control", "Point"),
        ("control_places", "Point"),
        ("control_areas", "MultiPolygon"),
        ("front_line", "MultiLineString"),
    ]
    events = pyogrio.read_dataframe(path, layer="events")
    assert list(events.columns) == [c for c in EVENT_COLUMNS if c not in ("lat", "lon")] + [
        "title",
        "published",
        "geometry",
    ]
    assert list(events["geonameid"]) == ["707292", "707292", "704204", "486816", "user:hrakove"]
    assert list(events["date"].fillna("")) == ["2022-04-01", "2022-09-10", "2022-10-01", "2024-08-15", ""]
    assert list(events["date_precision"].fillna("")) == ["day", "day", "day", "week", ""]
    assert [(g.x, g.y) for g in events.geometry][3] == (35.271, 51.191)
    assert events["sentence"][2] == TRICKY
    runs = pyogrio.read_dataframe(path, layer="control")
    izium_runs = runs[runs["name"] == "Izium"]
    assert list(izium_runs["side"]) == ["RU", "UA", "UA"]
    assert list(izium_runs["stale"]) == [False, False, True]
    assert list(izium_runs["last_report"]) == ["2022-04-01", "2022-09-10", "2022-09-10"]
    areas = pyogrio.read_dataframe(path, layer="control_areas")
    assert areas.is_valid.all() and set(areas["side"]) <= {"UA", "RU", "contested"}
    control = pyogrio.read_dataframe(path, layer="control_places")
    izium = control[control["name"] == "Izium"].iloc[0]
    assert (izium["latest_side"], izium["latest_period"], izium["sources"]) == ("UA", "2024-08", 2)
    assert json.loads(izium["states"])["2022-09"] == {
        "side": "UA",
        "since": "2022-09-10",
        "claimed": False,
        "changed": True,
    }


def test_geopackage_keeps_integer_ids_when_all_are_geonames(tmp_path):
    dated = [e for e in EVENTS if e.place is not HRAKOVE]
    path = write_geopackage(dated, build_timeline(dated, "month"), tmp_path / "x.gpkg")
    assert list(pyogrio.read_dataframe(path, layer="events")["geonameid"]) == [707292, 707292, 704204, 486816]


def test_writes_are_byte_identical(outputs, tmp_path):
    folder, paths = outputs
    again = write_map_outputs(tmp_path, list(reversed(EVENTS)), TIMELINE, formats=("geojson", "csv", "gpkg"))
    for first, second in zip(paths, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_default_formats_are_geojson_and_csv(tmp_path):
    paths = write_map_outputs(tmp_path, EVENTS, TIMELINE)
    assert [p.name for p in paths] == [
        "map.html",
        "events.geojson",
        "control.geojson",
        "control_places.geojson",
        "control_areas.geojson",
        "front_line.geojson",
        "events.csv",
    ]


@pytest.mark.parametrize("formats", [("shp",), ("geojson", "kml"), ("GeoJSON",)])
def test_unknown_format_is_a_usage_error(tmp_path, formats):
    with pytest.raises(UsageError, match=r"is not one of geojson, csv, gpkg"):
        write_map_outputs(tmp_path, EVENTS, TIMELINE, formats=formats)
    assert list(tmp_path.iterdir()) == []


def test_output_path_that_is_a_file_is_an_output_error(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="out"):
        write_map_outputs(blocker, EVENTS, TIMELINE)
