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
SETS = ("dev_articles", "dev_articles_2", "dev_articles_3", "dev_articles_4", "dev_articles_7", "dev_articles_9",
        "dev_articles_10", "dev_articles_12")

# Measured at the end of the 2026-12-03 evening session: set 1 P 0.863 R 1.000 date 0.909; set 2 P 0.905 R 0.852;
# set 3 P 0.916 R 0.953 date 0.770; set 4 P 0.951 R 0.910; set 7 P 0.893 R 0.869; set 9 P 0.901 R 0.804; set 10
# (30 articles by a blind helper; first run P 0.883 R 0.717, session-start detector P 0.884 R 0.696) P 0.893
# R 0.838; set 12 (30 articles by another blind helper; first run P 0.880 R 0.694, session-start detector P 0.857
# R 0.645) P 0.886 R 0.796 date 0.885. Floors sit a little below.
FLOORS = {
    "dev_articles": {"precision": 0.85, "recall": 0.95, "date_accuracy": 0.85},
    "dev_articles_2": {"precision": 0.90, "recall": 0.82, "date_accuracy": 0.85},
    "dev_articles_3": {"precision": 0.90, "recall": 0.92, "date_accuracy": 0.75},
    "dev_articles_4": {"precision": 0.94, "recall": 0.89, "date_accuracy": 0.90},
    "dev_articles_7": {"precision": 0.87, "recall": 0.85, "date_accuracy": 0.85},
    "dev_articles_9": {"precision": 0.88, "recall": 0.78, "date_accuracy": 0.80},
    "dev_articles_10": {"precision": 0.87, "recall": 0.82, "date_accuracy": 0.85},
    "dev_articles_12": {"precision": 0.87, "recall": 0.77, "date_accuracy": 0.86},
}
# The misses of the older sets, as measured: Kursk villages the settlement table lacks, namesakes, an island.
KNOWN_MISSES = {
    "dev_articles": set(),
    "dev_articles_2": {
        ("01_vovchansk_ap.txt", "Pletenivka"), ("09_pokrovsk_liveblog.txt", "Shevchenko"),
        ("10_kursk_tass.txt", "Kazachya Loknya"), ("10_kursk_tass.txt", "Malaya Loknya"),
        ("10_kursk_tass.txt", "Martynovka"), ("10_kursk_tass.txt", "Podol"),
    },
    "dev_articles_3": {("02_peski_ria.txt", "Pisky"), ("06_snake_island_bbc.txt", "Snake Island")},
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
    articles = {p.name for p in (DATA / name).glob("*.txt")}
    # Every gold row names an article of the set; all but a background piece or two have events.
    assert files <= articles and len(articles - files) <= 2, articles - files


@pytest.mark.parametrize(("name", "metric"), [(s, m) for s in SETS for m in FLOORS[s]])
def test_score_meets_the_floor(scores: dict[str, Score], name: str, metric: str) -> None:
    assert getattr(scores[name], metric) >= FLOORS[name][metric], scores[name].summary()


@pytest.mark.parametrize("name", sorted(KNOWN_MISSES))
def test_known_misses_are_only_the_documented_ones(scores: dict[str, Score], name: str) -> None:
    assert {(m["file"], m["place"]) for m in scores[name].misses} <= KNOWN_MISSES[name]
