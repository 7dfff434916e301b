"""The investigations API: the same need-to-know, permissions and audit as the pages, on the
API channel, with problem details for every refusal and bad input."""

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
from cairn.investigations.enquiry.services import lines_of_enquiry_refresh
from cairn.investigations.models import (
    EvidenceItem,
    Investigation,
    LineOfEnquiryKind,
    LineOfEnquiryStatus,
    Outcome,
)
from cairn.investigations.tests.factories import (
    EvidenceItemFactory,
    IncidentFactory,
    InvestigationFactory,
    PoliceTeamFactory,
    SuspectFactory,
    VictimFactory,
)
from cairn.linkage.models import PersonEntity
from cairn.networks.services import network_rebuild
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
BASE = "/api/v1/investigations"
NIGHT = datetime(2026, 1, 9, 23, 30, tzinfo=UTC)


@pytest.fixture
def police_team() -> Team:
    return PoliceTeamFactory()


@pytest.fixture
def case(police_team: Team) -> dict[str, Any]:
    """An investigation with a suspect, an incident resting on the ABE interview, a victim,
    and a vehicle line of enquiry from the network."""
    driver = PersonEntity.objects.create(display_name="Synthetic Driver")
    child = YoungPersonFactory(holding_team=police_team, given_name="Nadia")
    resolved_report(
        police_team, at=NIGHT, people=[driver], vehicles=["KM19XYZ"], young_people=[child]
    )
    network_rebuild(actor=Actor.system())
    investigation = InvestigationFactory(team=police_team)
    suspect = SuspectFactory(investigation=investigation, person=driver)
    VictimFactory(investigation=investigation, young_person=child)
    incident = IncidentFactory(investigation=investigation, suspects=[suspect])
    EvidenceItemFactory(investigation=investigation, suspects=[suspect], incidents=[incident])
    lines_of_enquiry_refresh(Actor.system(), investigation=investigation)
    line = investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.ANPR)
    return {
        "investigation": investigation,
        "suspect": suspect,
        "incident": incident,
        "line": line,
        "child": child,
    }


def _reads(case: dict[str, Any]) -> list[str]:
    pk = case["investigation"].pk
    return [
        f"{BASE}/{pk}",
        f"{BASE}/{pk}/evidence",
        f"{BASE}/{pk}/matrix",
        f"{BASE}/{pk}/outcomes",
        f"{BASE}/{pk}/lines-of-enquiry",
    ]


def _writes(case: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    pk, line = case["investigation"].pk, case["line"].pk
    return [
        (f"{BASE}/{pk}/evidence", {"evidence_type": "anpr", "source": "police"}),
        (f"{BASE}/{pk}/outcomes", {"suspect_id": case["suspect"].pk, "outcome_type": 1}),
        (f"{BASE}/{pk}/lines-of-enquiry/refresh", {}),
        (f"{BASE}/{pk}/lines-of-enquiry/{line}/accept", {}),
        (f"{BASE}/{pk}/lines-of-enquiry/{line}/dismiss", {"reason": "Not needed"}),
    ]


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _nothing_changed(case: dict[str, Any]) -> bool:
    case["line"].refresh_from_db()
    return (
        EvidenceItem.objects.count() == 1
        and not Outcome.objects.exists()
        and case["line"].status == LineOfEnquiryStatus.OPEN
    )


def test_an_anonymous_request_is_refused_with_401_problem_details(case):
    client = Client()
    for url in [f"{BASE}/", *_reads(case)]:
        response = client.get(url)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
    assert [_post(client, url, body).status_code for url, body in _writes(case)] == [401] * 5
    assert _nothing_changed(case)


def test_a_role_without_casework_is_refused_everything(case, police_team, make_user, sign_in):
    client = sign_in(make_user(Role.AUDITOR, team=police_team))
    assert [client.get(url).status_code for url in [f"{BASE}/", *_reads(case)]] == [403] * 6
    assert [_post(client, url, body).status_code for url, body in _writes(case)] == [403] * 5
    assert _nothing_changed(case)


def test_another_team_learns_only_that_the_investigation_exists(case, make_user, sign_in):
    client = sign_in(make_user(Role.INVESTIGATOR, team=PoliceTeamFactory()))
    assert client.get(f"{BASE}/").json() == []
    for url in _reads(case):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["reference"] == case["investigation"].reference
        assert "KM19XYZ" not in response.content.decode()
    assert [_post(client, url, body).status_code for url, body in _writes(case)] == [403] * 5
    assert _nothing_changed(case)


def test_a_practitioner_of_the_team_reads_but_may_not_change(case, police_team, make_user, sign_in):
    client = sign_in(make_user(Role.PRACTITIONER, team=police_team))
    assert [client.get(url).status_code for url in _reads(case)] == [200] * 5
    assert [_post(client, url, body).status_code for url, body in _writes(case)] == [403] * 5
    assert _nothing_changed(case)


def test_an_investigator_reads_the_investigation_its_matrix_and_lines(
    case, police_team, make_user, sign_in
):
    officer = make_user(Role.INVESTIGATOR, team=police_team)
    client = sign_in(officer)
    before = AuditEntry.objects.filter(user=officer, action=Action.CONSULTATION).count()
    listed = client.get(f"{BASE}/").json()
    assert [item["reference"] for item in listed] == [case["investigation"].reference]
    detail = client.get(f"{BASE}/{case['investigation'].pk}").json()
    assert detail["victims"][0]["young_person_reference"] == case["child"].reference
    matrix = client.get(f"{BASE}/{case['investigation'].pk}/matrix").json()
    row = matrix["rows"][0]
    assert (row["suspect_id"], row["independently_corroborated"]) == (case["suspect"].pk, False)
    assert row["cells"][0]["status"] == "child_only"
    lines = client.get(f"{BASE}/{case['investigation'].pk}/lines-of-enquiry").json()
    assert [(line["kind"], line["subject"]["label"]) for line in lines] == [("anpr", "KM19XYZ")]
    assert lines[0]["basis"][0]["report_ids"]
    after = AuditEntry.objects.filter(user=officer, action=Action.CONSULTATION)
    assert after.count() > before
    assert set(after.values_list("channel", flat=True)) == {"api"}


def test_an_investigator_adds_evidence_and_the_matrix_shows_corroboration(
    case, police_team, make_user, sign_in
):
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    pk = case["investigation"].pk
    body = {
        "evidence_type": "anpr",
        "source": "police",
        "status": "obtained",
        "suspect_ids": [case["suspect"].pk],
        "incident_ids": [case["incident"].pk],
    }
    created = _post(client, f"{BASE}/{pk}/evidence", body)
    assert created.status_code == 201
    assert created.json()["independent"] is True
    matrix = client.get(f"{BASE}/{pk}/matrix").json()
    assert matrix["rows"][0]["independently_corroborated"] is True


def test_evidence_for_a_suspect_not_on_the_investigation_is_a_400_naming_nobody(
    case, police_team, make_user, sign_in
):
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    stranger = SuspectFactory(name_as_recorded="Elsewhere Person")
    body = {"evidence_type": "anpr", "source": "police", "suspect_ids": [stranger.pk]}
    response = _post(client, f"{BASE}/{case['investigation'].pk}/evidence", body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"] == "suspects"
    assert "Elsewhere" not in response.content.decode()
    assert _nothing_changed(case)


def test_an_outcome_type_outside_0_to_22_and_a_court_result_before_the_charge_are_refused(
    case, police_team, make_user, sign_in
):
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    url = f"{BASE}/{case['investigation'].pk}/outcomes"
    bad_type = _post(client, url, {"suspect_id": case["suspect"].pk, "outcome_type": 23})
    assert bad_type.status_code == 400
    early = {
        "suspect_id": case["suspect"].pk,
        "outcome_type": 1,
        "charging_decision": "charged",
        "charging_decision_on": "2026-03-01",
        "court_result": "convicted",
        "court_result_on": "2026-02-01",
    }
    assert _post(client, url, early).status_code == 400
    assert not Outcome.objects.exists()
    good = {"suspect_id": case["suspect"].pk, "outcome_type": 16, "decided_on": "2026-03-01"}
    created = _post(client, url, good)
    assert created.status_code == 201
    assert created.json()["outcome_type"] == 16
    assert [o["id"] for o in client.get(url).json()] == [created.json()["id"]]


def test_an_investigator_accepts_and_dismisses_lines_through_the_api(
    case, police_team, make_user, sign_in
):
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    pk, line = case["investigation"].pk, case["line"].pk
    no_reason = _post(client, f"{BASE}/{pk}/lines-of-enquiry/{line}/dismiss", {"reason": " "})
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["location"] == "reason"
    accepted = _post(client, f"{BASE}/{pk}/lines-of-enquiry/{line}/accept", {})
    assert accepted.status_code == 201
    assert (accepted.json()["status"], accepted.json()["evidence_type"]) == ("identified", "anpr")
    again = _post(client, f"{BASE}/{pk}/lines-of-enquiry/{line}/accept", {})
    assert again.status_code == 400
    refreshed = _post(client, f"{BASE}/{pk}/lines-of-enquiry/refresh", {}).json()
    assert [(item["id"], item["status"]) for item in refreshed] == [(line, "accepted")]
    assert _post(client, f"{BASE}/{pk}/lines-of-enquiry/999999/accept", {}).status_code == 404


def test_a_line_about_a_young_person_the_user_may_not_see_is_not_found(
    case, police_team, make_user, sign_in
):
    hidden_child = YoungPersonFactory(holding_team=PoliceTeamFactory(), given_name="Hidden")
    resolved_report(
        police_team,
        at=NIGHT,
        people=[case["suspect"].person],
        young_people=[hidden_child],
    )
    network_rebuild(actor=Actor.system())
    lines_of_enquiry_refresh(Actor.system(), investigation=case["investigation"])
    line = case["investigation"].lines_of_enquiry.get(kind=LineOfEnquiryKind.YOUNG_PERSON)
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    pk = case["investigation"].pk
    listed = client.get(f"{BASE}/{pk}/lines-of-enquiry")
    assert "Hidden" not in listed.content.decode()
    assert hidden_child.reference not in listed.content.decode()
    assert len(listed.json()) == 1
    response = _post(client, f"{BASE}/{pk}/lines-of-enquiry/{line.pk}/accept", {})
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.status == LineOfEnquiryStatus.OPEN


def test_the_openapi_document_lists_the_investigation_endpoints():
    document = Client().get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path, methods in {
        "/api/v1/investigations/": {"get"},
        "/api/v1/investigations/{pk}": {"get"},
        "/api/v1/investigations/{pk}/evidence": {"get", "post"},
        "/api/v1/investigations/{pk}/matrix": {"get"},
        "/api/v1/investigations/{pk}/outcomes": {"get", "post"},
        "/api/v1/investigations/{pk}/lines-of-enquiry": {"get"},
        "/api/v1/investigations/{pk}/lines-of-enquiry/refresh": {"post"},
        "/api/v1/investigations/{pk}/lines-of-enquiry/{line_pk}/accept": {"post"},
        "/api/v1/investigations/{pk}/lines-of-enquiry/{line_pk}/dismiss": {"post"},
    }.items():
        assert methods <= set(paths[path]), path
    assert "LineOut" in document["components"]["schemas"]


def test_investigations_of_this_team_are_listed_once_each(case, police_team, make_user, sign_in):
    InvestigationFactory(team=police_team)
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    listed = client.get(f"{BASE}/").json()
    assert sorted(item["id"] for item in listed) == sorted(
        Investigation.objects.values_list("pk", flat=True)
    )
