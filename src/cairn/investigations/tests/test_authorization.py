"""Who may see and change investigations: anonymous, roles without casework, another team,
same team without the permission to change, and investigators; each refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.investigations.models import EvidenceItem, Investigation
from cairn.investigations.tests.factories import (
    EvidenceItemFactory,
    IncidentFactory,
    InvestigationFactory,
    KeyDateFactory,
    OffenceFactory,
    PoliceTeamFactory,
    SuspectFactory,
    WitnessFactory,
    evidence_type,
)

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]

READ_PAGES = ["detail", "incidents", "evidence", "matrix", "outcomes"]
EDIT_PAGES = [
    "update",
    "key-date-add",
    "victim-add",
    "suspect-add",
    "witness-add",
    "incident-add",
    "offence-add",
    "evidence-add",
    "outcome-add",
]


@pytest.fixture
def police_team() -> Team:
    return PoliceTeamFactory()


@pytest.fixture
def case(police_team: Team) -> Investigation:
    investigation = InvestigationFactory(team=police_team)
    suspect = SuspectFactory(investigation=investigation)
    incident = IncidentFactory(investigation=investigation, suspects=[suspect])
    EvidenceItemFactory(investigation=investigation, suspects=[suspect], incidents=[incident])
    OffenceFactory(incident=incident, suspect=suspect)
    KeyDateFactory(investigation=investigation)
    WitnessFactory(investigation=investigation)
    return investigation


def _evidence_post(investigation: Investigation) -> dict[str, object]:
    return {"evidence_type": evidence_type("anpr").pk, "source": "police", "status": "obtained"}


def _consultations(user: User) -> int:
    return AuditEntry.objects.filter(user=user, action=Action.CONSULTATION).count()


def test_anonymous_visitors_are_sent_to_sign_in(case: Investigation) -> None:
    client = Client()
    assert client.get(reverse("investigations:list")).status_code == 302
    assert client.get(reverse("investigations:create")).status_code == 302
    for name in READ_PAGES + EDIT_PAGES + ["summary"]:
        assert client.get(reverse(f"investigations:{name}", args=[case.pk])).status_code == 302
    client.post(reverse("investigations:evidence-add", args=[case.pk]), _evidence_post(case))
    assert EvidenceItem.objects.count() == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_roles_without_casework_are_refused_every_page(
    make_user: Callable[..., User],
    sign_in: SignIn,
    police_team: Team,
    case: Investigation,
    role: Role,
) -> None:
    user = make_user(role, team=police_team)
    client = sign_in(user)
    assert client.get(reverse("investigations:list")).status_code == 403
    assert client.get(reverse("investigations:create")).status_code == 403
    for name in READ_PAGES + EDIT_PAGES + ["summary"]:
        assert client.get(reverse(f"investigations:{name}", args=[case.pk])).status_code == 403
    assert _consultations(user) == 0


def test_another_team_sees_only_the_restricted_stub(
    make_user: Callable[..., User], sign_in: SignIn, case: Investigation
) -> None:
    outsider = make_user(Role.INVESTIGATOR)
    client = sign_in(outsider)
    for name in READ_PAGES + EDIT_PAGES + ["summary"]:
        response = client.get(reverse(f"investigations:{name}", args=[case.pk]))
        assert response.status_code == 403
        assert case.reference in response.content.decode()
        assert case.operation_name not in response.content.decode()
    response = client.post(
        reverse("investigations:evidence-add", args=[case.pk]), _evidence_post(case)
    )
    assert response.status_code == 403
    assert EvidenceItem.objects.count() == 1
    assert _consultations(outsider) == 0
    listed = client.get(reverse("investigations:list")).content.decode()
    assert case.operation_name not in listed


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.ANALYST, Role.WITNESS_CARE])
def test_the_same_team_without_the_permission_to_change_may_read_but_not_change(
    make_user: Callable[..., User],
    sign_in: SignIn,
    police_team: Team,
    case: Investigation,
    role: Role,
) -> None:
    reader = make_user(role, team=police_team)
    client = sign_in(reader)
    for name in READ_PAGES:
        assert client.get(reverse(f"investigations:{name}", args=[case.pk])).status_code == 200
    for name in EDIT_PAGES:
        assert client.get(reverse(f"investigations:{name}", args=[case.pk])).status_code == 403
    assert client.get(reverse("investigations:create")).status_code == 403
    response = client.post(
        reverse("investigations:evidence-add", args=[case.pk]), _evidence_post(case)
    )
    assert response.status_code == 403
    assert EvidenceItem.objects.count() == 1


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.MANAGER])
def test_investigators_and_managers_of_the_team_may_read_and_change(
    make_user: Callable[..., User],
    sign_in: SignIn,
    police_team: Team,
    case: Investigation,
    role: Role,
) -> None:
    investigator = make_user(role, team=police_team)
    client = sign_in(investigator)
    assert client.get(reverse("investigations:list")).status_code == 200
    assert client.get(reverse("investigations:create")).status_code == 200
    for name in READ_PAGES + EDIT_PAGES + ["summary"]:
        assert client.get(reverse(f"investigations:{name}", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("investigations:evidence-add", args=[case.pk]), _evidence_post(case)
    )
    assert response.status_code == 302
    assert EvidenceItem.objects.count() == 2


def test_entry_pages_follow_the_same_rules(
    make_user: Callable[..., User], sign_in: SignIn, police_team: Team, case: Investigation
) -> None:
    suspect = case.suspects.get()
    item = case.evidence_items.get()
    incident = case.incidents.get()
    offence = incident.offences.get()
    key_date = case.key_dates.get()
    witness = case.witnesses.get()
    pages = [
        ("suspect-update", suspect.pk),
        ("suspect-remove", suspect.pk),
        ("evidence-update", item.pk),
        ("evidence-status", item.pk),
        ("evidence-independence", item.pk),
        ("evidence-remove", item.pk),
        ("key-date-update", key_date.pk),
        ("key-date-remove", key_date.pk),
        ("witness-update", witness.pk),
        ("witness-remove", witness.pk),
        ("incident-update", incident.pk),
        ("incident-remove", incident.pk),
        ("offence-update", offence.pk),
        ("offence-remove", offence.pk),
    ]
    expected = {
        make_user(Role.INVESTIGATOR, team=police_team): 200,
        make_user(Role.PRACTITIONER, team=police_team): 403,
        make_user(Role.INVESTIGATOR): 403,
        make_user(Role.AUDITOR, team=police_team): 403,
    }
    for user, status in expected.items():
        client = sign_in(user)
        for name, entry in pages:
            url = reverse(f"investigations:{name}", args=[case.pk, entry])
            assert client.get(url).status_code == status, (user.roles, name)
    outsider = sign_in(make_user(Role.INVESTIGATOR))
    url = reverse("investigations:evidence-status", args=[case.pk, item.pk])
    assert outsider.post(url, {"status": "served"}).status_code == 403
    item.refresh_from_db()
    assert item.status != "served"


def test_only_investigators_of_the_team_may_remove_an_entry_and_a_refusal_removes_nothing(
    make_user: Callable[..., User], sign_in: SignIn, police_team: Team, case: Investigation
) -> None:
    key_date = case.key_dates.get()
    url = reverse("investigations:key-date-remove", args=[case.pk, key_date.pk])
    reason = {"reason": "Added to the wrong investigation"}
    refused = [
        (Client(), 302),
        (sign_in(make_user(Role.AUDITOR, team=police_team)), 403),
        (sign_in(make_user(Role.INVESTIGATOR)), 403),
        (sign_in(make_user(Role.PRACTITIONER, team=police_team)), 403),
    ]
    for client, status in refused:
        assert client.post(url, reason).status_code == status
    assert case.key_dates.filter(pk=key_date.pk).exists()
    assert not AuditEntry.objects.filter(action=Action.ERASURE).exists()
    investigator = sign_in(make_user(Role.INVESTIGATOR, team=police_team))
    assert investigator.post(url, reason).status_code == 302
    assert not case.key_dates.filter(pk=key_date.pk).exists()
    assert AuditEntry.objects.filter(action=Action.ERASURE).count() == 1
