"""The one access layer: need-to-know scoping and consultation audit for every person record.

Every view and API endpoint that shows personal data reads it through these functions (or an
app's `queries.py` built on them). A record is visible to a user who holds the permission to read
person records AND belongs to a team it is shared with, is named on a share, or holds an active
break-glass grant. Anyone else learns at most that a restricted record exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import BreakGlassGrant, RecordShare, User
from cairn.access.permissions import Perm, Role
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label

M = TypeVar("M", bound=Model)


class RecordNotFound(Exception):
    """No record with that identifier exists at all."""


class RecordRestricted(Exception):
    """The record exists, but the user has no need-to-know: they may see only its stub."""

    def __init__(self, stub: RestrictedStub) -> None:
        super().__init__(f"{stub.kind} {stub.reference} is restricted")
        self.stub = stub


@dataclass(frozen=True)
class RestrictedStub:
    """All that someone without need-to-know may learn: that a record exists."""

    kind: str
    reference: str
    model_label: str
    pk: int
    can_break_glass: bool


def reference_for(model: type[Model], pk: int) -> str:
    prefix: str = getattr(model, "REFERENCE_PREFIX", model._meta.model_name or "REC")
    return f"{prefix}-{pk:06d}"


def visible_q(user: User | None, model: type[Model]) -> Q:
    """A Q over `model` selecting the records this user may see; matches nothing if none."""
    if user is None or not user.can(Perm.VIEW_PERSON_RECORDS):
        return Q(pk__in=[])
    content_type = ContentType.objects.get_for_model(model)
    shares = (
        RecordShare.objects.active()
        .filter(content_type=content_type)
        .filter(Q(team_id__in=user.team_ids()) | Q(user=user))
        .values("object_id")
    )
    grants = BreakGlassGrant.objects.filter(
        content_type=content_type, user=user, expires_at__gt=timezone.now()
    ).values("object_id")
    return Q(pk__in=shares) | Q(pk__in=grants)


def scope(user: User | None, queryset: QuerySet[M]) -> QuerySet[M]:
    """Only the records in `queryset` that `user` may see."""
    return queryset.filter(visible_q(user, queryset.model))


def can_view(user: User | None, record: Model) -> bool:
    return (
        type(record)._default_manager.filter(visible_q(user, type(record)), pk=record.pk).exists()
    )


def audit_consultation(
    actor: Actor,
    model: type[Model],
    record_ids: Iterable[object],
    *,
    summary: str,
    detail: dict[str, Any] | None = None,
    justification: str = "",
) -> None:
    ids = list(record_ids)
    if not ids and not (detail or {}).get("search"):
        return
    audit_record(
        actor=actor,
        action=Action.CONSULTATION,
        record_type=record_label(model),
        record_ids=ids,
        summary=summary,
        detail=detail,
        justification=justification,
    )


def open_record(actor: Actor, queryset: QuerySet[M], pk: int, *, purpose: str) -> M:
    """Fetch one record for display and log the consultation; refuse with a stub otherwise."""
    model = queryset.model
    record = scope(actor.user, queryset).filter(pk=pk).first()
    if record is None:
        if not model._default_manager.filter(pk=pk).exists():
            raise RecordNotFound(f"No {model._meta.verbose_name} {pk}")
        raise RecordRestricted(restricted_stub(actor.user, model, pk))
    grant = active_break_glass(actor.user, record)
    audit_consultation(
        actor,
        model,
        [pk],
        summary=purpose,
        justification=f"Break-glass: {grant.reason}" if grant else "",
        detail={"break_glass_grant": grant.pk} if grant else None,
    )
    return record


def restricted_stub(user: User | None, model: type[Model], pk: int) -> RestrictedStub:
    return RestrictedStub(
        kind=str(model._meta.verbose_name).capitalize(),
        reference=reference_for(model, pk),
        model_label=record_label(model),
        pk=pk,
        can_break_glass=user is not None and user.can(Perm.BREAK_GLASS),
    )


def list_records(
    actor: Actor,
    queryset: QuerySet[M],
    *,
    purpose: str,
    search: dict[str, Any] | None = None,
    limit: int | None = None,
) -> Sequence[M]:
    """The visible records for a list or search page, logged as one consultation."""
    visible = scope(actor.user, queryset)
    records = list(visible[:limit] if limit else visible)
    audit_consultation(
        actor,
        queryset.model,
        [record.pk for record in records],
        summary=purpose,
        detail={"search": search} if search else None,
    )
    return records


def active_break_glass(user: User | None, record: Model) -> BreakGlassGrant | None:
    if user is None:
        return None
    return (
        BreakGlassGrant.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            user=user,
            expires_at__gt=timezone.now(),
        )
        .order_by("-expires_at")
        .first()
    )


def shares_for(record: Model) -> QuerySet[RecordShare]:
    return (
        RecordShare.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )
        .select_related("team__organisation", "user", "shared_by", "revoked_by")
        .order_by("-shared_at")
    )


def managers_of(user: User) -> list[User]:
    """Active managers in any of the user's teams (break-glass is flagged to them)."""
    candidates = (
        User.objects.filter(is_active=True, teams__in=user.team_ids())
        .exclude(pk=user.pk)
        .distinct()
    )
    return [candidate for candidate in candidates if candidate.has_role(Role.MANAGER)]


def break_glass_grants_for_review(user: User) -> QuerySet[BreakGlassGrant]:
    """Grants by members of the teams this manager belongs to."""
    if not user.can(Perm.REVIEW_BREAK_GLASS):
        return BreakGlassGrant.objects.none()
    return (
        BreakGlassGrant.objects.filter(user__teams__in=user.team_ids())
        .exclude(user=user)
        .select_related("user", "content_type", "reviewed_by")
        .distinct()
    )
