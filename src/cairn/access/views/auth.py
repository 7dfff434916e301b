"""Sign-in, two-factor verification and enrolment, recovery codes, sign-out and lock-out."""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.access.actor import Actor
from cairn.access.forms import CodeForm, EnrolForm, SignInForm
from cairn.access.middleware import otp_verified
from cairn.audit.models import Action
from cairn.audit.services import audit_record
from cairn.core.http import AuthenticatedRequest

RECOVERY_CODES = 10
NEXT_KEY = "cairn_next"


class SignInView(auth_views.LoginView):
    template_name = "access/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


def _after_verification(request: HttpRequest) -> HttpResponse:
    next_url = request.session.pop(NEXT_KEY, "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)
    return redirect(settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedRequest) -> HttpResponse:
    if otp_verified(request.user):
        return _after_verification(request)
    if not user_has_device(request.user):
        return redirect("access:two-factor-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            audit_record(
                actor=Actor.from_request(request),
                action=Action.TWO_FACTOR,
                summary="Verified second factor"
                + (" with a recovery code" if isinstance(device, StaticDevice) else ""),
            )
            return _after_verification(request)
        audit_record(
            actor=Actor.from_request(request),
            action=Action.SIGN_IN_FAILED,
            summary="Wrong two-factor code",
        )
        form.add_error("code", _wrong_code_message(request.user))
    return render(request, "access/verify.html", {"form": form}, status=400 if form.errors else 200)


def _wrong_code_message(user: Any) -> str:
    """django-otp refuses every code for a growing pause after a wrong one; say so."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            wait = max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
            return (
                "That code is not right. After a wrong code Cairn waits before it accepts "
                f"another: try again in {wait} second{'s' if wait != 1 else ''}."
            )
    return "That code is not right. Check your app and try again."


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg: bytes = image.to_string(encoding="unicode")
    return svg if isinstance(svg, str) else svg.decode()


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, "You already have an authenticator app set up.")
        return redirect("access:account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(user)
                audit_record(
                    actor=Actor.from_request(request),
                    action=Action.TWO_FACTOR,
                    summary="Set up an authenticator app and recovery codes",
                )
            otp_login(request, device)
            return render(request, "access/recovery_codes.html", {"codes": codes})
        form.add_error(
            "code", "That code is not right. Check the time on your phone and try again."
        )
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }
    return render(request, "access/enrol.html", context, status=400 if form.errors else 200)


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required
@require_http_methods(["POST"])
def recovery_codes_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
        audit_record(
            actor=Actor.from_request(request),
            action=Action.TWO_FACTOR,
            summary="Replaced recovery codes",
        )
    return render(request, "access/recovery_codes.html", {"codes": codes})


class SignOutView(auth_views.LogoutView):
    next_page = "access:sign-in"


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Shown by django-axes after 5 failed sign-ins in 15 minutes."""
    return render(request, "access/locked_out.html", status=403)
