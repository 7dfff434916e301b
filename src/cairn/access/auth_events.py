"""Sign-in, sign-out, failed sign-in and lock-out become audit entries (security events only)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label


def _actor(request: HttpRequest | None, user: Any = None) -> Actor:
    if request is None:
        return Actor(user=user, channel="web")
    actor = Actor.from_request(request)
    return Actor(user=user or actor.user, ip_address=actor.ip_address, channel=actor.channel)


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(actor=_actor(request, user), action=Action.SIGN_IN, summary="Signed in")


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=_actor(request, user), action=Action.SIGN_OUT, summary="Signed out")


def _account_tried(username: str) -> list[int]:
    """The account a failed or locked sign-in was aimed at, so searches by account find it."""
    return list(User.objects.filter(username=username).values_list("pk", flat=True)[:1])


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=_actor(request),
        action=Action.SIGN_IN_FAILED,
        record_type=record_label(User),
        record_ids=_account_tried(username),
        summary=f"Sign-in failed for {username}",
        detail={"username_tried": username},
    )


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any
) -> None:
    tried = (username or "")[:150]
    audit_record(
        actor=_actor(request),
        action=Action.LOCKED_OUT,
        record_type=record_label(User),
        record_ids=_account_tried(tried),
        summary=f"Account {tried} locked after repeated failed sign-ins",
        detail={"username_tried": tried},
    )
