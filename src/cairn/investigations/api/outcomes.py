"""API for an investigation's outcomes: the list, and recording one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status

from cairn.investigations import services
from cairn.investigations.api.common import on_investigation, open_investigation, router
from cairn.investigations.models import Offence, Outcome


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
    _, investigation = open_investigation(request, pk, "Viewed investigation's outcomes")
    return [_outcome(outcome) for outcome in investigation.outcomes.select_related("outcome_type")]


@router.post("/{int:pk}/outcomes", response={201: OutcomeOut})
def record_outcome(request: HttpRequest, pk: int, payload: OutcomeIn) -> Status[dict[str, Any]]:
    actor, investigation = open_investigation(
        request, pk, "Recorded an outcome of an investigation"
    )
    (suspect,) = on_investigation(investigation.suspects.all(), [payload.suspect_id], "suspect")
    offences = on_investigation(
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
