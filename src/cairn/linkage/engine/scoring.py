"""Scoring the model's blocked pairs, explaining a pair's score, and connected components."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd
from splink import Linker
from splink.internals.duckdb.dataframe import DuckDBDataFrame
from splink.internals.splink_dataframe import SplinkDataFrame

from cairn.linkage.engine.person_model import Contribution, Model


def pairs_frame(model: Model, predictions: SplinkDataFrame) -> pd.DataFrame:
    """The scores and each comparison's level and weight: not the matching columns Splink
    carries through (two copies of every name, list and date), which would multiply the frame
    of a regional re-link's million pairs several times over."""
    if not isinstance(predictions, DuckDBDataFrame):  # another backend (Spark)
        return scored_frame(model, model.named(predictions.as_pandas_dataframe()))
    return scored_frame(model, model.named(scores_and_levels(predictions.as_duckdbpyrelation())))


def scores_and_levels(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """The scores and each comparison's level and weight of Splink's scored pairs."""
    wanted = [
        column
        for column in relation.columns
        if column in SCORE_COLUMNS or column.startswith(("gamma_", "mw_"))
    ]
    return relation.select(*wanted).df()


def scored_frame(model: Model, frame: pd.DataFrame) -> pd.DataFrame:
    for name in model.comparison_levels():
        weight = frame[f"mw_{name}"].astype(float)
        if f"mw_tf_adj_{name}" in frame:
            weight = weight + frame[f"mw_tf_adj_{name}"].astype(float)
        frame[f"weight_{name}"] = weight
    frame["decision"] = frame["match_probability"].map(model.thresholds.decide)
    return frame


SCORE_COLUMNS = ("mention_id_l", "mention_id_r", "match_probability", "match_weight")


def predict(
    model: Model,
    *,
    threshold: float | None = None,
    explanations: bool = True,
    chunks: int = 1,
) -> pd.DataFrame:
    """Score every blocked pair of the model's mentions.

    One row a pair: `mention_id_l`, `mention_id_r`, `match_probability`, `match_weight`,
    `decision` (link/review/none), and for each comparison its level (`gamma_<name>`) and
    match weight (`weight_<name>`) — the explanation; see `explain`. Without `explanations`,
    only the first five: millions of pairs then fit in memory (a national re-link).
    With `chunks` above 1 the mentions on one side of each pair are taken that many parts at a
    time (Splink's `num_chunks_left`), so the blocked pairs of one part fit DuckDB's memory cap.
    """
    settings = model.linker._settings_obj
    retained = settings._retain_matching_columns, settings._retain_intermediate_calculation_columns
    if not explanations:  # no matching columns or levels carried through the scoring query
        settings._retain_matching_columns = False
        settings._retain_intermediate_calculation_columns = False
    try:
        predictions = model.linker.inference.predict(
            threshold_match_probability=(
                threshold if threshold is not None else model.thresholds.review
            ),
            warning_mode="never",
            **({"num_chunks_left": chunks, "num_chunks_right": 1} if chunks > 1 else {}),
        )
    finally:
        (
            settings._retain_matching_columns,
            settings._retain_intermediate_calculation_columns,
        ) = retained
        _drop_blocked_pairs(model.linker)
    if explanations:
        return pairs_frame(model, predictions)
    try:
        frame: pd.DataFrame = predictions.as_duckdbpyrelation().select(*SCORE_COLUMNS).df()
    finally:
        predictions.drop_table_from_database_and_remove_from_cache()
    frame = model.named(frame)
    frame["decision"] = frame["match_probability"].map(model.thresholds.decide)
    return frame


def _drop_blocked_pairs(linker: Linker) -> None:
    """Splink keeps the blocked pairs cached after scoring them (900 MB of DuckDB's memory for
    the regional world's 23 million); the clustering and placement that follow need the room."""
    cache = linker._intermediate_table_cache
    for name in [key for key in cache if key.startswith("__splink__blocked_id_pairs")]:
        cache[name].drop_table_from_database_and_remove_from_cache()


def explain(model: Model, pair: pd.Series | dict[str, Any]) -> list[Contribution]:
    """Why the model scored a pair as it did: each comparison's level and match weight."""
    return [
        Contribution(
            comparison=name,
            level=levels.get(int(pair[f"gamma_{name}"]), str(pair[f"gamma_{name}"])),
            match_weight=float(pair[f"weight_{name}"]),
        )
        for name, levels in model.comparison_levels().items()
    ]


def cluster(
    pairs: pd.DataFrame, threshold: float, mention_ids: Iterable[str] = ()
) -> dict[str, str]:
    """Connected components of the pairs at or above `threshold`: mention id → entity id.

    The entity id is the smallest mention id in the component; every mention in `pairs` or
    `mention_ids` gets one, a singleton's being its own.
    """
    parent: dict[str, str] = {m: m for m in mention_ids}
    for node in (*pairs["mention_id_l"], *pairs["mention_id_r"]):
        parent.setdefault(str(node), str(node))

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    strong = pairs[pairs["match_probability"] >= threshold]
    for left, right in zip(strong["mention_id_l"], strong["mention_id_r"], strict=True):
        a, b = root(str(left)), root(str(right))
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {node: root(node) for node in list(parent)}
