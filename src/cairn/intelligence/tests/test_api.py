"""The API: the same access, audit and refusals as the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence.models import IntelligenceReport, PersonMention
from cairn.intelligence.tests.factories import IntelligenceReportFactory, PersonMentionFactory
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
BASE = "/api/v1/intelligence/"


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reported_at": "2026-03-01T21:30:00Z",
        "source_type": "taxi_staff",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "narrative": "Tiger in a silver Astra KX12 ?B?",
        "people": [
            {"name_as_written": "John Smith aka Tiger", "sex": "male", "address": "Flat 2, Quay St"}
        ],
        "phones": [{"number_as_written": "07700 900123", "person": 1}],
        "vehicles": [{"registration_as_written": "KX12 ?B?", "person": 1}],
        "locations": [{"venue_type": "takeaway", "postcode": "NM1 4AB"}],
        "events": [{"what_happened": "Picked up two girls", "subject": 1, "location": 1}],
    }
    body.update(overrides)
    return body


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_anonymous_requests_get_401(team: Team) -> None:
    report = IntelligenceReportFactory(owning_team=team)
    client = Client()
    assert client.get(BASE).status_code == 401
    assert client.get(f"{BASE}{report.pk}").status_code == 401
    assert _post(client, BASE, _body()).status_code == 401
    assert _post(client, f"{BASE}extract", {"text": "07700 900123"}).status_code == 401
    assert _patch(client, f"{BASE}{report.pk}", {"version": 1, "narrative": "x"}).status_code == 401
    assert IntelligenceReport.objects.count() == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_roles_without_casework_get_403(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, role: Role
) -> None:
    user = make_user(role, team=team)
    client = sign_in(user)
    report = IntelligenceReportFactory(owning_team=team)
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}{report.pk}").status_code == 403
    assert _post(client, BASE, _body()).status_code == 403
    assert _post(client, f"{BASE}extract", {"text": "x"}).status_code == 403
    assert _patch(client, f"{BASE}{report.pk}", {"version": 1, "narrative": "x"}).status_code == 403
    assert IntelligenceReport.objects.get().narrative == report.narrative
    assert not AuditEntry.objects.filter(user=user, action=Action.CONSULTATION).exists()


def test_another_team_gets_the_restricted_problem_and_cannot_change_the_report(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, other_team: Team
) -> None:
    outsider = make_user(Role.ANALYST, team=other_team)
    client = sign_in(outsider)
    report = IntelligenceReportFactory(owning_team=team)
    response = client.get(f"{BASE}{report.pk}")
    assert response.status_code == 403
    assert response.json()["reference"] == report.reference
    assert _patch(client, f"{BASE}{report.pk}", {"version": 1, "narrative": "x"}).status_code == 403
    assert client.get(BASE).json() == []
    assert IntelligenceReport.objects.get().version == 1
    assert not AuditEntry.objects.filter(
        user=outsider, action=Action.CONSULTATION, record_ids=[str(report.pk)]
    ).exists()


def test_a_report_is_created_with_mentions_read_back_and_changed_with_its_version(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.INVESTIGATOR, team=team))
    created = _post(client, BASE, _body())
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["grading"] == "1A P"
    assert report["people"][0]["nickname"] == "Tiger"
    assert report["people"][0]["address"] == "Flat 2, Quay St"
    assert report["phones"][0]["e164"] == "+447700900123"
    assert report["vehicles"][0]["registration"] == "KX12?B?"
    url = f"{BASE}{report['id']}"
    assert client.get(url).json()["source_type"] == "Taxi staff"
    changed = _patch(client, url, {"version": 1, "intelligence_assessment": "B"})
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    stale = _patch(client, url, {"version": 1, "intelligence_assessment": "C"})
    assert stale.status_code == 409
    assert IntelligenceReport.objects.get().intelligence_assessment == "B"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"source_evaluation": "A", "intelligence_assessment": "1"}, "3x5x2"),
        ({"handling_code": "5"}, "Handling code must be P or C"),
        ({"phones": [{"number_as_written": "not a number"}]}, "is not a phone number"),
        ({"vehicles": [{"registration_as_written": "12345678"}]}, "too long"),
        (
            {"phones": [{"number_as_written": "07700 900123", "person": 4}]},
            "Person 4 does not exist",
        ),
        ({"events": [{"what_happened": "Seen", "location": 9}]}, "Location 9 does not exist"),
    ],
)
def test_bad_input_gets_400_with_a_clear_message_and_nothing_is_saved(
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
    overrides: dict[str, Any],
    message: str,
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = _post(client, BASE, _body(**overrides))
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not IntelligenceReport.objects.exists()
    assert not PersonMention.objects.exists()


def test_handling_c_withholds_the_source_from_roles_outside_the_conditions(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    report = IntelligenceReportFactory(
        owning_team=team,
        handling_code="C",
        handling_conditions="Not to the hotel",
        source_roles=["investigator"],
    )
    url = f"{BASE}{report.pk}"
    analyst_view = sign_in(make_user(Role.ANALYST, team=team)).get(url).json()
    assert analyst_view["source_withheld"] is True
    assert analyst_view["source_type"] is None and analyst_view["recorded_by"] is None
    assert analyst_view["handling_conditions"] == "Not to the hotel"
    investigator_view = sign_in(make_user(Role.INVESTIGATOR, team=team)).get(url).json()
    assert investigator_view["source_withheld"] is False
    assert investigator_view["source_type"] == "Hotel staff"


def test_linking_a_young_person_is_a_combination_and_needs_their_record(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, other_team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    report = IntelligenceReportFactory(owning_team=team)
    hidden = YoungPersonFactory(holding_team=other_team)
    assert (
        _post(client, f"{BASE}{report.pk}/young-people", {"young_person_id": hidden.pk}).status_code
        == 403
    )
    ours = YoungPersonFactory(holding_team=team)
    assert (
        _post(client, f"{BASE}{report.pk}/young-people", {"young_person_id": ours.pk}).status_code
        == 204
    )
    assert list(report.young_people.all()) == [ours]
    assert AuditEntry.objects.filter(
        action=Action.COMBINATION, record_ids=[str(report.pk)]
    ).exists()


def test_extraction_returns_suggestions_and_stores_nothing(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = _post(
        client, f"{BASE}extract", {"text": "silver Astra KX12 ?B?, phone 07700 900123"}
    )
    assert [(item["kind"], item["normalised"]) for item in response.json()] == [
        ("vehicle", "KX12?B?"),
        ("phone", "+447700900123"),
    ]
    assert not IntelligenceReport.objects.exists()


def test_the_list_searches_mentions(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    tiger = IntelligenceReportFactory(owning_team=team)
    PersonMentionFactory(report=tiger)
    IntelligenceReportFactory(owning_team=team)
    assert [row["id"] for row in client.get(BASE, {"text": "tiger"}).json()] == [tiger.pk]
