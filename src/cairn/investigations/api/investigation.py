"""API for the list of investigations and one investigation, its suspects, victims and witnesses."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Schema

from cairn.access.models import User
from cairn.investigations.api.common import casework_actor, open_investigation, router
from cairn.investigations.models import Investigation
from cairn.investigations.queries import investigations_list, linked_people


class InvestigationOut(Schema):
    id: int
    reference: str
    operation_name: str
    offence_types: list[str]
    status: str
    team: str
    officer_in_charge: str
    started_on: date
    closed_on: date | None
    external_id: str


class PersonOut(Schema):
    """A victim or witness; their young person's record only as far as the user may see it."""

    id: int
    name_as_recorded: str
    young_person_id: int | None
    young_person_reference: str
    restricted: bool


class SuspectOut(Schema):
    id: int
    name_as_recorded: str
    date_of_birth: date | None
    estimated_age: int | None
    sex: str
    arrested_on: date | None
    person_id: int | None


class InvestigationDetailOut(InvestigationOut):
    suspects: list[SuspectOut]
    victims: list[PersonOut]
    witnesses: list[PersonOut]


class InvestigationFilter(Schema):
    mine: bool = False
    include_closed: bool = False
    search: str = ""


def _investigation(investigation: Investigation) -> dict[str, Any]:
    officer = investigation.officer_in_charge
    return {
        "id": investigation.pk,
        "reference": investigation.reference,
        "operation_name": investigation.operation_name,
        "offence_types": investigation.offence_types,
        "status": investigation.status,
        "team": str(investigation.team),
        "officer_in_charge": officer.username if officer else "",
        "started_on": investigation.started_on,
        "closed_on": investigation.closed_on,
        "external_id": investigation.external_id,
    }


def _people(user: User | None, entries: QuerySet[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": person.entry.pk,
            "name_as_recorded": person.entry.name_as_recorded,
            "young_person_id": person.young_person.pk if person.young_person else None,
            "young_person_reference": (
                person.young_person.reference
                if person.young_person
                else person.stub.reference
                if person.stub
                else ""
            ),
            "restricted": person.stub is not None,
        }
        for person in linked_people(user, list(entries))
    ]


@router.get("/", response=list[InvestigationOut])
def list_investigations(
    request: HttpRequest, filters: Query[InvestigationFilter]
) -> list[dict[str, Any]]:
    """The investigations shared with you: open ones unless `include_closed`."""
    found = investigations_list(
        casework_actor(request),
        mine=filters.mine,
        include_closed=filters.include_closed,
        search=filters.search,
    )
    return [_investigation(investigation) for investigation in found]


@router.get("/{int:pk}", response=InvestigationDetailOut)
def get_investigation(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor, investigation = open_investigation(request, pk, "Viewed investigation")
    return {
        **_investigation(investigation),
        "suspects": [
            {
                "id": suspect.pk,
                "name_as_recorded": suspect.name_as_recorded,
                "date_of_birth": suspect.date_of_birth,
                "estimated_age": suspect.estimated_age,
                "sex": suspect.sex,
                "arrested_on": suspect.arrested_on,
                "person_id": suspect.person_id,
            }
            for suspect in investigation.suspects.all()
        ],
        "victims": _people(actor.user, investigation.victims.all()),
        "witnesses": _people(actor.user, investigation.witnesses.all()),
    }
