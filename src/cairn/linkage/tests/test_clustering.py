"""Clustering that refuses contradictions, and placement of anonymous mentions by context."""

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cairn.linkage.engine import PersonMention, matching_table
from cairn.linkage.engine.clustering import (
    _merged_in_turn,
    _strong,
    constrained_clusters,
    place_by_context,
    resolve,
)
from cairn.linkage.engine.descriptors import descriptors_in, sex_in

ON = dt.date(2026, 6, 1)


def _pairs(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["mention_id_l", "mention_id_r", "match_probability"])


def _adult(mention_id: str, **fields: object) -> PersonMention:
    values: dict[str, object] = {
        "sex": "male",
        "descriptors": ["beard"],
        "age_min": 30,
        "age_max": 39,
        "age_observed_on": ON,
    }
    values.update(fields)
    return PersonMention(mention_id=mention_id, **values)  # type: ignore[arg-type]


def test_descriptors_are_read_from_free_text_without_protected_characteristics():
    assert descriptors_in("Male, tall, bearded, gold chains, walks with a limp") == [
        "beard",
        "gold chain",
        "limp",
        "tall",
    ]
    assert descriptors_in("female, about 14, short dark hair") == ["short dark hair"]
    assert descriptors_in("Asian male, Muslim, Polish accent") == []
    assert sex_in("girl, about 14") == "female"
    assert sex_in("male, 30s") == "male"
    assert sex_in("tall, 30s") is None


@given(st.text(max_size=200))
def test_any_text_gives_sorted_known_descriptors(text):
    found = descriptors_in(text)
    assert found == sorted(set(found))


def test_a_chain_through_a_given_name_alone_does_not_join_two_different_people():
    table = matching_table(
        [
            _adult("a", given_name="Tom", family_name="Smith"),
            _adult("b", given_name="Tom"),
            _adult("c", given_name="Tom", family_name="Jones"),
        ]
    )
    pairs = _pairs(("a", "b", 0.97), ("b", "c", 0.96))
    entity_of = constrained_clusters(pairs, table, 0.8)
    assert entity_of["a"] == entity_of["b"]
    assert entity_of["c"] != entity_of["a"]


def test_mentions_described_differently_are_never_merged():
    table = matching_table(
        [
            _adult("a", given_name="Tom", descriptors=["beard"]),
            _adult("b", given_name="Tom", descriptors=["glasses"]),
        ]
    )
    entity_of = constrained_clusters(_pairs(("a", "b", 0.99)), table, 0.8)
    assert entity_of["a"] != entity_of["b"]


def test_an_analysts_rejection_keeps_two_groups_apart_and_an_acceptance_joins_them():
    table = matching_table(
        [_adult("a", given_name="Tom"), _adult("b", given_name="Tom"), _adult("c", nicknames=["T"])]
    )
    pairs = _pairs(("a", "b", 0.99))
    assert constrained_clusters(pairs, table, 0.8, cannot_link=[("a", "b")])["b"] == "b"
    joined = constrained_clusters(pairs, table, 0.8, must_link=[("a", "c")])
    assert joined["a"] == joined["b"] == joined["c"]


def _others(count: int = 30) -> list[PersonMention]:
    """Unrelated people in reports of their own: how rare a shared acquaintance is needs a
    realistic number of people to be measured against."""
    return [
        PersonMention(mention_id=f"z{i:02}", given_name=f"Person{i}", record=f"z{i}", sex="female")
        for i in range(count)
    ]


def test_an_anonymous_mention_joins_the_one_person_who_keeps_the_same_company():
    chloe = {"given_name": "Chloe", "family_name": "Hart", "sex": "female", "descriptors": []}
    mentions = [
        _adult("named-1", given_name="Dean", family_name="Marsh", record="r1"),
        PersonMention(mention_id="chloe-1", record="r1", **chloe),  # type: ignore[arg-type]
        _adult("named-2", given_name="Dean", family_name="Marsh", record="r2"),
        PersonMention(mention_id="chloe-2", record="r2", **chloe),  # type: ignore[arg-type]
        # "male, 30s, beard" seen with Chloe at the takeaway
        _adult("unknown", record="r3", context=["place:the takeaway"]),
        PersonMention(mention_id="chloe-3", record="r3", **chloe),  # type: ignore[arg-type]
        # another bearded man, never seen with her
        _adult("other", given_name="Alan", family_name="Price", record="r4"),
        *_others(),
    ]
    table = matching_table(mentions)
    pairs = _pairs(
        ("named-1", "named-2", 0.99), ("chloe-1", "chloe-2", 0.99), ("chloe-2", "chloe-3", 0.99)
    )
    entity_of, placements = resolve(pairs, table, 0.8)
    assert entity_of["unknown"] == entity_of["named-1"]
    assert entity_of["other"] != entity_of["named-1"]
    (placement,) = placements
    assert placement.mentions == ("unknown",)
    assert any(thing.startswith("person:") for thing in placement.shared)


def test_a_shared_place_alone_never_places_a_mention():
    mentions = [
        _adult("named", given_name="Dean", record="r1", context=["place:the takeaway"]),
        _adult("unknown", record="r2", context=["place:the takeaway"]),
    ]
    table = matching_table(mentions)
    entity_of, placements = place_by_context({"named": "named", "unknown": "unknown"}, table)
    assert entity_of["unknown"] == "unknown"
    assert placements == []


def test_two_equally_likely_people_leave_the_mention_unplaced():
    chloe = {"given_name": "Chloe", "family_name": "Hart", "sex": "female", "descriptors": []}
    mentions = [
        _adult("dean", given_name="Dean", family_name="Marsh", record="r1"),
        _adult("alan", given_name="Alan", family_name="Price", record="r1"),
        PersonMention(mention_id="chloe-1", record="r1", **chloe),  # type: ignore[arg-type]
        _adult("unknown", record="r2"),
        PersonMention(mention_id="chloe-2", record="r2", **chloe),  # type: ignore[arg-type]
        *_others(),
    ]
    table = matching_table(mentions)
    entity_of, _ = resolve(_pairs(("chloe-1", "chloe-2", 0.99)), table, 0.8)
    assert entity_of["unknown"] == "unknown"


_ADULT = st.builds(
    dict,
    given_name=st.sampled_from([None, "Tom", "Thomas", "Dean", "Jay"]),
    family_name=st.sampled_from([None, "Smith", "Smyth", "Marsh"]),
    sex=st.sampled_from([None, "male", "female"]),
    descriptors=st.sampled_from([[], ["beard"], ["glasses"], ["beard", "tall"]]),
    date_of_birth=st.sampled_from([None, dt.date(1990, 1, 2), dt.date(1990, 2, 1)]),
    age_min=st.sampled_from([None, 20, 30, 45]),
)


@settings(max_examples=80, deadline=None)
@given(
    people=st.lists(_ADULT, min_size=2, max_size=12),
    links=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(0.8, 1.0)), max_size=30
    ),
    rejected=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=2),
    accepted=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=2),
)
def test_clustering_makes_the_same_people_as_merging_every_pair_in_turn(
    people, links, rejected, accepted
):
    mentions = [
        _adult(f"m{i}", **(p | {"age_max": p["age_min"] + 9 if p["age_min"] else None}))
        for i, p in enumerate(people)
    ]
    n = len(mentions)
    pairs = _pairs(*((f"m{a}", f"m{b}", p) for a, b, p in links if a < n and b < n and a != b))
    must = [(f"m{a}", f"m{b}") for a, b in accepted if a < n and b < n and a != b]
    cannot = [(f"m{a}", f"m{b}") for a, b in rejected if a < n and b < n and a != b]
    table = matching_table(mentions)
    in_turn = _merged_in_turn(_strong(pairs, 0.8), table, must, cannot)
    assert constrained_clusters(pairs, table, 0.8, must_link=must, cannot_link=cannot) == in_turn


def test_a_street_name_places_a_mention_on_the_one_person_known_by_it():
    mentions = [
        _adult("dean-1", given_name="Dean", nicknames=["Tiger"], record="r1"),
        _adult("dean-2", given_name="Dean", record="r2"),
        _adult("tiger", nicknames=["Tiger"], record="r3"),
        *_others(),
    ]
    table = matching_table(mentions)
    entity_of, placements = resolve(_pairs(("dean-1", "dean-2", 0.95)), table, 0.8)
    assert entity_of["tiger"] == entity_of["dean-1"]
    (placement,) = placements
    assert placement.shared == ("nickname:(unknown):tiger",)


def test_a_street_name_two_people_are_known_by_places_no_mention():
    mentions = [
        _adult("dean", given_name="Dean", nicknames=["Tiger"], record="r1"),
        _adult("alan", given_name="Alan", nicknames=["Tiger"], record="r2"),
        _adult("tiger", nicknames=["Tiger"], record="r3"),
        *_others(),
    ]
    entity_of, placements = resolve(_pairs(), matching_table(mentions), 0.8)
    assert entity_of["tiger"] == "tiger"
    assert placements == []


def test_a_street_name_from_another_area_places_no_mention():
    mentions = [
        _adult("dean-1", given_name="Dean", nicknames=["Tiger"], record="r1", area="Leeds"),
        _adult("dean-2", given_name="Dean", record="r2", area="Leeds"),
        _adult("tiger", nicknames=["Tiger"], record="r3", area="York"),
        *_others(),
    ]
    entity_of, placements = resolve(
        _pairs(("dean-1", "dean-2", 0.95)), matching_table(mentions), 0.8
    )
    assert entity_of["tiger"] == "tiger"
    assert placements == []


def test_dates_of_birth_one_typing_error_apart_agree_and_others_keep_people_apart():
    table = matching_table(
        [
            _adult("a", given_name="Dean", date_of_birth=dt.date(1990, 1, 2)),
            _adult("b", given_name="Dean", date_of_birth=dt.date(1990, 1, 20)),
            _adult("c", given_name="Dean", date_of_birth=dt.date(1985, 6, 11)),
        ]
    )
    entity_of = constrained_clusters(_pairs(("a", "b", 0.95), ("b", "c", 0.9)), table, 0.8)
    assert entity_of["a"] == entity_of["b"]
    assert entity_of["c"] == "c"
