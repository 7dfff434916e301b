"""API for auditors: search the trail."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.audit.models import AuditEntry
from cairn.audit.queries import audit_search

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: datetime
    username: str
    ip_address: str | None
    channel: str
    action: str
    record_type: str
    record_ids: list[str]
    summary: str
    justification: str
    entry_hash: str


@router.get("/entries", response=list[AuditEntryOut], summary="Search the audit trail")
def search_entries(
    request: HttpRequest,
    user: str = "",
    record_type: str = "",
    record_id: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    if not request.user.can(Perm.VIEW_AUDIT):  # type: ignore[union-attr]
        raise PermissionDenied("Only auditors search the audit trail.")
    entries = audit_search(
        Actor.from_request(request),
        username=user,
        record_type=record_type,
        record_id=record_id,
        action=action,
        date_from=date_from,
        date_to=date_to,
    )
    return list(entries[: max(1, min(limit, 1000))])
