"""API for the young person's record: create, change, aliases, placements, key contacts,
allocation, closure and reopening, and the caseload, team and search lists."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema, Status

from cairn.access.models import Team
from cairn.youngpeople import services
from cairn.youngpeople.api.common import (
    actor,
    open_case,
    require_casework,
    router,
    user_named,
)
from cairn.youngpeople.models import (
    Alias,
    AliasKind,
    CaseStatus,
    ClosureReason,
    EducationStatus,
    Gender,
    KeyContact,
    LookedAfterStatus,
    Placement,
    PlacementType,
    RiskBand,
    YoungPerson,
)
from cairn.youngpeople.queries import (
    Search,
    caseload,
    team_cases,
    young_people_list,
    young_people_search,
)


class AliasOut(Schema):
    id: int
    name: str
    kind: AliasKind


class YoungPersonOut(Schema):
    id: int
    reference: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date | None
    estimated_age: int | None
    gender: Gender
    area: str
    holding_team: str
    key_worker: str | None
    status: CaseStatus
    synthetic: bool
    version: int

    @staticmethod
    def resolve_holding_team(obj: YoungPerson) -> str:
        return str(obj.holding_team)

    @staticmethod
    def resolve_key_worker(obj: YoungPerson) -> str | None:
        return obj.key_worker.display_name if obj.key_worker else None


class CaseSummaryOut(YoungPersonOut):
    """A row of a caseload, team list or search: what a key worker scans for."""

    risk_band: RiskBand | None = None
    next_review_due: date | None = None
    last_contact_at: datetime | None = None
    overdue_actions: int = 0
    recent_missing: int = Field(0, description="Missing episodes in the last 30 days")


class YoungPersonDetailOut(YoungPersonOut):
    summary: str
    phone: str
    looked_after: LookedAfterStatus
    responsible_authority: str
    education_status: EducationStatus
    communication_needs: str
    languages: str
    disabilities: str
    learning_disability: bool
    aliases: list[AliasOut]
    closure_reason: str
    closed_at: datetime | None

    @staticmethod
    def resolve_aliases(obj: YoungPerson) -> list[Alias]:
        return list(obj.aliases.all())


class YoungPersonIn(Schema):
    given_name: str
    family_name: str
    preferred_name: str = ""
    date_of_birth: date | None = None
    estimated_age: int | None = None
    gender: Gender = Gender.NOT_KNOWN
    summary: str = ""
    phone: str = ""
    area: str = ""
    looked_after: LookedAfterStatus = LookedAfterStatus.NOT_KNOWN
    responsible_authority: str = ""
    education_status: EducationStatus = EducationStatus.NOT_KNOWN
    communication_needs: str = ""
    languages: str = ""
    disabilities: str = ""
    learning_disability: bool = False
    aliases: list[str] = []
    holding_team_id: int


class YoungPersonPatch(Schema):
    version: int = Field(description="The version you read; a stale one is refused with 409")
    given_name: str | None = None
    family_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    estimated_age: int | None = None
    gender: Gender | None = None
    summary: str | None = None
    phone: str | None = None
    area: str | None = None
    looked_after: LookedAfterStatus | None = None
    responsible_authority: str | None = None
    education_status: EducationStatus | None = None
    communication_needs: str | None = None
    languages: str | None = None
    disabilities: str | None = None
    learning_disability: bool | None = None


# Only these may be cleared with null; for the others null means "leave as it is".
NULLABLE_FIELDS = {"date_of_birth", "estimated_age"}


class AliasIn(Schema):
    name: str
    kind: AliasKind = AliasKind.ALIAS


class PlacementOut(Schema):
    id: int
    placement_type: PlacementType
    address: str
    postcode: str
    started_on: date
    ended_on: date | None


class PlacementIn(Schema):
    placement_type: PlacementType
    started_on: date
    ended_on: date | None = None
    address: str = ""
    postcode: str = ""


class KeyContactOut(Schema):
    id: int
    name: str
    relationship: str
    phone: str
    notes: str


class KeyContactIn(Schema):
    name: str
    relationship: str
    phone: str = ""
    notes: str = ""


class AllocateIn(Schema):
    key_worker_id: int | None = Field(None, description="null takes the case off anyone's list")
    note: str = ""


class CloseIn(Schema):
    reason: ClosureReason
    note: str = ""


class ReopenIn(Schema):
    note: str


class SearchQuery(Schema):
    name: str = ""
    date_of_birth: date | None = None
    area: str = ""
    band: RiskBand | None = None
    include_closed: bool = False


# Lists ------------------------------------------------------------------------------------------


@router.get("", response=list[CaseSummaryOut], summary="Young people visible to you")
def list_young_people(request: HttpRequest, name: str = "") -> list[YoungPerson]:
    require_casework(request)
    return list(young_people_list(actor(request), name=name))


@router.get("/caseload", response=list[CaseSummaryOut], summary="My caseload")
def my_caseload(request: HttpRequest) -> list[YoungPerson]:
    user = require_casework(request)
    return list(caseload(actor(request), key_worker=user))


@router.get("/team", response=list[CaseSummaryOut], summary="Open cases held by my teams")
def my_teams_cases(request: HttpRequest) -> list[YoungPerson]:
    user = require_casework(request)
    return list(team_cases(actor(request), team_ids=sorted(user.team_ids())))


@router.get(
    "/search",
    response=list[CaseSummaryOut],
    summary="Search by name or alias (spelling-tolerant), date of birth, area and band",
)
def search_young_people(request: HttpRequest, query: Query[SearchQuery]) -> list[YoungPerson]:
    require_casework(request)
    search = Search(
        name=query.name,
        date_of_birth=query.date_of_birth,
        area=query.area,
        band=query.band or "",
        include_closed=query.include_closed,
    )
    return list(young_people_search(actor(request), search))


# The record -------------------------------------------------------------------------------------


@router.get("/{pk}", response=YoungPersonDetailOut, summary="One young person's record")
def get_young_person(request: HttpRequest, pk: int) -> YoungPerson:
    return open_case(request, pk, "Viewed record through the API")


@router.post("", response={201: YoungPersonDetailOut}, summary="Create a young person's record")
def create_young_person(request: HttpRequest, payload: YoungPersonIn) -> Status:
    require_casework(request)
    data = payload.dict()
    team = Team.objects.filter(pk=data.pop("holding_team_id")).first()
    if team is None:
        raise PermissionDenied("You can create records only for your own teams.")
    young_person = services.young_person_create(
        actor=actor(request), holding_team=team, aliases=data.pop("aliases"), **data
    )
    return Status(201, young_person)


@router.patch("/{pk}", response=YoungPersonDetailOut, summary="Change a young person's record")
def update_young_person(request: HttpRequest, pk: int, payload: YoungPersonPatch) -> YoungPerson:
    young_person = open_case(request, pk, "Opened record to change it through the API")
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    changes = {
        name: value
        for name, value in changes.items()
        if value is not None or name in NULLABLE_FIELDS
    }
    return services.young_person_update(
        actor=actor(request),
        young_person=young_person,
        expected_version=version,
        **changes,
    )


@router.post("/{pk}/aliases", response={201: AliasOut}, summary="Add an alias or nickname")
def add_alias(request: HttpRequest, pk: int, payload: AliasIn) -> Status:
    young_person = open_case(request, pk, "Opened record to add an alias through the API")
    alias = services.alias_add(
        actor=actor(request), young_person=young_person, name=payload.name, kind=payload.kind
    )
    return Status(201, alias)


@router.delete("/{pk}/aliases/{alias_pk}", response={204: None}, summary="Remove an alias")
def remove_alias(request: HttpRequest, pk: int, alias_pk: int) -> Status:
    young_person = open_case(request, pk, "Opened record to remove an alias through the API")
    alias = get_object_or_404(Alias, pk=alias_pk, young_person=young_person)
    services.alias_remove(actor=actor(request), alias=alias)
    return Status(204, None)


@router.get("/{pk}/placements", response=list[PlacementOut], summary="Placement history")
def list_placements(request: HttpRequest, pk: int) -> list[Placement]:
    young_person = open_case(request, pk, "Viewed placements through the API")
    return list(young_person.placements.all())


@router.post("/{pk}/placements", response={201: PlacementOut}, summary="Add a placement")
def add_placement(request: HttpRequest, pk: int, payload: PlacementIn) -> Status:
    young_person = open_case(request, pk, "Opened record to add a placement through the API")
    placement = services.placement_add(
        actor=actor(request), young_person=young_person, **payload.dict()
    )
    return Status(201, placement)


@router.get("/{pk}/key-contacts", response=list[KeyContactOut], summary="Key contacts")
def list_key_contacts(request: HttpRequest, pk: int) -> list[KeyContact]:
    young_person = open_case(request, pk, "Viewed key contacts through the API")
    return list(young_person.key_contacts.all())


@router.post("/{pk}/key-contacts", response={201: KeyContactOut}, summary="Add a key contact")
def add_key_contact(request: HttpRequest, pk: int, payload: KeyContactIn) -> Status:
    young_person = open_case(request, pk, "Opened record to add a key contact through the API")
    contact = services.key_contact_add(
        actor=actor(request), young_person=young_person, **payload.dict()
    )
    return Status(201, contact)


@router.post("/{pk}/allocate", response=YoungPersonDetailOut, summary="Allocate a key worker")
def allocate(request: HttpRequest, pk: int, payload: AllocateIn) -> YoungPerson:
    young_person = open_case(request, pk, "Opened record to allocate it through the API")
    return services.young_person_allocate(
        actor=actor(request),
        young_person=young_person,
        key_worker=user_named(payload.key_worker_id, "key_worker_id"),
        note=payload.note,
    )


@router.post("/{pk}/close", response=YoungPersonDetailOut, summary="Close the case")
def close(request: HttpRequest, pk: int, payload: CloseIn) -> YoungPerson:
    young_person = open_case(request, pk, "Opened record to close it through the API")
    return services.young_person_close(
        actor=actor(request), young_person=young_person, reason=payload.reason, note=payload.note
    )


@router.post("/{pk}/reopen", response=YoungPersonDetailOut, summary="Reopen the case")
def reopen(request: HttpRequest, pk: int, payload: ReopenIn) -> YoungPerson:
    young_person = open_case(request, pk, "Opened record to reopen it through the API")
    return services.young_person_reopen(
        actor=actor(request), young_person=young_person, note=payload.note
    )
