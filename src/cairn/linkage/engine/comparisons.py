"""The comparisons and blocking rules of Cairn's person model (Splink 5, DuckDB SQL)."""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from cairn.linkage.engine.schema import UNKNOWN_AREA


def one_edit_apart(left: str, right: str) -> str:
    """`damerau_levenshtein(left, right) <= 1`, computed only where it can hold.

    Within one edit the lengths differ by at most one, and unless a string is shorter than
    three the edit leaves the first or the last character alone. Both are cheap to test and
    rule out most pairs, and DuckDB evaluates a CASE's result only for the rows its condition
    lets through, where an AND in a level's condition evaluates both sides for every row:
    the family-name comparison took 0.45 s per million blocked pairs with the distance on
    every pair (this machine; docs/benchmarks.md).
    """
    return (
        f"case when abs(length({left}) - length({right})) <= 1 and (left({left}, 1) = "
        f"left({right}, 1) or right({left}, 1) = right({right}, 1) "
        f"or least(length({left}), length({right})) < 3) "
        f"then damerau_levenshtein({left}, {right}) <= 1 else false end"
    )


def _null(column: str) -> cll.CustomLevel:
    level = cll.CustomLevel(
        f'"{column}_l" is null or "{column}_r" is null', label_for_charts=f"{column} unknown"
    )
    return level.configure(is_null_level=True)  # type: ignore[return-value]


def given_name_comparison() -> ComparisonCreator:
    """Exact (frequency adjusted), nickname/alias, spelling variant, phonetic, similar, else."""
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name: exact, diminutive, spelling, phonetic",
        comparison_levels=[
            _null("given_name"),
            cll.CustomLevel("given_name_l = given_name_r", label_for_charts="exact").configure(
                tf_adjustment_column="given_name", tf_adjustment_weight=1.0
            ),
            cll.CustomLevel(
                "jaro_winkler_similarity(given_name_l, family_name_r) >= 0.9 "
                "and jaro_winkler_similarity(family_name_l, given_name_r) >= 0.9",
                label_for_charts="given and family names swapped",
            ),
            cll.CustomLevel(
                "list_has_any(name_keys_l, name_keys_r)",
                label_for_charts="same name by nickname or alias (Tom/Thomas)",
            ),
            cll.CustomLevel(
                one_edit_apart("given_name_l", "given_name_r"),
                label_for_charts="one edit apart",
            ),
            cll.CustomLevel(
                "given_metaphone_l = given_metaphone_r", label_for_charts="sounds the same"
            ),
            cll.CustomLevel(
                "jaro_winkler_similarity(given_name_l, given_name_r) >= 0.88",
                label_for_charts="similar spelling (Jaro-Winkler >= 0.88)",
            ),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def family_name_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_description="Family name: exact, spelling, phonetic",
        comparison_levels=[
            _null("family_name"),
            cll.CustomLevel("family_name_l = family_name_r", label_for_charts="exact").configure(
                tf_adjustment_column="family_name", tf_adjustment_weight=1.0
            ),
            cll.CustomLevel(
                "jaro_winkler_similarity(given_name_l, family_name_r) >= 0.9 "
                "and jaro_winkler_similarity(family_name_l, given_name_r) >= 0.9",
                label_for_charts="given and family names swapped",
            ),
            cll.CustomLevel(
                one_edit_apart("family_name_l", "family_name_r"),
                label_for_charts="one edit apart",
            ),
            cll.CustomLevel(
                "family_metaphone_l = family_metaphone_r", label_for_charts="sounds the same"
            ),
            cll.CustomLevel(
                "jaro_winkler_similarity(family_name_l, family_name_r) >= 0.88",
                label_for_charts="similar spelling (Jaro-Winkler >= 0.88)",
            ),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def shared_value_comparison(column: str, description: str, noun: str) -> ComparisonCreator:
    """A list column (phones, vehicles, nicknames…): any value in common, or none."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            _null(column),
            cll.CustomLevel(
                f"list_has_any({column}_l, {column}_r)", label_for_charts=f"{noun} in common"
            ),
            cll.ElseLevel().configure(label_for_charts=f"no {noun} in common"),
        ],
    )


def nickname_comparison() -> ComparisonCreator:
    """Nicknames and street names; a rare one shared says more than a common one ("Boss")."""
    return cl.CustomComparison(
        output_column_name="nicknames",
        comparison_description="Nicknames and street names",
        comparison_levels=[
            _null("nicknames"),
            cll.CustomLevel("nickname_l = nickname_r", label_for_charts="same nickname").configure(
                tf_adjustment_column="nickname", tf_adjustment_weight=1.0
            ),
            cll.CustomLevel(
                "list_has_any(nicknames_l, nicknames_r)", label_for_charts="share a nickname"
            ),
            cll.ElseLevel().configure(label_for_charts="no nickname in common"),
        ],
    )


def birth_comparison() -> ComparisonCreator:
    """Date of birth, or the birth interval an estimated age range implies."""
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="Date of birth or estimated age range",
        comparison_levels=[
            _null("born_from"),
            cll.CustomLevel(
                "date_of_birth_l = date_of_birth_r", label_for_charts="same date of birth"
            ),
            # Two dates one keystroke apart differ in one of year, month and day; the text
            # distance is only computed where the year or the month agrees.
            cll.CustomLevel(
                "case when year(date_of_birth_l) = year(date_of_birth_r) "
                "or month(date_of_birth_l) = month(date_of_birth_r) then damerau_levenshtein("
                "cast(date_of_birth_l as varchar), cast(date_of_birth_r as varchar)) <= 1 "
                "else false end",
                label_for_charts="dates of birth one typing error apart",
            ),
            cll.CustomLevel(
                "born_from_l <= born_to_r and born_from_r <= born_to_l",
                label_for_charts="date of birth inside the age range (ranges overlap)",
            ),
            cll.ElseLevel().configure(label_for_charts="incompatible ages"),
        ],
    )


def sex_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex as described",
        comparison_levels=[
            _null("sex"),
            cll.CustomLevel("sex_l = sex_r", label_for_charts="same"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def descriptors_comparison() -> ComparisonCreator:
    """How two descriptions of a person agree: the same features, some in common, or none."""
    return cl.CustomComparison(
        output_column_name="descriptors",
        comparison_description="Physical description (beard, scar, build...)",
        comparison_levels=[
            _null("descriptors"),
            cll.CustomLevel(
                "descriptors_l = descriptors_r", label_for_charts="described the same way"
            ),
            cll.CustomLevel(
                "list_has_any(descriptors_l, descriptors_r)",
                label_for_charts="some described features in common",
            ),
            cll.ElseLevel().configure(label_for_charts="nothing described in common"),
        ],
    )


def area_comparison() -> ComparisonCreator:
    """The area a mention was recorded in: most people are mentioned where they live.

    Among 327,507 regional mentions 75% of true pairs share an area against 12% of random
    pairs, so with many areas the same one is evidence (and a pair from two areas some
    evidence against); an unrecorded area is no evidence.
    """
    unknown = f"'{UNKNOWN_AREA}'"
    return cl.CustomComparison(
        output_column_name="area",
        comparison_description="Area the mention was recorded in",
        comparison_levels=[
            cll.CustomLevel(
                f"area_l is null or area_r is null or area_l = {unknown} or area_r = {unknown}",
                label_for_charts="area unknown",
            ).configure(is_null_level=True),
            cll.CustomLevel("area_l = area_r", label_for_charts="same area"),
            cll.ElseLevel().configure(label_for_charts="different areas"),
        ],
    )


def person_comparisons(*, by_area: bool = False) -> list[ComparisonCreator]:
    """Every comparison of the person model; with `by_area` (many mentions from several
    areas, see `model.AREA_SCOPED_FROM`) the area recorded too."""
    return [
        given_name_comparison(),
        family_name_comparison(),
        nickname_comparison(),
        birth_comparison(),
        sex_comparison(),
        descriptors_comparison(),
        shared_value_comparison("phones", "Phone numbers (E.164)", "phone"),
        shared_value_comparison("postcodes", "Postcodes", "postcode"),
        shared_value_comparison("addresses", "Addresses", "address"),
        shared_value_comparison("vehicles", "Vehicle registrations", "vehicle"),
        shared_value_comparison("associates", "People mentioned alongside", "associate"),
        shared_value_comparison("places", "Places mentioned alongside", "place"),
        *([area_comparison()] if by_area else []),
    ]


def _explode(column: str, *others: str) -> BlockingRuleCreator:
    return block_on(column, *others, arrays_to_explode=[column])


def person_blocking_rules(
    *, within_area: bool = False, national: bool = False
) -> list[BlockingRuleCreator | str]:
    """Candidate pairs: any one of these is enough. Chosen for recall; see the benchmark.

    The last four rules are broad; nationally each would allow over a billion pairs, so with
    `within_area` they only pair mentions made in the same area. With `national` (a million
    mentions and more) even that is too many (38 to 167 million pairs a rule): a given name
    alone, a nickname and a given-name key must also agree on the decade of birth
    (`birth_band`) within one area (the name key on sex too), and the associate rule is left
    out. Measured on the national world at 1,000,000 mentions: the national rules allow 36.5
    million pairs and keep 40.9% of the true pairs (24.8 million and 39.7% without the
    name-key rule); the area-scoped ones would allow about 400 million and keep 54%.
    """
    area = ["area"] if within_area or national else []
    same_area = "l.area = r.area and " if within_area or national else ""
    exact: list[BlockingRuleCreator | str] = [
        block_on("given_canonical", "family_name"),
        block_on("given_metaphone", "family_metaphone"),
        "l.given_name = r.family_name and l.family_name = r.given_name",
        block_on("family_name", "date_of_birth"),
        block_on("given_canonical", "date_of_birth"),
        _explode("phones"),
        _explode("vehicles"),
        _explode("addresses"),
    ]
    if national:
        return [
            *exact,
            "l.given_canonical = r.given_canonical and l.area = r.area "
            "and l.birth_band = r.birth_band and (l.family_name is null or r.family_name is null)",
            _explode("nicknames", "area", "birth_band"),
            _explode("name_keys", "sex", "area", "birth_band"),
        ]
    return [
        *exact,
        # A mention with only a given name meets every mention sharing it.
        f"l.given_canonical = r.given_canonical and {same_area}"
        "(l.family_name is null or r.family_name is null)",
        _explode("nicknames", *area),
        _explode("name_keys", "sex", *area),
        _explode("associates", "sex", *area),
    ]


def em_training_rules(*, national: bool = False) -> list[BlockingRuleCreator | str]:
    """Blocks for expectation maximisation; each leaves other comparisons free to train.

    With `national`, the nickname block is kept within one area and decade of birth, and the
    date-of-birth block within one area: a common street name ("Boss") would otherwise pair
    tens of millions of mentions, and a date of birth alone took 21 s of training.
    """
    nickname = "l.nicknames[1] = r.nicknames[1]"
    if national:
        nickname += " and l.area = r.area and l.birth_band = r.birth_band"
    return [
        block_on("given_canonical", "family_name"),
        block_on("date_of_birth", "area") if national else block_on("date_of_birth"),
        # Splink cannot train on exploded blocks; the first nickname is an equi-join.
        nickname,
        "l.phones[1] = r.phones[1]",
    ]


DETERMINISTIC_COLUMNS = ("given_name", "family_name", "date_of_birth")


def deterministic_rules() -> list[Any]:
    """Near-certain matches, used only to estimate the prior (share of pairs that match).

    The rule can only find a true pair when both records carry all of DETERMINISTIC_COLUMNS,
    so its recall is estimated from how complete those columns are (see `model.train`).
    """
    return [block_on(*DETERMINISTIC_COLUMNS)]
