"""The trained person model: its DuckDB connection, thresholds, settings, what explains a score."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from cairn.linkage.engine.comparisons import person_blocking_rules, person_comparisons
from cairn.linkage.engine.schema import PersonMention, matching_table

TF_COLUMNS = ("given_name", "family_name", "nickname")


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
    # When set, the mentions were registered with their row numbers as ids (DuckDB blocks and
    # joins integers far faster than text: see `keyed_by_row`); this maps a row back to its id.
    mention_ids: np.ndarray | None = None

    def named(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Scored pairs with the mentions' own ids, where Splink saw row numbers."""
        if self.mention_ids is not None:
            for column in ("mention_id_l", "mention_id_r"):
                frame[column] = self.mention_ids[frame[column].to_numpy(dtype=np.int64)]
        return frame

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


def keyed_by_row(table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """The mentions with their row numbers as `mention_id`, and the ids those numbers stand for.

    Splink blocks, de-duplicates and joins its pairs on the unique id: on a national re-link's
    38.7 million blocked pairs, integer ids took the blocking from 43 s to 24 s and the
    scoring from 72 s to 67 s against text ids (this machine; docs/benchmarks.md).
    """
    ids = table.column("mention_id").to_numpy(zero_copy_only=False).astype(object)
    rows = pa.array(np.arange(table.num_rows, dtype=np.int64))
    return table.set_column(table.schema.get_field_index("mention_id"), "mention_id", rows), ids


def as_table(mentions: Iterable[PersonMention] | pa.Table) -> pa.Table:
    return mentions if isinstance(mentions, pa.Table) else matching_table(mentions)
