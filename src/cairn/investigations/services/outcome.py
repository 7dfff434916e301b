"""The write path for outcomes per suspect and offence (issue 7, section 5)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.investigations.models import (
    AttritionReason,
    ChargingDecision,
    CourtResult,
    Investigation,
    Offence,
    Outcome,
    OutcomeDecider,
    OutcomeType,
    Suspect,
)
from cairn.investigations.services.common import (
    audit_investigation,
    require_investigator,
    require_on_investigation,
)

OUTCOME_RANGE = range(0, 23)


def _validate_outcome(
    *,
    outcome_type: int,
    decided_by: str,
    charging_decision: str,
    charging_decision_on: date | None,
    court_result: str,
    court_result_on: date | None,
    attrition_reason: str,
) -> OutcomeType:
    errors: dict[str, str] = {}
    kind = None
    if outcome_type not in OUTCOME_RANGE:
        errors["outcome_type"] = "The Home Office outcome type must be a number from 0 to 22"
    else:
        kind = OutcomeType.objects.filter(number=outcome_type).first()
        if kind is None:
            errors["outcome_type"] = f"Outcome type {outcome_type} is not in the reference data"
    if decided_by and decided_by not in OutcomeDecider.values:
        errors["decided_by"] = "Choose police or the Crown Prosecution Service"
    if charging_decision and charging_decision not in ChargingDecision.values:
        errors["charging_decision"] = "Choose the charging decision"
    if charging_decision and charging_decision_on is None:
        errors["charging_decision_on"] = "Enter the date of the charging decision"
    if court_result and court_result not in CourtResult.values:
        errors["court_result"] = "Choose the court result"
    if court_result and charging_decision != ChargingDecision.CHARGED:
        errors["court_result"] = "A court result needs a charge first"
    if court_result and court_result_on is None:
        errors["court_result_on"] = "Enter the date of the court result"
    if court_result_on and charging_decision_on and court_result_on < charging_decision_on:
        errors["court_result_on"] = "The court result must not be before the charge"
    today = timezone.localdate()
    for field, day in (
        ("charging_decision_on", charging_decision_on),
        ("court_result_on", court_result_on),
    ):
        if day and day > today and field not in errors:
            errors[field] = "The date must be today or in the past"
    if attrition_reason and attrition_reason not in AttritionReason.values:
        errors["attrition_reason"] = "Choose why the case fell away"
    if errors:
        raise ValidationError(errors)
    assert kind is not None
    return kind


def outcome_record(
    actor: Actor,
    *,
    investigation: Investigation,
    suspect: Suspect,
    outcome_type: int,
    offence: Offence | None = None,
    decided_on: date | None = None,
    decided_by: str = "",
    charging_decision: str = "",
    charging_decision_on: date | None = None,
    court_result: str = "",
    court_result_on: date | None = None,
    attrition_reason: str = "",
    external_id: str = "",
) -> Outcome:
    """Record the outcome for a suspect (and an offence) on this investigation."""
    require_investigator(actor, investigation)
    require_on_investigation(investigation, [suspect], "suspect", "The suspect")
    if offence is not None and offence.incident.investigation_id != investigation.pk:
        raise ValidationError({"offence": "The offence must be on this investigation"})
    if offence is not None and offence.suspect_id not in (None, suspect.pk):
        raise ValidationError({"offence": "That offence is alleged against another suspect"})
    kind = _validate_outcome(
        outcome_type=outcome_type,
        decided_by=decided_by,
        charging_decision=charging_decision,
        charging_decision_on=charging_decision_on,
        court_result=court_result,
        court_result_on=court_result_on,
        attrition_reason=attrition_reason,
    )
    outcome = Outcome(
        investigation=investigation,
        suspect=suspect,
        offence=offence,
        outcome_type=kind,
        decided_on=decided_on,
        decided_by=decided_by,
        charging_decision=charging_decision,
        charging_decision_on=charging_decision_on,
        court_result=court_result,
        court_result_on=court_result_on,
        attrition_reason=attrition_reason,
        external_id=external_id,
    )
    with transaction.atomic():
        outcome.save()
        audit_investigation(
            actor,
            investigation,
            Action.ALTERATION,
            f"Recorded outcome {kind.number} for {suspect.name_as_recorded}",
            outcome=outcome.pk,
        )
    return outcome


def outcome_update(
    actor: Actor,
    *,
    outcome: Outcome,
    outcome_type: int,
    decided_on: date | None = None,
    decided_by: str = "",
    charging_decision: str = "",
    charging_decision_on: date | None = None,
    court_result: str = "",
    court_result_on: date | None = None,
    attrition_reason: str = "",
) -> Outcome:
    require_investigator(actor, outcome.investigation)
    outcome.outcome_type = _validate_outcome(
        outcome_type=outcome_type,
        decided_by=decided_by,
        charging_decision=charging_decision,
        charging_decision_on=charging_decision_on,
        court_result=court_result,
        court_result_on=court_result_on,
        attrition_reason=attrition_reason,
    )
    outcome.decided_on, outcome.decided_by = decided_on, decided_by
    outcome.charging_decision, outcome.charging_decision_on = (
        charging_decision,
        charging_decision_on,
    )
    outcome.court_result, outcome.court_result_on = court_result, court_result_on
    outcome.attrition_reason = attrition_reason
    outcome.updated_at = timezone.now()
    with transaction.atomic():
        outcome.save()
        audit_investigation(
            actor,
            outcome.investigation,
            Action.ALTERATION,
            f"Changed outcome for {outcome.suspect.name_as_recorded}",
            outcome=outcome.pk,
        )
    return outcome
