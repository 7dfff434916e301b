"""API for young people's records: the same queries and services as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from cairn.access.actor import Actor
from cairn.access.models import Team
from cairn.access.permissions import Perm
from cairn.access.queries import RecordNotFound
from cairn.youngpeople import services
from cairn.youngpeople.models import Gender, YoungPerson
from cairn.youngpeople.queries import young_people_list, young_person_open

router = Router(tags=["young people"])


class YoungPersonOut(Schema):
    id: int
    reference: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date | None
    estimated_age: int | None
    gender: Gender
    holding_team: str
    synthetic: bool
    version: int

    @staticmethod
    def resolve_holding_team(obj: YoungPerson) -> str:
        return str(obj.holding_team)


class YoungPersonDetailOut(YoungPersonOut):
    summary: str


class YoungPersonIn(Schema):
    given_name: str
    family_name: str
    preferred_name: str = ""
    date_of_birth: date | None = None
    estimated_age: int | None = None
    gender: Gender = Gender.NOT_KNOWN
    summary: str = ""
    holding_team_id: int


class YoungPersonPatch(Schema):
    version: int
    given_name: str | None = None
    family_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    estimated_age: int | None = None
    gender: Gender | None = None
    summary: str | None = None


def _require_casework(request: HttpRequest) -> None:
    # As on the pages: a role without casework (administrator, auditor) is refused outright.
    if not request.user.can(Perm.VIEW_PERSON_RECORDS):  # type: ignore[union-attr]
        raise PermissionDenied("Your role does not give access to person records.")


def _open(request: HttpRequest, pk: int, purpose: str) -> YoungPerson:
    _require_casework(request)
    try:
        return young_person_open(Actor.from_request(request), pk, purpose=purpose)
    except RecordNotFound as error:
        raise Http404(str(error)) from error


@router.get("", response=list[YoungPersonOut], summary="Young people visible to you")
def list_young_people(request: HttpRequest, name: str = "") -> list[YoungPerson]:
    _require_casework(request)
    return list(young_people_list(Actor.from_request(request), name=name))


@router.get("/{pk}", response=YoungPersonDetailOut, summary="One young person's record")
def get_young_person(request: HttpRequest, pk: int) -> YoungPerson:
    return _open(request, pk, "Viewed record through the API")


@router.post("", response={201: YoungPersonDetailOut}, summary="Create a young person's record")
def create_young_person(request: HttpRequest, payload: YoungPersonIn) -> Status:
    data = payload.dict()
    team = Team.objects.filter(pk=data.pop("holding_team_id")).first()
    if team is None:
        raise PermissionDenied("You can create records only for your own teams.")
    young_person = services.young_person_create(
        actor=Actor.from_request(request), holding_team=team, **data
    )
    return Status(201, young_person)


@router.patch("/{pk}", response=YoungPersonDetailOut, summary="Change a young person's record")
def update_young_person(request: HttpRequest, pk: int, payload: YoungPersonPatch) -> YoungPerson:
    young_person = _open(request, pk, "Opened record to change it through the API")
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.young_person_update(
        actor=Actor.from_request(request),
        young_person=young_person,
        expected_version=version,
        **changes,
    )
