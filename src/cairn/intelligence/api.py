"""API for intelligence reports: list, read, record, change, link and extract suggestions."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status

from cairn.access.actor import Actor
from cairn.access.models import Organisation, Team, User
from cairn.access.permissions import Perm
from cairn.access.queries import RecordNotFound, open_record
from cairn.intelligence import services
from cairn.intelligence.extract import suggestions
from cairn.intelligence.models import IntelligenceReport
from cairn.intelligence.queries import (
    ReportSearch,
    linked_young_people,
    may_see_source,
    report_mentions,
    report_open,
    reports_search,
)
from cairn.youngpeople.models import YoungPerson

router = Router(tags=["intelligence"])
WITHHELD = "Source details withheld under handling conditions"


def _user(request: HttpRequest, *, edit: bool = False) -> User:
    user = request.user
    assert isinstance(user, User)  # the API's auth classes admit only signed-in users
    if not user.can(Perm.VIEW_PERSON_RECORDS):
        raise PermissionDenied("Your role does not give access to person records.")
    if edit and not user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot record intelligence.")
    return user


def _open(request: HttpRequest, pk: int, purpose: str) -> IntelligenceReport:
    _user(request)
    try:
        return report_open(Actor.from_request(request), pk, purpose=purpose)
    except RecordNotFound as error:
        raise Http404(str(error)) from error


class ReportOut(Schema):
    id: int
    reference: str
    reported_at: datetime
    grading: str
    grading_system: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str
    owning_team: str
    version: int
    synthetic: bool
    source_withheld: bool
    source_organisation: str | None
    source_type: str | None
    recorded_by: str | None


class PersonMentionOut(Schema):
    id: int
    external_id: str
    name_as_written: str
    given_name: str
    family_name: str
    nickname: str
    role: str
    sex: str
    date_of_birth: date | None
    age_min: int | None
    age_max: int | None
    description: str
    address: str


class PhoneMentionOut(Schema):
    id: int
    external_id: str
    number_as_written: str
    e164: str
    person_id: int | None


class VehicleMentionOut(Schema):
    id: int
    external_id: str
    make: str
    model: str
    colour: str
    registration_as_written: str
    registration: str
    is_partial: bool
    person_id: int | None


class LocationMentionOut(Schema):
    id: int
    external_id: str
    venue_name: str
    venue_type: str
    address: str
    postcode: str
    postcode_district: str


class EventMentionOut(Schema):
    id: int
    external_id: str
    occurred_on: date | None
    what_happened: str
    subject_id: int | None
    location_id: int | None


class ReportDetailOut(ReportOut):
    narrative: str
    young_people: list[str]
    people: list[PersonMentionOut]
    phones: list[PhoneMentionOut]
    vehicles: list[VehicleMentionOut]
    locations: list[LocationMentionOut]
    events: list[EventMentionOut]


def _out(user: User, report: IntelligenceReport) -> dict[str, object]:
    shown = may_see_source(user, report)
    return {
        "id": report.pk,
        "reference": report.reference,
        "reported_at": report.reported_at,
        "grading": report.grading,
        "grading_system": report.grading_system,
        "source_evaluation": report.source_evaluation,
        "intelligence_assessment": report.intelligence_assessment,
        "handling_code": report.handling_code,
        "handling_conditions": report.handling_conditions,
        "owning_team": str(report.owning_team),
        "version": report.version,
        "synthetic": report.synthetic,
        "source_withheld": not shown,
        "source_organisation": (
            (str(report.source_organisation) if report.source_organisation else "")
            if shown
            else None
        ),
        "source_type": report.get_source_type_display() if shown else None,
        "recorded_by": (
            (report.recorded_by.display_name if report.recorded_by else "") if shown else None
        ),
    }


def _detail(user: User, report: IntelligenceReport) -> dict[str, object]:
    mentions = report_mentions(report)
    return {
        **_out(user, report),
        "narrative": report.narrative,
        "young_people": [yp.reference for yp in linked_young_people(user, report)],
        "people": mentions.people,
        "phones": mentions.phones,
        "vehicles": mentions.vehicles,
        "locations": mentions.locations,
        "events": mentions.events,
    }


class SearchIn(Schema):
    text: str = ""
    date_from: date | None = None
    date_to: date | None = None


@router.get("/", response=list[ReportOut])
def list_reports(request: HttpRequest, filters: Query[SearchIn]) -> list[dict[str, object]]:
    user = _user(request)
    found = reports_search(
        Actor.from_request(request),
        ReportSearch(text=filters.text, date_from=filters.date_from, date_to=filters.date_to),
    )
    return [_out(user, report) for report in found]


@router.get("/{int:pk}", response=ReportDetailOut)
def get_report(request: HttpRequest, pk: int) -> dict[str, object]:
    report = _open(request, pk, "Viewed intelligence report (API)")
    return _detail(_user(request), report)


class PersonIn(Schema):
    name_as_written: str = ""
    nickname: str = ""
    role: str = ""
    sex: str = ""
    date_of_birth: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    description: str = ""
    address: str = ""


class PhoneIn(Schema):
    number_as_written: str
    person: int | None = None  # number of the person in `people`, from 1


class VehicleIn(Schema):
    registration_as_written: str = ""
    make: str = ""
    model: str = ""
    colour: str = ""
    person: int | None = None


class LocationIn(Schema):
    venue_name: str = ""
    venue_type: str = ""
    address: str = ""
    postcode: str = ""


class EventIn(Schema):
    occurred_on: date | None = None
    what_happened: str
    subject: int | None = None  # number in `people`, from 1
    location: int | None = None  # number in `locations`, from 1


class ReportIn(Schema):
    owning_team_id: int | None = None
    reported_at: datetime
    source_organisation_id: int | None = None
    source_type: str
    # Plain strings, so a grading outside 3x5x2 gets the service's 400 and its message.
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str = ""
    source_roles: list[str] = []
    narrative: str
    young_person_ids: list[int] = []
    people: list[PersonIn] = []
    phones: list[PhoneIn] = []
    vehicles: list[VehicleIn] = []
    locations: list[LocationIn] = []
    events: list[EventIn] = []


def _organisation(pk: int | None) -> Organisation | None:
    if pk is None:
        return None
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({"source_organisation_id": "No organisation has that id"})
    return found


def _young_people(pks: list[int]) -> list[YoungPerson]:
    found = list(YoungPerson.objects.filter(pk__in=pks))
    if len(found) != len(set(pks)):
        raise ValidationError({"young_person_ids": "No young person has one of those ids"})
    return found


@router.post("/", response={201: ReportDetailOut})
def create_report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, object]]:
    user = _user(request, edit=True)
    teams = Team.objects.filter(members=user)
    team = (
        teams.filter(pk=payload.owning_team_id).first() if payload.owning_team_id else teams.first()
    )
    if team is None:
        raise PermissionDenied("You can record intelligence only for your own teams.")
    report = services.report_create(
        actor=Actor.from_request(request),
        owning_team=team,
        reported_at=payload.reported_at,
        source_organisation=_organisation(payload.source_organisation_id),
        source_type=payload.source_type,
        source_evaluation=payload.source_evaluation,
        intelligence_assessment=payload.intelligence_assessment,
        handling_code=payload.handling_code,
        handling_conditions=payload.handling_conditions,
        source_roles=payload.source_roles,
        narrative=payload.narrative,
        young_people=_young_people(payload.young_person_ids),
        people=[row.dict() for row in payload.people],
        phones=[row.dict() for row in payload.phones],
        vehicles=[row.dict() for row in payload.vehicles],
        locations=[row.dict() for row in payload.locations],
        events=[row.dict() for row in payload.events],
    )
    return Status(201, _detail(user, report))


class ReportUpdateIn(Schema):
    version: int
    reported_at: datetime | None = None
    source_type: str | None = None
    source_evaluation: str | None = None
    intelligence_assessment: str | None = None
    handling_code: str | None = None
    handling_conditions: str | None = None
    source_roles: list[str] | None = None
    narrative: str | None = None


@router.patch("/{int:pk}", response=ReportDetailOut)
def update_report(request: HttpRequest, pk: int, payload: ReportUpdateIn) -> dict[str, object]:
    user = _user(request, edit=True)
    report = _open(request, pk, "Opened intelligence report to change it (API)")
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    services.report_update(
        actor=Actor.from_request(request),
        report=report,
        expected_version=payload.version,
        **{name: value for name, value in fields.items() if value is not None},
    )
    return _detail(user, report)


class LinkIn(Schema):
    young_person_id: int


@router.post("/{int:pk}/young-people", response={204: None})
def link_young_person(request: HttpRequest, pk: int, payload: LinkIn) -> Status[None]:
    _user(request, edit=True)
    report = _open(request, pk, "Opened intelligence report to link a young person (API)")
    actor = Actor.from_request(request)
    try:
        young_person = open_record(
            actor, YoungPerson.objects.all(), payload.young_person_id, purpose="Linked to report"
        )
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    services.report_link_young_person(actor=actor, report=report, young_person=young_person)
    return Status(204, None)


class ExtractIn(Schema):
    text: str


class SuggestionOut(Schema):
    kind: str
    text: str
    normalised: str
    start: int
    end: int
    is_partial: bool


@router.post("/extract", response=list[SuggestionOut])
def extract(request: HttpRequest, payload: ExtractIn) -> list[SuggestionOut]:
    """Suggestions only: nothing is stored, and the text never goes in a URL."""
    _user(request, edit=True)
    return [SuggestionOut(**vars(found)) for found in suggestions(payload.text)]
