"""Subject access export: every section as JSON and as a PDF, only for those who may see the
record, each download audited as a disclosure with its format and justification."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import LawfulBasis
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople import services
from cairn.youngpeople.models import ContactKind, InterviewStatus, Timing, YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

SECTIONS = {
    "record",
    "aliases",
    "placements",
    "key_contacts",
    "equality_monitoring",
    "referrals",
    "risk_assessments",
    "missing_episodes",
    "safety_plans",
    "contacts",
    "chronology",
    "shares",
    "audit_entries",
}


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team)


@pytest.fixture
def ellie(team, practitioner) -> YoungPerson:
    """A case with something in every part of it, made through the services."""
    actor = Actor(user=practitioner)
    person = YoungPersonFactory(holding_team=team, given_name="Ellie", family_name="Export")
    now = timezone.now()
    services.alias_add(actor=actor, young_person=person, name="Elle")
    services.placement_add(
        actor=actor,
        young_person=person,
        placement_type="foster_care",
        started_on=date.today() - timedelta(days=100),
        address="1 Synthetic Row",
    )
    services.key_contact_add(actor=actor, young_person=person, name="Gran", relationship="Gran")
    services.equality_monitoring_set(actor=actor, young_person=person, religion="None")
    referral = services.referral_create(
        actor=actor,
        receiving_team=team,
        referrer_name="Pat Teacher",
        referrer_organisation="Synthetic School",
        referrer_contact="01632 960000",
        given_name="Ellie",
        family_name="Export",
        date_of_birth=person.date_of_birth,
        reason="Older boyfriend picking her up",
        urgency="urgent",
        consent="given",
        lawful_basis=LawfulBasis.SAFEGUARDING,
    )
    services.referral_screen(
        actor=actor, referral=referral, decision="accepted", reason="Fits", young_person=person
    )
    services.risk_assessment_create(
        actor=actor,
        young_person=person,
        assessed_on=date.today(),
        answers={"going_missing": Timing.CURRENT, "low_self_esteem": Timing.PRESENT},
    )
    episode = services.missing_episode_create(
        actor=actor,
        young_person=person,
        started_at=now - timedelta(days=3),
        ended_at=now - timedelta(days=2),
        reported_by="Foster carer",
        where_found="Bus station",
    )
    services.return_interview_record(
        actor=actor,
        episode=episode,
        status=InterviewStatus.DONE,
        offered_at=now - timedelta(days=2) + timedelta(hours=1),
        done_at=now - timedelta(days=1),
        interviewer="Independent worker",
        learned="Said she met friends",
    )
    services.safety_plan_create(
        actor=actor,
        young_person=person,
        summary="Keep Ellie safe at weekends",
        review_on=date.today() + timedelta(days=30),
        actions=[{"description": "Weekly visit", "due_on": date.today(), "owner_name": "Gran"}],
    )
    services.contact_create(
        actor=actor, young_person=person, happened_at=now, kind=ContactKind.VISIT, notes="Fine"
    )
    person.refresh_from_db()
    return person


def _disclosures() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=Action.DISCLOSURE))


def test_the_page_explains_the_export_and_asks_for_a_reason(practitioner, ellie, sign_in):
    response = sign_in(practitioner).get(f"/young-people/{ellie.pk}/export/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Subject access export" in page
    assert "Subject access request reference or reason" in page
    assert "Download PDF" in page and "Download JSON" in page
    assert _disclosures() == []


def test_the_json_export_holds_every_section_and_is_audited_as_a_disclosure(
    practitioner, ellie, sign_in
):
    response = sign_in(practitioner).post(
        f"/young-people/{ellie.pk}/export/json", {"justification": "SAR-2024-017"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{ellie.reference}-subject-access.json"'
    )
    export = response.json()
    assert set(export) >= SECTIONS
    assert export["record"]["given_name"] == "Ellie"
    assert [alias["name"] for alias in export["aliases"]] == ["Elle"]
    assert export["placements"][0]["address"] == "1 Synthetic Row"
    assert export["key_contacts"][0]["name"] == "Gran"
    assert export["equality_monitoring"][0]["religion"] == "None"
    assert export["referrals"][0]["reason"] == "Older boyfriend picking her up"
    assert {answer["indicator"] for answer in export["risk_assessments"][0]["answers"]} == {
        "going_missing",
        "low_self_esteem",
    }
    assert export["missing_episodes"][0]["interview_learned"] == "Said she met friends"
    assert export["safety_plans"][0]["actions"][0]["description"] == "Weekly visit"
    assert export["contacts"][0]["notes"] == "Fine"
    assert any(event["kind"] == "missing" for event in export["chronology"])
    assert export["shares"][0]["lawful_basis"] == LawfulBasis.OWNER
    assert any(entry["action"] == "collection" for entry in export["audit_entries"])
    [entry] = _disclosures()
    assert (entry.user, entry.record_ids, entry.justification) == (
        practitioner,
        [str(ellie.pk)],
        "SAR-2024-017",
    )
    assert entry.detail["format"] == "json"


def test_the_pdf_export_is_a_pdf_and_is_audited_with_its_format(practitioner, ellie, sign_in):
    response = sign_in(practitioner).post(
        f"/young-people/{ellie.pk}/export/pdf", {"justification": "Request by letter, 3 May"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    [entry] = _disclosures()
    assert (entry.detail["format"], entry.justification) == ("pdf", "Request by letter, 3 May")


@pytest.mark.parametrize("file_format", ["json", "pdf"])
def test_an_export_without_a_reason_is_refused_and_not_disclosed(
    practitioner, ellie, sign_in, file_format
):
    response = sign_in(practitioner).post(
        f"/young-people/{ellie.pk}/export/{file_format}", {"justification": "   "}
    )

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert "subject access request reference or reason" in response.content.decode().lower()
    assert _disclosures() == []


def test_another_teams_practitioner_sees_only_the_restricted_stub(
    other_team, make_user, ellie, sign_in
):
    outsider = make_user(Role.PRACTITIONER, team=other_team)
    client = sign_in(outsider)

    page = client.get(f"/young-people/{ellie.pk}/export/")
    download = client.post(f"/young-people/{ellie.pk}/export/json", {"justification": "SAR-1"})

    assert (page.status_code, download.status_code) == (403, 403)
    assert "Ellie" not in download.content.decode()
    assert ellie.reference in download.content.decode()
    assert _disclosures() == []
    assert not AuditEntry.objects.filter(action=Action.CONSULTATION, user=outsider).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_roles_without_casework_cannot_export(team, make_user, ellie, sign_in, role):
    user = make_user(role, team=team)

    response = sign_in(user).post(
        f"/young-people/{ellie.pk}/export/json", {"justification": "SAR-1"}
    )

    assert response.status_code == 403
    assert _disclosures() == []


def test_anonymous_visitors_are_sent_to_sign_in(ellie):
    response = Client().post(f"/young-people/{ellie.pk}/export/json", {"justification": "x"})

    assert response.status_code == 302
    assert "/sign-in" in response["Location"] or "login" in response["Location"]
    assert _disclosures() == []


# The API --------------------------------------------------------------------------------------


def test_the_api_export_is_a_disclosure_on_the_api_channel(practitioner, ellie, sign_in):
    response = sign_in(practitioner).get(
        f"/api/v1/young-people/{ellie.pk}/export", {"justification": "SAR-2024-018"}
    )

    assert response.status_code == 200
    assert set(response.json()) >= SECTIONS
    [entry] = _disclosures()
    assert (entry.channel, entry.justification) == ("api", "SAR-2024-018")


def test_the_api_export_needs_a_justification(practitioner, ellie, sign_in):
    response = sign_in(practitioner).get(f"/api/v1/young-people/{ellie.pk}/export")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert _disclosures() == []


def test_the_api_export_refuses_another_team(other_team, make_user, ellie, sign_in):
    outsider = make_user(Role.PRACTITIONER, team=other_team)

    response = sign_in(outsider).get(
        f"/api/v1/young-people/{ellie.pk}/export", {"justification": "SAR-1"}
    )

    assert response.status_code == 403
    assert response.json()["title"] == "Restricted record"
    assert "Ellie" not in response.content.decode()
    assert _disclosures() == []
