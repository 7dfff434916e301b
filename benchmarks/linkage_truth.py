"""Truth evaluation for benchmarks/linkage.py: pairwise precision, recall and F1 of a model."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cairn.linkage.engine import Thresholds

LINK_THRESHOLD = Thresholds().link


@dataclass
class Score:
    dataset: str
    model: str
    records: int
    true_pairs: int
    predicted_pairs: int
    true_positives: int
    seconds: float
    blocking_recall: float | None = None

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "model": self.model,
            "records": self.records,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "seconds": round(self.seconds, 1),
            "blocking_recall": (
                round(self.blocking_recall, 4) if self.blocking_recall is not None else None
            ),
        }


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def true_pairs(entity_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for record, entity in entity_of.items():
        members[entity].append(record)
    pairs = set()
    for group in members.values():
        group.sort()
        for i, left in enumerate(group):
            for right in group[i + 1 :]:
                pairs.add((left, right))
    return pairs


def score(
    dataset: str,
    model: str,
    predictions: pd.DataFrame,
    truth: set[tuple[str, str]],
    records: int,
    seconds: float,
    id_l: str,
    id_r: str,
) -> Score:
    blocked = {
        _pair(str(a), str(b)) for a, b in zip(predictions[id_l], predictions[id_r], strict=True)
    }
    linked_rows = predictions[predictions["match_probability"] >= LINK_THRESHOLD]
    linked = {
        _pair(str(a), str(b)) for a, b in zip(linked_rows[id_l], linked_rows[id_r], strict=True)
    }
    return Score(
        dataset,
        model,
        records,
        len(truth),
        len(linked),
        len(linked & truth),
        seconds,
        blocking_recall=len(blocked & truth) / len(truth) if truth else None,
    )


def score_entities(
    dataset: str,
    model: str,
    entity_of: dict[str, str],
    truth: set[tuple[str, str]],
    records: int,
    seconds: float,
    blocking_recall: float | None = None,
) -> Score:
    """Pairwise precision and recall of the people a model ends with (every pair of mentions
    put in one entity counts as linked), which is what Cairn shows its users."""
    linked = true_pairs(entity_of)
    return Score(
        dataset,
        model,
        records,
        len(truth),
        len(linked),
        len(linked & truth),
        seconds,
        blocking_recall=blocking_recall,
    )
