"""The investigation pages: building a case, bad input refused with a 4xx and nothing saved,
restricted stubs for young people the user may not see, and the audited case summary PDF."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.investigations.models import EvidenceItem, Investigation, Outcome, Victim
from cairn.investigations.tests.factories import (
    EvidenceItemFactory,
    IncidentFactory,
    InvestigationFactory,
    OutcomeFactory,
    PoliceTeamFactory,
    SuspectFactory,
    VictimFactory,
    evidence_type,
)
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


@pytest.fixture
def police_team() -> Team:
    return PoliceTeamFactory()


@pytest.fixture
def investigator(make_user: Callable[..., User], police_team: Team) -> User:
    return make_user(Role.INVESTIGATOR, team=police_team)


@pytest.fixture
def client(sign_in: SignIn, investigator: User) -> Client:
    return sign_in(investigator)


@pytest.fixture
def investigation(police_team: Team) -> Investigation:
    return InvestigationFactory(team=police_team, operation_name="Operation Synthetic Kestrel")


def test_an_investigator_opens_an_investigation_for_their_team(
    client: Client, police_team: Team, investigator: User
) -> None:
    response = client.post(
        reverse("investigations:create"),
        {
            "team": police_team.pk,
            "operation_name": "Operation Synthetic Lapwing",
            "offence_types": ["sexual_grooming", "child_sexual_exploitation"],
            "officer_in_charge": investigator.pk,
            "status": "open",
            "started_on": "2025-02-03",
        },
    )
    investigation = Investigation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == investigation.get_absolute_url()
    page = client.get(investigation.get_absolute_url()).content.decode()
    assert "Operation Synthetic Lapwing" in page
    assert "Meeting a child following sexual grooming (Sexual Offences Act 2003, s.15)" in page


def test_a_form_without_offences_is_refused_with_a_message(
    client: Client, police_team: Team
) -> None:
    response = client.post(
        reverse("investigations:create"),
        {"team": police_team.pk, "operation_name": "Operation X", "status": "open"},
    )
    assert response.status_code == 400
    assert "Select offences investigated" in response.content.decode()
    assert not Investigation.objects.exists()


def test_evidence_naming_a_suspect_of_another_investigation_is_refused(
    client: Client, investigation: Investigation
) -> None:
    stranger = SuspectFactory()
    response = client.post(
        reverse("investigations:evidence-add", args=[investigation.pk]),
        {
            "evidence_type": evidence_type("anpr").pk,
            "source": "police",
            "status": "obtained",
            "suspects": [stranger.pk],
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_an_outcome_type_outside_0_to_22_is_refused_on_the_page(
    client: Client, investigation: Investigation
) -> None:
    suspect = SuspectFactory(investigation=investigation)
    response = client.post(
        reverse("investigations:outcome-add", args=[investigation.pk]),
        {"suspect": suspect.pk, "outcome_type": "23"},
    )
    assert response.status_code == 400
    assert not Outcome.objects.exists()


def test_a_court_result_before_the_charge_is_refused_on_the_page(
    client: Client, investigation: Investigation
) -> None:
    suspect = SuspectFactory(investigation=investigation)
    response = client.post(
        reverse("investigations:outcome-add", args=[investigation.pk]),
        {
            "suspect": suspect.pk,
            "outcome_type": "1",
            "charging_decision": "charged",
            "charging_decision_on": "2025-05-01",
            "court_result": "convicted",
            "court_result_on": "2025-04-01",
        },
    )
    assert response.status_code == 400
    assert "The court result must not be before the charge" in response.content.decode()
    assert not Outcome.objects.exists()


def test_an_outcome_is_recorded_and_counted(client: Client, investigation: Investigation) -> None:
    suspect = SuspectFactory(investigation=investigation)
    response = client.post(
        reverse("investigations:outcome-add", args=[investigation.pk]),
        {"suspect": suspect.pk, "outcome_type": "16", "decided_on": "2025-06-01"},
    )
    assert response.status_code == 302
    page = client.get(reverse("investigations:outcomes", args=[investigation.pk]))
    assert "16: Evidential difficulties" in page.content.decode()


def test_a_victim_linked_to_a_record_the_user_cannot_see_is_refused(
    client: Client, investigation: Investigation
) -> None:
    unseen = YoungPersonFactory()
    response = client.post(
        reverse("investigations:victim-add", args=[investigation.pk]),
        {"name_as_recorded": "Synthetic Child", "young_person": unseen.reference, "sex": "female"},
    )
    assert response.status_code == 400
    assert "You can link only records you are allowed to see" in response.content.decode()
    assert not Victim.objects.exists()


def test_a_victim_whose_record_the_user_cannot_see_shows_as_a_restricted_stub(
    client: Client, investigation: Investigation
) -> None:
    unseen = YoungPersonFactory(given_name="Hiddenname")
    VictimFactory(investigation=investigation, young_person=unseen, name_as_recorded="As recorded")
    page = client.get(investigation.get_absolute_url()).content.decode()
    assert unseen.reference in page
    assert "Restricted" in page
    assert "Hiddenname" not in page
    assert unseen.get_absolute_url() not in page


def test_the_matrix_page_says_in_words_whether_a_suspect_is_corroborated(
    client: Client, investigation: Investigation
) -> None:
    suspect = SuspectFactory(investigation=investigation, name_as_recorded="Synthetic Adult")
    incident = IncidentFactory(investigation=investigation, suspects=[suspect])
    EvidenceItemFactory(investigation=investigation, suspects=[suspect], incidents=[incident])
    page = client.get(reverse("investigations:matrix", args=[investigation.pk])).content.decode()
    assert 'data-suspect-status="child_only"' in page
    assert "Rests on the child&#x27;s account" in page


def _pdf_text(content: bytes) -> str:
    """The PDF's text, page after page, with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_case_summary_pdf_is_audited_as_a_disclosure_to_its_recipient(
    client: Client, investigation: Investigation, investigator: User, police_team: Team
) -> None:
    suspect = SuspectFactory(investigation=investigation, name_as_recorded="Synthetic Suspect Q")
    cleared = SuspectFactory(investigation=investigation, name_as_recorded="Synthetic Suspect Z")
    seen = YoungPersonFactory(holding_team=police_team, given_name="Visibleone")
    hidden = YoungPersonFactory(given_name="Hiddenone", family_name="Elsewhere")
    VictimFactory(investigation=investigation, name_as_recorded="Victim A", young_person=seen)
    VictimFactory(investigation=investigation, name_as_recorded="Victim B", young_person=hidden)
    incident = IncidentFactory(investigation=investigation, suspects=[suspect, cleared])
    EvidenceItemFactory(investigation=investigation, suspects=[suspect], incidents=[incident])
    EvidenceItemFactory(
        investigation=investigation,
        type_code="anpr",
        source="police",
        suspects=[cleared],
        incidents=[incident],
    )
    response = client.post(
        reverse("investigations:summary", args=[investigation.pk]),
        {"recipient": "Charging advice meeting, Crown Prosecution Service"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert text.count("OFFICIAL-SENSITIVE") >= 3  # the header, the footer and the handling line
    assert f"Investigation {investigation.reference}" in text
    assert "Operation Synthetic Kestrel" in text
    assert "Synthetic Suspect Q Rests on the child's account" in text
    assert "Synthetic Suspect Z Independent corroboration" in text
    assert f"Victim A {seen.reference}" in text
    assert "Victim B held by another team" in text
    for restricted in (hidden.reference, "Hiddenone", "Elsewhere", "Visibleone"):
        assert restricted not in text
    entry = AuditEntry.objects.get(user=investigator, action=Action.DISCLOSURE)
    assert entry.record_ids == [str(investigation.pk)]
    assert entry.detail["recipient"] == "Charging advice meeting, Crown Prosecution Service"


def test_the_case_summary_needs_a_recipient(client: Client, investigation: Investigation) -> None:
    response = client.post(reverse("investigations:summary", args=[investigation.pk]), {})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action=Action.DISCLOSURE).exists()


def test_the_list_shows_the_teams_investigations_in_a_fixed_number_of_queries(
    client: Client, police_team: Team, django_assert_max_num_queries
) -> None:
    InvestigationFactory.create_batch(5, team=police_team, started_on=date(2025, 1, 1))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("investigations:list"))
    assert response.content.decode().count("Operation Synthetic") == 5


def test_a_victims_details_are_changed_and_a_bad_change_saves_nothing(
    client: Client, investigation: Investigation
) -> None:
    victim = VictimFactory(investigation=investigation, supports_prosecution=True)
    url = reverse("investigations:victim-update", args=[investigation.pk, victim.pk])
    form = {"name_as_recorded": victim.name_as_recorded, "sex": "female"}

    refused = client.post(url, form | {"supports_prosecution": "true", "withdrew_on": "2025-03-01"})

    assert refused.status_code == 400
    assert "A victim who withdrew does not support the prosecution" in refused.content.decode()
    victim.refresh_from_db()
    assert victim.withdrew_on is None
    accepted = client.post(
        url, form | {"supports_prosecution": "false", "withdrew_on": "2025-03-01"}
    )
    assert accepted.status_code == 302
    victim.refresh_from_db()
    assert (victim.supports_prosecution, victim.withdrew_on) == (False, date(2025, 3, 1))


def test_an_entry_of_another_investigation_cannot_be_changed_through_this_one(
    client: Client, investigation: Investigation
) -> None:
    elsewhere = SuspectFactory()
    url = reverse("investigations:suspect-update", args=[investigation.pk, elsewhere.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name_as_recorded": "Changed", "sex": "male"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.name_as_recorded != "Changed"


def test_an_outcome_is_changed_to_a_court_result(
    client: Client, investigation: Investigation
) -> None:
    suspect = SuspectFactory(investigation=investigation)
    outcome = OutcomeFactory(suspect=suspect, number=1)
    url = reverse("investigations:outcome-update", args=[investigation.pk, outcome.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "outcome_type": "1",
            "charging_decision": "charged",
            "charging_decision_on": "2025-05-01",
            "court_result": "convicted",
            "court_result_on": "2025-09-01",
        },
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert (outcome.court_result, outcome.court_result_on) == ("convicted", date(2025, 9, 1))


def _bigger_case(investigation: Investigation, size: int) -> None:
    for _ in range(size):
        suspect = SuspectFactory(investigation=investigation)
        victim = VictimFactory(investigation=investigation, young_person=YoungPersonFactory())
        incident = IncidentFactory(
            investigation=investigation, suspects=[suspect], victims=[victim]
        )
        EvidenceItemFactory(investigation=investigation, suspects=[suspect], incidents=[incident])


@pytest.mark.parametrize("page", ["detail", "incidents", "evidence", "matrix", "outcomes"])
def test_each_page_costs_the_same_number_of_queries_for_a_bigger_case(
    client: Client, investigation: Investigation, page: str, django_assert_max_num_queries
) -> None:
    url = reverse(f"investigations:{page}", args=[investigation.pk])
    _bigger_case(investigation, 1)
    client.get(url)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _bigger_case(investigation, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_mine_lists_only_investigations_where_i_am_officer_in_charge(
    client: Client, police_team: Team, investigator: User
) -> None:
    InvestigationFactory(
        team=police_team, operation_name="Operation Mine", officer_in_charge=investigator
    )
    InvestigationFactory(team=police_team, operation_name="Operation Colleague")
    InvestigationFactory(team=police_team, operation_name="Operation Done", status="closed")

    team_page = client.get(reverse("investigations:list")).content.decode()
    mine_page = client.get(reverse("investigations:list") + "?show=mine").content.decode()
    with_closed = client.get(reverse("investigations:list") + "?closed=1").content.decode()

    assert "Operation Mine" in team_page and "Operation Colleague" in team_page
    assert "Operation Done" not in team_page
    assert "Operation Mine" in mine_page and "Operation Colleague" not in mine_page
    assert "Operation Done" in with_closed


def _listed(client: Client, query: str) -> set[str]:
    page = client.get(reverse("investigations:list") + query).content.decode()
    names = ["Operation Kite", "Operation Heron", "Operation Wren", "Operation Lark"]
    return {name for name in names if name in page}


def test_the_list_filters_by_status_offence_and_officer_in_charge(
    client: Client,
    make_user: Callable[..., User],
    police_team: Team,
    investigator: User,
) -> None:
    colleague = make_user(Role.INVESTIGATOR, team=police_team)
    InvestigationFactory(
        team=police_team,
        operation_name="Operation Kite",
        officer_in_charge=investigator,
        offence_types=["sexual_grooming", "child_abduction"],
    )
    InvestigationFactory(
        team=police_team,
        operation_name="Operation Heron",
        officer_in_charge=colleague,
        status="at_court",
    )
    InvestigationFactory(team=police_team, operation_name="Operation Wren", status="closed")

    assert _listed(client, "?status=at_court") == {"Operation Heron"}
    assert _listed(client, "?status=closed") == {"Operation Wren"}
    assert _listed(client, "?offence=child_abduction") == {"Operation Kite"}
    assert _listed(client, "?offence=child_sexual_exploitation") == {"Operation Heron"}
    assert _listed(client, f"?officer={colleague.pk}") == {"Operation Heron"}
    assert _listed(client, f"?officer={investigator.pk}&status=at_court") == set()


def test_the_list_finds_an_investigation_by_its_reference_or_operation_name(
    client: Client, police_team: Team
) -> None:
    kite = InvestigationFactory(team=police_team, operation_name="Operation Kite")
    InvestigationFactory(team=police_team, operation_name="Operation Lark")

    assert _listed(client, f"?q={kite.reference}") == {"Operation Kite"}
    assert _listed(client, f"?q=op{kite.pk}") == {"Operation Kite"}
    assert _listed(client, "?q=lark") == {"Operation Lark"}
    entry = AuditEntry.objects.filter(action=Action.CONSULTATION).latest("id")
    assert entry.detail["search"] == {"operation_name_or_reference": "lark"}


def test_the_list_never_shows_another_teams_investigation_whatever_the_filter(
    client: Client, police_team: Team
) -> None:
    hidden = InvestigationFactory(operation_name="Operation Wren", status="at_court")
    InvestigationFactory(team=police_team, operation_name="Operation Heron", status="at_court")

    assert _listed(client, "?status=at_court") == {"Operation Heron"}
    assert _listed(client, f"?q={hidden.reference}") == set()


def test_an_unknown_filter_value_is_refused_with_a_message_and_the_list_unfiltered(
    client: Client, police_team: Team
) -> None:
    InvestigationFactory(team=police_team, operation_name="Operation Kite")
    response = client.get(reverse("investigations:list") + "?status=lost&offence=theft")
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert "Operation Kite" in page
