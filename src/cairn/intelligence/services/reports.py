"""Recording and changing intelligence reports, and linking them to young people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import Organisation, Team, User
from cairn.access.permissions import Perm, Role
from cairn.access.queries import can_view
from cairn.access.services import grant_owner_access
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import (
    DEFAULT_SOURCE_ROLES,
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceReport,
    ReportYoungPerson,
    SourceEvaluation,
    SourceType,
)
from cairn.intelligence.services.mentions import Row, build_mentions, save_mentions
from cairn.linkage.services import link_report_later
from cairn.networks.services import network_update_later
from cairn.youngpeople.models import YoungPerson

EDITABLE_FIELDS = (
    "reported_at",
    "source_organisation",
    "source_type",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
    "source_roles",
    "narrative",
)
STALE = (
    "Someone else changed this report after you opened it. "
    "Reload it to see their changes, then make yours again."
)


def _audit(
    actor: Actor, report: IntelligenceReport, action: Action, summary: str, **detail: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type=record_label(IntelligenceReport),
        record_ids=[report.pk],
        summary=summary,
        detail=detail or None,
    )


def _require_editor(actor: Actor) -> User | None:
    if actor.is_system:
        return None
    user = actor.user
    if user is None or not user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("You do not have permission to record intelligence.")
    return user


def validate_grading(
    *,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str,
    source_roles: Sequence[str],
) -> dict[str, str]:
    """3x5x2 only: 5x5x5 grades are kept when imported but never accepted as new."""
    errors: dict[str, str] = {}
    if source_evaluation not in SourceEvaluation.values:
        errors["source_evaluation"] = (
            "Source evaluation must be 1, 2 or 3 (3x5x2 grading); 5x5x5 grades are kept only "
            "on imported reports"
        )
    if intelligence_assessment not in IntelligenceAssessment.values:
        errors["intelligence_assessment"] = (
            "Intelligence assessment must be A, B, C, D or E (3x5x2 grading)"
        )
    if handling_code not in HandlingCode.values:
        errors["handling_code"] = "Handling code must be P or C (3x5x2 grading)"
    elif handling_code == HandlingCode.CONDITIONS:
        if not (handling_conditions or "").strip():
            errors["handling_conditions"] = "Enter the handling conditions for handling code C"
        unknown = set(source_roles) - set(Role.values)
        if unknown:
            errors["source_roles"] = f"Unknown roles: {', '.join(sorted(unknown))}"
    return errors


def _validate_report(report: IntelligenceReport) -> None:
    errors = validate_grading(
        source_evaluation=report.source_evaluation,
        intelligence_assessment=report.intelligence_assessment,
        handling_code=report.handling_code,
        handling_conditions=report.handling_conditions,
        source_roles=report.source_roles,
    )
    if report.source_type not in SourceType.values:
        errors["source_type"] = "Select who the source is"
    if not isinstance(report.reported_at, datetime):
        errors["reported_at"] = "Enter the date and time of the report"
    elif report.reported_at > timezone.now():
        errors["reported_at"] = "The date and time of the report must be in the past"
    if not (report.narrative or "").strip():
        errors["narrative"] = "Enter what was reported"
    if errors:
        raise ValidationError(errors)
    if report.handling_code == HandlingCode.CONDITIONS:
        report.source_roles = sorted(set(report.source_roles or DEFAULT_SOURCE_ROLES))
    else:
        report.handling_conditions = ""
        report.source_roles = []


def not_shared(reference: str) -> str:
    """The same words whether the record is hidden or does not exist, revealing neither."""
    return f"No young person {reference} is shared with you"


def _visible_young_people(actor: Actor, young_people: Iterable[YoungPerson]) -> list[YoungPerson]:
    chosen = list(young_people)
    if actor.is_system:
        return chosen
    for young_person in chosen:
        if not can_view(actor.user, young_person):
            raise ValidationError({"young_people": not_shared(young_person.reference)})
    return chosen


def _link_people_later(report: IntelligenceReport) -> None:
    """Link the report's person mentions once it commits, so entity pages are current.

    Bulk imports write reports without this service and are followed by `cairn link run`.
    """
    if settings.CAIRN_LINK_ON_SAVE:
        link_report_later(report_id=report.pk)
        network_update_later(report_id=report.pk)


def report_create(
    *,
    actor: Actor,
    owning_team: Team,
    reported_at: datetime,
    source_type: str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    narrative: str,
    source_organisation: Organisation | None = None,
    handling_conditions: str = "",
    source_roles: Sequence[str] = (),
    young_people: Iterable[YoungPerson] = (),
    people: Sequence[Row] = (),
    phones: Sequence[Row] = (),
    vehicles: Sequence[Row] = (),
    locations: Sequence[Row] = (),
    events: Sequence[Row] = (),
    external_id: str = "",
    synthetic: bool = False,
) -> IntelligenceReport:
    user = _require_editor(actor)
    if user is not None and owning_team.pk not in user.team_ids():
        raise PermissionDenied("You can record intelligence only for your own teams.")
    report = IntelligenceReport(
        owning_team=owning_team,
        recorded_by=user,
        reported_at=reported_at,
        source_organisation=source_organisation,
        source_type=source_type,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        handling_conditions=handling_conditions,
        source_roles=list(source_roles),
        narrative=narrative,
        external_id=external_id,
        synthetic=synthetic,
    )
    errors: dict[str, list[str]] = {}
    try:
        _validate_report(report)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        built = build_mentions(
            people=people, phones=phones, vehicles=vehicles, locations=locations, events=events
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    linked = _visible_young_people(actor, young_people)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report.save()
        grant_owner_access(record=report, team=owning_team, actor=actor)
        save_mentions(report, built)
        counts = {kind: len(rows) for kind, rows in built.items()}
        _audit(actor, report, Action.COLLECTION, "Recorded intelligence report", mentions=counts)
        for young_person in linked:
            _link(actor, report, young_person)
        _link_people_later(report)
    return report


def report_update(
    *, actor: Actor, report: IntelligenceReport, expected_version: int, **fields: Any
) -> IntelligenceReport:
    _require_editor(actor)
    if not actor.is_system and not can_view(actor.user, report):
        raise PermissionDenied("You do not have permission to change this report.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    saved = {name: getattr(report, name) for name in EDITABLE_FIELDS}
    for name, value in fields.items():
        setattr(report, name, value)
    try:
        _validate_report(report)
        changed = [name for name in EDITABLE_FIELDS if getattr(report, name) != saved[name]]
        with transaction.atomic():
            # Optimistic locking: a stale edit never overwrites someone else's newer one.
            updated = IntelligenceReport.objects.filter(
                pk=report.pk, version=expected_version
            ).update(
                **{name: getattr(report, name) for name in changed},
                version=expected_version + 1,
                updated_at=timezone.now(),
            )
            if not updated:
                raise ValidationError(STALE)
            _audit(actor, report, Action.ALTERATION, "Changed intelligence report", fields=changed)
            if changed:
                _link_people_later(report)
    except ValidationError:
        report.refresh_from_db()
        raise
    report.version = expected_version + 1
    return report


def _link(actor: Actor, report: IntelligenceReport, young_person: YoungPerson) -> None:
    _, created = ReportYoungPerson.objects.get_or_create(
        report=report, young_person=young_person, defaults={"linked_by": actor.user}
    )
    if created:
        audit_record(
            actor=actor,
            action=Action.COMBINATION,
            record_type=record_label(IntelligenceReport),
            record_ids=[report.pk],
            summary=f"Linked intelligence report {report.reference} to {young_person.reference}",
            detail={"young_person": young_person.pk},
        )


def report_link_young_person(
    *, actor: Actor, report: IntelligenceReport, young_person: YoungPerson
) -> None:
    """Link a report to a young person both are visible to the user."""
    _require_editor(actor)
    if not actor.is_system and not can_view(actor.user, report):
        raise PermissionDenied("You do not have permission to change this report.")
    (young_person,) = _visible_young_people(actor, [young_person])
    with transaction.atomic():
        _link(actor, report, young_person)
