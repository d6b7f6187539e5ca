"""GeoParquet exports: `map --format parquet` (events, control) and `events --format parquet`, equal to the GeoJSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner, Result

import frontline.cli
from frontline.cli import cli
from gazetteer.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer) -> Path:
    """Return a map folder of the seeds with GeoJSON and GeoParquet exports."""
    out = tmp_path_factory.mktemp("parquet") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frontline.cli, "open_gazetteer", lambda *_args, **_kwargs: gazetteer)
        result = CliRunner().invoke(cli, ["map", str(SEEDS), "-o", str(out), "-q", "-j", "1", "--format", "geojson",
                                          "--format", "parquet"], prog_name="frontline", catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def _plain(value: object) -> object:
    # pandas gives numpy scalars and None/NaN for missing values; GeoJSON gives Python values and null.
    if hasattr(value, "item"):
        value = value.item()  # type: ignore[union-attr]
    return None if value != value else value  # NaN


def test_events_parquet_holds_the_events_geojson(folder: Path) -> None:
    frame = gpd.read_parquet(folder / "events.parquet")
    features = _features(folder / "events.geojson")
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == len(features) > 0
    for (_, row), feature in zip(frame.iterrows(), features, strict=True):
        assert [row.geometry.x, row.geometry.y] == feature["geometry"]["coordinates"]
        for column in frame.columns.drop("geometry"):
            assert _plain(row[column]) == feature["properties"][column], column


def test_control_parquet_holds_the_control_geojson(folder: Path) -> None:
    frame = gpd.read_parquet(folder / "control.parquet")
    features = _features(folder / "control.geojson")
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == len(features) > 0
    for (_, row), feature in zip(frame.iterrows(), features, strict=True):
        assert [row.geometry.x, row.geometry.y] == feature["geometry"]["coordinates"]
        for column in ("name", "period", "side", "since", "claimed", "changed", "stale", "reports"):
            assert _plain(row[column]) == feature["properties"][column], column


def test_events_format_parquet_to_a_file_equals_the_jsonl(run: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "events.parquet"
    result = run("events", SEEDS, "--format", "parquet", "-o", target, "-q", "-j", 1)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    records = [json.loads(line) for line in run("events", SEEDS, "-q", "-j", 1).stdout.splitlines()]
    frame = gpd.read_parquet(target)
    assert [[_plain(v) for v in r] for r in frame[["article", "kind", "side", "date"]].itertuples(index=False)] == [
        [r["article"], r["kind"], r["side"], r["date"]] for r in records]
    assert [(round(p.y, 5), round(p.x, 5)) for p in frame.geometry] == [(r["lat"], r["lon"]) for r in records]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet"]  # no temporary file left


def test_events_format_parquet_from_the_store(run: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "events.sqlite"
    assert run("ingest", SEEDS, "--store", store, "-q", "-j", 1).exit_code == 0
    assert run("events", SEEDS, "--format", "parquet", "-o", tmp_path / "direct.parquet", "-q", "-j", 1).exit_code == 0
    assert run("events", "--store", store, "--format", "parquet", "-o", tmp_path / "stored.parquet",
               "-q").exit_code == 0
    assert (tmp_path / "stored.parquet").read_bytes() == (tmp_path / "direct.parquet").read_bytes()


def test_parquet_is_not_printed_on_a_terminal(run: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frontline.cli, "_stdout_is_terminal", lambda: True)
    result = run("events", SEEDS, "--format", "parquet")
    assert result.exit_code == 2
    assert result.stderr == ("Error: parquet is binary: give -o FILE or redirect stdout to a file. "
                             "See 'frontline events --help'.\n")
