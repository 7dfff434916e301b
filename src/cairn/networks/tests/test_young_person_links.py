"""A young person's record resolved to the person the reports name joins the child's networks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.linkage.models import PersonEntity, YoungPersonLink
from cairn.linkage.services import young_person_link_reject
from cairn.networks import analysis, loader, services
from cairn.networks.models import Edge, NetworkNode
from cairn.networks.tests.factories import place, resolved_report
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system()
NIGHT = datetime(2026, 3, 14, 22, 0, tzinfo=UTC)
SignIn = Callable[[User], Client]


@dataclass
class Named:
    """Intelligence names "Chloe" with Tiger; a re-link found Chloe to be Ellie's record."""

    ellie: YoungPerson
    chloe: PersonEntity
    tiger: PersonEntity
    link: YoungPersonLink


@pytest.fixture
def named(team: Team) -> Named:
    ellie = YoungPersonFactory(holding_team=team, given_name="Ellie")
    chloe = PersonEntity.objects.create(display_name="Chloe")
    tiger = PersonEntity.objects.create(display_name="Tiger")
    resolved_report(team, at=NIGHT, people=[chloe, tiger], places=["Grill House"])
    link = YoungPersonLink.objects.create(young_person=ellie, entity=chloe, match_probability=0.97)
    services.network_rebuild(actor=SYSTEM)
    return Named(ellie, chloe, tiger, link)


def identity_edge(named: Named) -> Edge:
    return Edge.objects.get(
        first_kind="person", first_id=named.chloe.pk, second_kind="young_person"
    )


def network_of(kind: str, node_id: int) -> int:
    return NetworkNode.objects.get(node_kind=kind, node_id=node_id).network_id


def test_a_childs_record_resolved_to_a_named_person_joins_the_network_the_reports_make(
    named: Named,
) -> None:
    edge = identity_edge(named)

    assert edge.young_person_link_ids == [named.link.pk]
    assert (edge.report_ids, edge.count) == ([], 1)
    assert network_of("young_person", named.ellie.pk) == network_of("person", named.tiger.pk)


def test_unlinking_the_record_takes_the_child_out_as_a_rebuild_would(
    named: Named,
    make_user: Callable[..., User],
    team: Team,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.CAIRN_LINK_ON_SAVE = True
    analyst = Actor(user=make_user(Role.ANALYST, team=team))
    with django_capture_on_commit_callbacks() as queued:
        young_person_link_reject(actor=analyst, link=named.link, reason="A different Chloe")

    services.network_update_for_record(
        actor=SYSTEM, kind="young_person_link", record_id=named.link.pk
    )
    updated = set(Edge.objects.values_list("first_kind", "first_id", "second_kind", "second_id"))
    services.network_rebuild(actor=SYSTEM)

    assert len(queued) == 1  # the update is queued for when the unlink commits
    assert not Edge.objects.filter(second_kind="young_person").exists()
    assert updated == set(
        Edge.objects.values_list("first_kind", "first_id", "second_kind", "second_id")
    )


def test_the_link_is_explained_to_those_who_may_see_the_child_in_any_date_window(
    named: Named, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    node = f"young_person:{named.ellie.pk}"

    chart = client.get(
        f"{reverse('networks:chart-json')}?node={node}&start=2020-01-01&end=2020-12-31"
    ).json()
    provenance = client.get(reverse("networks:edge", args=[identity_edge(named).pk]))

    assert [{edge["source"], edge["target"]} for edge in chart["edges"]] == [
        {node, f"person:{named.chloe.pk}"}
    ]
    assert "the same child" in provenance.content.decode()
    assert "Ellie" in provenance.content.decode()


def test_a_team_that_may_not_see_the_child_learns_nothing_of_the_link(
    named: Named, make_user: Callable[..., User], sign_in: SignIn
) -> None:
    stranger = sign_in(make_user(Role.ANALYST, team=TeamFactory()))

    response = stranger.get(reverse("networks:edge", args=[identity_edge(named).pk]))

    assert response.status_code in {403, 404}
    assert "Ellie" not in response.content.decode()
    assert "Chloe" not in response.content.decode()


def test_hotspots_count_a_child_named_in_a_report_as_the_person_they_were_resolved_to(
    named: Named, team: Team
) -> None:
    records = loader.stored_records(start=NIGHT.date(), end=NIGHT.date())

    found = analysis.hotspots(records)

    assert [(spot.node, spot.young_people) for spot in found] == [
        (("location", place("Grill House").pk), 1)
    ]


def test_the_day_a_record_was_resolved_dates_no_sighting(named: Named) -> None:
    network = NetworkNode.objects.get(node_kind="person", node_id=named.tiger.pk).network

    assert (network.first_seen, network.last_seen) == (NIGHT, NIGHT)
    assert (identity_edge(named).first_seen, identity_edge(named).last_seen) != (NIGHT, NIGHT)


def test_the_links_page_dates_no_sighting_for_a_resolved_record(
    named: Named, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))

    page = client.get(reverse("networks:edge", args=[identity_edge(named).pk])).content.decode()

    assert identity_edge(named).sightings == 0
    assert "Named together in" not in page
