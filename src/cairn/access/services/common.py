"""Who may make a change: the permission checks the access write path shares."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Perm


def require(actor: Actor, perm: Perm) -> User:
    if actor.user is None or not actor.user.can(perm):
        raise PermissionDenied(f"You do not have permission to {Perm(perm).label.lower()}.")
    return actor.user


def require_admin(actor: Actor) -> User | None:
    """An administrator, or an operator's command on the server (which has no user)."""
    return None if actor.is_system else require(actor, Perm.MANAGE_USERS)
