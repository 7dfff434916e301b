"""Clustering that refuses contradictions, and placement of anonymous mentions by context."""

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from cairn.linkage.engine import PersonMention, matching_table
from cairn.linkage.engine.clustering import (
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
