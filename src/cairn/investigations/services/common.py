"""Checks and audit shared by the investigations services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Perm
from cairn.access.queries import can_view
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.investigations.models import Investigation


def require_investigator(actor: Actor, investigation: Investigation) -> User | None:
    """The acting user may change this investigation (or it is a trusted command)."""
    if actor.is_system:
        return None
    user = actor.user
    if user is None or not user.can(Perm.EDIT_INVESTIGATIONS) or not can_view(user, investigation):
        raise PermissionDenied("You do not have permission to change this investigation.")
    return user


def require_visible(actor: Actor, record: Model | None, field: str) -> None:
    """A young person (or other person record) is added only by someone who may see it."""
    if record is None or actor.is_system:
        return
    if not can_view(actor.user, record):
        raise ValidationError({field: "You can add only records you are allowed to see"})


def require_on_investigation(
    investigation: Investigation, records: Iterable[Any], field: str, what: str
) -> None:
    strangers = [record for record in records if record.investigation_id != investigation.pk]
    if strangers:
        names = ", ".join(str(record) for record in strangers)
        raise ValidationError({field: f"{what} must be on this investigation: {names} is not"})


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def audit_investigation(
    actor: Actor,
    investigation: Investigation,
    action: Action,
    summary: str,
    **detail: Any,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type=record_label(Investigation),
        record_ids=[investigation.pk],
        summary=summary,
        detail=detail or None,
    )


def graph_later(incident_ids: Iterable[int]) -> None:
    """Bring the network graph up to date with these incidents (their victims, suspects and
    place) once the caller's transaction commits, as saving a report does."""
    from cairn.networks.services import network_update_incident_later

    for incident_id in sorted(set(incident_ids)):
        network_update_incident_later(incident_id=incident_id)
