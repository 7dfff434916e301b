"""The signed-in user's own account: two-factor status, API tokens and notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.access import services
from cairn.access.actor import Actor
from cairn.access.forms import TokenForm
from cairn.access.models import Notification, PersonalAccessToken
from cairn.access.permissions import Perm
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    context = {
        "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "recovery_codes_left": StaticToken.objects.filter(device__user=user).count(),
        "tokens": PersonalAccessToken.objects.filter(user=user),
        "can_use_api": user.can(Perm.USE_API),
    }
    return render(request, "access/account.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.can(Perm.USE_API):
        raise PermissionDenied("Your role cannot create API tokens.")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(
                actor=Actor.from_request(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "access/token_created.html", {"token": token, "raw": raw})
    return render(
        request, "access/token_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["POST"])
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(PersonalAccessToken, pk=pk, user=request.user)
    services.token_revoke(actor=Actor.from_request(request), token=token)
    messages.success(request, f"Token {token.name} was revoked.")
    return redirect("access:account")


@login_required
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    items = Notification.objects.filter(recipient=request.user)[:100]
    return render(request, "access/notifications.html", {"notifications": items})


@login_required
@require_http_methods(["POST"])
def notification_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(actor=Actor.from_request(request), notification=notification)
    if notification.url:
        return redirect(notification.url)
    return redirect("access:notifications")
