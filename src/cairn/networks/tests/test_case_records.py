"""A young person's case record ties them to the phones and places intelligence names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.linkage.models import PersonEntity, PhoneEntity
from cairn.networks import services
from cairn.networks.models import Edge, NetworkNode
from cairn.networks.tests.factories import edge_table, place, resolved_report
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.services import key_contact_add, placement_add
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system()
NIGHT = datetime(2026, 3, 14, 22, 0, tzinfo=UTC)
SignIn = Callable[[User], Client]


def edge_to(young_person: YoungPerson, kind: str, node_id: int) -> Edge:
    first, second = sorted([("young_person", young_person.pk), (kind, node_id)])
    return Edge.objects.get(
        first_kind=first[0], first_id=first[1], second_kind=second[0], second_id=second[1]
    )


@pytest.fixture
def tiger(team: Team) -> PersonEntity:
    """Tiger is named with a phone at the Grill House."""
    tiger = PersonEntity.objects.create(display_name="Tiger")
    resolved_report(
        team, at=NIGHT, people=[tiger], phones=["+447700900123"], places=["Grill House"]
    )
    return tiger


def test_a_childs_own_phone_in_intelligence_ties_them_to_the_people_named_with_it(
    team: Team, tiger: PersonEntity
) -> None:
    ellie = YoungPersonFactory(holding_team=team, phone="+447700900123")

    services.network_rebuild(actor=SYSTEM)

    phone = PhoneEntity.objects.get(e164="+447700900123")
    assert edge_to(ellie, "phone", phone.pk).case_record_ids == [ellie.pk]
    members = dict(NetworkNode.objects.values_list("node_kind", "network_id").distinct())
    assert members["young_person"] == members["person"]


def test_a_placement_address_or_a_key_contacts_phone_added_later_updates_the_graph(
    team: Team,
    tiger: PersonEntity,
    make_user: Callable[..., User],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.CAIRN_LINK_ON_SAVE = True
    ellie = YoungPersonFactory(holding_team=team)
    services.network_rebuild(actor=SYSTEM)
    worker = Actor(user=make_user(Role.PRACTITIONER, team=team))

    with django_capture_on_commit_callbacks() as queued:
        placement_add(
            actor=worker,
            young_person=ellie,
            placement_type="foster_care",
            started_on=date(2026, 1, 5),
            address="Grill House",
        )
        key_contact_add(
            actor=worker,
            young_person=ellie,
            name="Aunt (synthetic)",
            relationship="Aunt",
            phone="07700 900123",
        )
    services.network_update_for_record(actor=SYSTEM, kind="case_record", record_id=ellie.pk)
    updated = edge_table()
    services.network_rebuild(actor=SYSTEM)

    assert len(queued) == 2
    assert updated == edge_table()
    assert edge_to(ellie, "location", place("Grill House").pk).case_record_ids == [ellie.pk]


def test_the_case_record_behind_a_link_is_shown_only_to_those_who_may_see_the_child(
    team: Team, tiger: PersonEntity, make_user: Callable[..., User], sign_in: SignIn
) -> None:
    ellie = YoungPersonFactory(holding_team=team, given_name="Ellie", phone="+447700900123")
    services.network_rebuild(actor=SYSTEM)
    link = edge_to(ellie, "phone", PhoneEntity.objects.get().pk)
    url = reverse("networks:edge", args=[link.pk])

    shown = sign_in(make_user(Role.ANALYST, team=team)).get(url)
    refused = sign_in(make_user(Role.ANALYST, team=TeamFactory())).get(url)

    assert "Case records" in shown.content.decode() and "Ellie" in shown.content.decode()
    assert refused.status_code in {403, 404}
    assert "Ellie" not in refused.content.decode()
