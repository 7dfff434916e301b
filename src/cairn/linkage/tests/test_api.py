"""The API: the same access rules and audit as the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import share_with_team
from cairn.audit.models import Action, AuditEntry
from cairn.linkage import services
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity, ReviewDecision
from cairn.linkage.tests.factories import person_mention, use_scores

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
BASE = "/api/v1/linkage"


def _state() -> dict[str, list[dict[str, Any]]]:
    return {
        "entities": list(PersonEntity.objects.order_by("id").values()),
        "links": list(MentionLink.objects.order_by("id").values()),
        "decisions": list(ReviewDecision.objects.order_by("id").values()),
    }


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def linked(team: Team, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    tom = person_mention(team, "tom", "Tom Smith")
    thomas = person_mention(team, "thomas", "Thomas Smith")
    tommy = person_mention(team, "tommy", "Tommy Smith")
    use_scores(monkeypatch, {("tom", "thomas"): 0.99, ("thomas", "tommy"): 0.7})
    services.link_run(actor=Actor.system())
    return {
        "proposal": MentionLink.objects.get(status=LinkStatus.PROPOSED),
        "entity": MentionLink.objects.get(mention=tom).entity,
        "link": MentionLink.objects.get(mention=thomas),
        "tommy": tommy,
    }


def _calls(client: Client, linked: dict[str, Any]) -> list[int]:
    proposal, entity, link = linked["proposal"].pk, linked["entity"].pk, linked["link"].pk
    return [
        client.get(f"{BASE}/review").status_code,
        client.get(f"{BASE}/people/{entity}").status_code,
        _post(client, f"{BASE}/review/{proposal}/accept").status_code,
        _post(client, f"{BASE}/review/{proposal}/reject").status_code,
        _post(client, f"{BASE}/links/{link}/unmerge").status_code,
    ]


def test_anonymous_requests_get_401(linked: dict[str, Any]) -> None:
    before = _state()
    assert _calls(Client(), linked) == [401] * 5
    assert _state() == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_roles_without_casework_get_403(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, role: Role, linked: dict[str, Any]
) -> None:
    user = make_user(role, team=team)
    before = _state()
    assert _calls(sign_in(user), linked) == [403] * 5
    assert _state() == before
    assert not AuditEntry.objects.filter(user=user).exclude(action=Action.SIGN_IN).exists()


def test_another_team_sees_an_empty_queue_and_nothing_else(
    make_user: Callable[..., User], sign_in: SignIn, other_team: Team, linked: dict[str, Any]
) -> None:
    outsider = make_user(Role.ANALYST, team=other_team)
    client = sign_in(outsider)
    before = _state()
    assert client.get(f"{BASE}/review").json() == []
    assert _calls(client, linked)[1:] == [403, 403, 403, 403]
    assert _state() == before
    assert not AuditEntry.objects.filter(user=outsider, action=Action.CONSULTATION).exists()


def test_the_queue_explains_each_pair_and_hides_restricted_mentions(
    make_user: Callable[..., User], sign_in: SignIn, other_team: Team, linked: dict[str, Any]
) -> None:
    share_with_team(linked["tommy"].report, other_team)
    client = sign_in(make_user(Role.ANALYST, team=other_team))
    (pair,) = client.get(f"{BASE}/review").json()
    assert pair["match_probability"] == 0.7
    assert pair["decidable"] is False
    assert pair["first"] == {"restricted": True} | {
        k: None for k in pair["first"] if k != "restricted"
    }
    assert pair["second"]["name_as_written"] == "Tommy Smith"
    assert pair["contributions"][0] == {
        "comparison": "given_name",
        "level": "exact",
        "match_weight": 4.2,
    }
    before = _state()
    assert _post(client, f"{BASE}/review/{pair['id']}/accept").status_code == 403
    assert _state() == before


def test_accept_then_unmerge_restores_the_state_and_both_are_audited(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    analyst = make_user(Role.ANALYST, team=team)
    client = sign_in(analyst)
    before = _state()
    response = _post(
        client, f"{BASE}/review/{linked['proposal'].pk}/accept", {"reason": "Same tattoo"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == linked["entity"].pk
    assert len(body["links"]) == 3
    tommy = next(link for link in body["links"] if link["mention"]["external_id"] == "tommy")
    assert tommy["status"] == "accepted"
    response = _post(client, f"{BASE}/links/{tommy['id']}/unmerge", {"reason": "Error"})
    assert response.status_code == 200
    assert _state() == before
    summaries = list(
        AuditEntry.objects.filter(user=analyst, action=Action.COMBINATION).values_list(
            "summary", flat=True
        )
    )
    assert summaries == [
        "Accepted a proposed link: the same person",
        "Undid a merge of person mentions",
    ]


def test_reject_is_recorded(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = _post(client, f"{BASE}/review/{linked['proposal'].pk}/reject", {"reason": "No"})
    assert response.json() == {"decision": "reject"}
    assert ReviewDecision.objects.get().reason == "No"
    assert _post(client, f"{BASE}/review/{linked['proposal'].pk}/reject").status_code == 404


def test_the_queue_comes_in_pages_and_narrows_to_one_person(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    entity = linked["entity"].pk
    (pair,) = client.get(f"{BASE}/review", {"page": 1, "person": entity}).json()
    assert pair["id"] == linked["proposal"].pk
    assert client.get(f"{BASE}/review", {"page": 2}).json() == []
    assert client.get(f"{BASE}/review", {"person": 999_999}).json() == []
    for bad in ({"page": 0}, {"page": "two"}, {"person": "tom"}, {"person": -1}, {"person": 2**63}):
        assert client.get(f"{BASE}/review", bad).status_code == 422
