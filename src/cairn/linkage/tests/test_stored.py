"""A trained model kept as JSON and reloaded over a few candidates scores as the original."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from cairn.linkage.engine import PersonMention, link_new, stored
from cairn.linkage.tests.conftest import OBSERVED


def _shares_a_value(mention: PersonMention, values: stored.CandidateValues) -> bool:
    return bool(
        (mention.given_name or "").lower() in values.given_names
        or (mention.family_name or "").lower() in values.family_names
        or mention.date_of_birth in values.dates_of_birth
        or set(mention.phones) & values.phones
    )


@pytest.fixture(scope="module")
def kept(model):
    exported = stored.export(model)
    # Through JSON, as the database keeps it.
    return stored.StoredModel(**json.loads(json.dumps(dataclasses.asdict(exported))))


def test_the_kept_model_remembers_how_many_mentions_it_was_trained_on(kept, people):
    assert kept.mentions == len(people[0])
    assert kept.settings["comparisons"]
    assert 0 < kept.term_frequencies["family_name"]["smith"] < 1


def test_scoring_against_the_candidates_gives_the_pairs_of_the_whole_set(model, kept, people):
    mentions, _ = people
    # The first person again, with an estimated age instead of the date of birth.
    new = dataclasses.replace(
        mentions[0],
        mention_id="NEW1",
        date_of_birth=None,
        age_min=30,
        age_max=60,
        age_observed_on=OBSERVED,
    )
    values = stored.candidate_values([new])
    candidates = [m for m in mentions if _shares_a_value(m, values)]
    assert len(candidates) < len(mentions) / 5
    whole = link_new(model, [new])
    reloaded = link_new(stored.load(kept, candidates), [new])
    assert dict(zip(reloaded.mention_id_r, reloaded.match_probability, strict=True)) == (
        pytest.approx(dict(zip(whole.mention_id_r, whole.match_probability, strict=True)))
    )
    assert reloaded.match_probability.max() > 0.99


def test_candidate_values_cover_diminutives_swapped_names_and_identifiers():
    values = stored.candidate_values(
        [
            PersonMention(
                mention_id="n",
                given_name="Tom",
                family_name="O'Neill",
                nicknames=["Tiger"],
                date_of_birth=dt.date(1990, 5, 1),
                phones=["+447700900123"],
                vehicles=["KX12 ABC", "KX1? ABC"],
                associates=["Jade"],
            )
        ]
    )
    assert {"tom", "thomas", "tommy"} <= values.given_names
    assert "o'neill" in values.given_names and "tom" in values.family_names
    assert values.nicknames == {"tiger"}
    assert values.dates_of_birth == {dt.date(1990, 5, 1)}
    assert values.phones == {"+447700900123"}
    # A partial registration is never a blocking value.
    assert values.vehicles == {"KX12ABC"}
    assert values.associates == {"jade"}
