"""The write path for evidence: record an item, move it through its workflow, and override
whether it stands independently of the child's account (with a written reason)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.investigations.models import (
    EvidenceItem,
    EvidenceSource,
    EvidenceStatus,
    EvidenceType,
    Incident,
    IndependenceOverride,
    Investigation,
    Suspect,
)
from cairn.investigations.services.common import (
    audit_investigation,
    require_investigator,
    require_on_investigation,
)
from cairn.linkage.models import LocationEntity, PhoneEntity, VehicleEntity

MIN_OVERRIDE_REASON = 10


def _check_override(override: str, reason: str) -> str:
    if override not in IndependenceOverride.values:
        raise ValidationError({"independence_override": "Choose independent or dependent"})
    reason = (reason or "").strip()
    if override and len(reason) < MIN_OVERRIDE_REASON:
        raise ValidationError(
            {"override_reason": "Explain why this item's independence differs from its type"}
        )
    return reason if override else ""


def _check_item(
    investigation: Investigation,
    *,
    suspects: list[Suspect],
    incidents: list[Incident],
    source: str,
    dated: date | None,
) -> None:
    require_on_investigation(investigation, suspects, "suspects", "Suspects")
    require_on_investigation(investigation, incidents, "incidents", "Incidents")
    if source not in EvidenceSource.values:
        raise ValidationError({"source": "Choose where the evidence comes from"})
    if dated and dated > timezone.localdate():
        raise ValidationError({"dated": "The date must be today or in the past"})


def evidence_add(
    actor: Actor,
    *,
    investigation: Investigation,
    evidence_type: EvidenceType,
    source: str,
    suspects: Iterable[Suspect] = (),
    incidents: Iterable[Incident] = (),
    dated: date | None = None,
    shows: str = "",
    status: str = EvidenceStatus.IDENTIFIED,
    independence_override: str = "",
    override_reason: str = "",
    phone: PhoneEntity | None = None,
    vehicle: VehicleEntity | None = None,
    location: LocationEntity | None = None,
    external_id: str = "",
) -> EvidenceItem:
    """Record an evidence item; its suspects and incidents must be on the same investigation."""
    with transaction.atomic():
        item = evidence_item_save(
            actor,
            investigation=investigation,
            evidence_type=evidence_type,
            source=source,
            suspects=suspects,
            incidents=incidents,
            dated=dated,
            shows=shows,
            status=status,
            independence_override=independence_override,
            override_reason=override_reason,
            phone=phone,
            vehicle=vehicle,
            location=location,
            external_id=external_id,
        )
        audit_investigation(
            actor,
            investigation,
            Action.ALTERATION,
            f"Added evidence: {evidence_type.name}",
            evidence_item=item.pk,
        )
    return item


def evidence_item_save(
    actor: Actor,
    *,
    investigation: Investigation,
    evidence_type: EvidenceType,
    source: str,
    suspects: Iterable[Suspect] = (),
    incidents: Iterable[Incident] = (),
    dated: date | None = None,
    shows: str = "",
    status: str = EvidenceStatus.IDENTIFIED,
    independence_override: str = "",
    override_reason: str = "",
    phone: PhoneEntity | None = None,
    vehicle: VehicleEntity | None = None,
    location: LocationEntity | None = None,
    external_id: str = "",
) -> EvidenceItem:
    """Check and save a new evidence item inside the caller's transaction, which writes the one
    audit entry (`evidence_add`, or accepting a line of enquiry)."""
    require_investigator(actor, investigation)
    suspects, incidents = list(suspects), list(incidents)
    _check_item(investigation, suspects=suspects, incidents=incidents, source=source, dated=dated)
    if status not in EvidenceStatus.values:
        raise ValidationError({"status": "Choose the evidence status"})
    reason = _check_override(independence_override, override_reason)
    item = EvidenceItem(
        investigation=investigation,
        evidence_type=evidence_type,
        source=source,
        dated=dated,
        shows=(shows or "").strip(),
        status=status,
        status_changed_on=timezone.localdate(),
        independence_override=independence_override,
        override_reason=reason,
        phone=phone,
        vehicle=vehicle,
        location=location,
        external_id=external_id,
    )
    with transaction.atomic():
        item.save()
        item.suspects.set(suspects)
        item.incidents.set(incidents)
    return item


def evidence_update(
    actor: Actor,
    *,
    item: EvidenceItem,
    suspects: Iterable[Suspect],
    incidents: Iterable[Incident],
    source: str,
    dated: date | None,
    shows: str,
) -> EvidenceItem:
    """Change what an item is about; its status and independence have their own services."""
    investigation = item.investigation
    require_investigator(actor, investigation)
    suspects, incidents = list(suspects), list(incidents)
    _check_item(investigation, suspects=suspects, incidents=incidents, source=source, dated=dated)
    item.source, item.dated, item.shows = source, dated, (shows or "").strip()
    item.updated_at = timezone.now()
    with transaction.atomic():
        item.save(update_fields=["source", "dated", "shows", "updated_at"])
        item.suspects.set(suspects)
        item.incidents.set(incidents)
        audit_investigation(
            actor, investigation, Action.ALTERATION, "Changed evidence", evidence_item=item.pk
        )
    return item


def evidence_set_status(
    actor: Actor, *, item: EvidenceItem, status: str, on: date | None = None
) -> EvidenceItem:
    """Move an item along identified, requested, obtained, reviewed, served (or not had)."""
    require_investigator(actor, item.investigation)
    if status not in EvidenceStatus.values:
        raise ValidationError({"status": "Choose the evidence status"})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if status == item.status:
        return item
    previous = item.status
    item.status, item.status_changed_on, item.updated_at = status, on, timezone.now()
    with transaction.atomic():
        item.save(update_fields=["status", "status_changed_on", "updated_at"])
        audit_investigation(
            actor,
            item.investigation,
            Action.ALTERATION,
            f"Evidence {item.get_status_display().lower()}",
            evidence_item=item.pk,
            previous=previous,
            status=status,
        )
    return item


def evidence_override_independence(
    actor: Actor, *, item: EvidenceItem, override: str, reason: str
) -> EvidenceItem:
    """Replace the derived independence with a judgement and its written reason ("" clears)."""
    require_investigator(actor, item.investigation)
    item.override_reason = _check_override(override, reason)
    item.independence_override = override
    item.updated_at = timezone.now()
    with transaction.atomic():
        item.save(update_fields=["independence_override", "override_reason", "updated_at"])
        audit_investigation(
            actor,
            item.investigation,
            Action.ALTERATION,
            "Overrode evidence independence" if override else "Cleared independence override",
            evidence_item=item.pk,
            override=override,
        )
    return item
