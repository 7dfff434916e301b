"""Sharing a person record with another team, and break-glass access with its review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cairn.access import services
from cairn.access.actor import Actor
from cairn.access.forms import BreakGlassForm, ReviewForm, ShareForm
from cairn.access.models import RecordShare
from cairn.access.permissions import Perm
from cairn.access.queries import (
    RecordNotFound,
    RecordRestricted,
    break_glass_grants_for_review,
    open_record,
    restricted_stub,
    shares_for,
)
from cairn.access.registry import person_record_model, record_url
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest


@login_required
@require_http_methods(["GET", "POST"])
def share(request: AuthenticatedRequest, label: str, pk: int) -> HttpResponse:
    model = person_record_model(label)
    actor = Actor.from_request(request)
    if not request.user.can(Perm.SHARE_RECORDS):
        raise PermissionDenied("You do not have permission to share records.")
    try:
        record = open_record(actor, model._default_manager.all(), pk, purpose="Opened to share")
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except RecordRestricted as restricted:
        return render(request, "access/restricted.html", {"stub": restricted.stub}, status=403)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.share_record(actor=actor, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The record is now shared with {form.cleaned_data['team']}.")
            return redirect(record_url(record))
    context = {"form": form, "record": record, "shares": shares_for(record)}
    return render(request, "access/share.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def share_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record_share = get_object_or_404(RecordShare, pk=pk)
    try:
        services.share_revoke(actor=Actor.from_request(request), share=record_share)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The record is no longer shared with {record_share.recipient}.")
    record = record_share.content_type.get_object_for_this_type(pk=record_share.object_id)
    return redirect(record_url(record))


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: AuthenticatedRequest, label: str, pk: int) -> HttpResponse:
    model = person_record_model(label)
    record = model._default_manager.filter(pk=pk).first()
    if record is None:
        raise Http404("No such record")
    if not request.user.can(Perm.BREAK_GLASS):
        raise PermissionDenied("You do not have permission to use break-glass access.")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_open(
                actor=Actor.from_request(request), record=record, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.info(request, "Break-glass access is open. Your managers have been told.")
            return redirect(record_url(record))
    context = {"form": form, "stub": restricted_stub(request.user, model, pk)}
    return render(request, "access/break_glass.html", context, status=400 if form.errors else 200)


@login_required
def break_glass_list(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.can(Perm.REVIEW_BREAK_GLASS):
        raise PermissionDenied("Only managers review break-glass access.")
    grants = break_glass_grants_for_review(request.user)[:200]
    return render(request, "access/break_glass_list.html", {"grants": grants})


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(
        break_glass_grants_for_review(request.user),
        pk=pk,
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(
                actor=Actor.from_request(request), grant=grant, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("access:break-glass-list")
    return render(
        request,
        "access/break_glass_review.html",
        {"form": form, "grant": grant},
        status=400 if form.errors else 200,
    )
