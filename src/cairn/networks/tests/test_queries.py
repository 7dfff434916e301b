"""Windowed analyses read back from the stored graph."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cairn.access.actor import Actor
from cairn.access.models import Team
from cairn.linkage.models import PersonEntity
from cairn.networks import queries, services
from cairn.networks.tests.factories import place, resolved_report
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import MissingEpisodeFactory

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 3, 14, 22, 0, tzinfo=UTC)


def test_children_at_one_place_within_hours_and_missing_together_are_found_in_the_window(
    team: Team,
) -> None:
    amy, beth, cara = (YoungPersonFactory(holding_team=team) for _ in range(3))
    tiger = PersonEntity.objects.create(display_name="Tiger")
    resolved_report(team, at=NIGHT, people=[tiger], places=["Grill House"], young_people=[amy])
    resolved_report(
        team, at=NIGHT + timedelta(hours=2), places=["Grill House"], young_people=[beth]
    )
    resolved_report(
        team, at=NIGHT + timedelta(days=40), places=["Grill House"], young_people=[cara]
    )
    MissingEpisodeFactory(young_person=amy, started_at=NIGHT, ended_at=NIGHT + timedelta(hours=9))
    MissingEpisodeFactory(young_person=cara, started_at=NIGHT + timedelta(hours=1), ended_at=None)
    services.network_rebuild(actor=Actor.system())

    march = queries.co_occurrences(start=date(2026, 3, 1), end=date(2026, 3, 31))
    spring = queries.hotspots(start=date(2026, 3, 1), end=date(2026, 5, 31))

    assert [(c.kind, c.young_people) for c in march] == [
        ("missing_together", tuple(sorted((amy.pk, cara.pk)))),
        ("seen_together", tuple(sorted((amy.pk, beth.pk)))),
    ]
    assert march[1].place == ("location", place("Grill House").pk)
    assert [(h.node, h.young_people) for h in spring] == [
        (("location", place("Grill House").pk), 3)
    ]


def test_the_graph_of_a_window_leaves_out_records_outside_it(team: Team) -> None:
    tiger, smokey = (PersonEntity.objects.create(display_name=n) for n in ("Tiger", "Smokey"))
    resolved_report(team, at=NIGHT, people=[tiger, smokey])
    resolved_report(team, at=NIGHT + timedelta(days=60), people=[tiger], places=["Station Hotel"])
    services.network_rebuild(actor=Actor.system())

    graph, structure = queries.network_graph(start=date(2026, 5, 1))

    assert graph.nodes == sorted([("location", place("Station Hotel").pk), ("person", tiger.pk)])
    assert structure.network == [0, 0]
