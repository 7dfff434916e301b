"""The Spark backend scores the same pairs as DuckDB, on a local-mode Spark session."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from django.core.management import call_command

from cairn.linkage import services
from cairn.linkage.engine import PersonMention, Thresholds, explain, matching_table, predict, train
from cairn.linkage.engine.model import link_new
from cairn.linkage.engine.spark import spark_sql
from cairn.linkage.engine.stored import load
from cairn.linkage.services import scoring
from cairn.linkage.tests.conftest import population
from cairn.linkage.tests.factories import person_mention

PAIR = ["mention_id_l", "mention_id_r"]
LIMITS = Thresholds(link=0.95, review=0.5)


@pytest.mark.django_db
def test_link_run_with_the_spark_backend_hands_the_master_to_the_scorer(team, monkeypatch):
    person_mention(team, "tom", "Tom Smith")
    person_mention(team, "thomas", "Thomas Smith")
    asked: list[dict[str, Any]] = []

    def score_pairs(mentions: pa.Table, **backend: str) -> services.Scores:
        asked.append({"mentions": mentions.num_rows, **backend})
        return services.Scores([])

    monkeypatch.setattr(scoring, "score_pairs", score_pairs)
    out = StringIO()
    call_command(
        "link",
        "run",
        "--backend",
        "spark",
        "--spark-master",
        "spark://spark.internal:7077",
        stdout=out,
        stderr=StringIO(),
    )
    assert asked == [
        {"mentions": 2, "backend": "spark", "spark_master": "spark://spark.internal:7077"}
    ]
    assert "Linked 2 mentions into 2 people" in out.getvalue()


def test_duckdb_only_sql_is_written_in_sparks_dialect():
    assert spark_sql("list_has_any(phones_l, phones_r)") == "ARRAYS_OVERLAP(phones_l, phones_r)"
    assert (
        spark_sql("jaro_winkler_similarity(a_l, a_r) >= 0.88") == "JARO_WINKLER(a_l, a_r) >= 0.88"
    )
    assert spark_sql("l.nicknames[1] = r.nicknames[1]") == "l.nicknames[0] = r.nicknames[0]"
    assert spark_sql("cast(d_l as varchar) = cast(d_r as varchar)") == (
        "CAST(d_l AS STRING) = CAST(d_r AS STRING)"
    )


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (17 or later) and none is on the PATH")
    pytest.importorskip("pyspark", reason="the 'spark' extra (pyspark) is not installed")
    from cairn.linkage.engine.spark import SparkConfig, session

    spark = session(SparkConfig(master="local[2]", driver_memory="1g", shuffle_partitions=1))
    yield spark
    spark.stop()


@pytest.fixture(scope="module")
def mentions() -> list[PersonMention]:
    # 30 people, four mentions each: names, dates of birth or age ranges, phones, typos.
    return population(seed=11, people=30)[0]


@pytest.fixture(scope="module")
def scored(spark: Any, mentions: list[PersonMention]) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    from cairn.linkage.engine import spark as on_spark

    table = matching_table(mentions)
    on_duckdb = predict(train(table, thresholds=LIMITS, max_pairs=2e5))
    model = on_spark.train(table, thresholds=LIMITS, max_pairs=2e5, spark=spark)
    return model, on_duckdb, on_spark.predict(model)


def _links(pairs: pd.DataFrame) -> set[tuple[str, str]]:
    strong = pairs[pairs["match_probability"] >= LIMITS.link]
    return set(zip(strong["mention_id_l"], strong["mention_id_r"], strict=True))


@pytest.mark.spark
def test_spark_and_duckdb_link_the_same_pairs_with_the_same_probabilities(scored):
    _, on_duckdb, on_spark = scored
    assert len(_links(on_duckdb)) > 30
    assert _links(on_spark) == _links(on_duckdb)
    both = on_duckdb.merge(on_spark, on=PAIR, how="outer", suffixes=("_duckdb", "_spark"))
    assert len(both) == len(on_duckdb) == len(on_spark)
    difference = (both["match_probability_duckdb"] - both["match_probability_spark"]).abs()
    assert difference.max() < 0.01


@pytest.mark.spark
def test_a_pair_scored_on_spark_is_explained_level_by_level_as_on_duckdb(scored):
    model, on_duckdb, on_spark = scored
    first = on_spark.sort_values(PAIR).iloc[0]
    same = on_duckdb.set_index(PAIR).loc[(first["mention_id_l"], first["mention_id_r"])]
    contributions = explain(model, first)
    assert [c.comparison for c in contributions][:2] == ["given_name", "family_name"]
    for contribution in contributions:
        assert int(first[f"gamma_{contribution.comparison}"]) == int(
            same[f"gamma_{contribution.comparison}"]
        )
    prior = model.linker._settings_obj._probability_two_random_records_match
    total = math.log2(prior / (1 - prior)) + sum(c.match_weight for c in contributions)
    assert total == pytest.approx(first["match_weight"], abs=1e-6)


@pytest.mark.spark
def test_a_model_trained_on_spark_is_kept_in_duckdb_sql_for_single_reports(scored, mentions):
    from cairn.linkage.engine import spark as on_spark

    model, _, on_spark_pairs = scored
    kept = on_spark.export(model)
    assert kept.settings["sql_dialect"] == "duckdb"
    assert kept.mentions == len(mentions)
    existing, new = mentions[:-1], mentions[-1:]
    pairs = link_new(load(kept, existing, thresholds=LIMITS), new)
    expected = on_spark_pairs[
        (on_spark_pairs["mention_id_l"] == new[0].mention_id)
        | (on_spark_pairs["mention_id_r"] == new[0].mention_id)
    ]
    assert len(pairs) == len(expected) > 0
    assert sorted(pairs["match_probability"].round(6)) == sorted(
        expected["match_probability"].round(6)
    )
