"""End to end on the seed articles: the detector scored against the shared gold events (skipped without them)."""

from __future__ import annotations

import json
import os

import pytest

from geo.detect import Detector
from geo.evaluate import load_gold, score_events
from geo.model import Article
from geo.pipeline import run_pipeline

from .conftest import SEEDS, SHARED

GOLD = SHARED / "dev" / "seeds_gold.jsonl"
NEGATIVES = SHARED / "dev" / "seeds_negatives.jsonl"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="../shared/dev gold events are not present")


@pytest.fixture(scope="module")
def run(gazetteer):  # type: ignore[no-untyped-def]
    """Return the pipeline's result over seeds/."""
    return run_pipeline([SEEDS], gazetteer)


def test_seed_score_meets_the_bar(run) -> None:  # type: ignore[no-untyped-def]
    score = score_events(load_gold(GOLD), [e.to_record() for e in run.events])
    assert score.recall >= 0.9, score.summary()
    assert score.precision >= 0.9, score.summary()
    assert score.date_accuracy >= 0.9, score.summary()


def test_negative_surfaces_make_no_events(run) -> None:  # type: ignore[no-untyped-def]
    with open(NEGATIVES, encoding="utf-8") as handle:
        negatives = [json.loads(line) for line in handle if line.strip()]
    assert negatives
    events = {(os.path.basename(e.article_id), e.surface) for e in run.events}
    assert [n for n in negatives if (n["file"], n["surface"]) in events] == []


def test_unknown_village_stays_unresolved(run) -> None:  # type: ignore[no-untyped-def]
    assert "Grakové" in {u.surface for u in run.unresolved}
    assert not [e for e in run.events if e.surface == "Grakové"]


def test_garbled_name_resolves_to_nothing(gazetteer) -> None:  # type: ignore[no-untyped-def]
    assert gazetteer.resolve("Yugansk").best is None
    text = "Parts of the city of Yugansk were captured by the Russian-backed separatists before the war."
    assert Detector(gazetteer).detect(Article("t", text)).events == ()
