"""The lines-of-enquiry pages: who may see and decide them, and what each answer says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.investigations.enquiry.services import lines_of_enquiry_refresh
from cairn.investigations.models import (
    EvidenceItem,
    Investigation,
    LineOfEnquiry,
    LineOfEnquiryKind,
    LineOfEnquiryStatus,
)
from cairn.investigations.tests.factories import (
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
SYSTEM = Actor.system()


@pytest.fixture
def police_team() -> Team:
    return PoliceTeamFactory()


@pytest.fixture
def line(police_team: Team) -> LineOfEnquiry:
    """An open ANPR line of an investigation held by the police team."""
    from datetime import UTC, datetime

    suspect = PersonEntity.objects.create(display_name="Synthetic Driver")
    victim = YoungPersonFactory(holding_team=police_team)
    resolved_report(
        police_team,
        at=datetime(2026, 1, 5, 23, 0, tzinfo=UTC),
        people=[suspect],
        vehicles=["XY65ZZZ"],
        young_people=[victim],
    )
    network_rebuild(actor=SYSTEM)
    investigation = InvestigationFactory(team=police_team)
    SuspectFactory(investigation=investigation, person=suspect)
    VictimFactory(investigation=investigation, young_person=victim)
    lines_of_enquiry_refresh(SYSTEM, investigation=investigation)
    return investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.ANPR)


def _urls(line: LineOfEnquiry) -> dict[str, str]:
    pk = line.investigation_id
    return {
        "list": reverse("investigations:enquiries", args=[pk]),
        "refresh": reverse("investigations:enquiries-refresh", args=[pk]),
        "accept": reverse("investigations:enquiry-accept", args=[pk, line.pk]),
        "dismiss": reverse("investigations:enquiry-dismiss", args=[pk, line.pk]),
    }


def _unchanged(line: LineOfEnquiry) -> bool:
    line.refresh_from_db()
    return line.status == LineOfEnquiryStatus.OPEN and not EvidenceItem.objects.exists()


def _try_everything(client: Client, line: LineOfEnquiry) -> list[int]:
    urls = _urls(line)
    return [
        client.get(urls["list"]).status_code,
        client.post(urls["refresh"]).status_code,
        client.post(urls["accept"]).status_code,
        client.get(urls["dismiss"]).status_code,
        client.post(urls["dismiss"], {"reason": "Not needed"}).status_code,
    ]


def test_anonymous_visitors_are_sent_to_sign_in(line: LineOfEnquiry) -> None:
    assert _try_everything(Client(), line) == [302] * 5
    assert _unchanged(line)


def test_another_teams_investigator_gets_the_restricted_stub(
    line: LineOfEnquiry, make_user: Callable[..., User], sign_in: SignIn
) -> None:
    stranger = make_user(Role.INVESTIGATOR, team=PoliceTeamFactory())
    client = sign_in(stranger)
    page = client.get(_urls(line)["list"])
    assert page.status_code == 403
    assert line.investigation.reference in page.content.decode()
    assert "XY65ZZZ" not in page.content.decode()
    assert _try_everything(client, line) == [403] * 5
    assert _unchanged(line)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_roles_without_casework_are_refused(
    line: LineOfEnquiry,
    make_user: Callable[..., User],
    sign_in: SignIn,
    police_team: Team,
    role: Role,
) -> None:
    client = sign_in(make_user(role, team=police_team))
    assert _try_everything(client, line) == [403] * 5
    assert _unchanged(line)


def test_a_practitioner_of_the_team_sees_the_lines_but_cannot_decide_them(
    line: LineOfEnquiry, make_user: Callable[..., User], sign_in: SignIn, police_team: Team
) -> None:
    client = sign_in(make_user(Role.PRACTITIONER, team=police_team))
    page = client.get(_urls(line)["list"])
    assert page.status_code == 200
    assert "XY65ZZZ" in page.content.decode()
    assert "Accept" not in page.content.decode()
    assert _try_everything(client, line) == [200, 403, 403, 403, 403]
    assert _unchanged(line)


def test_an_investigator_accepts_a_line_into_an_identified_evidence_item(
    line: LineOfEnquiry, make_user: Callable[..., User], sign_in: SignIn, police_team: Team
) -> None:
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    answer = client.post(_urls(line)["accept"])
    assert answer.status_code == 302
    line.refresh_from_db()
    assert line.status == LineOfEnquiryStatus.ACCEPTED
    assert line.evidence_item is not None and line.evidence_item.vehicle == line.vehicle
    again = client.post(_urls(line)["accept"])
    assert again.status_code == 400
    assert "already been" in again.content.decode()
    assert EvidenceItem.objects.count() == 1


def test_dismissing_without_a_reason_shows_the_error_and_saves_nothing(
    line: LineOfEnquiry, make_user: Callable[..., User], sign_in: SignIn, police_team: Team
) -> None:
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    answer = client.post(_urls(line)["dismiss"], {"reason": ""})
    assert answer.status_code == 400
    assert "Enter why" in answer.content.decode() or "Answer the question" in (
        answer.content.decode()
    )
    assert _unchanged(line)
    done = client.post(_urls(line)["dismiss"], {"reason": "Vehicle already seized"})
    assert done.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.reason) == (LineOfEnquiryStatus.DISMISSED, "Vehicle already seized")
    page = client.get(_urls(line)["list"]).content.decode()
    assert "Vehicle already seized" in page


def test_a_line_of_another_investigation_is_not_found(
    line: LineOfEnquiry, make_user: Callable[..., User], sign_in: SignIn, police_team: Team
) -> None:
    other: Investigation = InvestigationFactory(team=police_team)
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    url = reverse("investigations:enquiry-accept", args=[other.pk, line.pk])
    assert client.post(url).status_code == 404
    assert _unchanged(line)


def test_the_list_reads_a_bounded_number_of_queries_however_many_lines(
    line: LineOfEnquiry,
    make_user: Callable[..., User],
    sign_in: SignIn,
    police_team: Team,
    django_assert_max_num_queries: Any,
) -> None:
    from datetime import UTC, datetime

    investigation = line.investigation
    suspect = investigation.suspects.get()
    victim = investigation.victims.get().young_person
    for number in range(6):
        resolved_report(
            police_team,
            at=datetime(2026, 1, 6 + number, 23, 0, tzinfo=UTC),
            people=[suspect.person],
            vehicles=[f"XY6{number}ZZZ"],
            phones=[f"+44770090040{number}"],
            young_people=[victim],
        )
    network_rebuild(actor=SYSTEM)
    lines_of_enquiry_refresh(SYSTEM, investigation=investigation)
    accepted = investigation.lines_of_enquiry.filter(kind=LineOfEnquiryKind.CALL_DATA).first()
    assert accepted is not None
    from cairn.investigations.enquiry.services import line_of_enquiry_accept

    line_of_enquiry_accept(SYSTEM, line=accepted)
    assert investigation.lines_of_enquiry.count() == 12  # XY65ZZZ is the first line's
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    with django_assert_max_num_queries(40):
        page = client.get(_urls(line)["list"])
    assert page.status_code == 200
    assert "XY65ZZZ" in page.content.decode()


def test_the_page_says_which_suspects_nothing_is_suggested_from(
    line: LineOfEnquiry, make_user: Callable[..., User], sign_in: SignIn, police_team: Team
) -> None:
    SuspectFactory(investigation=line.investigation, name_as_recorded="Unknown male 'Shorty'")
    client = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    page = client.get(_urls(line)["list"]).content.decode()
    assert "Nothing is suggested from 1 suspect not yet linked" in page
    assert "Shorty" in page
