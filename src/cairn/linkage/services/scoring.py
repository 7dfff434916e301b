"""Scoring pairs with the engine: a full training run, or new mentions against the kept model."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import reduce
from operator import or_
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower

from cairn.intelligence.models import PersonMention
from cairn.linkage import engine
from cairn.linkage.engine import stored
from cairn.linkage.models import LinkageModel
from cairn.linkage.services.common import Pair, thresholds


class Explanations:
    """Each scored pair's comparison levels and weights, kept as arrays by the pair's row.

    A regional re-link scores about a million pairs and writes the explanation of only the
    pairs it keeps (a mention's best link, the review queue): as lists of dictionaries, every
    pair's would take gigabytes.
    """

    def __init__(self, model: engine.Model, frame: pd.DataFrame) -> None:
        self.levels = model.comparison_levels()
        names = list(self.levels)
        self.gamma = frame[[f"gamma_{name}" for name in names]].to_numpy(dtype=np.int64)
        self.weight = frame[[f"weight_{name}" for name in names]].to_numpy(dtype=np.float64)

    def of(self, row: int) -> list[dict[str, Any]]:
        return [
            {
                "comparison": name,
                "level": levels.get(int(gamma), str(gamma)),
                "match_weight": float(weight),
            }
            for (name, levels), gamma, weight in zip(
                self.levels.items(), self.gamma[row], self.weight[row], strict=True
            )
        ]


# Mentions scored against the rest at a time in a full re-link: with 1,323,941 (the national
# world's mentions and young people) all at once, DuckDB's 3 GB ran out while grouping the
# blocked pairs.
PREDICT_PART_ROWS = 500_000


def _pairs(frame: pd.DataFrame) -> list[Pair]:
    """The scored pairs, smaller id first, each knowing its row of `frame`."""
    left = frame["mention_id_l"].astype("int64").to_numpy()
    right = frame["mention_id_r"].astype("int64").to_numpy()
    probability = frame["match_probability"].astype("float64").to_numpy()
    return [
        Pair(first=min(a, b), second=max(a, b), probability=p, row=row)
        for row, (a, b, p) in enumerate(
            zip(left.tolist(), right.tolist(), probability.tolist(), strict=True)
        )
    ]


def _explained(model: engine.Model, frame: pd.DataFrame) -> list[Pair]:
    """The scored pairs with their explanations: for the few pairs of one report."""
    why = Explanations(model, frame)
    return [replace(pair, explanation=why.of(pair.row), row=-1) for pair in _pairs(frame)]


@dataclass
class Scores:
    """The pairs a newly trained model scored, and that model to keep for single reports."""

    pairs: list[Pair]
    model: stored.StoredModel | None = None
    why: Explanations | None = None

    def explain(self, pair: Pair) -> list[dict[str, Any]]:
        """Why the model scored the pair as it did (see `engine.explain`)."""
        if pair.explanation or self.why is None or pair.row < 0:
            return pair.explanation
        return self.why.of(pair.row)


def score_pairs(
    mentions: Sequence[engine.PersonMention] | pa.Table,
    *,
    backend: str = "duckdb",
    spark_master: str = "",
) -> Scores:
    """Train without labels on all the mentions and score every blocked pair above `lower`.

    `backend` "spark" runs the same model on Apache Spark (`spark_master` or CAIRN_SPARK_MASTER).
    """
    rows = mentions.num_rows if isinstance(mentions, pa.Table) else len(mentions)
    if rows < 2:
        return Scores([])
    if backend == "spark":
        from cairn.linkage.engine import spark

        trained = spark.train(mentions, thresholds=thresholds(), max_pairs=2e5, master=spark_master)
        frame = spark.predict(trained)
        return Scores(_pairs(frame), spark.export(trained), Explanations(trained, frame))
    # DuckDB capped, so a regional or national re-link spills to disk rather than taking the
    # machine's memory (uncapped, DuckDB may take 80% of it).
    connection = engine.connect(memory_limit=settings.CAIRN_LINK_MEMORY)
    try:
        model = engine.train(
            mentions, thresholds=thresholds(), max_pairs=2e5, connection=connection
        )
        # Each part's blocked pairs fit the memory cap: a national re-link takes three.
        frame = engine.predict(model, chunks=math.ceil(rows / PREDICT_PART_ROWS))
        return Scores(_pairs(frame), stored.export(model), Explanations(model, frame))
    finally:
        connection.close()


def kept_model() -> stored.StoredModel | None:
    """The model the last full re-link trained, if there has been one."""
    record = LinkageModel.objects.first()
    if record is None:
        return None
    return stored.StoredModel(
        settings=record.settings,
        term_frequencies=record.term_frequencies,
        mentions=record.mentions,
    )


# This process's scorer for the kept model: loading one takes longer than using it.
_scorers: dict[tuple[Any, ...], stored.Scorer] = {}
_scorers_lock = threading.Lock()


def _kept_scorer() -> stored.Scorer | None:
    newest = LinkageModel.objects.values_list("pk", "trained_at").first()
    if newest is None:
        return None
    limits = thresholds()
    key = (*newest, limits)
    with _scorers_lock:
        scorer = _scorers.get(key)
        if scorer is None:
            kept = kept_model()
            if kept is None:
                return None
            for old in _scorers.values():
                old.close()
            _scorers.clear()
            scorer = _scorers[key] = stored.Scorer(kept, thresholds=limits)
    return scorer


def score_new(
    existing: Sequence[engine.PersonMention], new: Sequence[engine.PersonMention]
) -> list[Pair]:
    """Score the new mentions against the existing ones only.

    With the model the last re-link kept, in a fraction of a second; without one (no re-link
    yet), a model is trained on `existing` first, which takes seconds.
    """
    if not existing or not new:
        return []
    scorer = _kept_scorer()
    if scorer is not None:
        model, frame = scorer.score(existing, new)
        return _explained(model, frame)
    model = engine.train(existing, thresholds=thresholds(), max_pairs=2e5)
    return _explained(model, engine.link_new(model, new))


def candidate_ids(new: Sequence[engine.PersonMention], *, report_id: int) -> set[int]:
    """Stored mentions (outside the report) that the model's blocking could pair with `new`.

    Looked up by the values the blocking rules join on (`stored.candidate_values`), so the
    cost follows the number of namesakes, phones and vehicles in common, not of mentions.
    """
    values = stored.candidate_values(new)
    others = PersonMention.objects.exclude(report_id=report_id).annotate(
        given=Lower("given_name"), family=Lower("family_name"), street_name=Lower("nickname")
    )
    conditions = [
        Q(**{lookup: sorted(found, key=str)})
        for lookup, found in (
            ("given__in", values.given_names),
            ("family__in", values.family_names),
            ("street_name__in", values.nicknames),
            ("date_of_birth__in", values.dates_of_birth),
            ("phones__e164__in", values.phones),
            ("vehicles__registration__in", values.vehicles),
        )
        if found
    ]
    if values.associates:
        alongside = PersonMention.objects.annotate(
            given=Lower("given_name"), street_name=Lower("nickname")
        ).filter(Q(given__in=values.associates) | Q(street_name__in=values.associates))
        conditions.append(Q(report_id__in=alongside.values("report_id")))
    if not conditions:
        return set()
    return set(others.filter(reduce(or_, conditions)).values_list("pk", flat=True))
