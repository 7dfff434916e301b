"""The one way to write to the audit trail: each entry is chained to the one before it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from cairn.access.actor import Actor
from cairn.audit.models import GENESIS_HASH, Action, AuditEntry

# Any constant works; it names the lock that serialises writers to the chain on PostgreSQL.
_CHAIN_LOCK = 0x63616972  # "cair"


def record_label(model: type[Model] | Model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def audit_record(
    *,
    actor: Actor,
    action: Action,
    record_type: str = "",
    record_ids: Iterable[object] = (),
    summary: str = "",
    detail: dict[str, Any] | None = None,
    justification: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the change it records."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        entry = AuditEntry(
            user=actor.user,
            username=actor.username,
            ip_address=actor.ip_address,
            channel=actor.channel,
            action=action,
            record_type=record_type,
            record_ids=[str(record_id) for record_id in record_ids],
            summary=summary[:300],
            detail=detail or {},
            justification=justification,
            prev_hash=last or GENESIS_HASH,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry
