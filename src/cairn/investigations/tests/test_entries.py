"""Correcting an investigation: changing key dates, witnesses, incidents and offences, and
removing entries added by mistake with a written reason, audited as an erasure, refused (saying
why) when other entries rest on them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.investigations.models import (
    EvidenceItem,
    EvidenceStatus,
    Incident,
    Investigation,
    KeyDate,
    KeyDateKind,
    LineOfEnquiry,
    LineOfEnquiryKind,
    LineOfEnquiryStatus,
    Offence,
    OffenceCategory,
    Witness,
    WitnessType,
)
from cairn.investigations.services import (
    entry_remove,
    incident_update,
    key_date_update,
    offence_update,
    witness_update,
)
from cairn.investigations.tests.factories import (
    EvidenceItemFactory,
    IncidentFactory,
    InvestigationFactory,
    KeyDateFactory,
    OffenceFactory,
    OutcomeFactory,
    PoliceTeamFactory,
    SuspectFactory,
    VictimFactory,
    WitnessFactory,
)

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
REASON = "Added to the wrong investigation by mistake"


@pytest.fixture
def police_team() -> Team:
    return PoliceTeamFactory()


@pytest.fixture
def investigator(make_user: Callable[..., User], police_team: Team) -> User:
    return make_user(Role.INVESTIGATOR, team=police_team)


@pytest.fixture
def actor(investigator: User) -> Actor:
    return Actor(user=investigator)


@pytest.fixture
def investigation(police_team: Team) -> Investigation:
    return InvestigationFactory(team=police_team)


def _erasures() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=Action.ERASURE))


def test_a_key_date_is_changed_with_one_alteration_entry(
    actor: Actor, investigation: Investigation
) -> None:
    key_date = KeyDateFactory(investigation=investigation)
    before = AuditEntry.objects.count()
    key_date_update(
        actor, key_date=key_date, kind=KeyDateKind.BAIL_RETURN, on=date(2025, 5, 1), note="Moved"
    )
    key_date.refresh_from_db()
    assert (key_date.kind, key_date.on, key_date.note) == ("bail_return", date(2025, 5, 1), "Moved")
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.last().action == Action.ALTERATION


def test_a_witness_with_an_empty_name_is_refused_and_keeps_their_details(
    actor: Actor, investigation: Investigation
) -> None:
    witness = WitnessFactory(investigation=investigation, name_as_recorded="Synthetic Witness A")
    with pytest.raises(ValidationError) as error:
        witness_update(
            actor, witness=witness, witness_type=WitnessType.ADULT_CIVILIAN, name_as_recorded=" "
        )
    assert "name_as_recorded" in error.value.message_dict
    witness.refresh_from_db()
    assert witness.name_as_recorded == "Synthetic Witness A"
    assert witness.witness_type == WitnessType.PROFESSIONAL


def test_an_incident_keeps_a_suspect_an_offence_in_it_is_alleged_against(
    actor: Actor, investigation: Investigation
) -> None:
    suspect = SuspectFactory(investigation=investigation, name_as_recorded="Synthetic Suspect K")
    incident = IncidentFactory(investigation=investigation, suspects=[suspect])
    OffenceFactory(incident=incident, suspect=suspect)
    with pytest.raises(ValidationError) as error:
        incident_update(
            actor, incident=incident, title="Renamed", occurred_from=date(2025, 2, 1), suspects=[]
        )
    assert "Synthetic Suspect K" in error.value.message_dict["suspects"][0]
    incident.refresh_from_db()
    assert incident.title != "Renamed"
    assert list(incident.suspects.all()) == [suspect]


def test_an_incident_is_changed_with_its_people_of_the_same_investigation_only(
    actor: Actor, investigation: Investigation
) -> None:
    incident = IncidentFactory(investigation=investigation)
    victim = VictimFactory(investigation=investigation)
    stranger = SuspectFactory()
    with pytest.raises(ValidationError):
        incident_update(
            actor,
            incident=incident,
            title="Met at the takeaway",
            occurred_from=date(2025, 2, 1),
            suspects=[stranger],
        )
    incident_update(
        actor,
        incident=incident,
        title="Met at the takeaway",
        occurred_from=date(2025, 2, 1),
        occurred_to=date(2025, 2, 3),
        victims=[victim],
    )
    incident.refresh_from_db()
    assert incident.title == "Met at the takeaway"
    assert incident.when == "01 Feb 2025 to 03 Feb 2025"
    assert list(incident.victims.all()) == [victim]


def test_an_offence_with_an_outcome_for_one_suspect_cannot_move_to_another(
    actor: Actor, investigation: Investigation
) -> None:
    first, second = SuspectFactory.create_batch(2, investigation=investigation)
    offence = OffenceFactory(incident=IncidentFactory(investigation=investigation), suspect=first)
    OutcomeFactory(suspect=first, offence=offence)
    with pytest.raises(ValidationError) as error:
        offence_update(
            actor, offence=offence, category=OffenceCategory.SEXUAL_GROOMING, suspect=second
        )
    assert first.name_as_recorded in error.value.message_dict["suspect"][0]
    offence.refresh_from_db()
    assert offence.suspect == first
    offence_update(actor, offence=offence, category=OffenceCategory.SEXUAL_GROOMING, suspect=first)
    offence.refresh_from_db()
    assert offence.category == OffenceCategory.SEXUAL_GROOMING


@pytest.mark.parametrize(
    "kind", ["key date", "witness", "evidence item", "offence", "incident", "victim", "suspect"]
)
def test_an_entry_added_by_mistake_is_removed_with_its_reason_as_one_erasure_entry(
    actor: Actor, investigation: Investigation, kind: str
) -> None:
    incident = IncidentFactory(investigation=investigation)
    entry = {
        "key date": lambda: KeyDateFactory(investigation=investigation),
        "witness": lambda: WitnessFactory(investigation=investigation),
        "evidence item": lambda: EvidenceItemFactory(investigation=investigation),
        "offence": lambda: OffenceFactory(incident=incident),
        "incident": lambda: incident,
        "victim": lambda: VictimFactory(investigation=investigation),
        "suspect": lambda: SuspectFactory(investigation=investigation),
    }[kind]()
    model, pk = type(entry), entry.pk
    entry_remove(actor, entry=entry, reason=REASON)
    assert not model.objects.filter(pk=pk).exists()
    [erasure] = _erasures()
    assert erasure.record_ids == [str(investigation.pk)]
    assert erasure.justification == REASON
    assert erasure.summary.startswith(f"Removed {kind}:")
    assert erasure.detail["removed"]["id"] == pk


def test_a_removal_without_a_reason_is_refused_and_removes_nothing(
    actor: Actor, investigation: Investigation
) -> None:
    witness = WitnessFactory(investigation=investigation)
    with pytest.raises(ValidationError) as error:
        entry_remove(actor, entry=witness, reason="oops")
    assert "reason" in error.value.message_dict
    assert Witness.objects.filter(pk=witness.pk).exists()
    assert _erasures() == []


def test_an_incident_that_evidence_and_outcomes_point_to_is_not_removed_and_says_which(
    actor: Actor, investigation: Investigation
) -> None:
    suspect = SuspectFactory(investigation=investigation, name_as_recorded="Synthetic Suspect R")
    incident = IncidentFactory(investigation=investigation, suspects=[suspect])
    EvidenceItemFactory(investigation=investigation, type_code="anpr", incidents=[incident])
    OutcomeFactory(suspect=suspect, offence=OffenceFactory(incident=incident, suspect=suspect))
    with pytest.raises(ValidationError) as error:
        entry_remove(actor, entry=incident, reason=REASON)
    message = error.value.messages[0]
    assert "the evidence item ANPR (Obtained)" in message
    assert "the outcome for Synthetic Suspect R (1: " in message
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert Offence.objects.filter(incident=incident).exists()
    assert _erasures() == []


def test_an_incident_without_evidence_or_outcomes_goes_with_its_offences(
    actor: Actor, investigation: Investigation
) -> None:
    incident = IncidentFactory(investigation=investigation)
    offence = OffenceFactory(incident=incident)
    entry_remove(actor, entry=incident, reason=REASON)
    assert not Offence.objects.filter(pk=offence.pk).exists()
    assert _erasures()[0].detail["removed"]["offences"] == [offence.pk]


def test_an_offence_with_an_outcome_is_not_removed(
    actor: Actor, investigation: Investigation
) -> None:
    suspect = SuspectFactory(investigation=investigation)
    offence = OffenceFactory(incident=IncidentFactory(investigation=investigation), suspect=suspect)
    OutcomeFactory(suspect=suspect, offence=offence)
    with pytest.raises(ValidationError, match="Change that outcome first"):
        entry_remove(actor, entry=offence, reason=REASON)
    assert Offence.objects.filter(pk=offence.pk).exists()


def test_served_evidence_is_not_removed(actor: Actor, investigation: Investigation) -> None:
    item = EvidenceItemFactory(investigation=investigation, status=EvidenceStatus.SERVED)
    with pytest.raises(ValidationError, match="served on the defence"):
        entry_remove(actor, entry=item, reason=REASON)
    assert EvidenceItem.objects.filter(pk=item.pk).exists()
    assert _erasures() == []


def test_evidence_accepted_from_a_line_of_enquiry_is_not_removed(
    actor: Actor, investigation: Investigation
) -> None:
    item = EvidenceItemFactory(investigation=investigation, type_code="anpr")
    LineOfEnquiry.objects.create(
        investigation=investigation,
        kind=LineOfEnquiryKind.ANPR,
        subject_key="vehicle:1",
        status=LineOfEnquiryStatus.ACCEPTED,
        evidence_item=item,
    )
    with pytest.raises(ValidationError, match="accepted from the line of enquiry"):
        entry_remove(actor, entry=item, reason=REASON)
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_a_reader_of_the_team_cannot_remove_anything(
    make_user: Callable[..., User], police_team: Team, investigation: Investigation
) -> None:
    practitioner = make_user(Role.PRACTITIONER, team=police_team)
    key_date = KeyDateFactory(investigation=investigation)
    with pytest.raises(PermissionDenied):
        entry_remove(Actor(user=practitioner), entry=key_date, reason=REASON)
    assert KeyDate.objects.filter(pk=key_date.pk).exists()


def test_a_suspect_named_by_incidents_evidence_offences_or_outcomes_is_not_removed(
    actor: Actor, investigation: Investigation
) -> None:
    suspect = SuspectFactory(investigation=investigation, name_as_recorded="Synthetic Suspect Q")
    incident = IncidentFactory(investigation=investigation, suspects=[suspect], title="At the park")
    EvidenceItemFactory(investigation=investigation, type_code="anpr", suspects=[suspect])
    with pytest.raises(ValidationError) as error:
        entry_remove(actor, entry=suspect, reason=REASON)
    message = error.value.messages[0]
    assert message.startswith("Synthetic Suspect Q cannot be removed: the incident")
    assert "the evidence item ANPR (Obtained)" in message
    assert incident.suspects.filter(pk=suspect.pk).exists()
    assert _erasures() == []


def test_a_victim_named_in_an_incident_is_not_removed(
    actor: Actor, investigation: Investigation
) -> None:
    victim = VictimFactory(investigation=investigation)
    IncidentFactory(investigation=investigation, victims=[victim])
    with pytest.raises(ValidationError, match="Change or remove those first"):
        entry_remove(actor, entry=victim, reason=REASON)
    assert investigation.victims.filter(pk=victim.pk).exists()


def test_the_remove_page_removes_an_entry_and_returns_to_its_section(
    sign_in: SignIn, investigator: User, investigation: Investigation
) -> None:
    item = EvidenceItemFactory(investigation=investigation)
    client = sign_in(investigator)
    url = reverse("investigations:evidence-remove", args=[investigation.pk, item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Why are you removing it?" in page.content.decode()
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == reverse("investigations:evidence", args=[investigation.pk])
    assert not EvidenceItem.objects.filter(pk=item.pk).exists()
    assert _erasures()[0].user == investigator


def test_the_remove_page_of_a_served_item_says_why_and_offers_no_form(
    sign_in: SignIn, investigator: User, investigation: Investigation
) -> None:
    item = EvidenceItemFactory(investigation=investigation, status=EvidenceStatus.SERVED)
    client = sign_in(investigator)
    url = reverse("investigations:evidence-remove", args=[investigation.pk, item.pk])
    page = client.get(url).content.decode()
    assert "it has been served on the defence" in page
    assert "<form" not in page.split('id="main-content"')[-1]
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 409
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_the_remove_page_without_a_reason_shows_the_error_and_keeps_the_entry(
    sign_in: SignIn, investigator: User, investigation: Investigation
) -> None:
    witness = WitnessFactory(investigation=investigation)
    client = sign_in(investigator)
    url = reverse("investigations:witness-remove", args=[investigation.pk, witness.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert Witness.objects.filter(pk=witness.pk).exists()


def test_an_offence_of_another_investigation_cannot_be_changed_or_removed_through_this_one(
    sign_in: SignIn, investigator: User, investigation: Investigation
) -> None:
    foreign = OffenceFactory()
    client = sign_in(investigator)
    for name in ("offence-update", "offence-remove"):
        url = reverse(f"investigations:{name}", args=[investigation.pk, foreign.pk])
        assert client.post(url, {"reason": REASON, "category": "rape_of_child"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.category == OffenceCategory.CHILD_SEXUAL_EXPLOITATION


def test_the_incident_change_page_saves_the_new_details(
    sign_in: SignIn, investigator: User, investigation: Investigation
) -> None:
    incident = IncidentFactory(investigation=investigation)
    client = sign_in(investigator)
    url = reverse("investigations:incident-update", args=[investigation.pk, incident.pk])
    assert "Change an incident" in client.get(url).content.decode()
    response = client.post(
        url, {"title": "Taken to a flat", "occurred_from": "2025-01-10", "place": "Synthetic flat"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.title, incident.place) == ("Taken to a flat", "Synthetic flat")


def test_cancelling_a_change_to_an_offence_returns_to_the_incidents(
    sign_in: SignIn, investigator: User, investigation: Investigation
) -> None:
    offence = OffenceFactory(incident=IncidentFactory(investigation=investigation))
    url = reverse("investigations:offence-update", args=[investigation.pk, offence.pk])
    page = sign_in(investigator).get(url).content.decode()
    incidents = reverse("investigations:incidents", args=[investigation.pk])
    assert f'href="{incidents}">Cancel</a>' in page
