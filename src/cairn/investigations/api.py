"""API for investigations under /api/v1/investigations/: the list and one investigation, its
evidence items, evidence matrix, outcomes and lines of enquiry.

The same queries and services as the pages, so need-to-know, permissions and the audit (on the
API channel) are the same whichever door a request comes through; errors are problem details.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import RecordNotFound
from cairn.investigations import services
from cairn.investigations.enquiry.queries import LineView, line_for, lines_of_enquiry
from cairn.investigations.enquiry.services import (
    line_of_enquiry_accept,
    line_of_enquiry_dismiss,
    lines_of_enquiry_refresh,
)
from cairn.investigations.matrix import evidence_matrix
from cairn.investigations.models import (
    EvidenceItem,
    EvidenceStatus,
    EvidenceType,
    Investigation,
    Offence,
    Outcome,
)
from cairn.investigations.queries import investigation_open, investigations_list, linked_people
from cairn.linkage.models import LocationEntity, PhoneEntity, VehicleEntity
from cairn.networks.api import NodeOut
from cairn.networks.queries import ChartNode
from cairn.youngpeople.api.common import require_casework

router = Router(tags=["investigations"])


def _actor(request: HttpRequest) -> Actor:
    """As on the pages: a role without casework (administrator, auditor) is refused outright."""
    require_casework(request)
    return Actor.from_request(request, channel="api")


def _open(request: HttpRequest, pk: int, purpose: str) -> tuple[Actor, Investigation]:
    """The investigation through the access layer; a restricted one is a 403 problem."""
    actor = _actor(request)
    try:
        return actor, investigation_open(actor, pk, purpose=purpose)
    except RecordNotFound as error:
        raise Http404(str(error)) from error


# Investigations ---------------------------------------------------------------------------------


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
        _actor(request),
        mine=filters.mine,
        include_closed=filters.include_closed,
        search=filters.search,
    )
    return [_investigation(investigation) for investigation in found]


@router.get("/{int:pk}", response=InvestigationDetailOut)
def get_investigation(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor, investigation = _open(request, pk, "Viewed investigation")
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


# Evidence ---------------------------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    evidence_type: str
    evidence_type_name: str
    source: str
    dated: date | None
    shows: str
    status: str
    independent: bool
    independence_override: str
    override_reason: str
    suspect_ids: list[int]
    incident_ids: list[int]
    phone_id: int | None
    vehicle_id: int | None
    location_id: int | None
    external_id: str


class EvidenceIn(Schema):
    evidence_type: str
    source: str
    status: str = EvidenceStatus.IDENTIFIED
    dated: date | None = None
    shows: str = ""
    suspect_ids: list[int] = []
    incident_ids: list[int] = []
    independence_override: str = ""
    override_reason: str = ""
    phone_id: int | None = None
    vehicle_id: int | None = None
    location_id: int | None = None


def _evidence(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "evidence_type": item.evidence_type.code,
        "evidence_type_name": item.evidence_type.name,
        "source": item.source,
        "dated": item.dated,
        "shows": item.shows,
        "status": item.status,
        "independent": item.is_independent,
        "independence_override": item.independence_override,
        "override_reason": item.override_reason,
        "suspect_ids": [suspect.pk for suspect in item.suspects.all()],
        "incident_ids": [incident.pk for incident in item.incidents.all()],
        "phone_id": item.phone_id,
        "vehicle_id": item.vehicle_id,
        "location_id": item.location_id,
        "external_id": item.external_id,
    }


def _on_investigation(queryset: QuerySet[Any], ids: list[int], field: str) -> list[Any]:
    """The records of this investigation with these ids; any other id is a 400, naming nothing
    of another investigation."""
    found = list(queryset.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: "Each one must be on this investigation"})
    return found


def _entity(model: type[Model], pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} has that id"})
    return found


@router.get("/{int:pk}/evidence", response=list[EvidenceOut])
def list_evidence(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    _, investigation = _open(request, pk, "Viewed investigation's evidence")
    items = investigation.evidence_items.select_related("evidence_type").prefetch_related(
        "suspects", "incidents"
    )
    return [_evidence(item) for item in items]


@router.post("/{int:pk}/evidence", response={201: EvidenceOut})
def add_evidence(request: HttpRequest, pk: int, payload: EvidenceIn) -> Status[dict[str, Any]]:
    actor, investigation = _open(request, pk, "Added evidence to an investigation")
    evidence_type = EvidenceType.objects.filter(code=payload.evidence_type).first()
    if evidence_type is None:
        raise ValidationError({"evidence_type": "Choose a type from the evidence catalogue"})
    item = services.evidence_add(
        actor,
        investigation=investigation,
        evidence_type=evidence_type,
        source=payload.source,
        status=payload.status,
        dated=payload.dated,
        shows=payload.shows,
        suspects=_on_investigation(investigation.suspects.all(), payload.suspect_ids, "suspects"),
        incidents=_on_investigation(
            investigation.incidents.all(), payload.incident_ids, "incidents"
        ),
        independence_override=payload.independence_override,
        override_reason=payload.override_reason,
        phone=_entity(PhoneEntity, payload.phone_id, "phone_id"),
        vehicle=_entity(VehicleEntity, payload.vehicle_id, "vehicle_id"),
        location=_entity(LocationEntity, payload.location_id, "location_id"),
    )
    return Status(201, _evidence(item))


# Matrix -----------------------------------------------------------------------------------------


class CellOut(Schema):
    incident_id: int
    incident: str
    alleged: bool
    status: str
    corroborated: bool
    evidence_ids: list[int]


class MatrixRowOut(Schema):
    suspect_id: int
    suspect: str
    status: str
    independently_corroborated: bool
    cells: list[CellOut]
    unplaced_evidence_ids: list[int]


class MatrixOut(Schema):
    investigation_id: int
    rows: list[MatrixRowOut]


@router.get("/{int:pk}/matrix", response=MatrixOut)
def get_matrix(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Suspects by incidents: each cell's evidence and whether an item independent of the
    child's account is in hand; per suspect, independent corroboration."""
    _, investigation = _open(request, pk, "Viewed investigation's evidence matrix")
    matrix = evidence_matrix(investigation)
    return {
        "investigation_id": investigation.pk,
        "rows": [
            {
                "suspect_id": row.suspect.pk,
                "suspect": row.suspect.name_as_recorded,
                "status": row.status,
                "independently_corroborated": row.independently_corroborated,
                "cells": [
                    {
                        "incident_id": cell.incident.pk,
                        "incident": cell.incident.title,
                        "alleged": cell.alleged,
                        "status": cell.status,
                        "corroborated": cell.corroborated,
                        "evidence_ids": [item.pk for item in cell.items],
                    }
                    for cell in row.cells
                ],
                "unplaced_evidence_ids": [item.pk for item in row.unplaced],
            }
            for row in matrix.rows
        ],
    }


# Outcomes ---------------------------------------------------------------------------------------


class OutcomeOut(Schema):
    id: int
    suspect_id: int
    offence_id: int | None
    outcome_type: int
    outcome_type_name: str
    decided_on: date | None
    decided_by: str
    charging_decision: str
    charging_decision_on: date | None
    court_result: str
    court_result_on: date | None
    attrition_reason: str
    external_id: str


class OutcomeIn(Schema):
    suspect_id: int
    outcome_type: int
    offence_id: int | None = None
    decided_on: date | None = None
    decided_by: str = ""
    charging_decision: str = ""
    charging_decision_on: date | None = None
    court_result: str = ""
    court_result_on: date | None = None
    attrition_reason: str = ""


def _outcome(outcome: Outcome) -> dict[str, Any]:
    return {
        "id": outcome.pk,
        "suspect_id": outcome.suspect_id,
        "offence_id": outcome.offence_id,
        "outcome_type": outcome.outcome_type.number,
        "outcome_type_name": outcome.outcome_type.name,
        "decided_on": outcome.decided_on,
        "decided_by": outcome.decided_by,
        "charging_decision": outcome.charging_decision,
        "charging_decision_on": outcome.charging_decision_on,
        "court_result": outcome.court_result,
        "court_result_on": outcome.court_result_on,
        "attrition_reason": outcome.attrition_reason,
        "external_id": outcome.external_id,
    }


@router.get("/{int:pk}/outcomes", response=list[OutcomeOut])
def list_outcomes(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    _, investigation = _open(request, pk, "Viewed investigation's outcomes")
    return [_outcome(outcome) for outcome in investigation.outcomes.select_related("outcome_type")]


@router.post("/{int:pk}/outcomes", response={201: OutcomeOut})
def record_outcome(request: HttpRequest, pk: int, payload: OutcomeIn) -> Status[dict[str, Any]]:
    actor, investigation = _open(request, pk, "Recorded an outcome of an investigation")
    (suspect,) = _on_investigation(investigation.suspects.all(), [payload.suspect_id], "suspect")
    offences = _on_investigation(
        Offence.objects.filter(incident__investigation=investigation),
        [payload.offence_id] if payload.offence_id else [],
        "offence",
    )
    outcome = services.outcome_record(
        actor,
        investigation=investigation,
        suspect=suspect,
        outcome_type=payload.outcome_type,
        offence=offences[0] if offences else None,
        decided_on=payload.decided_on,
        decided_by=payload.decided_by,
        charging_decision=payload.charging_decision,
        charging_decision_on=payload.charging_decision_on,
        court_result=payload.court_result,
        court_result_on=payload.court_result_on,
        attrition_reason=payload.attrition_reason,
    )
    return Status(201, _outcome(outcome))


# Lines of enquiry -------------------------------------------------------------------------------


class LegOut(Schema):
    first: NodeOut
    second: NodeOut
    link_id: int
    report_ids: list[int]
    restricted_reports: int


class LineOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    subject: NodeOut
    suspect_id: int | None
    network_id: int | None
    basis: list[LegOut]
    reason: str
    evidence_item_id: int | None
    decided_at: datetime | None
    created_at: datetime


class DismissIn(Schema):
    reason: str


def _node(node: ChartNode) -> dict[str, Any]:
    return node.as_json()


def _line(item: LineView) -> dict[str, Any]:
    line = item.line
    return {
        "id": line.pk,
        "kind": line.kind,
        "kind_label": line.get_kind_display(),
        "status": line.status,
        "subject": _node(item.subject),
        "suspect_id": line.suspect_id,
        "network_id": item.network.pk if item.network else None,
        "basis": [
            {
                "first": _node(leg.first),
                "second": _node(leg.second),
                "link_id": leg.edge,
                "report_ids": [report.pk for report in leg.reports],
                "restricted_reports": leg.restricted_reports,
            }
            for leg in item.legs
        ],
        "reason": line.reason,
        "evidence_item_id": line.evidence_item_id,
        "decided_at": line.decided_at,
        "created_at": line.created_at,
    }


def _visible_line(actor: Actor, investigation: Investigation, line_pk: int) -> LineView:
    """A line the user may see; any other is not found, so nobody learns that it exists."""
    found = line_for(actor, investigation, line_pk)
    if found is None:
        raise Http404(f"No line of enquiry {line_pk}")
    return found


@router.get("/{int:pk}/lines-of-enquiry", response=list[LineOut])
def list_lines(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """The lines of enquiry you may see: open first, then accepted and dismissed."""
    actor, investigation = _open(request, pk, "Viewed an investigation's lines of enquiry")
    return [_line(item) for item in lines_of_enquiry(actor, investigation).all]


@router.post("/{int:pk}/lines-of-enquiry/refresh", response=list[LineOut])
def refresh_lines(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Bring the lines up to date with the network and the evidence; returns those you may see."""
    actor, investigation = _open(
        request, pk, "Brought an investigation's lines of enquiry up to date"
    )
    lines_of_enquiry_refresh(actor, investigation=investigation)
    return [_line(item) for item in lines_of_enquiry(actor, investigation).all]


@router.post("/{int:pk}/lines-of-enquiry/{int:line_pk}/accept", response={201: EvidenceOut})
def accept_line(request: HttpRequest, pk: int, line_pk: int) -> Status[dict[str, Any]]:
    """Accept a line: it becomes an identified evidence item."""
    actor, investigation = _open(request, pk, "Accepted a line of enquiry")
    item = line_of_enquiry_accept(actor, line=_visible_line(actor, investigation, line_pk).line)
    return Status(201, _evidence(item))


@router.post("/{int:pk}/lines-of-enquiry/{int:line_pk}/dismiss", response=LineOut)
def dismiss_line(request: HttpRequest, pk: int, line_pk: int, payload: DismissIn) -> dict[str, Any]:
    """Dismiss a line with a reason; it is not suggested again."""
    actor, investigation = _open(request, pk, "Dismissed a line of enquiry")
    line = line_of_enquiry_dismiss(
        actor, line=_visible_line(actor, investigation, line_pk).line, reason=payload.reason
    )
    return _line(_visible_line(actor, investigation, line.pk))
