"""Synthetic person mentions and a stand-in scorer for the linkage app's tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pytest

from cairn.access.models import Team
from cairn.intelligence.models import PersonMention, PhoneMention
from cairn.intelligence.tests.factories import IntelligenceReportFactory, PersonMentionFactory
from cairn.linkage import engine, services
from cairn.linkage.services import scoring

EXPLANATION = [
    {"comparison": "given_name", "level": "exact", "match_weight": 4.2},
    {"comparison": "phones", "level": "no phone in common", "match_weight": -1.5},
]


def person_mention(team: Team, external_id: str, name: str, **fields: Any) -> PersonMention:
    """One synthetic report held by `team` mentioning one person."""
    given, _, family = name.partition(" ")
    report = IntelligenceReportFactory(owning_team=team)
    return PersonMentionFactory(
        report=report,
        external_id=external_id,
        name_as_written=name,
        given_name=given,
        family_name=family,
        nickname=fields.pop("nickname", ""),
        **fields,
    )


def stored_population(team: Team, people: int = 40) -> dict[str, Any]:
    """Two stored mentions of each of `people` synthetic people (with phones), and the truth.

    Enough for the real engine to train on: `created` maps the engine test population's
    mention ids (M00000…) to the stored mentions, `sources` to the engine's own mentions.
    """
    from cairn.linkage.tests.conftest import population

    mentions, truth = population(people=people)
    created = {}
    for source in mentions[: people * 2]:
        created[source.mention_id] = person_mention(
            team,
            source.mention_id,
            f"{source.given_name} {source.family_name}",
            date_of_birth=source.date_of_birth,
            sex="male",
        )
        if source.phones:
            PhoneMention.objects.create(
                report=created[source.mention_id].report,
                number_as_written=source.phones[0],
                e164=source.phones[0],
                person=created[source.mention_id],
            )
    return {"created": created, "truth": truth, "sources": {m.mention_id: m for m in mentions}}


def mention_ids(mentions: Sequence[engine.PersonMention] | pa.Table) -> list[str]:
    """The ids of the mentions a fake scorer is given: engine rows, or the matching table a
    full re-link passes."""
    if isinstance(mentions, pa.Table):
        return [str(i) for i in mentions.column("mention_id").to_pylist()]
    return [m.mention_id for m in mentions]


def use_scores(monkeypatch: pytest.MonkeyPatch, scores: Mapping[tuple[str, str], float]) -> None:
    """Replace the trained model by fixed probabilities between mentions (by external id)."""

    def pairs(mentions: Sequence[engine.PersonMention] | pa.Table) -> list[services.Pair]:
        ids = set(mention_ids(mentions))
        by_external = dict(
            PersonMention.objects.filter(pk__in=[int(i) for i in ids]).values_list(
                "external_id", "pk"
            )
        )
        found = []
        for (a, b), probability in scores.items():
            if a in by_external and b in by_external:
                x, y = by_external[a], by_external[b]
                found.append(services.Pair(min(x, y), max(x, y), probability, list(EXPLANATION)))
        return [p for p in found if p.probability >= services.thresholds().review]

    def new_pairs(
        existing: Sequence[engine.PersonMention], new: Sequence[engine.PersonMention]
    ) -> list[services.Pair]:
        new_ids = {m.mention_id for m in new}
        return [
            p
            for p in pairs([*existing, *new])
            if (str(p.first) in new_ids) != (str(p.second) in new_ids)
        ]

    def scored(
        mentions: Sequence[engine.PersonMention] | pa.Table, **backend: str
    ) -> services.Scores:
        return services.Scores(pairs(mentions))

    monkeypatch.setattr(scoring, "score_pairs", scored)
    monkeypatch.setattr(scoring, "score_new", new_pairs)
