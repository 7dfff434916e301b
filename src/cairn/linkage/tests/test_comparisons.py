"""Each comparison puts hand-made pairs on the level a person would expect."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cairn.linkage.engine import PersonMention, matching_table
from cairn.linkage.engine.comparisons import (
    birth_comparison,
    family_name_comparison,
    given_name_comparison,
    nickname_comparison,
    one_edit_apart,
    person_blocking_rules,
    person_comparisons,
    shared_value_comparison,
)
from cairn.linkage.engine.model import deterministic_recall
from cairn.linkage.engine.nicknames import canonical_forms
from cairn.linkage.engine.schema import MATCHING_COLUMNS


def level_of(comparison, left: PersonMention, right: PersonMention) -> str:
    """The label of the level a pair falls in, evaluated by DuckDB as Splink would."""
    created = comparison.get_comparison("duckdb")
    table = matching_table([left, right])
    con = duckdb.connect()
    con.register("t", table)
    columns = [c for c in table.column_names]
    select = ", ".join(f'l."{c}" as "{c}_l", r."{c}" as "{c}_r"' for c in columns)
    con.execute(
        f"create table pair as select {select} from t l, t r "
        f"where l.mention_id = '{left.mention_id}' and r.mention_id = '{right.mention_id}'"
    )
    for level in created.comparison_levels:
        if level._is_else_level:
            return level.label_for_charts
        if con.execute(f"select ({level.sql_condition}) from pair").fetchone()[0]:
            return level.label_for_charts
    raise AssertionError("no level matched")


def mention(mention_id: str, **fields) -> PersonMention:
    return PersonMention(mention_id=mention_id, **fields)


def test_tom_and_thomas_are_the_same_name_by_nickname():
    assert "thomas" in canonical_forms("Tom")
    level = level_of(
        given_name_comparison(), mention("a", given_name="Tom"), mention("b", given_name="Thomas")
    )
    assert level == "same name by nickname or alias (Tom/Thomas)"


def test_kayleigh_and_kaylee_sound_the_same():
    level = level_of(
        given_name_comparison(),
        mention("a", given_name="Kayleigh"),
        mention("b", given_name="Kaylee"),
    )
    assert level == "sounds the same"


def test_a_transposed_family_name_is_one_edit_apart():
    level = level_of(
        family_name_comparison(),
        mention("a", family_name="Allen"),
        mention("b", family_name="Allne"),
    )
    assert level == "one edit apart"


def test_different_names_are_different_and_missing_ones_unknown():
    comparison = given_name_comparison()
    assert (
        level_of(comparison, mention("a", given_name="Sarah"), mention("b", given_name="Owen"))
        == "different"
    )
    assert (
        level_of(comparison, mention("a", given_name="Sarah"), mention("b")) == "given_name unknown"
    )


def test_a_date_of_birth_inside_an_estimated_age_range_overlaps():
    born = mention("a", date_of_birth=dt.date(2009, 9, 8))
    about_fourteen = mention("b", age_min=13, age_max=15, age_observed_on=dt.date(2024, 3, 1))
    about_thirty = mention("c", age_min=28, age_max=32, age_observed_on=dt.date(2024, 3, 1))
    comparison = birth_comparison()
    assert level_of(comparison, born, about_fourteen) == (
        "date of birth inside the age range (ranges overlap)"
    )
    assert level_of(comparison, born, about_thirty) == "incompatible ages"


def test_dates_of_birth_one_keystroke_apart():
    level = level_of(
        birth_comparison(),
        mention("a", date_of_birth=dt.date(2009, 9, 8)),
        mention("b", date_of_birth=dt.date(2009, 9, 9)),
    )
    assert level == "dates of birth one typing error apart"


@pytest.mark.parametrize(
    ("column", "left", "right", "expected"),
    [
        ("phones", ["+447700900123"], ["+447700900999", "+447700900123"], "phone in common"),
        ("phones", ["+447700900123"], ["+447700900999"], "no phone in common"),
        ("vehicles", ["KX12ABC"], ["KX12ABC"], "vehicle in common"),
        ("postcodes", ["NM3"], [], "postcodes unknown"),
    ],
)
def test_shared_values_intersect(column, left, right, expected):
    comparison = shared_value_comparison(column, column, column[:-1])
    level = level_of(comparison, mention("a", **{column: left}), mention("b", **{column: right}))
    assert level == expected


def test_partial_registrations_are_not_compared_as_vehicles():
    table = matching_table([mention("a", vehicles=["KX12 ?B?", "kx12 abc"])])
    assert table.column("vehicles").to_pylist() == [["KX12ABC"]]


PROTECTED = ("ethnic", "religion", "faith", "nationality", "national_origin", "race", "country")


def test_no_protected_characteristic_is_a_matching_feature(model):
    used = {
        c
        for comparison in person_comparisons()
        for c in comparison.get_comparison("duckdb")._input_columns_used_by_case_statement
    }
    names = {str(c.input_name) for c in used}
    assert names <= set(MATCHING_COLUMNS)
    settings_text = str(model.settings).lower()
    for word in PROTECTED:
        assert word not in settings_text
        assert not any(word in column for column in MATCHING_COLUMNS)


def test_a_shared_street_name_counts_once_under_nicknames_not_as_a_given_name():
    left = mention("a", given_name="Kyle", nicknames=["Boss"])
    right = mention("b", given_name="Bryan", nicknames=["boss"])
    assert level_of(given_name_comparison(), left, right) == "different"
    assert level_of(nickname_comparison(), left, right) == "same nickname"


def test_swapped_names_have_their_own_level():
    left = mention("a", given_name="Anika", family_name="Spicer")
    right = mention("b", given_name="Spicer", family_name="Anika")
    assert level_of(given_name_comparison(), left, right) == "given and family names swapped"


def test_the_prior_rule_recall_follows_how_complete_the_records_are():
    complete = [
        mention(str(n), given_name="Ann", family_name="Lee", date_of_birth=dt.date(2000, 1, 1))
        for n in range(10)
    ]
    partial = complete[:2] + [mention(str(n), given_name="Ann") for n in range(2, 10)]
    assert deterministic_recall([matching_table(complete)]) == pytest.approx(0.9)
    assert deterministic_recall([matching_table(partial)]) == pytest.approx(0.9 * 0.2**2)


def test_broad_blocking_rules_stay_within_an_area_at_national_scale():
    def sql(rule) -> str:
        return rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql

    everywhere = [sql(r) for r in person_blocking_rules()]
    scoped = [sql(r) for r in person_blocking_rules(within_area=True)]
    assert not any("area" in rule for rule in everywhere)
    assert sum("area" in rule for rule in scoped) == 4
    assert [r for r in scoped if "area" not in r] == everywhere[:8]


_NAMES = st.text(alphabet="abné", max_size=6)
_DISTANCE = duckdb.connect()


@settings(max_examples=300, deadline=None)
@given(left=_NAMES, right=_NAMES)
def test_the_cheap_one_edit_test_agrees_with_the_edit_distance(left, right):
    same, distance = _DISTANCE.execute(
        f"select {one_edit_apart('$1', '$2')}, damerau_levenshtein($1, $2) <= 1", [left, right]
    ).fetchone()
    assert same == distance


@settings(max_examples=200, deadline=None)
@given(
    born=st.dates(dt.date(1950, 1, 1), dt.date(2020, 12, 31)),
    other=st.dates(dt.date(1950, 1, 1), dt.date(2020, 12, 31)),
    keystroke=st.booleans(),
)
def test_dates_of_birth_are_one_keystroke_apart_exactly_when_their_text_is(born, other, keystroke):
    if keystroke:  # most random dates are far apart: try one a digit away as often
        text = born.isoformat()
        spot = [i for i, c in enumerate(text) if c.isdigit()][other.toordinal() % 8]
        swapped = text[:spot] + str((int(text[spot]) + 1) % 10) + text[spot + 1 :]
        try:
            other = dt.date.fromisoformat(swapped)
        except ValueError:
            return
    level = level_of(
        birth_comparison(),
        mention("a", date_of_birth=born),
        mention("b", date_of_birth=other),
    )
    (apart,) = _DISTANCE.execute(
        "select damerau_levenshtein(cast($1::date as varchar), cast($2::date as varchar)) <= 1",
        [born, other],
    ).fetchone()
    if born == other:
        assert level == "same date of birth"
    else:
        assert (level == "dates of birth one typing error apart") == apart
