"""The write path for lines of enquiry: bring them up to date, accept one, dismiss one.

Suggestions are stored for the investigation as the graph makes them, whoever may see them;
`queries.py` decides who is shown which. A dismissed suggestion keeps its row, so it never comes
back; an accepted one keeps its row and its evidence item, so it stays covered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.investigations import reference
from cairn.investigations.enquiry.graph import PHONE, VEHICLE
from cairn.investigations.enquiry.queries import line_visible
from cairn.investigations.enquiry.suggest import Suggestion, suggestions_for
from cairn.investigations.models import (
    EvidenceItem,
    EvidenceSource,
    EvidenceType,
    Investigation,
    LineOfEnquiry,
    LineOfEnquiryKind,
    LineOfEnquiryStatus,
)
from cairn.investigations.services.common import (
    audit_investigation,
    require_investigator,
    require_text,
)
from cairn.investigations.services.evidence import evidence_item_save

# The evidence type each kind of line asks for, and where such evidence comes from.
EVIDENCE_FOR: dict[str, tuple[str, str]] = {
    LineOfEnquiryKind.CALL_DATA: (reference.CALL_DATA, EvidenceSource.THIRD_PARTY),
    LineOfEnquiryKind.ANPR: (reference.ANPR, EvidenceSource.POLICE),
    LineOfEnquiryKind.VENUE_RECORDS: (reference.VENUE_RECORDS, EvidenceSource.THIRD_PARTY),
    # Another child's account rests on a child, like the victim's own.
    LineOfEnquiryKind.YOUNG_PERSON: ("witness_statement", EvidenceSource.CHILD),
}
# What the evidence item says it is for; never a young person's name or reference.
SHOWS: dict[str, str] = {
    LineOfEnquiryKind.CALL_DATA: "Call data and cell-site for {subject}, linked to a suspect "
    "and a victim (line of enquiry)",
    LineOfEnquiryKind.ANPR: "ANPR reads of {subject}, seen with a victim (line of enquiry)",
    LineOfEnquiryKind.VENUE_RECORDS: "Registers, bookings or orders of {subject}, a hotspot "
    "of the network (line of enquiry)",
    LineOfEnquiryKind.YOUNG_PERSON: "Another young person tied to the network who may be a "
    "victim or witness: approach only through their key worker (line of enquiry)",
}


@dataclass
class RefreshSummary:
    found: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    covered: int = 0


def _covered(investigation: Investigation) -> set[tuple[str, str]]:
    """(kind, subject) pairs an evidence item of the investigation already asks for."""
    covered: set[tuple[str, str]] = set()
    items = EvidenceItem.objects.filter(investigation=investigation).values_list(
        "evidence_type__code", "phone_id", "vehicle_id", "location_id"
    )
    for code, phone, vehicle, location in items:
        if code == reference.CALL_DATA and phone:
            covered.add((LineOfEnquiryKind.CALL_DATA, f"{PHONE}:{phone}"))
        if code == reference.ANPR and vehicle:
            covered.add((LineOfEnquiryKind.ANPR, f"{VEHICLE}:{vehicle}"))
        if code == reference.VENUE_RECORDS and location:
            covered.add((LineOfEnquiryKind.VENUE_RECORDS, f"location:{location}"))
    return covered


def _subjects(suggestion: Suggestion) -> dict[str, int | None]:
    kind, node_id = suggestion.subject
    return {
        "phone_id": node_id if kind == "phone" else None,
        "vehicle_id": node_id if kind == "vehicle" else None,
        "location_id": node_id if kind == "location" else None,
        "young_person_id": node_id if kind == "young_person" else None,
    }


def lines_of_enquiry_refresh(actor: Actor, *, investigation: Investigation) -> RefreshSummary:
    """Bring the investigation's open suggestions up to date with the graph and its evidence.

    New ones are added, open ones get their latest basis, and open ones the graph no longer
    supports, or that an evidence item now covers, go. Accepted and dismissed ones stay as
    decided. Audited as a combination of records.
    """
    require_investigator(actor, investigation)
    found = suggestions_for(investigation)
    covered = _covered(investigation)
    summary = RefreshSummary(found=len(found))
    with transaction.atomic():
        # One refresh of an investigation at a time: a line without a suspect has no unique
        # row to lock, so two at once could both add it.
        list(Investigation.objects.select_for_update().filter(pk=investigation.pk).values("pk"))
        existing = {
            (line.kind, line.subject_key, line.suspect_id): line
            for line in LineOfEnquiry.objects.select_for_update().filter(
                investigation=investigation
            )
        }
        wanted = set()
        for suggestion in found:
            if (suggestion.kind, suggestion.subject_key) in covered:
                summary.covered += 1
                continue
            wanted.add(suggestion.key)
            line = existing.get(suggestion.key)
            if line is None:
                LineOfEnquiry.objects.create(
                    investigation=investigation,
                    suspect_id=suggestion.suspect_id,
                    kind=suggestion.kind,
                    subject_key=suggestion.subject_key,
                    basis=suggestion.basis(),
                    **_subjects(suggestion),
                )
                summary.created += 1
            elif line.status == LineOfEnquiryStatus.OPEN and line.basis != suggestion.basis():
                line.basis = suggestion.basis()
                line.save(update_fields=["basis"])
                summary.updated += 1
        stale = [
            line.pk
            for key, line in existing.items()
            if line.status == LineOfEnquiryStatus.OPEN and key not in wanted
        ]
        LineOfEnquiry.objects.filter(pk__in=stale).delete()
        summary.removed = len(stale)
        audit_investigation(
            actor,
            investigation,
            Action.COMBINATION,
            "Brought the lines of enquiry up to date from the network",
            **asdict(summary),
        )
    return summary


def _decidable(actor: Actor, line: LineOfEnquiry) -> LineOfEnquiry:
    """The line, locked, if the actor may decide it and it is still open."""
    require_investigator(actor, line.investigation)
    if not actor.is_system and not line_visible(actor.user, line):
        raise PermissionDenied("This line of enquiry rests on records not shared with you.")
    locked = LineOfEnquiry.objects.select_for_update().get(pk=line.pk)
    if locked.status != LineOfEnquiryStatus.OPEN:
        decided = locked.get_status_display().lower()
        raise ValidationError({"status": f"This line of enquiry has already been {decided}"})
    return locked


def _decide(
    actor: Actor,
    line: LineOfEnquiry,
    status: LineOfEnquiryStatus,
    *,
    also: str = "",
    **changes: Any,
) -> None:
    """Record the decision on the (locked) line, audited with what it changed (one entry,
    naming `also` what else the decision did)."""
    line.status = status
    line.decided_by = actor.user
    line.decided_at = timezone.now()
    for field, value in changes.items():
        setattr(line, field, value)
    line.save(update_fields=["status", "decided_by", "decided_at", *changes])
    detail = {field: getattr(value, "pk", value) for field, value in changes.items()}
    audit_investigation(
        actor,
        line.investigation,
        Action.ALTERATION,
        f"{status.label} a line of enquiry: {line.get_kind_display()}{also}",
        line_of_enquiry=line.pk,
        **detail,
    )


def line_of_enquiry_accept(actor: Actor, *, line: LineOfEnquiry) -> EvidenceItem:
    """Accept a suggestion: it becomes an "identified" evidence item about its phone, vehicle
    or place, for its suspect."""
    code, source = EVIDENCE_FOR[line.kind]
    with transaction.atomic():
        locked = _decidable(actor, line)
        subject = locked.phone or locked.vehicle or locked.location
        item = evidence_item_save(
            actor,
            investigation=locked.investigation,
            evidence_type=EvidenceType.objects.get(code=code),
            source=source,
            suspects=[locked.suspect] if locked.suspect else [],
            shows=SHOWS[locked.kind].format(subject=subject or ""),
            phone=locked.phone,
            vehicle=locked.vehicle,
            location=locked.location,
        )
        _decide(
            actor,
            locked,
            LineOfEnquiryStatus.ACCEPTED,
            also=f"; added evidence: {item.evidence_type.name}",
            evidence_item=item,
        )
    return item


def line_of_enquiry_dismiss(actor: Actor, *, line: LineOfEnquiry, reason: str) -> LineOfEnquiry:
    """Dismiss a suggestion with a reason; it does not come back when the lines are refreshed."""
    reason = require_text(reason, "reason", "Enter why this line of enquiry is dismissed")
    with transaction.atomic():
        locked = _decidable(actor, line)
        _decide(actor, locked, LineOfEnquiryStatus.DISMISSED, reason=reason)
    return locked
