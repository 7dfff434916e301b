"""Linking new mentions to a trained model's existing ones: candidates looked up by blocking key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import pandas as pd
import pyarrow as pa

from cairn.linkage.engine.person_model import Model, as_table
from cairn.linkage.engine.schema import PersonMention
from cairn.linkage.engine.scoring import pairs_frame, scored_frame, scores_and_levels

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
    linking, whose pairs carry source datasets) and an equi-join in every blocking rule.

    Asked once per model: reading the rules' join conditions parses their SQL (about 45 ms at
    national scale, a quarter of linking one report)."""
    cached: bool | None = getattr(model, "_keyed", None)
    if cached is None:
        settings = model.linker._settings_obj
        cached = settings._link_type == "dedupe_only" and all(
            rule._equi_join_conditions for rule in settings._blocking_rules_to_generate_predictions
        )
        model._keyed = cached  # type: ignore[attr-defined]
    return cached


def keys_sql(table: str, rules: Sequence[_Rule], *, new: bool) -> str:
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


def prepare_linking(model: Model) -> _Linking:
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
    # One chunk: taking a report's few hundred candidates from a table read in chunks costs
    # about 35 ms at national scale, from one chunk about 1 ms.
    model.table = model.table.combine_chunks()
    rules = _rules(model)
    con = model.db_api._con
    numbered = model.table.append_column(
        "__row", pa.array(range(model.table.num_rows), type=pa.int64())
    )
    con.register("__cairn_existing", numbered)
    try:
        con.execute(
            f"create or replace table {KEY_INDEX} as select key, __row from "  # noqa: S608 — identifiers only, values are parameters
            f"({keys_sql('__cairn_existing', rules, new=False)}) order by key"
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
    prepare_linking(model)
    return KEY_INDEX


def _link_by_keys(model: Model, table: pa.Table, threshold: float) -> pd.DataFrame:
    """Blocking by key lookup, then one scoring query over the candidate pairs only."""
    assert model.table is not None
    linking = prepare_linking(model)
    con = model.db_api._con
    new = table.append_column("__row", pa.array(range(table.num_rows), type=pa.int64()))
    con.register(_NEW, new)
    try:
        keys = [
            k
            for (k,) in con.execute(
                f"select distinct key from ({keys_sql(_NEW, linking.rules, new=True)})"  # noqa: S608 — identifiers only, values are parameters
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
                from ({keys_sql(_NEW, linking.rules, new=True)}) k
                join ({keys_sql(_CANDIDATES, linking.rules, new=False)}) c using (key)
                join {_NEW} l on l.__row = k.__row
                join {_CANDIDATES} r on r.__row = c.__row
                where case k.rule {conditions} end
                group by 2, 3
                """  # noqa: S608 — identifiers only, values are parameters
            )
            scored = (
                f"select * from ({linking.scoring_sql}) "  # noqa: S608 — identifiers only
                f"where match_probability >= {threshold!r}"
            )
            frame = scores_and_levels(con.sql(scored))
        finally:
            con.unregister(_CANDIDATES)
    finally:
        con.unregister(_NEW)
    return scored_frame(model, frame)


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
    table = as_table(new_mentions)
    if model.table is not None and _keyed(model):
        return _link_by_keys(model, table, cutoff)
    # A rule without an equi-join or a model made by hand: Splink blocks the whole table,
    # against the mentions with their own ids (not the row numbers a re-link used).
    as_given = model.mention_ids is None
    existing = model.mentions if as_given else model.db_api.register(_with_own_ids(model))
    new = model.db_api.register(table)
    try:
        predictions = model.linker.inference.predict_between(
            new, existing, threshold_match_probability=cutoff, warning_mode="never"
        )
        return pairs_frame(model if as_given else replace(model, mention_ids=None), predictions)
    finally:
        new.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        if not as_given:
            existing.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)


def _with_own_ids(model: Model) -> pa.Table:
    """The model's mentions with their own ids, where Splink was given row numbers."""
    if model.table is not None:
        return model.table
    registered = model.mentions.as_duckdbpyrelation().to_arrow_table()
    ids = pa.array(model.mention_ids, type=pa.string())
    return registered.set_column(registered.schema.get_field_index("mention_id"), "mention_id", ids)
