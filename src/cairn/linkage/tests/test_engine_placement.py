"""Placement by context computed in DuckDB: same rules, evidence and explanations at any size."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from cairn.linkage.engine import PersonMention, matching_table, predict
from cairn.linkage.engine.clustering import place_by_context
from cairn.linkage.engine.model import connect

ON = dt.date(2026, 6, 1)
CHLOE = {"given_name": "Chloe", "family_name": "Hart", "sex": "female"}


def _man(mention_id: str, record: str, **fields: object) -> PersonMention:
    values: dict[str, object] = {
        "sex": "male",
        "descriptors": ["beard"],
        "age_min": 30,
        "age_max": 39,
        "age_observed_on": ON,
        "record": record,
    }
    values.update(fields)
    return PersonMention(mention_id=mention_id, **values)  # type: ignore[arg-type]


def _chloe(mention_id: str, record: str) -> PersonMention:
    return PersonMention(mention_id=mention_id, record=record, **CHLOE)  # type: ignore[arg-type]


def _strangers(count: int = 30) -> list[PersonMention]:
    return [
        PersonMention(mention_id=f"z{i:02}", given_name=f"Person{i}", record=f"z{i}", sex="female")
        for i in range(count)
    ]


def _dean_and_chloe() -> list[PersonMention]:
    """Dean seen twice with Chloe and a car; "male, 30s, beard" once with both."""
    car = ["vehicle:AB12CDE", "place:the takeaway"]
    return [
        _man("dean-1", "r1", given_name="Dean", family_name="Marsh", context=car),
        _chloe("chloe-1", "r1"),
        _man("dean-2", "r2", given_name="Dean", family_name="Marsh"),
        _chloe("chloe-2", "r2"),
        _man("unknown", "r3", context=car),
        _chloe("chloe-3", "r3"),
        *_strangers(),
    ]


def _entities(mentions: list[PersonMention], **joined: str) -> dict[str, str]:
    entity_of = {m.mention_id: m.mention_id for m in mentions}
    entity_of.update(joined)
    return entity_of


def test_a_placement_carries_what_was_shared_and_evidence_weighted_by_rarity():
    mentions = _dean_and_chloe()
    entity_of = _entities(
        mentions, **{"dean-2": "dean-1", "chloe-2": "chloe-1", "chloe-3": "chloe-1"}
    )
    final, (placement,) = place_by_context(entity_of, matching_table(mentions))
    assert final["unknown"] == final["dean-1"] == "dean-1"
    assert placement.mentions == ("unknown",)
    assert placement.entity == "dean-1"
    assert placement.shared == ("person:chloe-1", "place:the takeaway", "vehicle:ab12cde")
    # 33 entities have a record; 2 are seen with Chloe, and 3 (Chloe too) with the car and at
    # the takeaway.
    assert placement.score == round(math.log(33 / 2) + 2 * math.log(33 / 3), 3)
    assert placement.runner_up == 0.0


def test_entities_named_by_a_label_rather_than_a_mention_are_placed_alike():
    mentions = _dean_and_chloe()
    labels = {m.mention_id: "entity-" + m.mention_id for m in mentions}
    labels |= {"dean-1": "entity-dean", "dean-2": "entity-dean"}
    labels |= {"chloe-1": "entity-chloe", "chloe-2": "entity-chloe", "chloe-3": "entity-chloe"}
    final, placements = place_by_context(labels, matching_table(mentions))
    assert final["unknown"] == final["dean-1"] == final["dean-2"]
    assert [p.mentions for p in placements] == [("unknown",)]


def test_a_named_group_is_never_placed_onto_an_anonymous_one():
    mentions = [
        _man("anonymous", "r1"),
        _chloe("chloe-1", "r1"),
        _man("dean", "r2", given_name="Dean"),
        _chloe("chloe-2", "r2"),
        *_strangers(),
    ]
    entity_of = _entities(mentions, **{"chloe-2": "chloe-1"})
    final, placements = place_by_context(entity_of, matching_table(mentions))
    # The anonymous mention is placed onto Dean on its own evidence, never Dean onto it.
    assert final["anonymous"] == final["dean"]
    assert [p.mentions for p in placements] == [("anonymous",)]


def _dean_and_two_sightings(**second: object) -> list[PersonMention]:
    """Dean named beside his car twice; two anonymous sightings beside it, each on its own."""
    car = ["vehicle:AB12CDE", "place:the retail park"]
    return [
        _man("dean-1", "r1", given_name="Dean", family_name="Marsh", context=car),
        _man("dean-2", "r2", given_name="Dean", family_name="Marsh", context=car),
        _man("seen-1", "r3", context=car, age_min=None, age_max=None),
        _man("seen-2", "r4", context=car, **second),
        *_strangers(),
    ]


def test_anonymous_sightings_of_a_named_person_are_no_rivals_to_him():
    mentions = _dean_and_two_sightings()
    entity_of = _entities(mentions, **{"dean-2": "dean-1"})
    final, placements = place_by_context(entity_of, matching_table(mentions))
    # Each sighting's next candidate is the other sighting, which may be Dean unnamed: both join
    # him rather than each standing in the other's way.
    assert final["seen-1"] == final["seen-2"] == final["dean-1"]
    assert sorted(p.mentions for p in placements) == [("seen-1",), ("seen-2",)]


def test_a_candidate_that_joined_the_best_one_earlier_in_the_round_is_no_rival():
    mentions = _dean_and_two_sightings()
    entity_of = _entities(mentions, **{"dean-2": "dean-1"})
    # In one round: the first sighting joins Dean, and then stands for him, not against him.
    final, placements = place_by_context(entity_of, matching_table(mentions), rounds=1)
    assert final["seen-1"] == final["seen-2"] == final["dean-1"]
    assert len(placements) == 2


def test_an_anonymous_candidate_that_cannot_be_the_named_one_is_still_a_rival():
    # The second sighting is of a man in his fifties: not Dean, and as close to the first
    # sighting (which gives no age) as Dean is.
    mentions = _dean_and_two_sightings(age_min=50, age_max=59)
    entity_of = _entities(mentions, **{"dean-2": "dean-1"})
    final, _ = place_by_context(entity_of, matching_table(mentions))
    assert final["seen-1"] != final["dean-1"]
    assert final["seen-2"] != final["dean-1"]


def test_mentions_without_a_record_keep_their_entity():
    mentions = [_man("a", None), _man("b", None, given_name="Dean"), *_strangers(3)]  # type: ignore[arg-type]
    final, placements = place_by_context(_entities(mentions), matching_table(mentions))
    assert final["a"] == "a" and final["b"] == "b"
    assert placements == []


def test_placement_on_a_given_connection_leaves_nothing_behind_in_it():
    mentions = _dean_and_chloe()
    entity_of = _entities(
        mentions, **{"dean-2": "dean-1", "chloe-2": "chloe-1", "chloe-3": "chloe-1"}
    )
    con = connect()
    before = con.sql("select count(*) from duckdb_tables()").fetchall()
    _, placements = place_by_context(entity_of, matching_table(mentions), connection=con)
    assert len(placements) == 1
    assert con.sql("select count(*) from duckdb_tables()").fetchall() == before
    assert con.sql("select count(*) from duckdb_views() where not internal").fetchall() == [(0,)]


def test_scores_without_explanations_equal_those_with_them_and_leave_the_model_explaining(model):
    lean = predict(model, explanations=False).sort_values(["mention_id_l", "mention_id_r"])
    full = predict(model).sort_values(["mention_id_l", "mention_id_r"])
    assert lean["match_weight"].to_numpy() == pytest.approx(full["match_weight"].to_numpy())
    # The model still carries its matching columns and levels for the next explanation.
    assert "gamma_given_name" in predict(model).columns


def test_beyond_the_candidates_kept_the_last_ones_evidence_stands_for_the_next(monkeypatch):
    mentions = _dean_and_chloe()
    entity_of = _entities(
        mentions, **{"dean-2": "dean-1", "chloe-2": "chloe-1", "chloe-3": "chloe-1"}
    )
    monkeypatch.setattr("cairn.linkage.engine.placement.CANDIDATES_KEPT", 1)
    # With one candidate kept, the next could be as strong: not clearly ahead, so not placed.
    final, placements = place_by_context(entity_of, matching_table(mentions))
    assert final["unknown"] == "unknown"
    assert placements == []
