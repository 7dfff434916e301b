"""Cairn's person model on Apache Spark: the DuckDB model's comparisons, rules and training.

For national-scale re-links (`cairn link run --backend spark`). The comparisons are written in
DuckDB SQL; `spark_sql` translates the few DuckDB-only functions they use. The trained model is
an ordinary `Model` whose linker runs on Spark, so `predict`, `explain` and `cluster` give the
same frames as on DuckDB; `export` keeps it in DuckDB SQL, so single reports link without Spark.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from cairn.linkage.engine.comparisons import (
    deterministic_rules,
    em_training_rules,
    person_blocking_rules,
    person_comparisons,
)
from cairn.linkage.engine.model import (
    AREA_SCOPED_FROM,
    NATIONAL_FROM,
    TF_COLUMNS,
    Model,
    Thresholds,
    deterministic_recall,
    fit,
    person_settings,
)
from cairn.linkage.engine.model import predict as predict_pairs
from cairn.linkage.engine.schema import PersonMention, matching_table
from cairn.linkage.engine.stored import StoredModel
from cairn.linkage.engine.stored import export as export_model

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MASTER_VARIABLE = "CAIRN_SPARK_MASTER"
LOCAL_MASTER = "local[2]"


@dataclass(frozen=True, kw_only=True)
class SparkConfig:
    """Where and how Spark runs. `from_environment` reads the `CAIRN_SPARK_*` variables.

    `checkpoint_dir` holds the intermediate tables Splink writes to break Spark's lineage; on
    a cluster it must be storage every executor reaches (HDFS, S3, a shared mount). Locally
    the intermediate tables are cached in memory (spilling to disk) instead.
    """

    master: str = LOCAL_MASTER
    driver_memory: str = "2g"
    executor_memory: str | None = None
    shuffle_partitions: int = 4
    checkpoint_dir: str | None = None

    @property
    def local(self) -> bool:
        return self.master.startswith("local")

    @classmethod
    def from_environment(cls, *, master: str | None = None) -> SparkConfig:
        env = os.environ
        return cls(
            master=master or env.get(MASTER_VARIABLE) or LOCAL_MASTER,
            driver_memory=env.get("CAIRN_SPARK_DRIVER_MEMORY", "2g"),
            executor_memory=env.get("CAIRN_SPARK_EXECUTOR_MEMORY") or None,
            shuffle_partitions=int(env.get("CAIRN_SPARK_SHUFFLE_PARTITIONS", "4")),
            checkpoint_dir=env.get("CAIRN_SPARK_CHECKPOINT_DIR") or None,
        )


def session(config: SparkConfig | None = None) -> SparkSession:
    """A Spark session with Splink's similarity functions (jaro_winkler, damerau_levenshtein).

    Memory settings take effect only when this starts the JVM; an existing session is reused.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    config = config or SparkConfig.from_environment()
    builder = (
        SparkSession.builder.master(config.master)
        .appName("cairn-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", config.driver_memory)
        .config("spark.sql.shuffle.partitions", str(config.shuffle_partitions))
        .config("spark.default.parallelism", str(config.shuffle_partitions))
    )
    if config.executor_memory:
        builder = builder.config("spark.executor.memory", config.executor_memory)
    if config.local:
        builder = builder.config("spark.ui.enabled", "false").config(
            "spark.ui.showConsoleProgress", "false"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)  # a line per connection otherwise
    checkpoints = config.checkpoint_dir or str(Path(tempfile.gettempdir()) / "cairn-spark")
    spark.sparkContext.setCheckpointDir(checkpoints)
    return spark


def _translate(node: exp.Expression) -> exp.Expression:
    # sqlglot writes DuckDB's list_has_any as `a && b`, which Spark reads as a boolean and.
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this, node.expression])
    if isinstance(node, exp.JarowinklerSimilarity):  # Splink's jar registers it as jaro_winkler
        return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
    return node


def spark_sql(condition: str) -> str:
    """A DuckDB SQL condition in Spark SQL: list_has_any → arrays_overlap, jaro_winkler_similarity
    → jaro_winkler (Splink's jar), lists indexed from 0, varchar → string. damerau_levenshtein
    is Splink's jar function on Spark, returning a double."""
    return sqlglot.parse_one(condition, read="duckdb").transform(_translate).sql(dialect="spark")


def spark_comparisons(*, by_area: bool = False) -> list[dict[str, Any]]:
    """The person comparisons as settings, each level's condition in Spark SQL; with `by_area`
    the area recorded too, as `model.train` compares it from `AREA_SCOPED_FROM` mentions."""
    comparisons = []
    for creator in person_comparisons(by_area=by_area):
        comparison = creator.get_comparison("duckdb").as_dict()
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().lower() != "else":
                level["sql_condition"] = spark_sql(level["sql_condition"])
        comparisons.append(comparison)
    return comparisons


def spark_rules(rules: Sequence[Any]) -> list[Any]:
    """Blocking rules for Spark: SQL strings translated; `block_on` rules are dialect-aware."""
    return [spark_sql(rule) if isinstance(rule, str) else rule for rule in rules]


def spark_frame(spark: SparkSession, table: pa.Table) -> DataFrame:
    """The Arrow matching table as a Spark DataFrame (lists → arrays, date32 → date)."""
    return spark.createDataFrame(table)


@dataclass
class SparkModel(Model):
    """A model trained on Spark, with the same settings in DuckDB SQL for `export`."""

    duckdb_template: dict[str, Any] = field(default_factory=dict)
    rows: int = 0


def train(
    mentions: Iterable[PersonMention] | pa.Table,
    *,
    thresholds: Thresholds | None = None,
    max_pairs: float = 2e6,
    seed: int = 1,
    master: str = "",
    spark: SparkSession | None = None,
    config: SparkConfig | None = None,
) -> SparkModel:
    """Train the person model without labels on Spark: `model.train`'s recipe, deduplication.

    Runs on `master` (default CAIRN_SPARK_MASTER, else local[2]) unless given a session.
    Two-file linking and extra comparisons (the FEBRL benchmark's) are DuckDB only.
    """
    from splink import Linker, SparkAPI

    config = config or SparkConfig.from_environment(master=master or None)
    spark = spark or session(config)
    table = mentions if isinstance(mentions, pa.Table) else matching_table(mentions)
    db_api = SparkAPI(
        spark_session=spark,
        break_lineage_method="persist" if config.local else "parquet",
        num_partitions_on_repartition=config.shuffle_partitions,
    )
    registered = db_api.register(spark_frame(spark, table), table_name="person_mentions")
    rows = table.num_rows
    national, by_area = rows >= NATIONAL_FROM, rows > AREA_SCOPED_FROM
    blocking = person_blocking_rules(within_area=by_area, national=national)
    settings = person_settings(
        comparisons=spark_comparisons(by_area=by_area),
        blocking_rules_to_generate_predictions=spark_rules(blocking),
    )
    linker = Linker(registered, settings, log_level=None)
    fit(
        linker,
        deterministic=deterministic_rules(),
        recall=deterministic_recall([table]),
        em_rules=spark_rules(em_training_rules(national=national)),
        max_pairs=max_pairs,
        seed=seed,
    )
    for column in TF_COLUMNS:
        linker.table_management.compute_tf_table(column)
    # `Model` names DuckDB's API; Splink's linker API is the same on Spark. Without `table`,
    # `link_new` falls back on Splink's own `predict_between`, which runs on Spark too.
    return SparkModel(
        linker,
        cast(Any, db_api),
        registered,
        thresholds or Thresholds(),
        duckdb_template=person_settings(
            blocking_rules_to_generate_predictions=blocking
        ).create_settings_dict("duckdb"),
        rows=rows,
    )


def predict(model: Model, *, threshold: float | None = None) -> pd.DataFrame:
    """Every blocked pair above `threshold` (default: review) with its explanation, collected
    to the driver in the same frame as `model.predict` gives on DuckDB."""
    return predict_pairs(model, threshold=threshold, explanations=True)


def duckdb_settings(model: SparkModel) -> dict[str, Any]:
    """The trained settings (prior, m and u of every level) with DuckDB SQL conditions and
    blocking rules: the same comparisons and levels in the same order, so by position."""
    settings = copy.deepcopy(model.settings)
    template = model.duckdb_template
    settings["sql_dialect"] = "duckdb"
    settings["blocking_rules_to_generate_predictions"] = template[
        "blocking_rules_to_generate_predictions"
    ]
    for comparison, original in zip(settings["comparisons"], template["comparisons"], strict=True):
        for level, source in zip(
            comparison["comparison_levels"], original["comparison_levels"], strict=True
        ):
            level["sql_condition"] = source["sql_condition"]
    return settings


def export(model: SparkModel) -> StoredModel:
    """`stored.export` for a Spark model: kept in DuckDB SQL, so single reports link on DuckDB."""
    return dataclasses.replace(
        export_model(model), settings=duckdb_settings(model), mentions=model.rows
    )
