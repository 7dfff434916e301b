"""Personal API tokens: made by their user, stored only as a digest, revoked by their user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import PersonalAccessToken, TokenScope
from cairn.access.permissions import Perm
from cairn.access.services.common import require
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label

TOKEN_PREFIX = "cairn_"


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def token_create(
    *, actor: Actor, name: str, scope: str, days: int
) -> tuple[PersonalAccessToken, str]:
    """Returns the stored token and the raw value, which is shown once and never kept."""
    user = require(actor, Perm.USE_API)
    if scope not in TokenScope.values:
        raise ValidationError({"scope": "Choose read only, or read and write"})
    if not 1 <= days <= 365:
        raise ValidationError({"days": "A token must expire within 1 to 365 days"})
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = PersonalAccessToken.objects.create(
            user=user,
            name=name.strip() or "API token",
            prefix=prefix,
            digest=token_digest(raw),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action=Action.ADMINISTRATION,
            record_type=record_label(PersonalAccessToken),
            record_ids=[token.pk],
            summary=f"Created API token {token.name} ({token.get_scope_display()})",
        )
    return token, raw


def token_revoke(*, actor: Actor, token: PersonalAccessToken) -> None:
    if actor.user is None or token.user_id != actor.user.pk:
        raise PermissionDenied("That token is not yours.")
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=Action.ADMINISTRATION,
            record_type=record_label(PersonalAccessToken),
            record_ids=[token.pk],
            summary=f"Revoked API token {token.name}",
        )
