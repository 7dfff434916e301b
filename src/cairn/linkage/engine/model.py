"""Train, predict, explain, cluster and link incrementally with Cairn's person model."""

from __future__ import annotations

import copy
import logging
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.exceptions import SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from cairn.linkage.engine.comparisons import (
    DETERMINISTIC_COLUMNS,
    deterministic_rules,
    em_training_rules,
    person_blocking_rules,
    person_comparisons,
)
from cairn.linkage.engine.schema import PersonMention, matching_table

logger = logging.getLogger(__name__)

TF_COLUMNS = ("given_name", "family_name", "nickname")
DEFAULT_PRIOR = 1e-4
M_FLOOR = 1e-3
# From this many mentions the broad blocking rules pair mentions within one area only.
AREA_SCOPED_FROM = 200_000


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to the system's temporary folder, never the checkout."""
    spill = Path(tempfile.gettempdir()) / "cairn-duckdb"
    spill.mkdir(exist_ok=True)
    return duckdb.connect(config={"temp_directory": str(spill)})


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """Match probabilities: at or above `link` → linked; from `review` up to it → review queue."""

    link: float = 0.95
    review: float = 0.5

    def decide(self, match_probability: float) -> str:
        if match_probability >= self.link:
            return "link"
        if match_probability >= self.review:
            return "review"
        return "none"


@dataclass(frozen=True)
class Contribution:
    """One comparison's part in a pair's score: its level and match weight (log2 Bayes factor)."""

    comparison: str
    level: str
    match_weight: float


@dataclass
class Model:
    """A trained Splink linker over the mentions it was trained on, kept in DuckDB."""

    linker: Linker
    db_api: DuckDBAPI
    mentions: SplinkDataFrame
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def settings(self) -> dict[str, Any]:
        """The trained model as Splink settings JSON (m and u for every level)."""
        return self.linker.misc.save_model_to_json()

    def comparison_levels(self) -> dict[str, dict[int, str]]:
        """Comparison name → comparison vector value → the level's label."""
        return {
            comparison.output_column_name: {
                level.comparison_vector_value: level.label_for_charts
                for level in comparison.comparison_levels
            }
            for comparison in self.linker._settings_obj.comparisons
        }


def person_settings(**overrides: Any) -> SettingsCreator:
    options: dict[str, Any] = {
        "link_type": "dedupe_only",
        "unique_id_column_name": "mention_id",
        "comparisons": person_comparisons(),
        "blocking_rules_to_generate_predictions": person_blocking_rules(),
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
    }
    options.update(overrides)
    return SettingsCreator(**options)


def fit(
    linker: Linker,
    *,
    deterministic: Sequence[Any],
    em_rules: Sequence[Any],
    recall: float = 0.7,
    max_pairs: float = 2e6,
    seed: int = 1,
) -> None:
    """Unsupervised training: a prior from near-certain rules, u by sampling, m by EM."""
    settings = linker._settings_obj
    linker.training.estimate_probability_two_random_records_match(
        list(deterministic), recall=recall
    )
    prior = settings._probability_two_random_records_match
    if not prior or not 0 < prior < 1:  # no near-certain pair: fall back on a modest prior
        settings._probability_two_random_records_match = DEFAULT_PRIOR
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in em_rules:
        # A failed session leaves the settings without the comparisons it set aside.
        saved = copy.deepcopy(settings.core_model_settings)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except (ValueError, SplinkException) as error:  # an m underflowing, an empty block
            logger.warning("EM on %s skipped: %s", rule, error)
            settings.core_model_settings = saved
    _floor_m_probabilities(linker)


def _floor_m_probabilities(linker: Linker) -> None:
    """No level is impossible for a true match: records always carry some errors.

    Without a floor, a level EM never saw among matches (a misspelt name, a wrong age guess)
    gets a weight near -80 and vetoes every other piece of evidence.
    """
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            m = level._m_probability
            if isinstance(m, float) and m < M_FLOOR:  # not "level not observed"
                level.m_probability = M_FLOOR


def _register(db_api: DuckDBAPI, table: pa.Table, name: str) -> SplinkDataFrame:
    return db_api.register(table, table_name=name)


def _as_table(mentions: Iterable[PersonMention] | pa.Table) -> pa.Table:
    return mentions if isinstance(mentions, pa.Table) else matching_table(mentions)


def deterministic_recall(tables: Sequence[pa.Table]) -> float:
    """The share of true pairs the deterministic rule can find, estimated without labels.

    A pair is found only if both records carry every column of the rule and agree on it: the
    square of the share of complete records, times 0.9 for typing errors. Intelligence
    mentions rarely carry a date of birth, so a fixed recall (Splink's examples use 0.7 to 0.9
    for complete registers) would underestimate the prior twentyfold.
    """
    complete = total = 0
    for table in tables:
        present = pc.and_(*[pc.is_valid(table.column(c)) for c in DETERMINISTIC_COLUMNS[:2]])
        present = pc.and_(present, pc.is_valid(table.column(DETERMINISTIC_COLUMNS[2])))
        complete += pc.sum(present.cast(pa.int64())).as_py() or 0
        total += table.num_rows
    share = complete / total if total else 0.0
    return min(0.9, max(0.01, 0.9 * share * share))


def train(
    mentions: Iterable[PersonMention] | pa.Table,
    *,
    link_to: Iterable[PersonMention] | pa.Table | None = None,
    thresholds: Thresholds | None = None,
    extra_comparisons: Sequence[ComparisonCreator] = (),
    extra_blocking_rules: Sequence[Any] = (),
    extra_em_rules: Sequence[Any] = (),
    max_pairs: float = 2e6,
    seed: int = 1,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> Model:
    """Train the person model without labels on `mentions` (they become the existing set).

    With `link_to`, the model links the two sets and never pairs records within one
    (two-file linking); extra comparisons and rules apply to `PersonMention.extra` columns.
    """
    db_api = DuckDBAPI(connection=connection or connect())
    tables = [_as_table(m) for m in (mentions, link_to) if m is not None]
    registered = _register(db_api, tables[0], "person_mentions")
    inputs: list[SplinkDataFrame] = [registered]
    if link_to is not None:
        inputs.append(_register(db_api, tables[1], "person_mentions_other"))
    settings = person_settings(
        link_type="link_only" if link_to is not None else "dedupe_only",
        comparisons=[*person_comparisons(), *extra_comparisons],
        blocking_rules_to_generate_predictions=[
            *person_blocking_rules(within_area=sum(t.num_rows for t in tables) > AREA_SCOPED_FROM),
            *extra_blocking_rules,
        ],
    )
    linker = Linker(inputs if link_to is not None else registered, settings, log_level=None)
    fit(
        linker,
        deterministic=deterministic_rules(),
        recall=deterministic_recall(tables),
        em_rules=[*em_training_rules(), *extra_em_rules],
        max_pairs=max_pairs,
        seed=seed,
    )
    for column in TF_COLUMNS:
        linker.table_management.compute_tf_table(column)
    return Model(linker, db_api, registered, thresholds or Thresholds())


def _pairs_frame(model: Model, predictions: SplinkDataFrame) -> pd.DataFrame:
    frame: pd.DataFrame = predictions.as_pandas_dataframe()
    for name in model.comparison_levels():
        weight = frame[f"mw_{name}"].astype(float)
        if f"mw_tf_adj_{name}" in frame:
            weight = weight + frame[f"mw_tf_adj_{name}"].astype(float)
        frame[f"weight_{name}"] = weight
    frame["decision"] = frame["match_probability"].map(model.thresholds.decide)
    return frame


def predict(model: Model, *, threshold: float | None = None) -> pd.DataFrame:
    """Score every blocked pair of the model's mentions.

    One row a pair: `mention_id_l`, `mention_id_r`, `match_probability`, `match_weight`,
    `decision` (link/review/none), and for each comparison its level (`gamma_<name>`) and
    match weight (`weight_<name>`) — the explanation; see `explain`.
    """
    predictions = model.linker.inference.predict(
        threshold_match_probability=threshold if threshold is not None else model.thresholds.review,
        warning_mode="never",
    )
    return _pairs_frame(model, predictions)


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


def link_new(
    model: Model,
    new_mentions: Iterable[PersonMention] | pa.Table,
    *,
    threshold: float | None = None,
) -> pd.DataFrame:
    """Candidate pairs between new mentions and the model's existing ones (not among those).

    New mentions are blocked against the existing table only, so the cost follows the size of
    the blocks the new record falls in rather than the size of the table.
    """
    new = model.db_api.register(_as_table(new_mentions))
    try:
        predictions = model.linker.inference.predict_between(
            new,
            model.mentions,
            threshold_match_probability=(
                threshold if threshold is not None else model.thresholds.review
            ),
            warning_mode="never",
        )
        return _pairs_frame(model, predictions)
    finally:
        new.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
