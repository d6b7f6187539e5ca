"""Score events against gold events with the project's matching rule.

A prediction matches a gold event of the same article when it lies within 15 km of the gold point, has the
same side, and a compatible kind (captured, retaken and withdrawn are all a change toward the side;
contested must be contested). Required gold events are matched first, then optional ones, each to its
nearest unused prediction. Dates are scored on matched pairs against each gold row's tolerance.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer.place import haversine_km

from .errors import InputError

__all__ = ["Score", "score_events", "load_gold", "MATCH_KM"]

MATCH_KM = 15.0


def _stem(name: object) -> str:
    return os.path.splitext(os.path.basename(str(name)))[0]


def _cls(kind: object) -> str:
    return "contested" if kind == "contested" else "change"


@dataclass(slots=True)
class Score:
    """Counts, rates and the lists of misses and false events."""

    required: int = 0
    optional: int = 0
    predicted: int = 0
    true_positives: int = 0
    required_found: int = 0
    dates_ok: int = 0
    misses: list[dict] = field(default_factory=list)
    false_events: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Return matched predictions over all predictions."""
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Return found required gold events over required gold events."""
        return self.required_found / self.required if self.required else 0.0

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def date_accuracy(self) -> float:
        """Return the share of matched pairs whose date is within the gold row's tolerance."""
        return self.dates_ok / self.true_positives if self.true_positives else 0.0

    def summary(self) -> str:
        """Return the one-line summary in the shape of the shared scoring tool."""
        return (f"gold={self.required}(+{self.optional} optional) pred={self.predicted} tp={self.true_positives} "
                f"fp={self.predicted - self.true_positives} precision={self.precision:.3f} recall={self.recall:.3f} "
                f"F1={self.f1:.3f} date_acc={self.date_accuracy:.3f}")


def load_gold(path: str | os.PathLike[str]) -> list[dict]:
    """Read gold events from a JSONL file; raise InputError naming the line of a malformed record."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from err
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            float(row["lat"]), float(row["lon"])
            row.setdefault("kind", row.get("event"))
        except (ValueError, KeyError, TypeError) as err:
            raise InputError(f"{path}:{number}: not a gold event record ({err})") from None
        rows.append(row)
    return rows


def score_events(gold: Sequence[dict], predicted: Sequence[dict], km: float = MATCH_KM) -> Score:
    """Match predictions to gold events and count."""
    score = Score(required=sum(1 for g in gold if not g.get("optional")),
                  optional=sum(1 for g in gold if g.get("optional")), predicted=len(predicted))
    used: set[int] = set()
    for g in sorted(gold, key=lambda g: bool(g.get("optional"))):
        article = _stem(g.get("file") or g.get("id"))
        kinds = {_cls(k) for k in [g["kind"], *g.get("alt_events", [])]}
        best: tuple[int, float] | None = None
        for i, p in enumerate(predicted):
            if i in used or _stem(p.get("article", "")) != article:
                continue
            try:
                distance = haversine_km(float(g["lat"]), float(g["lon"]), float(p["lat"]), float(p["lon"]))
            except (TypeError, ValueError, KeyError):
                continue
            if distance > km or _cls(p.get("kind")) not in kinds:
                continue
            if _cls(p.get("kind")) == "change" and p.get("side") != g.get("side"):
                continue
            if best is None or distance < best[1]:
                best = (i, distance)
        if best is None:
            if not g.get("optional"):
                score.misses.append(g)
            continue
        used.add(best[0])
        score.true_positives += 1
        score.required_found += not g.get("optional")
        try:
            gold_day = dt.date.fromisoformat(str(g["date"]))
            pred_day = dt.date.fromisoformat(str(predicted[best[0]].get("date"))[:10])
            score.dates_ok += abs((gold_day - pred_day).days) <= int(g.get("date_tolerance_days", 1))
        except (ValueError, KeyError, TypeError):
            pass
    score.false_events = [p for i, p in enumerate(predicted) if i not in used]
    return score

