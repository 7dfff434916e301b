"""The engine at national scale: vectorised input, tighter blocking, key-indexed linking."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyarrow as pa
import pytest

from cairn.linkage.engine import PersonMention, link_new, matching_table, predict
from cairn.linkage.engine.comparisons import em_training_rules, person_blocking_rules
from cairn.linkage.engine.model import connect
from cairn.linkage.engine.schema import RAW_SCHEMA, birth_band, matching_table_from_arrow
from cairn.linkage.tests.conftest import OBSERVED


def _raw(mentions: list[PersonMention]) -> pa.Table:
    rows = [
        {
            name: (list(v) if isinstance(v := getattr(m, name), tuple) else v)
            for name in RAW_SCHEMA.names
        }
        for m in mentions
    ]
    return pa.Table.from_pylist(rows, schema=RAW_SCHEMA)


def test_the_vectorised_table_equals_the_row_by_row_one(people):
    mentions = [
        *people[0][:300],
        PersonMention(mention_id="odd1"),
        PersonMention(
            mention_id="odd2",
            given_name="  Tom ",
            family_name="O'Brien-Smith2",
            nicknames=["Boss", "boss", " "],
            age_min=30,
            age_max=39,
            age_observed_on=dt.date(2024, 2, 29),
            sex="not_known",
            vehicles=["ab12 cde", "AB1?"],
            associates=["Jo", "jo "],
            places=["The  Park"],
            postcodes=["nm1  2ab"],
            area=" North ",
        ),
    ]
    assert matching_table_from_arrow(_raw(mentions)).to_pylist() == (
        matching_table(mentions).to_pylist()
    )


def test_the_birth_band_is_the_decade_of_the_middle_of_the_interval():
    assert birth_band(dt.date(1985, 1, 1), dt.date(1996, 1, 1)) == 1990
    assert birth_band(dt.date(2001, 5, 5), dt.date(2001, 5, 5)) == 2000
    assert birth_band(None, None) is None


def _sql(rule) -> str:
    return rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql


def test_national_blocking_keeps_the_broad_rules_within_an_area_and_a_decade():
    national = [_sql(r) for r in person_blocking_rules(national=True)]
    everywhere = [_sql(r) for r in person_blocking_rules()]
    assert national[:8] == everywhere[:8]
    assert len(national) == 11
    assert all("area" in rule and "birth_band" in rule for rule in national[8:])
    assert "name_keys" in national[10] and "sex" in national[10]
    assert not any("associates" in rule for rule in national)
    assert "area" in _sql(em_training_rules(national=True)[1])


def test_link_new_by_key_lookup_scores_what_splink_would(model, people):
    mentions, _ = people
    new = [
        dataclasses.replace(
            m,
            mention_id=f"NEW{n}",
            date_of_birth=None,
            age_min=25,
            age_max=55,
            age_observed_on=OBSERVED,
        )
        for n, m in enumerate(mentions[:40:4])
    ]
    by_key = link_new(model, new, threshold=0.0)
    by_splink = link_new(dataclasses.replace(model, table=None), new, threshold=0.0)
    assert len(by_key) > 0
    order = ["mention_id_l", "mention_id_r"]
    left = by_key.sort_values(order).reset_index(drop=True)
    right = by_splink.sort_values(order).reset_index(drop=True)
    assert list(left.columns) == list(right.columns)
    assert left[order].equals(right[order])
    assert left.match_weight.to_numpy() == pytest.approx(right.match_weight.to_numpy())


def test_predict_without_explanations_keeps_only_the_scores(model):
    pairs = predict(model, explanations=False)
    assert list(pairs.columns) == [
        "mention_id_l",
        "mention_id_r",
        "match_probability",
        "match_weight",
        "decision",
    ]
    full = predict(model)
    assert len(pairs) == len(full)


def test_training_and_scoring_leave_no_pairs_taking_duckdbs_memory(model):
    predict(model, explanations=False)
    tables = {name for (name,) in model.db_api._con.execute("show tables").fetchall()}
    assert "person_mentions" in tables  # and the term frequencies `link_new` scores with
    assert any(name.startswith("__splink__df_tf_given_name") for name in tables)
    assert not any("blocked_id_pairs" in name or "comparison_vectors" in name for name in tables)
    assert not any(
        key.startswith("__splink__blocked") for key in model.linker._intermediate_table_cache
    )


def test_connect_applies_memory_and_thread_limits():
    con = connect(memory_limit="512MB", threads=1)
    settings = dict(
        con.execute(
            "select name, value from duckdb_settings() where name in ('memory_limit', 'threads')"
        ).fetchall()
    )
    assert settings["threads"] == "1"
    assert settings["memory_limit"].startswith("488") or "512" in settings["memory_limit"]


def test_link_new_falls_back_on_splink_for_a_rule_without_an_equi_join(people):
    from cairn.linkage.engine import train

    mentions, _ = people
    model = train(
        mentions[:200],
        extra_blocking_rules=["levenshtein(l.family_name, r.family_name) <= 1"],
        max_pairs=2e4,
    )
    new = dataclasses.replace(mentions[0], mention_id="NEW")
    pairs = link_new(model, [new], threshold=0.0)
    assert mentions[0].mention_id in set(pairs.mention_id_r)


def test_expectation_maximisation_on_a_sample_of_each_block_still_tells_people_apart(people):
    from cairn.linkage.engine import train
    from cairn.linkage.engine.model import M_FLOOR

    mentions, _ = people
    sampled = train(mentions, max_pairs=2e5, em_max_pairs=300)
    sessions = sampled.linker._em_training_sessions
    assert any(s._sample_info and s._sample_info["sampling_applied"] for s in sessions)
    pairs = predict(sampled, threshold=0.0).set_index(["mention_id_l", "mention_id_r"])
    # The same person with full details and as "Tom Smtih, about 40".
    assert pairs.loc[("M00000", "M00001"), "match_probability"] > 0.95
    assert pairs.loc[("M00000", "M00002"), "match_probability"] > 0.99
    for comparison in sampled.linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if not level.is_null_level and isinstance(level._u_probability, float):
                assert level.m_probability >= M_FLOOR, level.label_for_charts


def test_the_area_is_compared_only_at_scale_and_an_unrecorded_one_says_nothing():
    from cairn.linkage.engine.comparisons import person_comparisons
    from cairn.linkage.tests.test_comparisons import level_of, mention

    def names(comparisons):
        return [c.get_comparison("duckdb").output_column_name for c in comparisons]

    assert "area" not in names(person_comparisons())
    assert names(person_comparisons(by_area=True))[-1] == "area"
    area = person_comparisons(by_area=True)[-1]
    north = mention("a", area="Northmoor")
    assert level_of(area, north, mention("b", area=" northmoor")) == "same area"
    assert level_of(area, north, mention("b", area="Bullfurt")) == "different areas"
    assert level_of(area, north, mention("b")) == "area unknown"
    assert level_of(area, mention("a"), mention("b")) == "area unknown"


def test_scoring_in_parts_gives_the_same_pairs(model):
    whole = predict(model, explanations=False)
    parts = predict(model, explanations=False, chunks=3)
    order = ["mention_id_l", "mention_id_r"]
    left = whole.sort_values(order).reset_index(drop=True)
    right = parts.sort_values(order).reset_index(drop=True)
    assert left[order].equals(right[order])
    assert left.match_probability.to_numpy() == pytest.approx(right.match_probability.to_numpy())
