"""Checks and audit shared by the young-people services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Perm
from cairn.access.queries import can_view
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.youngpeople.models import YoungPerson


def require_editor(actor: Actor, young_person: YoungPerson) -> User | None:
    """The acting user may change this young person's case (or it is a trusted command)."""
    if actor.is_system:
        return None
    user = actor.user
    if user is None or not user.can(Perm.EDIT_PERSON_RECORDS) or not can_view(user, young_person):
        raise PermissionDenied("You do not have permission to change this record.")
    return user


def audit_case(
    actor: Actor,
    young_person: YoungPerson,
    action: Action,
    summary: str,
    **detail: Any,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type=record_label(YoungPerson),
        record_ids=[young_person.pk],
        summary=summary,
        detail=detail or None,
    )
