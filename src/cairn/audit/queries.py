"""Reads of the audit trail, for auditors and for "who has seen this record"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Perm
from cairn.access.queries import can_view
from cairn.audit.models import Action, AuditEntry
from cairn.audit.services import audit_record, record_label


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_search(
    actor: Actor,
    *,
    username: str = "",
    record_type: str = "",
    record_id: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Auditors' search. The search itself is logged, with its terms."""
    user = actor.user
    if user is None or not user.can(Perm.VIEW_AUDIT):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.all()
    terms: dict[str, Any] = {}
    if username:
        entries = entries.filter(username=username)
        terms["user"] = username
    if record_type:
        entries = entries.filter(record_type=record_type)
        terms["record_type"] = record_type
    if record_id:
        # JSON containment differs by database; record ids are stored as strings.
        entries = entries.filter(record_ids__icontains=f'"{record_id}"')
        terms["record_id"] = record_id
    if action:
        entries = entries.filter(action=action)
        terms["action"] = action
    if date_from:
        entries = entries.filter(at__gte=_start(date_from))
        terms["from"] = date_from.isoformat()
    if date_to:
        entries = entries.filter(at__lt=_start(date_to + timedelta(days=1)))
        terms["to"] = date_to.isoformat()
    audit_record(
        actor=actor,
        action=Action.CONSULTATION,
        record_type=record_label(AuditEntry),
        summary="Searched the audit trail",
        detail={"search": terms},
    )
    return entries.order_by("-id")


def record_history(actor: Actor, record: Model) -> QuerySet[AuditEntry]:
    """Everyone who has seen or changed a record: for auditors and for those who hold it."""
    user = actor.user
    if user is None or not (user.can(Perm.VIEW_AUDIT) or can_view(user, record)):
        return AuditEntry.objects.none()
    label = record_label(record)
    audit_record(
        actor=actor,
        action=Action.CONSULTATION,
        record_type=record_label(AuditEntry),
        summary=f"Viewed who has seen {label} {record.pk}",
        detail={"record_type": label, "record_id": str(record.pk)},
    )
    return (
        AuditEntry.objects.filter(record_type=label, record_ids__icontains=f'"{record.pk}"')
        .exclude(action__in=[Action.SIGN_IN, Action.SIGN_OUT])
        .order_by("-id")
    )


def usernames() -> list[str]:
    return list(User.objects.order_by("username").values_list("username", flat=True))
