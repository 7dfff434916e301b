"""Training without labels, prediction with explanations, clustering and incremental linking."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import pandas as pd

from cairn.linkage.engine import PersonMention, Thresholds, cluster, explain, link_new, predict
from cairn.linkage.tests.conftest import OBSERVED


def _pair(pairs: pd.DataFrame, a: str, b: str) -> pd.Series:
    rows = pairs[
        ((pairs.mention_id_l == a) & (pairs.mention_id_r == b))
        | ((pairs.mention_id_l == b) & (pairs.mention_id_r == a))
    ]
    assert len(rows) == 1, f"{a}/{b} not among the scored pairs"
    return rows.iloc[0]


def test_a_true_pair_scores_high_and_a_namesake_low(model, people):
    mentions, truth = people
    pairs = predict(model, threshold=0.0)
    # The same person, once with full details and once as "Tom Smtih, about 40".
    assert _pair(pairs, "M00000", "M00001").match_probability > 0.95
    assert _pair(pairs, "M00000", "M00002").match_probability > 0.99
    # A namesake: the same names, another date of birth and another phone.
    namesake = next(
        (m, n)
        for m in mentions
        for n in mentions
        if m.mention_id.endswith("0")
        and n.mention_id.endswith("0")
        and truth[m.mention_id] != truth[n.mention_id]
        and (m.given_name, m.family_name) == (n.given_name, n.family_name)
    )
    row = _pair(pairs, namesake[0].mention_id, namesake[1].mention_id)
    assert row.match_probability < 0.05


def test_scored_pairs_carry_the_mentions_own_ids_not_splinks_row_numbers(model, people):
    mentions, _ = people
    ids = {m.mention_id for m in mentions}
    for pairs in (predict(model, threshold=0.0), predict(model, explanations=False)):
        assert len(pairs) > 0
        assert set(pairs.mention_id_l) | set(pairs.mention_id_r) <= ids


def test_pairs_carry_a_decision_from_the_thresholds(model):
    pairs = predict(model, threshold=0.0)
    thresholds = Thresholds()
    for probability, decision in zip(pairs.match_probability, pairs.decision, strict=True):
        assert decision == thresholds.decide(probability)
    assert set(pairs.decision) == {"link", "review", "none"} or "link" in set(pairs.decision)


def test_the_explanation_lists_every_comparison_and_sums_to_the_match_weight(model):
    pairs = predict(model, threshold=0.0)
    row = _pair(pairs, "M00000", "M00002")
    contributions = explain(model, row)
    assert [c.comparison for c in contributions] == [
        "given_name",
        "family_name",
        "nicknames",
        "birth",
        "sex",
        "descriptors",
        "phones",
        "postcodes",
        "addresses",
        "vehicles",
        "associates",
        "places",
    ]
    by_name = {c.comparison: c for c in contributions}
    assert by_name["phones"].level == "phone in common"
    assert by_name["phones"].match_weight > 5
    assert by_name["given_name"].level == "exact"
    assert by_name["postcodes"].level == "postcodes unknown"
    assert by_name["postcodes"].match_weight == 0
    prior = model.linker._settings_obj._probability_two_random_records_match
    import math

    prior_weight = math.log2(prior / (1 - prior))
    total = prior_weight + sum(c.match_weight for c in contributions)
    assert abs(total - row.match_weight) < 1e-6


def _same_entity_pairs(entity_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for mention_id, entity in entity_of.items():
        members.setdefault(entity, []).append(mention_id)
    return {pair for group in members.values() for pair in combinations(sorted(group), 2)}


def test_clustering_at_the_link_threshold_is_precise_and_finds_most_people(model, people):
    mentions, truth = people
    entity_of = cluster(predict(model), 0.95, [m.mention_id for m in mentions])
    assert set(entity_of) == {m.mention_id for m in mentions}
    found, true = _same_entity_pairs(entity_of), _same_entity_pairs(truth)
    assert len(found & true) / len(found) > 0.98
    # Mentions with only a diminutive, a family name and an age guess, among 400 men drawn
    # from 26 given and 26 family names, are rightly left for review rather than linked.
    assert len(found & true) / len(true) > 0.55


def test_cluster_takes_the_smallest_mention_id_and_keeps_singletons():
    pairs = pd.DataFrame(
        {"mention_id_l": ["b", "c"], "mention_id_r": ["a", "d"], "match_probability": [0.99, 0.4]}
    )
    assert cluster(pairs, 0.9, ["e"]) == {"a": "a", "b": "a", "c": "c", "d": "d", "e": "e"}


def test_a_new_report_finds_the_existing_person(model, people):
    mentions, _ = people
    known = mentions[0]
    new = PersonMention(
        mention_id="NEW1",
        given_name=known.given_name,
        family_name=known.family_name,
        phones=list(known.phones),
        age_min=30,
        age_max=60,
        age_observed_on=OBSERVED,
        sex="male",
    )
    stranger = PersonMention(
        mention_id="NEW2",
        given_name="Xavier",
        family_name="Quinnell",
        date_of_birth=dt.date(1999, 1, 1),
    )
    candidates = link_new(model, [new, stranger])
    assert set(candidates.mention_id_l) == {"NEW1"}
    best = candidates.sort_values("match_probability").iloc[-1]
    assert best.mention_id_r in {"M00000", "M00002"}
    assert best.match_probability > 0.99
    # Linking is against existing mentions only: the model's table is unchanged.
    assert predict(model).mention_id_l.str.startswith("NEW").sum() == 0
