"""The write path for correcting an investigation's entries: change a key date, witness,
incident or offence, and remove a key date, witness, incident, offence or evidence item added by
mistake. A removal needs a written reason, is audited as an erasure in the same transaction, and
is refused, saying why, when other entries rest on the entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.investigations.models import (
    EvidenceItem,
    EvidenceStatus,
    Incident,
    Investigation,
    KeyDate,
    KeyDateKind,
    LineOfEnquiry,
    Offence,
    OffenceCategory,
    Outcome,
    Suspect,
    Victim,
    Witness,
    WitnessType,
)
from cairn.investigations.services.common import (
    audit_investigation,
    graph_later,
    require_investigator,
    require_on_investigation,
    require_text,
)
from cairn.investigations.services.investigation import check_incident

MIN_REMOVAL_REASON = 10

Removable = KeyDate | Witness | Victim | Suspect | Incident | Offence | EvidenceItem


def key_date_update(
    actor: Actor, *, key_date: KeyDate, kind: str, on: date, note: str = ""
) -> KeyDate:
    require_investigator(actor, key_date.investigation)
    if kind not in KeyDateKind.values:
        raise ValidationError({"kind": "Choose what the date is for"})
    key_date.kind, key_date.on, key_date.note = kind, on, (note or "").strip()
    with transaction.atomic():
        key_date.save(update_fields=["kind", "on", "note"])
        audit_investigation(
            actor,
            key_date.investigation,
            Action.ALTERATION,
            f"Changed key date: {key_date.get_kind_display()}",
            key_date=key_date.pk,
        )
    return key_date


def witness_update(
    actor: Actor,
    *,
    witness: Witness,
    witness_type: str,
    name_as_recorded: str,
    statement_on: date | None = None,
) -> Witness:
    """Change a witness's details as recorded; the link to a young person is made when adding."""
    require_investigator(actor, witness.investigation)
    name = require_text(name_as_recorded, "name_as_recorded", "Enter the name as recorded")
    if witness_type not in WitnessType.values:
        raise ValidationError({"witness_type": "Choose the kind of witness"})
    if statement_on and statement_on > timezone.localdate():
        raise ValidationError({"statement_on": "The date must be today or in the past"})
    witness.witness_type, witness.name_as_recorded = witness_type, name
    witness.statement_on = statement_on
    with transaction.atomic():
        witness.save(update_fields=["witness_type", "name_as_recorded", "statement_on"])
        audit_investigation(
            actor, witness.investigation, Action.ALTERATION, "Changed witness", witness=witness.pk
        )
    return witness


def incident_update(
    actor: Actor,
    *,
    incident: Incident,
    title: str,
    occurred_from: date,
    occurred_to: date | None = None,
    place: str = "",
    victims: Iterable[Victim] = (),
    suspects: Iterable[Suspect] = (),
) -> Incident:
    """Change what, when and where, and who was involved; a suspect an offence of the incident
    is alleged against stays on it."""
    investigation = incident.investigation
    require_investigator(actor, investigation)
    victims, suspects = list(victims), list(suspects)
    title = check_incident(
        investigation,
        title=title,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        victims=victims,
        suspects=suspects,
    )
    accused = {offence.suspect for offence in incident.offences.select_related("suspect")}
    dropped = sorted(str(suspect) for suspect in accused - set(suspects) if suspect is not None)
    if dropped:
        raise ValidationError(
            {
                "suspects": f"An offence in this incident is alleged against {', '.join(dropped)}: "
                "change or remove that offence first"
            }
        )
    incident.title, incident.place = title, (place or "").strip()
    incident.occurred_from, incident.occurred_to = occurred_from, occurred_to
    with transaction.atomic():
        incident.save(update_fields=["title", "place", "occurred_from", "occurred_to"])
        incident.victims.set(victims)
        incident.suspects.set(suspects)
        audit_investigation(
            actor, investigation, Action.ALTERATION, "Changed incident", incident=incident.pk
        )
        graph_later([incident.pk])
    return incident


def offence_update(
    actor: Actor, *, offence: Offence, category: str, suspect: Suspect | None = None
) -> Offence:
    """Change the offence or whom it is alleged against; an outcome recorded for it keeps its
    suspect, so the suspect cannot change under it."""
    investigation = offence.incident.investigation
    require_investigator(actor, investigation)
    if category not in OffenceCategory.values:
        raise ValidationError({"category": "Choose the offence"})
    if suspect is not None:
        require_on_investigation(investigation, [suspect], "suspect", "The suspect")
    others = offence.outcomes.exclude(suspect=suspect).select_related("suspect")
    if suspect is not None and others.exists():
        names = ", ".join(sorted({str(outcome.suspect) for outcome in others}))
        raise ValidationError(
            {"suspect": f"An outcome for {names} is recorded for this offence; it stays theirs"}
        )
    offence.category, offence.suspect = category, suspect
    with transaction.atomic():
        offence.save(update_fields=["category", "suspect"])
        if suspect is not None:
            offence.incident.suspects.add(suspect)
        audit_investigation(
            actor,
            investigation,
            Action.ALTERATION,
            f"Changed offence: {offence.get_category_display()}",
            offence=offence.pk,
        )
    return offence


def _outcomes(outcomes: models.QuerySet[Outcome]) -> list[str]:
    return [
        f"the outcome for {outcome.suspect} ({outcome.outcome_type})"
        for outcome in outcomes.select_related("suspect", "outcome_type")
    ]


def removal_refusal(entry: Removable) -> str:
    """Why the entry cannot be removed (other entries rest on it), or "" when it can."""
    if isinstance(entry, Incident):
        items = [str(item) for item in entry.evidence_items.select_related("evidence_type")]
        outcomes = _outcomes(Outcome.objects.filter(offence__incident=entry))
        if items or outcomes:
            resting = [*(f"the evidence item {item}" for item in items), *outcomes]
            return (
                f"“{entry}” cannot be removed: {'; '.join(resting)} "
                f"{'points' if len(resting) == 1 else 'point'} to it. "
                "Change or remove those first."
            )
    if isinstance(entry, Victim | Suspect):
        resting = [f"the incident “{incident}”" for incident in entry.incidents.all()]
        if isinstance(entry, Suspect):
            resting += [
                f"the evidence item {item}"
                for item in entry.evidence_items.select_related("evidence_type")
            ]
            resting += _outcomes(entry.outcomes.all())
            resting += [f"the offence {offence}" for offence in entry.offences.all()]
        if resting:
            return (
                f"{entry.name_as_recorded} cannot be removed: {'; '.join(resting)} "
                f"{'names' if len(resting) == 1 else 'name'} them. "
                "Change or remove those first."
            )
    if isinstance(entry, Offence):
        outcomes = _outcomes(entry.outcomes.all())
        if outcomes:
            return (
                f"This offence cannot be removed: {'; '.join(outcomes)} is recorded for it. "
                "Change that outcome first."
            )
    if isinstance(entry, EvidenceItem):
        if entry.status == EvidenceStatus.SERVED:
            return (
                f"“{entry}” cannot be removed: it has been served on the defence, so it stays "
                "in the case's record."
            )
        lines = LineOfEnquiry.objects.filter(evidence_item=entry)
        if lines.exists():
            return (
                f"“{entry}” cannot be removed: it was accepted from the line of enquiry "
                f"“{lines.first()}”, which stays covered by it."
            )
    return ""


def _investigation(entry: Removable) -> Investigation:
    return entry.incident.investigation if isinstance(entry, Offence) else entry.investigation


def entry_remove(actor: Actor, *, entry: Removable, reason: str) -> None:
    """Remove an entry added by mistake: a written reason, one erasure entry, the same
    transaction as the delete; refused with the reason when something rests on it."""
    investigation = _investigation(entry)
    require_investigator(actor, investigation)
    reason = (reason or "").strip()
    if len(reason) < MIN_REMOVAL_REASON:
        raise ValidationError({"reason": "Explain why this entry is being removed"})
    refusal = removal_refusal(entry)
    if refusal:
        raise ValidationError(refusal)
    kind = record_label(type(entry))
    with transaction.atomic():
        removed = {"kind": kind, "id": entry.pk, "what": str(entry)}
        if isinstance(entry, Incident):
            removed["offences"] = list(entry.offences.values_list("pk", flat=True))
            graph_later([entry.pk])  # the update finds it gone and takes its links away
        entry.delete()
        audit_record(
            actor=actor,
            action=Action.ERASURE,
            record_type=record_label(Investigation),
            record_ids=[investigation.pk],
            summary=f"Removed {entry._meta.verbose_name}: {removed['what']}",
            detail={"removed": removed},
            justification=reason,
        )
