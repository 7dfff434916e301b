"""Unsupervised training of the person model: prior, u by sampling, m by EM, floored m."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT
from splink.internals.exceptions import SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from cairn.linkage.engine.comparisons import (
    DETERMINISTIC_COLUMNS,
    deterministic_rules,
    em_training_rules,
    person_blocking_rules,
    person_comparisons,
)
from cairn.linkage.engine.person_model import (
    TF_COLUMNS,
    Model,
    Thresholds,
    as_table,
    connect,
    keyed_by_row,
    person_settings,
)
from cairn.linkage.engine.schema import PersonMention

logger = logging.getLogger(__name__)

DEFAULT_PRIOR = 1e-4
M_FLOOR = 1e-3
# Expectation maximisation trains on at most about this many pairs of a block (a hashed sample
# of the mentions): a common street name as a block otherwise dominated training time.
EM_MAX_PAIRS = 1e6
# The mentions sampled (up to all) to count a block's pairs before choosing EM's sample.
EM_PROBE_MENTIONS = 20_000
# From this many mentions the broad blocking rules pair mentions within one area only.
AREA_SCOPED_FROM = 200_000
# From this many, they also need the same decade of birth, and the broadest are left out.
NATIONAL_FROM = 500_000


def fit(
    linker: Linker,
    *,
    deterministic: Sequence[Any],
    em_rules: Sequence[Any],
    recall: float = 0.7,
    max_pairs: float = 2e6,
    em_max_pairs: float | None = EM_MAX_PAIRS,
    em_probe_share: float = 0.01,
    seed: int = 1,
) -> None:
    """Unsupervised training: a prior from near-certain rules, u by sampling, m by EM.

    `max_pairs` random pairs estimate u; each EM session samples mentions so that its block
    gives about `em_max_pairs` pairs (None: every pair), having counted the pairs among
    `em_probe_share` of the mentions. Blocks smaller than that are used whole, so small sets
    train exactly as before.
    """
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
                rule,
                estimate_without_term_frequencies=True,
                max_pairs=em_max_pairs,
                record_sample_proportion=em_probe_share,
            )
        except (ValueError, SplinkException) as error:  # an m underflowing, an empty block
            logger.warning("EM on %s skipped: %s", rule, error)
            settings.core_model_settings = saved
    _floor_m_probabilities(linker)


def _floor_m_probabilities(linker: Linker) -> None:
    """No level is impossible for a true match: records always carry some errors.

    Without a floor, a level EM never saw among matches (a misspelt name, a wrong age guess)
    gets a weight near -80 and vetoes every other piece of evidence. A level no EM session
    trained (a rare one, such as swapped names, can be missing from a sampled block) would
    take Splink's default m; it gets the floor too when random pairs gave it a u, as when
    EM saw it only a few times.
    """
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            m = level._m_probability
            too_small = isinstance(m, float) and m < M_FLOOR
            untrained = m in (None, LEVEL_NOT_OBSERVED_TEXT)
            if too_small or (untrained and isinstance(level._u_probability, float)):
                level.m_probability = M_FLOOR


def _register(db_api: DuckDBAPI, table: pa.Table, name: str) -> SplinkDataFrame:
    return db_api.register(table, table_name=name)


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
    em_max_pairs: float | None = EM_MAX_PAIRS,
    seed: int = 1,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> Model:
    """Train the person model without labels on `mentions` (they become the existing set).

    With `link_to`, the model links the two sets and never pairs records within one
    (two-file linking); extra comparisons and rules apply to `PersonMention.extra` columns.
    """
    db_api = DuckDBAPI(connection=connection or connect())
    tables = [as_table(m) for m in (mentions, link_to) if m is not None]
    mention_ids = None
    if link_to is None:  # one set: Splink works on row numbers (two-file ids stay as given)
        keyed, mention_ids = keyed_by_row(tables[0])
        registered = _register(db_api, keyed, "person_mentions")
    else:
        registered = _register(db_api, tables[0], "person_mentions")
    inputs: list[SplinkDataFrame] = [registered]
    if link_to is not None:
        inputs.append(_register(db_api, tables[1], "person_mentions_other"))
    rows = sum(t.num_rows for t in tables)
    national, by_area = rows >= NATIONAL_FROM, rows > AREA_SCOPED_FROM
    settings = person_settings(
        link_type="link_only" if link_to is not None else "dedupe_only",
        comparisons=[*person_comparisons(by_area=by_area), *extra_comparisons],
        blocking_rules_to_generate_predictions=[
            *person_blocking_rules(within_area=by_area, national=national),
            *extra_blocking_rules,
        ],
    )
    linker = Linker(inputs if link_to is not None else registered, settings, log_level=None)
    fit(
        linker,
        deterministic=deterministic_rules(),
        recall=deterministic_recall(tables),
        em_rules=[*em_training_rules(national=national), *extra_em_rules],
        max_pairs=max_pairs,
        em_max_pairs=em_max_pairs,
        em_probe_share=min(1.0, EM_PROBE_MENTIONS / max(rows, 1)),
        seed=seed,
    )
    for column in TF_COLUMNS:
        linker.table_management.compute_tf_table(column)
    _drop_training_pairs(db_api)
    return Model(
        linker,
        db_api,
        registered,
        thresholds or Thresholds(),
        table=tables[0],
        mention_ids=mention_ids,
    )


# What Splink's training sessions leave in DuckDB: each EM block's pairs, their comparison
# vectors and counts, kept for charts Cairn does not draw.
_TRAINING_TABLES = (
    "__splink__blocked_id_pairs",
    "__splink__df_comparison_vectors",
    "__splink__agreement_pattern_counts",
    "__splink__df_count",
)


def _drop_training_pairs(db_api: DuckDBAPI) -> None:
    """Free the memory the training tables hold before scoring, clustering and placement."""
    con = db_api._con
    for (name,) in con.execute("select table_name from duckdb_tables()").fetchall():
        if name.startswith(_TRAINING_TABLES):
            con.execute(f'drop table if exists "{name}"')
