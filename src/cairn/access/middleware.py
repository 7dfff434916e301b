"""Session limits (30 minutes idle, 12 hours absolute) and the two-factor requirement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

_SIGNED_IN_AT = "cairn_signed_in_at"
_LAST_SEEN = "cairn_last_seen"
# Paths a signed-in but not yet verified user may reach.
_OPEN_PREFIXES = ("/static/", "/healthz", "/account/two-factor/", "/sign-in/", "/sign-out/")


def otp_verified(user: object) -> bool:
    """Whether this session passed its second factor (django-otp adds `is_verified`)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            now = timezone.now()
            signed_in_at = request.session.setdefault(_SIGNED_IN_AT, now.timestamp())
            last_seen = request.session.get(_LAST_SEEN, now.timestamp())
            idle = now - datetime.fromtimestamp(last_seen, tz=now.tzinfo)
            age = now - datetime.fromtimestamp(signed_in_at, tz=now.tzinfo)
            if idle > settings.CAIRN_SESSION_IDLE or age > settings.CAIRN_SESSION_ABSOLUTE:
                logout(request)
                messages.info(request, "You were signed out to protect the data in Cairn.")
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            # Only write the session when a minute has passed, to spare the database.
            if now.timestamp() - last_seen > 60 or _LAST_SEEN not in request.session:
                request.session[_LAST_SEEN] = now.timestamp()
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.CAIRN_REQUIRE_2FA
            and user.is_authenticated
            and not otp_verified(user)
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            from django_otp import user_has_device

            if request.method == "GET" and not request.headers.get("HX-Request"):
                request.session["cairn_next"] = request.get_full_path()
            if user_has_device(user):
                return redirect("access:verify")
            return redirect("access:two-factor-enrol")
        return self.get_response(request)
