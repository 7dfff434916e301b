"""The networks API: the same need-to-know and audit as the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity
from cairn.networks import services
from cairn.networks.models import Network
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.models import RiskBand
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import RiskAssessmentFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
BASE = "/api/v1/networks"
EVENING = datetime(2026, 2, 6, 21, 0, tzinfo=UTC)


@pytest.fixture
def network(team: Team, other_team: Team) -> dict[str, Any]:
    """Tiger with a girl in this team's report; Tiger with Shadow in another team's report."""
    girl = YoungPersonFactory(holding_team=team, given_name="Poppy", family_name="Arden")
    RiskAssessmentFactory(young_person=girl, computed_band=RiskBand.SIGNIFICANT)
    tiger = PersonEntity.objects.create(display_name="Tiger Mawson")
    shadow = PersonEntity.objects.create(display_name="Shadow Quill")
    resolved_report(team, at=EVENING, people=[tiger], young_people=[girl])
    resolved_report(other_team, at=EVENING, people=[tiger, shadow], phones=["+447700900555"])
    services.network_rebuild(actor=Actor.system())
    return {"girl": girl, "tiger": tiger, "shadow": shadow, "network": Network.objects.get()}


def _urls(network: dict[str, Any]) -> list[str]:
    return [
        f"{BASE}/",
        f"{BASE}/{network['network'].pk}",
        f"{BASE}/nodes/person:{network['tiger'].pk}/neighbourhood",
        f"{BASE}/{network['network'].pk}/review",
    ]


def test_an_anonymous_request_is_refused_with_401_problem_details(
    network: dict[str, Any],
) -> None:
    for url in _urls(network):
        response = Client().get(url)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"


def test_a_role_without_access_to_person_records_gets_403(
    network: dict[str, Any], team: Team, make_user: Any, sign_in: SignIn
) -> None:
    client = sign_in(make_user(Role.AUDITOR, team=team))
    assert [client.get(url).status_code for url in _urls(network)] == [403, 403, 403, 403]


def test_another_team_sees_no_network_of_ours_and_cannot_open_its_young_person(
    network: dict[str, Any], make_user: Any, sign_in: SignIn
) -> None:
    stranger_team = Team.objects.create(
        name="Elsewhere", organisation=network["girl"].holding_team.organisation
    )
    client = sign_in(make_user(Role.ANALYST, team=stranger_team))
    assert client.get(f"{BASE}/").json() == []
    assert client.get(f"{BASE}/{network['network'].pk}").status_code == 403
    girl = client.get(f"{BASE}/nodes/young_person:{network['girl'].pk}/neighbourhood")
    assert girl.status_code == 403
    assert "Poppy" not in girl.content.decode()


def test_a_permitted_analyst_gets_the_network_and_restricted_nodes_carry_no_names(
    network: dict[str, Any], team: Team, make_user: Any, sign_in: SignIn
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    listed = client.get(f"{BASE}/")
    detail = client.get(f"{BASE}/{network['network'].pk}")
    around = client.get(f"{BASE}/nodes/person:{network['tiger'].pk}/neighbourhood")

    assert [listed.status_code, detail.status_code, around.status_code] == [200, 200, 200]
    assert [n["reference"] for n in listed.json()] == [network["network"].reference]
    body = detail.json()
    labels = {member["node"]["label"] for member in body["members"]}
    assert {"Poppy Arden", "Tiger Mawson"} <= labels
    assert body["restricted_members"] == 2
    nodes = around.json()["nodes"]
    restricted = [node for node in nodes if node["restricted"]]
    assert len(restricted) == 2
    assert all(
        (node["kind"], node["label"], node["url"]) == ("restricted", "Restricted", "")
        for node in restricted
    )
    everything = json.dumps([listed.json(), body, around.json()])
    assert "Shadow" not in everything
    assert "+447700900555" not in everything
    assert f"person:{network['shadow'].pk}" not in everything


def test_reading_a_network_through_the_api_is_audited_as_a_consultation(
    network: dict[str, Any], team: Team, make_user: Any, sign_in: SignIn
) -> None:
    analyst = make_user(Role.ANALYST, team=team)
    before = AuditEntry.objects.filter(action=Action.CONSULTATION, user=analyst).count()
    sign_in(analyst).get(f"{BASE}/{network['network'].pk}")
    assert AuditEntry.objects.filter(action=Action.CONSULTATION, user=analyst).count() > before


def test_an_unknown_network_or_node_is_404(
    network: dict[str, Any], team: Team, make_user: Any, sign_in: SignIn
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    assert client.get(f"{BASE}/999999").status_code == 404
    assert client.get(f"{BASE}/nodes/person:999999/neighbourhood").status_code == 404
    assert client.get(f"{BASE}/nodes/nonsense/neighbourhood").status_code == 404


def test_the_pairs_waiting_among_a_networks_people_come_in_pages_as_on_its_page(
    network: dict[str, Any], team: Team, make_user: Any, sign_in: SignIn
) -> None:
    alone = PersonEntity.objects.create(display_name="Tiger")
    resolved_report(team, at=EVENING, people=[alone])
    proposal = MentionLink.objects.create(
        mention=MentionLink.objects.get(entity=alone).mention,
        entity=network["tiger"],
        status=LinkStatus.PROPOSED,
        paired_with=MentionLink.objects.filter(
            entity=network["tiger"], mention__report__owning_team=team
        )
        .get()
        .mention,
        match_probability=0.7,
    )
    url = f"{BASE}/{network['network'].pk}/review"
    (pair,) = sign_in(make_user(Role.ANALYST, team=team)).get(url).json()
    assert pair["id"] == proposal.pk and pair["second"]["name_as_written"] == "Tiger"
    client = sign_in(make_user(Role.ANALYST, team=team))
    assert client.get(url, {"page": 2}).json() == []
    assert client.get(url, {"page": 0}).status_code == 422
    assert client.get(f"{BASE}/999999/review").status_code == 404
