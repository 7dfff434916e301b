"""The investigations write path: permission, validation, one audit entry, nothing half-saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.access.actor import Actor
from cairn.access.permissions import Role
from cairn.access.queries import can_view
from cairn.audit.models import Action, AuditEntry
from cairn.investigations.models import (
    EvidenceItem,
    EvidenceSource,
    EvidenceStatus,
    IndependenceOverride,
    Investigation,
    OffenceCategory,
    Outcome,
    Victim,
)
from cairn.investigations.services import (
    evidence_add,
    evidence_override_independence,
    investigation_create,
    investigation_update,
    outcome_record,
    suspect_update,
    victim_add,
)
from cairn.investigations.tests.factories import (
    EvidenceItemFactory,
    IncidentFactory,
    InvestigationFactory,
    OffenceFactory,
    PoliceTeamFactory,
    SuspectFactory,
    evidence_type,
)
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_team():
    return PoliceTeamFactory()


@pytest.fixture
def investigator(make_user, police_team):
    return make_user(Role.INVESTIGATOR, team=police_team)


@pytest.fixture
def investigation(police_team):
    return InvestigationFactory(team=police_team)


def test_opening_an_investigation_gives_its_team_the_owner_share_and_audits_it(
    investigator, police_team
):
    investigation = investigation_create(
        Actor(user=investigator),
        team=police_team,
        operation_name="Operation Synthetic Heron",
        offence_types=[OffenceCategory.SEXUAL_GROOMING, OffenceCategory.CHILD_ABDUCTION],
        started_on=date(2025, 1, 6),
        officer_in_charge=investigator,
    )
    assert can_view(investigator, investigation)
    assert investigation.reference.startswith("OP-")
    entry = AuditEntry.objects.get(record_type="investigations.investigation")
    assert entry.action == Action.COLLECTION
    assert entry.record_ids == [str(investigation.pk)]


def test_a_practitioner_cannot_open_an_investigation(make_user, police_team):
    practitioner = make_user(Role.PRACTITIONER, team=police_team)
    with pytest.raises(PermissionDenied):
        investigation_create(
            Actor(user=practitioner),
            team=police_team,
            operation_name="Operation Synthetic Wren",
            offence_types=[OffenceCategory.SEXUAL_GROOMING],
            started_on=date(2025, 1, 6),
        )
    assert not Investigation.objects.exists()


def test_an_unknown_offence_type_is_refused(investigator, police_team):
    with pytest.raises(ValidationError) as error:
        investigation_create(
            Actor(user=investigator),
            team=police_team,
            operation_name="Operation Synthetic Wren",
            offence_types=["shoplifting"],
            started_on=date(2025, 1, 6),
        )
    assert "offence_types" in error.value.message_dict
    assert not Investigation.objects.exists()


def test_evidence_for_a_suspect_not_on_the_investigation_is_refused_and_nothing_saved(
    investigator, investigation
):
    stranger = SuspectFactory()  # on another investigation
    entries_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        evidence_add(
            Actor(user=investigator),
            investigation=investigation,
            evidence_type=evidence_type("anpr"),
            source=EvidenceSource.POLICE,
            suspects=[stranger],
        )
    assert "must be on this investigation" in error.value.message_dict["suspects"][0]
    assert not EvidenceItem.objects.exists()
    assert AuditEntry.objects.count() == entries_before


def test_an_incident_from_another_investigation_is_refused(investigator, investigation):
    with pytest.raises(ValidationError) as error:
        evidence_add(
            Actor(user=investigator),
            investigation=investigation,
            evidence_type=evidence_type("cctv"),
            source=EvidenceSource.THIRD_PARTY,
            incidents=[IncidentFactory()],
        )
    assert "incidents" in error.value.message_dict
    assert not EvidenceItem.objects.exists()


def test_independence_is_derived_from_type_and_source(investigation):
    abe = EvidenceItemFactory(investigation=investigation, type_code="abe_interview")
    anpr = EvidenceItemFactory(
        investigation=investigation, type_code="anpr", source=EvidenceSource.POLICE
    )
    childs_phone = EvidenceItemFactory(
        investigation=investigation, type_code="social_media", source=EvidenceSource.CHILD
    )
    assert not abe.is_independent
    assert anpr.is_independent
    assert not childs_phone.is_independent


def test_overriding_independence_needs_a_written_reason(investigator, investigation):
    item = EvidenceItemFactory(
        investigation=investigation, type_code="social_media", source=EvidenceSource.CHILD
    )
    with pytest.raises(ValidationError) as error:
        evidence_override_independence(
            Actor(user=investigator),
            item=item,
            override=IndependenceOverride.INDEPENDENT,
            reason="",
        )
    assert "override_reason" in error.value.message_dict
    item.refresh_from_db()
    assert item.independence_override == ""

    evidence_override_independence(
        Actor(user=investigator),
        item=item,
        override=IndependenceOverride.INDEPENDENT,
        reason="Messages recovered from the suspect's handset match those on the child's phone",
    )
    item.refresh_from_db()
    assert item.is_independent
    assert not item.derived_independent


def test_an_outcome_type_outside_0_to_22_is_refused(investigator, investigation):
    suspect = SuspectFactory(investigation=investigation)
    with pytest.raises(ValidationError) as error:
        outcome_record(
            Actor(user=investigator), investigation=investigation, suspect=suspect, outcome_type=23
        )
    assert error.value.message_dict["outcome_type"] == [
        "The Home Office outcome type must be a number from 0 to 22"
    ]
    assert not Outcome.objects.exists()


def test_a_court_result_before_the_charge_is_refused(investigator, investigation):
    suspect = SuspectFactory(investigation=investigation)
    with pytest.raises(ValidationError) as error:
        outcome_record(
            Actor(user=investigator),
            investigation=investigation,
            suspect=suspect,
            outcome_type=1,
            charging_decision="charged",
            charging_decision_on=date(2025, 5, 1),
            court_result="convicted",
            court_result_on=date(2025, 4, 1),
        )
    assert error.value.message_dict["court_result_on"] == [
        "The court result must not be before the charge"
    ]
    assert not Outcome.objects.exists()


def test_an_outcome_for_an_offence_against_another_suspect_is_refused(investigator, investigation):
    suspect, other = SuspectFactory.create_batch(2, investigation=investigation)
    offence = OffenceFactory(incident=IncidentFactory(investigation=investigation), suspect=other)
    with pytest.raises(ValidationError):
        outcome_record(
            Actor(user=investigator),
            investigation=investigation,
            suspect=suspect,
            offence=offence,
            outcome_type=16,
        )
    assert not Outcome.objects.exists()


def test_a_victim_is_linked_only_to_a_young_person_the_user_may_see(investigator, investigation):
    unseen = YoungPersonFactory()  # held by a charity team the investigator is not in
    with pytest.raises(ValidationError) as error:
        victim_add(
            Actor(user=investigator),
            investigation=investigation,
            name_as_recorded="Synthetic Child",
            young_person=unseen,
        )
    assert "young_person" in error.value.message_dict
    assert not Victim.objects.exists()

    seen = YoungPersonFactory(holding_team=investigation.team)
    victim = victim_add(
        Actor(user=investigator),
        investigation=investigation,
        name_as_recorded="Synthetic Child",
        young_person=seen,
        abe_interview_on=date(2025, 3, 3),
    )
    assert victim.young_person == seen


def test_someone_outside_the_team_cannot_add_evidence(make_user, investigation):
    outsider = make_user(Role.INVESTIGATOR)
    with pytest.raises(PermissionDenied):
        evidence_add(
            Actor(user=outsider),
            investigation=investigation,
            evidence_type=evidence_type("anpr"),
            source=EvidenceSource.POLICE,
            status=EvidenceStatus.REQUESTED,
        )
    assert not EvidenceItem.objects.exists()


def test_changing_a_suspect_records_one_alteration_naming_the_fields(investigator, investigation):
    suspect = SuspectFactory(investigation=investigation, arrested_on=None)
    before = AuditEntry.objects.count()
    suspect_update(Actor(user=investigator), suspect=suspect, arrested_on=date(2025, 4, 2))
    suspect.refresh_from_db()
    assert suspect.arrested_on == date(2025, 4, 2)
    entry = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.detail["fields"]) == (Action.ALTERATION, ["arrested_on"])


def test_the_officer_in_charge_must_belong_to_the_team(make_user, investigator, investigation):
    stranger = make_user(Role.INVESTIGATOR)
    with pytest.raises(ValidationError) as error:
        investigation_update(
            Actor(user=investigator), investigation=investigation, officer_in_charge=stranger
        )
    assert "officer_in_charge" in error.value.message_dict
    investigation.refresh_from_db()
    assert investigation.officer_in_charge is None
