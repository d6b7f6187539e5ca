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
SETS = ("dev_articles", "dev_articles_2", "dev_articles_3", "dev_articles_4", "dev_articles_7", "dev_articles_9")

# Measured on 2026-12-03 (counted lists, passive withdrawals, fronted report register): set 1 P 0.875 R 1.000
# date 0.905 (its gold does not count "inflicted losses on brigades near X", which sets 4, 6 and 7 count as
# fighting there); set 2 P 0.945 R 0.852 date 0.904; set 3 P 0.955 R 0.953 date 0.776; set 4 P 0.963 R 0.862
# date 0.929; set 7 (30 articles by a helper who never saw the detector; first run P 0.870 R 0.682, and the
# session-start detector P 0.875 R 0.672) P 0.892 R 0.854 date 0.872; set 9 (25 long articles by another blind
# helper; first run P 0.856 R 0.635, session-start detector P 0.855 R 0.524) P 0.882 R 0.757 date 0.817. Floors sit
# a little below.
FLOORS = {
    "dev_articles": {"precision": 0.85, "recall": 0.95, "date_accuracy": 0.85},
    "dev_articles_2": {"precision": 0.90, "recall": 0.82, "date_accuracy": 0.85},
    "dev_articles_3": {"precision": 0.90, "recall": 0.92, "date_accuracy": 0.75},
    "dev_articles_4": {"precision": 0.94, "recall": 0.86, "date_accuracy": 0.90},
    "dev_articles_7": {"precision": 0.86, "recall": 0.83, "date_accuracy": 0.85},
    "dev_articles_9": {"precision": 0.86, "recall": 0.74, "date_accuracy": 0.80},
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
