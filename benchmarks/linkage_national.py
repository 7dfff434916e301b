"""The national path of benchmarks/linkage.py: a full re-link of a bundle, timed and scored,
and the blocking-only count of candidate rules for the national blocking rules."""

from __future__ import annotations

import os
import re
import resource
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
from linkage_bundle import world_table, world_truth
from linkage_truth import score_entities, true_pairs
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

from cairn.linkage.engine import link_new, predict, train
from cairn.linkage.engine.clustering import constrained_clusters, place_by_context
from cairn.linkage.engine.comparisons import person_blocking_rules
from cairn.linkage.engine.model import connect


def _blocked_pairs(model: Any) -> int:
    """How many pairs the blocking rules put before the model (exact, counted by Splink)."""
    counts = count_comparisons_from_blocking_rules(
        model.mentions,
        blocking_rules=model.linker._settings_obj._blocking_rules_to_generate_predictions,
        link_type="dedupe_only",
        unique_id_column_name="mention_id",
        record_sample_proportion=1.0,
    )
    return int(counts[-1]["cumulative_comparison_count"])


def _condition(rule: Any) -> str:
    """A blocking rule as a condition on one pair (`l`, `r`): exploded lists share a value."""
    sql = rule.blocking_rule_sql
    for column in getattr(rule, "array_columns_to_explode", []):
        sql = re.sub(
            rf'\(?l\."?{column}"? = r\."?{column}"?\)?',
            f'list_has_any(l."{column}", r."{column}")',
            sql,
        )
    return f"coalesce(({sql}), false)"


def _true_pairs_where(
    table: pa.Table, truth: set[tuple[str, str]], columns: dict[str, str]
) -> dict[str, int]:
    """How many true pairs satisfy each named condition on (`l`, `r`), counted in DuckDB."""
    con = connect(memory_limit="2GB")
    con.register("m", table)
    con.register("t", pa.table({"a": [a for a, _ in truth], "b": [b for _, b in truth]}))
    counts = ", ".join(f"count(*) filter (where {sql})" for sql in columns.values())
    row = con.execute(
        f"select {counts} from t join m l on l.mention_id = t.a join m r on r.mention_id = t.b"  # noqa: S608 — identifiers only, values are parameters
    ).fetchall()[0]
    return dict(zip(columns, row, strict=True))


def _blocking_recall(model: Any, table: pa.Table, truth: set[tuple[str, str]]) -> float:
    """The share of true pairs that satisfy at least one blocking rule, counted in DuckDB."""
    rules = model.linker._settings_obj._blocking_rules_to_generate_predictions
    either = " or ".join(_condition(rule) for rule in rules)
    found = _true_pairs_where(table, truth, {"found": either})["found"]
    return found / len(truth) if truth else 0.0


NATIONAL_CANDIDATES: dict[str, tuple[str, ...]] = {
    # name: the list column exploded first, then the columns that must also agree
    "associates+sex+area+birth_band": ("associates", "sex", "area", "birth_band"),
    "associates+sex+area": ("associates", "sex", "area"),
    "name_keys+sex+area+birth_band": ("name_keys", "sex", "area", "birth_band"),
    "name_keys+area+birth_band": ("name_keys", "area", "birth_band"),
    "nicknames+area": ("nicknames", "area"),
}


def blocking_only(bundle: Path, *, limit: int = 1_000_000) -> dict[str, Any]:
    """What each candidate rule (NATIONAL_CANDIDATES) would add to the national blocking
    rules, without a re-link: the true pairs it keeps that the national rules miss (exact),
    and the pairs it allows on its own, the sum of n(n-1)/2 over its blocks: an upper bound on
    the pairs it adds (a pair sharing two values counts twice; pairs the national rules
    already allow count too). Splink's exact count of the national rules and every candidate
    together ran out of memory at a 2 GB cap."""
    started = time.perf_counter()
    table = world_table(bundle).slice(0, limit)
    ids = set(table.column("mention_id").to_pylist())
    truth = {p for p in true_pairs(world_truth(bundle)) if p[0] in ids and p[1] in ids}
    national = [
        _condition(to_blocking_rule_creator(rule).get_blocking_rule("duckdb"))
        for rule in person_blocking_rules(national=True)
    ]
    base = " or ".join(national)
    named = {"national": base}
    for name, (listed, *others) in NATIONAL_CANDIDATES.items():
        same = "".join(f" and l.{c} = r.{c}" for c in others)
        named[name] = (
            f"coalesce(list_has_any(l.{listed}, r.{listed}){same}, false) and not ({base})"
        )
    found = _true_pairs_where(table, truth, named)
    con = connect(memory_limit="2GB")
    con.register("m", table)
    candidates = {}
    for name, (listed, *others) in NATIONAL_CANDIDATES.items():
        keys = ", ".join(["v", *others])
        present = " and ".join(f"{c} is not null" for c in others)
        (pairs,) = con.execute(
            f"select coalesce(sum(n * (n - 1) / 2), 0)::bigint from (select count(*) as n "  # noqa: S608 — identifiers only, values are parameters
            f"from (select distinct mention_id, unnest({listed}) as v, {', '.join(others)} "
            f"from m where {present}) where v is not null group by {keys})"
        ).fetchall()[0]
        candidates[name] = {
            "pairs_at_most": pairs,
            "true_pairs_added": found[name],
            "blocking_recall_with_national": (found["national"] + found[name]) / len(truth),
        }
    return {
        "mentions": table.num_rows,
        "true_pairs": len(truth),
        "national_blocking_recall": found["national"] / len(truth),
        "candidates": candidates,
        "seconds": round(time.perf_counter() - started, 1),
    }


class _Stages:
    """Wall and CPU seconds (all threads) of each stage, for a machine shared with others."""

    def __init__(self) -> None:
        self.figures: dict[str, float] = {}
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def done(self, stage: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.figures[f"{stage}_seconds"] = round(wall - self.wall, 1)
        self.figures[f"{stage}_cpu_seconds"] = round(cpu - self.cpu, 1)
        self.wall, self.cpu = wall, cpu


def time_full_relink(
    bundle: Path, *, limit: int = 1_000_000, samples: int = 100
) -> dict[str, float | int | None]:
    """A full re-link (training included) of the first `limit` person mentions of a bundle,
    then `samples` single new mentions (the next ones) linked against them one at a time."""
    stages = _Stages()
    everything = world_table(bundle)
    stages.done("convert")
    limit = min(limit, everything.num_rows - samples)  # a smaller world: all but the samples
    existing = everything.slice(0, limit)
    held_out = everything.slice(limit, samples)
    started, cpu_started = time.perf_counter(), time.process_time()
    connection = connect(memory_limit="2GB", threads=os.cpu_count())
    model = train(existing, connection=connection)
    stages.done("train")
    pairs = predict(model, explanations=False)
    stages.done("predict")
    entity_of = constrained_clusters(pairs, existing, model.thresholds.link, connection=connection)
    stages.done("cluster")
    entity_of, placements = place_by_context(entity_of, existing, connection=connection)
    stages.done("place")
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scored = _blocked_pairs(model)
    timings = []
    for row in range(held_out.num_rows):
        tick = time.perf_counter()
        link_new(model, held_out.slice(row, 1))
        timings.append(time.perf_counter() - tick)
    timings.sort()
    ids = set(existing.column("mention_id").to_pylist())
    truth = {p for p in true_pairs(world_truth(bundle)) if p[0] in ids and p[1] in ids}
    result = score_entities("world", "Cairn", entity_of, truth, existing.num_rows, seconds)
    return {
        "mentions": existing.num_rows,
        **stages.figures,
        "relink_seconds": round(seconds, 1),
        "relink_cpu_seconds": round(cpu_seconds, 1),
        "peak_mb_after_relink": round(peak_mb),
        "pairs_scored": scored,
        "pairs_above_review": len(pairs),
        "placed_by_context": sum(len(p.mentions) for p in placements),
        "entities": len(set(entity_of.values())),
        "true_pairs": len(truth),
        "precision": round(result.precision, 4),
        "recall": round(result.recall, 4),
        "f1": round(result.f1, 4),
        "blocking_recall": round(_blocking_recall(model, existing, truth), 4),
        "incremental_samples": len(timings),
        "incremental_p50_ms": round(1000 * timings[len(timings) // 2], 1),
        "incremental_p95_ms": round(1000 * timings[int(len(timings) * 0.95) - 1], 1),
    }
