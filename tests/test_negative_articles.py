"""End to end on articles that name places but report no control change (tests/data/negative_articles).

Sports clubs, institutions and sites named after towns, history before this war, strikes, evacuations,
exchanges, demands, peace plans, forecasts and page chrome: an analyst finds no event in any of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.pipeline import run_pipeline

FOLDER = Path(__file__).parent / "data" / "negative_articles"
# The few events an analyst would accept in the set, as (file, place, kind): a Russian report that Kyiv denies is
# mapped as Russia's claim (claimed=True), the denial kept in its evidence.
EXPECTED: set[tuple[str, str, str]] = {("08_forecasts_pokrovsk.txt", "Myrnohrad", "withdrawn")}


def test_a_denied_report_is_only_a_claim(gazetteer) -> None:  # type: ignore[no-untyped-def]
    run = run_pipeline([FOLDER], gazetteer)
    assert all(e.claimed for e in run.events)


@pytest.fixture(scope="module")
def found(gazetteer) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """Return (file, place, kind) of every event the pipeline reports over the set."""
    run = run_pipeline([FOLDER], gazetteer)
    return {(Path(e.article_id).name, e.place.name, e.kind) for e in run.events}


def test_set_has_twelve_articles_in_its_manifest() -> None:
    rows = (FOLDER / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == sorted(p.name for p in FOLDER.glob("*.txt"))
    assert len(rows) == 12


def test_no_false_events(found: set[tuple[str, str, str]]) -> None:
    assert found == EXPECTED
