"""End to end on the second set of written dev articles (tests/data/dev_articles_2): new outlets' styles."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.evaluate import load_gold, score_events
from geo.pipeline import run_pipeline

DEV = Path(__file__).parent / "data" / "dev_articles_2"
GOLD = Path(__file__).parent / "data" / "gold" / "dev_articles_2.jsonl"


@pytest.fixture(scope="module")
def score(gazetteer):  # type: ignore[no-untyped-def]
    """Return the score of the pipeline's events over the second dev set."""
    run = run_pipeline([DEV], gazetteer)
    return score_events(load_gold(GOLD), [e.to_record() for e in run.events])


def test_gold_covers_every_article() -> None:
    files = {row["file"] for row in load_gold(GOLD)}
    assert files == {p.name for p in DEV.glob("*.txt")}


# Measured: precision 0.971, recall 0.630, date accuracy 0.848; floors sit a little below. Most misses are
# villages absent from cities500 (honest misses), so recall is low by design of the embedded gazetteer.
@pytest.mark.parametrize(("metric", "floor"), [("precision", 0.93), ("recall", 0.59), ("date_accuracy", 0.80)])
def test_dev_score_meets_the_floor(score, metric: str, floor: float) -> None:  # type: ignore[no-untyped-def]
    assert getattr(score, metric) >= floor, score.summary()


def test_known_misses_are_only_the_documented_ones(score) -> None:  # type: ignore[no-untyped-def]
    # Not in cities500 (or only as a namesake far away): Pylna, Ohirtseve, Pletenivka, Makiivka of Luhansk
    # Oblast, Bakhmutske, Podol, Malaya Loknya, Kazachya Loknya, Martynovka; Shevchenko is ambiguous.
    assert {(m["file"], m["place"]) for m in score.misses} <= {
        ("01_vovchansk_ap.txt", "Pylna"), ("01_vovchansk_ap.txt", "Ohirtseve"),
        ("01_vovchansk_ap.txt", "Pletenivka"), ("05_svatove_kreminna_isw.txt", "Makiivka (Luhansk Oblast)"),
        ("05_svatove_kreminna_isw.txt", "Bakhmutske"), ("09_pokrovsk_liveblog.txt", "Shevchenko"),
        ("10_kursk_tass.txt", "Podol"), ("10_kursk_tass.txt", "Malaya Loknya"),
        ("10_kursk_tass.txt", "Kazachya Loknya"), ("10_kursk_tass.txt", "Martynovka")}
