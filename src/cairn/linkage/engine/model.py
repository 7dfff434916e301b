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
from cairn.linkage.engine.schema import PersonMention, matching_table

logger = logging.getLogger(__name__)

TF_COLUMNS = ("given_name", "family_name", "nickname")
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


def connect(
    *, memory_limit: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to the system's temporary folder, never the checkout.

    `memory_limit` ("3GB") caps DuckDB's own memory (it spills beyond it); `threads` defaults
    to the machine's cores.
    """
    spill = Path(tempfile.gettempdir()) / "cairn-duckdb"
    spill.mkdir(exist_ok=True)
    config: dict[str, Any] = {"temp_directory": str(spill)}
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    if threads is not None:
        config["threads"] = threads
    return duckdb.connect(config=config)


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """Match probabilities: at or above `link` → linked; from `review` up to it → review queue."""

    link: float = 0.8
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
    # The mentions as given (for `link_new`'s candidates) and the DuckDB table of their
    # blocking keys, built on the first `link_new`.
    table: pa.Table | None = None
    key_index: str | None = None

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
    em_max_pairs: float | None = EM_MAX_PAIRS,
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
    return Model(linker, db_api, registered, thresholds or Thresholds(), table=tables[0])


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


def _pairs_frame(model: Model, predictions: SplinkDataFrame) -> pd.DataFrame:
    return _scored_frame(model, predictions.as_pandas_dataframe())


def _scored_frame(model: Model, frame: pd.DataFrame) -> pd.DataFrame:
    for name in model.comparison_levels():
        weight = frame[f"mw_{name}"].astype(float)
        if f"mw_tf_adj_{name}" in frame:
            weight = weight + frame[f"mw_tf_adj_{name}"].astype(float)
        frame[f"weight_{name}"] = weight
    frame["decision"] = frame["match_probability"].map(model.thresholds.decide)
    return frame


SCORE_COLUMNS = ("mention_id_l", "mention_id_r", "match_probability", "match_weight")


def predict(
    model: Model, *, threshold: float | None = None, explanations: bool = True
) -> pd.DataFrame:
    """Score every blocked pair of the model's mentions.

    One row a pair: `mention_id_l`, `mention_id_r`, `match_probability`, `match_weight`,
    `decision` (link/review/none), and for each comparison its level (`gamma_<name>`) and
    match weight (`weight_<name>`) — the explanation; see `explain`. Without `explanations`,
    only the first five: millions of pairs then fit in memory (a national re-link).
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
        )
    finally:
        (
            settings._retain_matching_columns,
            settings._retain_intermediate_calculation_columns,
        ) = retained
        _drop_blocked_pairs(model.linker)
    if explanations:
        return _pairs_frame(model, predictions)
    try:
        frame: pd.DataFrame = predictions.as_duckdbpyrelation().select(*SCORE_COLUMNS).df()
    finally:
        predictions.drop_table_from_database_and_remove_from_cache()
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


KEY_INDEX = "__cairn_blocking_keys"
_NEW, _CANDIDATES, _PAIRS = "__cairn_link_l_raw", "__cairn_link_r_raw", "__cairn_link_pairs"


@dataclass(frozen=True)
class _Rule:
    """A blocking rule as `link_new` uses it: equi-join keys (new and existing side), the
    array columns to explode first, and the rest of the condition as a filter."""

    number: int
    exploded: tuple[str, ...]
    new: tuple[str, ...]
    existing: tuple[str, ...]
    condition: str


def _rules(model: Model) -> list[_Rule]:
    rules = []
    for number, rule in enumerate(
        model.linker._settings_obj._blocking_rules_to_generate_predictions
    ):
        conditions = rule._equi_join_conditions
        if not conditions:
            raise ValueError(f"blocking rule without an equi-join: {rule.blocking_rule_sql}")
        rules.append(
            _Rule(
                number,
                tuple(getattr(rule, "array_columns_to_explode", ())),
                tuple(c[0] for c in conditions),
                tuple(c[1] for c in conditions),
                rule._filter_conditions or "true",
            )
        )
    return rules


def _keyed(model: Model) -> bool:
    """Whether `link_new` can look candidates up by key: one set of mentions (not two-file
    linking, whose pairs carry source datasets) and an equi-join in every blocking rule."""
    settings = model.linker._settings_obj
    if settings._link_type != "dedupe_only":
        return False
    return all(
        rule._equi_join_conditions for rule in settings._blocking_rules_to_generate_predictions
    )


def _keys_sql(table: str, rules: Sequence[_Rule], *, new: bool) -> str:
    """One row (rule, key, row number `__row`) for every blocking key of every mention."""
    parts = []
    for rule in rules:
        source = table
        if rule.exploded:
            unnest = ", ".join(f"unnest({c}) as {c}" for c in rule.exploded)
            source = f"(select * replace ({unnest}) from {table})"  # noqa: S608 — identifiers only, values are parameters
        expressions = rule.new if new else rule.existing
        key = " || chr(31) || ".join(f"cast({e} as varchar)" for e in expressions)
        present = " and ".join(f"({e}) is not null" for e in expressions)
        parts.append(
            f"select {rule.number} as rule, '{rule.number}:' || {key} as key, __row "  # noqa: S608 — identifiers only, values are parameters
            f"from {source} where {present}"
        )
    return "\nunion all\n".join(parts)


@dataclass
class _Linking:
    """What `link_new` prepares once per model: the rules and the scoring SQL."""

    rules: list[_Rule]
    scoring_sql: str


def _prepare_linking(model: Model) -> _Linking:
    """Build the sorted key table of the existing mentions and the scoring SQL, once."""
    cached = getattr(model, "_linking", None)
    if cached is not None:
        return cached
    from splink.internals.comparison_vector_values import (
        compute_comparison_vector_values_from_id_pairs_sqls,
    )
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
    from splink.internals.term_frequencies import _join_tf_to_input_table_sql

    assert model.table is not None
    rules = _rules(model)
    con = model.db_api._con
    numbered = model.table.append_column(
        "__row", pa.array(range(model.table.num_rows), type=pa.int64())
    )
    con.register("__cairn_existing", numbered)
    try:
        con.execute(
            f"create or replace table {KEY_INDEX} as select key, __row from "  # noqa: S608 — identifiers only, values are parameters
            f"({_keys_sql('__cairn_existing', rules, new=False)}) order by key"
        )
    finally:
        con.unregister("__cairn_existing")
    linker = model.linker
    settings = linker._settings_obj
    pipeline = CTEPipeline()
    for column in settings._term_frequency_columns:
        pipeline.append_input_dataframe(linker.table_management.compute_tf_table(column.name))
    pipeline.enqueue_sql(_join_tf_to_input_table_sql(linker, _NEW), "__cairn_link_l")
    pipeline.enqueue_sql(_join_tf_to_input_table_sql(linker, _CANDIDATES), "__cairn_link_r")
    pipeline.enqueue_sql(f"select * from {_PAIRS}", "__splink__blocked_id_pairs")  # noqa: S608 — identifiers only, values are parameters
    pipeline.enqueue_list_of_sqls(
        compute_comparison_vector_values_from_id_pairs_sqls(
            settings._columns_to_select_for_blocking,
            settings._columns_to_select_for_comparison_vector_values,
            input_tablename_l="__cairn_link_l",
            input_tablename_r="__cairn_link_r",
            source_dataset_input_column=settings.column_info_settings.source_dataset_input_column,
            unique_id_input_column=settings.column_info_settings.unique_id_input_column,
            link_type=settings._link_type,
            sql_dialect_str=linker._sql_dialect_str,
        )
    )
    pipeline.enqueue_list_of_sqls(predict_from_comparison_vectors_sqls_using_settings(settings))
    linking = _Linking(rules, pipeline.generate_cte_pipeline_sql())
    model._linking = linking  # type: ignore[attr-defined]
    model.key_index = KEY_INDEX
    return linking


def build_key_index(model: Model) -> str:
    """The existing mentions' blocking keys in a DuckDB table sorted by key, built once."""
    _prepare_linking(model)
    return KEY_INDEX


def _link_by_keys(model: Model, table: pa.Table, threshold: float) -> pd.DataFrame:
    """Blocking by key lookup, then one scoring query over the candidate pairs only."""
    assert model.table is not None
    linking = _prepare_linking(model)
    con = model.db_api._con
    new = table.append_column("__row", pa.array(range(table.num_rows), type=pa.int64()))
    con.register(_NEW, new)
    try:
        keys = [
            k
            for (k,) in con.execute(
                f"select distinct key from ({_keys_sql(_NEW, linking.rules, new=True)})"  # noqa: S608 — identifiers only, values are parameters
            ).fetchall()
        ]
        rows: list[int] = []
        if keys:
            marks = ", ".join("?" for _ in keys)
            lookup = f"select distinct __row from {KEY_INDEX} where key in ({marks})"  # noqa: S608
            rows = [r for (r,) in con.execute(lookup, keys).fetchall()]
        positions = pa.array(sorted(rows), type=pa.int64())
        candidates = model.table.take(positions).append_column("__row", positions)
        con.register(_CANDIDATES, candidates)
        try:
            conditions = " ".join(
                f"when {rule.number} then ({rule.condition})" for rule in linking.rules
            )
            con.execute(
                f"""
                create or replace temp table {_PAIRS} as
                select cast(min(k.rule) as varchar) as match_key,
                    l.mention_id as join_key_l, r.mention_id as join_key_r
                from ({_keys_sql(_NEW, linking.rules, new=True)}) k
                join ({_keys_sql(_CANDIDATES, linking.rules, new=False)}) c using (key)
                join {_NEW} l on l.__row = k.__row
                join {_CANDIDATES} r on r.__row = c.__row
                where case k.rule {conditions} end
                group by 2, 3
                """  # noqa: S608 — identifiers only, values are parameters
            )
            frame: pd.DataFrame = con.sql(
                f"select * from ({linking.scoring_sql}) where match_probability >= {threshold!r}"  # noqa: S608 — identifiers only, values are parameters
            ).df()
        finally:
            con.unregister(_CANDIDATES)
    finally:
        con.unregister(_NEW)
    return _scored_frame(model, frame)


def link_new(
    model: Model,
    new_mentions: Iterable[PersonMention] | pa.Table,
    *,
    threshold: float | None = None,
) -> pd.DataFrame:
    """Candidate pairs between new mentions and the model's existing ones (not among those).

    The existing mentions' blocking keys are kept in a DuckDB table sorted by key (built on
    the first call); the new mentions' keys pick out the candidates, the blocking rules'
    remaining conditions are applied to those pairs, and one query scores them with the
    trained model (term frequencies from the whole set). The cost follows the number of
    candidates, not the size of the existing set. The pairs are those `predict` would give.
    """
    cutoff = threshold if threshold is not None else model.thresholds.review
    table = _as_table(new_mentions)
    if model.table is not None and _keyed(model):
        return _link_by_keys(model, table, cutoff)
    new = model.db_api.register(table)  # a model made by hand: Splink blocks the whole table
    try:
        predictions = model.linker.inference.predict_between(
            new, model.mentions, threshold_match_probability=cutoff, warning_mode="never"
        )
        return _pairs_frame(model, predictions)
    finally:
        new.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
