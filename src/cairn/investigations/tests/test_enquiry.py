"""Lines of enquiry from the network: what is suggested, to whom it is shown, accept, dismiss."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory, share_with_team
from cairn.audit.models import AuditEntry
from cairn.intelligence.models import IntelligenceReport, LocationMention, VenueType
from cairn.investigations.enquiry.queries import lines_of_enquiry
from cairn.investigations.enquiry.services import (
    line_of_enquiry_accept,
    line_of_enquiry_dismiss,
    lines_of_enquiry_refresh,
)
from cairn.investigations.enquiry.suggest import suggestions_for
from cairn.investigations.models import (
    EvidenceStatus,
    Investigation,
    LineOfEnquiry,
    LineOfEnquiryKind,
    LineOfEnquiryStatus,
)
from cairn.investigations.tests.factories import (
    EvidenceItemFactory,
    InvestigationFactory,
    SuspectFactory,
    VictimFactory,
)
from cairn.linkage.models import PersonEntity, PhoneEntity, VehicleEntity, location_key
from cairn.networks.services import network_rebuild
from cairn.networks.tests.factories import place, resolved_report
from cairn.youngpeople.models import EqualityMonitoring, YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()
WHEN = datetime(2026, 2, 1, 22, 0, tzinfo=UTC)
PHONE = "+447700900123"
VEHICLE = "AB12CDE"
HOTEL = "Synthetic Station Hotel"


@dataclass
class Case:
    team: Team
    investigation: Investigation
    victim: YoungPerson
    other_child: YoungPerson
    suspect_person: PersonEntity
    reports: dict[str, IntelligenceReport]


@pytest.fixture
def case(team: Team, other_team: Team) -> Case:
    """A suspect named with a victim, a phone, a car and a hotel, and with another child whose
    record is held by another team."""
    suspect = PersonEntity.objects.create(display_name="Synthetic Suspect")
    victim = YoungPersonFactory(holding_team=team, given_name="Victoria")
    other_child = YoungPersonFactory(holding_team=other_team, given_name="Olivia")
    reports = {
        "phone": resolved_report(
            team, at=WHEN, people=[suspect], phones=[PHONE], young_people=[victim]
        ),
        "vehicle": resolved_report(
            team, at=WHEN, people=[suspect], vehicles=[VEHICLE], young_people=[victim]
        ),
        "hotel": resolved_report(
            team, at=WHEN, people=[suspect], places=[HOTEL], young_people=[victim]
        ),
        "other child": resolved_report(team, at=WHEN, people=[suspect], young_people=[other_child]),
    }
    LocationMention.objects.filter(venue_name=HOTEL).update(venue_type=VenueType.HOTEL)
    network_rebuild(actor=SYSTEM)
    investigation = InvestigationFactory(team=team)
    SuspectFactory(investigation=investigation, person=suspect, name_as_recorded="Suspect")
    VictimFactory(investigation=investigation, young_person=victim)
    return Case(team, investigation, victim, other_child, suspect, reports)


def _investigator(make_user, *teams: Team) -> Actor:
    user: User = make_user(Role.INVESTIGATOR, team=teams[0])
    for extra in teams[1:]:
        user.teams.add(extra)
    return Actor(user=user)


def _kinds(lines: list[LineOfEnquiry]) -> set[tuple[str, str]]:
    return {(line.kind, line.subject_key) for line in lines}


def _open(case: Case) -> list[LineOfEnquiry]:
    return list(case.investigation.lines_of_enquiry.filter(status=LineOfEnquiryStatus.OPEN))


def test_the_network_suggests_call_data_anpr_venue_records_and_another_young_person(case):
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    phone = PhoneEntity.objects.get(e164=PHONE)
    vehicle = VehicleEntity.objects.get(registration=VEHICLE)
    hotel = place(HOTEL)
    assert _kinds(_open(case)) == {
        (LineOfEnquiryKind.CALL_DATA, f"phone:{phone.pk}"),
        (LineOfEnquiryKind.ANPR, f"vehicle:{vehicle.pk}"),
        (LineOfEnquiryKind.VENUE_RECORDS, f"location:{hotel.pk}"),
        (LineOfEnquiryKind.YOUNG_PERSON, f"young_person:{case.other_child.pk}"),
    }
    call_data = case.investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.CALL_DATA)
    assert call_data.phone == phone
    assert call_data.suspect is not None and call_data.suspect.person == case.suspect_person
    assert {report for leg in call_data.basis["legs"] for report in leg["reports"]} == {
        case.reports["phone"].pk
    }


def test_a_phone_named_only_with_the_suspect_is_not_a_line_of_enquiry(case, team):
    resolved_report(team, at=WHEN, people=[case.suspect_person], phones=["+447700900999"])
    network_rebuild(actor=SYSTEM)
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    other = PhoneEntity.objects.get(e164="+447700900999")
    assert (LineOfEnquiryKind.CALL_DATA, f"phone:{other.pk}") not in _kinds(_open(case))


def test_a_young_person_is_shown_only_to_those_who_may_see_their_record(
    case, make_user, other_team
):
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    outsider = _investigator(make_user, case.team)
    view = lines_of_enquiry(outsider, case.investigation)
    assert LineOfEnquiryKind.YOUNG_PERSON not in {item.line.kind for item in view.all}
    assert len(view.open) == 3
    insider = _investigator(make_user, case.team, other_team)
    view = lines_of_enquiry(insider, case.investigation)
    young = [item for item in view.open if item.line.kind == LineOfEnquiryKind.YOUNG_PERSON]
    assert [item.subject.label for item in young] == [case.other_child.full_name]


def test_the_page_never_names_counts_or_refers_to_a_young_person_outside_need_to_know(
    case, make_user, sign_in
):
    from django.urls import reverse

    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    outsider = make_user(Role.INVESTIGATOR, team=case.team)
    page = sign_in(outsider).get(reverse("investigations:enquiries", args=[case.investigation.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert case.other_child.given_name not in text
    assert case.other_child.reference not in text
    assert "young person who may be" not in text.lower()
    hidden = case.investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.YOUNG_PERSON)
    url = reverse("investigations:enquiry-dismiss", args=[case.investigation.pk, hidden.pk])
    assert sign_in(outsider).get(url).status_code == 404


def test_a_line_resting_on_reports_not_shared_with_the_user_is_not_shown(
    case, make_user, other_team
):
    case.reports["phone"].owning_team = other_team
    case.reports["phone"].save(update_fields=["owning_team"])
    from cairn.access.models import RecordShare

    RecordShare.objects.filter(object_id=case.reports["phone"].pk, team=case.team).delete()
    share_with_team(case.reports["phone"], other_team)
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    view = lines_of_enquiry(_investigator(make_user, case.team), case.investigation)
    assert LineOfEnquiryKind.CALL_DATA not in {item.line.kind for item in view.all}
    line = case.investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.CALL_DATA)
    with pytest.raises(PermissionDenied):
        line_of_enquiry_accept(_investigator(make_user, case.team), line=line)
    line.refresh_from_db()
    assert line.status == LineOfEnquiryStatus.OPEN


def test_accepting_a_line_makes_an_identified_evidence_item_about_its_phone(case, make_user):
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    line = case.investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.CALL_DATA)
    before = AuditEntry.objects.count()
    item = line_of_enquiry_accept(_investigator(make_user, case.team), line=line)
    assert item.status == EvidenceStatus.IDENTIFIED
    assert item.evidence_type.code == "call_data"
    assert item.phone == line.phone
    assert list(item.suspects.all()) == [line.suspect]
    line.refresh_from_db()
    assert (line.status, line.evidence_item) == (LineOfEnquiryStatus.ACCEPTED, item)
    (entry,) = AuditEntry.objects.all()[before:]  # one entry for the whole decision
    assert (
        entry.summary
        == "Accepted a line of enquiry: Call data and cell-site; added evidence: "
        + (item.evidence_type.name)
    )
    assert entry.detail["evidence_item"] == item.pk
    # It stays covered: bringing the lines up to date neither reopens nor repeats it.
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    assert case.investigation.lines_of_enquiry.filter(kind=LineOfEnquiryKind.CALL_DATA).count() == 1
    with pytest.raises(ValidationError):
        line_of_enquiry_accept(_investigator(make_user, case.team), line=line)


def test_a_young_person_accepted_becomes_an_item_that_names_nobody(case, make_user, other_team):
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    line = case.investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.YOUNG_PERSON)
    item = line_of_enquiry_accept(_investigator(make_user, case.team, other_team), line=line)
    assert "key worker" in item.shows
    assert case.other_child.given_name not in item.shows
    assert case.other_child.reference not in item.shows
    assert not item.is_independent


def test_dismissing_requires_a_reason_and_changes_nothing_without_one(case, make_user):
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    line = case.investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.ANPR)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        line_of_enquiry_dismiss(_investigator(make_user, case.team), line=line, reason="  ")
    assert "reason" in raised.value.message_dict
    line.refresh_from_db()
    assert line.status == LineOfEnquiryStatus.OPEN
    assert AuditEntry.objects.count() == entries


def test_a_dismissed_line_does_not_come_back(case, make_user):
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    line = case.investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.ANPR)
    line_of_enquiry_dismiss(
        _investigator(make_user, case.team), line=line, reason="Car was sold in 2025"
    )
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    lines = case.investigation.lines_of_enquiry.filter(kind=LineOfEnquiryKind.ANPR)
    assert [(found.status, found.reason) for found in lines] == [
        (LineOfEnquiryStatus.DISMISSED, "Car was sold in 2025")
    ]
    entry = AuditEntry.objects.filter(summary__startswith="Dismissed a line").get()
    assert entry.detail["reason"] == "Car was sold in 2025"


def test_evidence_already_sought_for_the_phone_covers_its_line(case):
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    EvidenceItemFactory(
        investigation=case.investigation,
        type_code="call_data",
        phone=PhoneEntity.objects.get(e164=PHONE),
        status=EvidenceStatus.REQUESTED,
    )
    summary = lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    assert (summary.covered, summary.removed) == (1, 1)
    assert LineOfEnquiryKind.CALL_DATA not in {line.kind for line in _open(case)}


def test_only_investigators_may_bring_lines_up_to_date_or_decide_them(case, make_user):
    practitioner = Actor(user=make_user(Role.PRACTITIONER, team=case.team))
    with pytest.raises(PermissionDenied):
        lines_of_enquiry_refresh(practitioner, investigation=case.investigation)
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    line = case.investigation.lines_of_enquiry.get(kind=LineOfEnquiryKind.ANPR)
    with pytest.raises(PermissionDenied):
        line_of_enquiry_dismiss(practitioner, line=line, reason="No")
    stranger = _investigator(make_user, TeamFactory())
    with pytest.raises(PermissionDenied):
        line_of_enquiry_accept(stranger, line=line)
    line.refresh_from_db()
    assert line.status == LineOfEnquiryStatus.OPEN


PROTECTED = st.sampled_from(["", "White British", "Pakistani", "Roma", "Polish", "Muslim", "None"])


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ethnicity=PROTECTED, religion=PROTECTED, nationality=PROTECTED)
def test_nothing_is_suggested_from_a_protected_characteristic(
    case, ethnicity, religion, nationality
):
    before = {(s.kind, s.subject_key, s.suspect_id) for s in suggestions_for(case.investigation)}
    for child in (case.victim, case.other_child):
        EqualityMonitoring.objects.update_or_create(
            young_person=child,
            defaults={"ethnicity": ethnicity, "religion": religion, "nationality": nationality},
        )
    after = {(s.kind, s.subject_key, s.suspect_id) for s in suggestions_for(case.investigation)}
    assert after == before


def test_suggestions_read_no_protected_characteristic():
    import inspect

    from cairn.investigations.enquiry import graph, suggest

    for module in (graph, suggest):
        source = inspect.getsource(module).lower()
        for word in ("equality", "ethnic", "religion", "nationality"):
            assert word not in source.replace("ethnicity, religion or nationality", "")


def test_a_venue_without_records_of_its_own_is_not_suggested(case, team):
    park = "Synthetic Park"
    resolved_report(
        team, at=WHEN, people=[case.suspect_person], places=[park], young_people=[case.victim]
    )
    LocationMention.objects.filter(venue_name=park).update(venue_type=VenueType.PARK)
    network_rebuild(actor=SYSTEM)
    keys = {s.subject_key for s in suggestions_for(case.investigation)}
    park_entity = place(park)
    assert location_key(postcode="", venue_name=park, address="") == park_entity.key
    assert f"location:{park_entity.pk}" not in keys


def test_someone_who_may_see_the_young_person_is_told_to_go_through_their_key_worker(
    case, make_user, sign_in, other_team
):
    from django.urls import reverse

    worker = make_user(Role.PRACTITIONER, team=other_team, first_name="Kim", last_name="Ashby")
    case.other_child.key_worker = worker
    case.other_child.save(update_fields=["key_worker"])
    lines_of_enquiry_refresh(SYSTEM, investigation=case.investigation)
    insider = make_user(Role.INVESTIGATOR, team=case.team)
    insider.teams.add(other_team)
    page = sign_in(insider).get(reverse("investigations:enquiries", args=[case.investigation.pk]))
    text = page.content.decode()
    assert case.other_child.full_name in text
    assert "only through their key worker, Kim Ashby" in text
