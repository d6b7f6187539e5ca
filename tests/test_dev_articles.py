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
SETS = ("dev_articles", "dev_articles_2", "dev_articles_3", "dev_articles_4")

# Measured on 2026-12-03 (lexicon detector, KATOTTG settlements): set 1 P 0.976 R 1.000 date 0.902; set 2 P 0.981
# R 0.778 date 0.902; set 3 P 0.961 R 0.791 date 0.808; set 4 (30 articles by a helper who never saw the detector;
# first run P 0.868 R 0.254 with the old detector, P 0.878 R 0.529 with the lexicon families) P 0.915 R 0.608
# date 0.923. Floors sit a little below.
FLOORS = {
    "dev_articles": {"precision": 0.95, "recall": 0.95, "date_accuracy": 0.85},
    "dev_articles_2": {"precision": 0.93, "recall": 0.74, "date_accuracy": 0.85},
    "dev_articles_3": {"precision": 0.92, "recall": 0.76, "date_accuracy": 0.77},
    "dev_articles_4": {"precision": 0.88, "recall": 0.57, "date_accuracy": 0.88},
}
# The misses of the older sets, as measured: Kursk villages the settlement table lacks, namesakes, an island.
KNOWN_MISSES = {
    "dev_articles": set(),
    "dev_articles_2": {
        ("01_vovchansk_ap.txt", "Pletenivka"), ("09_pokrovsk_liveblog.txt", "Shevchenko"),
        ("10_kursk_tass.txt", "Kazachya Loknya"), ("10_kursk_tass.txt", "Malaya Loknya"),
        ("10_kursk_tass.txt", "Martynovka"), ("10_kursk_tass.txt", "Podol"),
    },
    "dev_articles_3": {
        ("02_peski_ria.txt", "Pisky"), ("03_ocheretyne_isw.txt", "Berdychi"), ("03_ocheretyne_isw.txt", "Semenivka"),
        ("05_storozheve_ukrinform.txt", "Levadne"), ("05_storozheve_ukrinform.txt", "Makarivka"),
        ("05_storozheve_ukrinform.txt", "Neskuchne"), ("05_storozheve_ukrinform.txt", "Novodarivka"),
        ("06_snake_island_bbc.txt", "Snake Island"), ("09_chernihiv_suspilne.txt", "Trostianets"),
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


@pytest.mark.parametrize("name", sorted(KNOWN_MISSES))
def test_known_misses_are_only_the_documented_ones(scores: dict[str, Score], name: str) -> None:
    assert {(m["file"], m["place"]) for m in scores[name].misses} <= KNOWN_MISSES[name]
