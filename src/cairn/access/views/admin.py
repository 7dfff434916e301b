"""Administration: organisations, teams and users. Administrators never read case records here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cairn.access import services
from cairn.access.actor import Actor
from cairn.access.forms import OrganisationForm, TeamForm, UserCreateForm, UserUpdateForm
from cairn.access.models import Organisation, User
from cairn.access.permissions import Perm
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest

View = Callable[..., HttpResponse]


def admin_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.can(Perm.MANAGE_USERS):
            raise PermissionDenied("Only administrators manage users and teams.")
        return view(request, *args, **kwargs)

    return wrapped


@admin_only
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    users = User.objects.select_related("organisation").prefetch_related("teams")
    return render(request, "access/admin/user_list.html", {"users": users})


@admin_only
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"User {user.username} was created.")
            return redirect("access:admin-user-list")
    status = 400 if form.errors else 200
    return render(request, "access/admin/user_form.html", {"form": form}, status=status)


@admin_only
@require_http_methods(["GET", "POST"])
def user_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    if user.organisation is None:
        messages.error(request, "This account has no organisation and cannot be edited here.")
        return redirect("access:admin-user-list")
    initial = {"teams": list(user.teams.all()), "roles": user.roles, "is_active": user.is_active}
    form = UserUpdateForm(request.POST or None, initial=initial, organisation=user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=Actor.from_request(request), user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"User {user.username} was updated.")
            return redirect("access:admin-user-list")
    context = {"form": form, "account": user}
    return render(
        request, "access/admin/user_update.html", context, status=400 if form.errors else 200
    )


@admin_only
@require_http_methods(["POST"])
def user_reset_two_factor(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    services.user_reset_two_factor(actor=Actor.from_request(request), user=user)
    messages.success(request, f"{user.username} will set up two-factor again at next sign-in.")
    return redirect("access:admin-user-update", pk=user.pk)


@admin_only
@require_http_methods(["GET", "POST"])
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=Actor.from_request(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Organisation {organisation.name} was created.")
            return redirect("access:admin-organisation-list")
    organisations = Organisation.objects.prefetch_related("teams")
    return render(
        request,
        "access/admin/organisation_list.html",
        {"form": form, "organisations": organisations},
        status=400 if form.errors else 200,
    )


@admin_only
@require_http_methods(["GET", "POST"])
def team_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                actor=Actor.from_request(request),
                organisation=organisation,
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Team {team.name} was created.")
            return redirect("access:admin-organisation-list")
    return render(
        request,
        "access/admin/team_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )
