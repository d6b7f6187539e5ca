"""End to end on the articles we wrote (tests/data/dev_articles*): the detector against an analyst's gold.

The gold of each set was written before the detector was run on it; it lives beside, not inside, the
article folder, since a folder of articles must hold articles only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.evaluate import Score, load_gold, score_events
from geo.pipeline import run_pipeline

DATA = Path(__file__).parent / "data"
SETS = ("dev_articles", "dev_articles_2", "dev_articles_3")

# Measured: set 1 precision 1.000, recall 0.958, date accuracy 0.892; set 2 precision 0.971, recall 0.630,
# date accuracy 0.848 (most of its misses are villages absent from cities500); set 3 (written by a helper who
# never saw the detector; first run P 0.854 R 0.535, after the fixes it showed) precision 0.925, recall 0.721,
# date accuracy 0.796. Floors sit a little below.
FLOORS = {
    "dev_articles": {"precision": 0.95, "recall": 0.91, "date_accuracy": 0.85},
    "dev_articles_2": {"precision": 0.93, "recall": 0.59, "date_accuracy": 0.80},
    "dev_articles_3": {"precision": 0.87, "recall": 0.67, "date_accuracy": 0.75},
}
# Misses with their reason: not in cities500 (or only as a namesake far away); Shevchenko is ambiguous.
KNOWN_MISSES = {
    "dev_articles": {("04_robotyne_isw.txt", "Robotyne")},
    "dev_articles_2": {
        ("01_vovchansk_ap.txt", "Pylna"), ("01_vovchansk_ap.txt", "Ohirtseve"),
        ("01_vovchansk_ap.txt", "Pletenivka"), ("05_svatove_kreminna_isw.txt", "Makiivka (Luhansk Oblast)"),
        ("05_svatove_kreminna_isw.txt", "Bakhmutske"), ("09_pokrovsk_liveblog.txt", "Shevchenko"),
        ("10_kursk_tass.txt", "Podol"), ("10_kursk_tass.txt", "Malaya Loknya"),
        ("10_kursk_tass.txt", "Kazachya Loknya"), ("10_kursk_tass.txt", "Martynovka"),
    },
    # Set 3's misses as first measured, not yet sorted into missing villages and detector gaps.
    "dev_articles_3": {
        ("02_peski_ria.txt", "Pisky"), ("03_ocheretyne_isw.txt", "Novobakhmutivka"),
        ("03_ocheretyne_isw.txt", "Berdychi"), ("03_ocheretyne_isw.txt", "Semenivka"),
        ("05_storozheve_ukrinform.txt", "Storozheve"), ("05_storozheve_ukrinform.txt", "Novodarivka"),
        ("05_storozheve_ukrinform.txt", "Levadne"), ("05_storozheve_ukrinform.txt", "Lobkove"),
        ("05_storozheve_ukrinform.txt", "Blahodatne"), ("05_storozheve_ukrinform.txt", "Makarivka"),
        ("05_storozheve_ukrinform.txt", "Neskuchne"), ("06_snake_island_bbc.txt", "Snake Island"),
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def scores(gazetteer) -> dict[str, Score]:  # type: ignore[no-untyped-def]
    """Return the score of the pipeline's events over each set."""
    out = {}
    for name in SETS:
        run = run_pipeline([DATA / name], gazetteer)
        out[name] = score_events(load_gold(DATA / "gold" / f"{name}.jsonl"), [e.to_record() for e in run.events])
    return out


@pytest.mark.parametrize("name", SETS)
def test_gold_covers_every_article(name: str) -> None:
    files = {row["file"] for row in load_gold(DATA / "gold" / f"{name}.jsonl")}
    assert files == {p.name for p in (DATA / name).glob("*.txt")}


@pytest.mark.parametrize(("name", "metric"), [(s, m) for s in SETS for m in FLOORS[s]])
def test_score_meets_the_floor(scores: dict[str, Score], name: str, metric: str) -> None:
    assert getattr(scores[name], metric) >= FLOORS[name][metric], scores[name].summary()


@pytest.mark.parametrize("name", SETS)
def test_known_misses_are_only_the_documented_ones(scores: dict[str, Score], name: str) -> None:
    assert {(m["file"], m["place"]) for m in scores[name].misses} <= KNOWN_MISSES[name]
