"""Pages for the young person's record: create, overview, change, names, placements, contacts,
equality monitoring, allocation, closure and reopening."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Perm
from cairn.access.queries import shares_for
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople import services
from cairn.youngpeople.forms.record import (
    AliasForm,
    AllocateForm,
    CloseForm,
    EqualityForm,
    KeyContactForm,
    PlacementForm,
    ReopenForm,
    YoungPersonCreateForm,
    YoungPersonForm,
)
from cairn.youngpeople.models import Alias, EqualityMonitoring, YoungPerson
from cairn.youngpeople.queries.missing import REPEAT_COUNT, REPEAT_DAYS, repeat_episode_count
from cairn.youngpeople.views.common import case_context, case_view, casework, render_form

LABEL = "youngpeople.youngperson"
_FIELDS = services.EDITABLE_FIELDS


@casework(edit=True)
@require_http_methods(["GET", "POST"])
def young_person_create(request: AuthenticatedRequest) -> HttpResponse:
    teams = Team.objects.filter(members=request.user).select_related("organisation")
    form = YoungPersonCreateForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _FIELDS}
        try:
            young_person = services.young_person_create(
                actor=Actor.from_request(request),
                holding_team=form.cleaned_data["holding_team"],
                aliases=form.cleaned_data["aliases"].split(","),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Record {young_person.reference} was created.")
            return redirect(young_person)
    return render_form(request, "youngpeople/form.html", {"form": form, "creating": True})


@case_view("Viewed record")
def young_person_detail(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    repeat = repeat_episode_count(young_person)
    context = case_context(
        young_person,
        "overview",
        shares=shares_for(young_person),
        label=LABEL,
        aliases=young_person.aliases.all(),
        placements=young_person.placements.all(),
        key_contacts=young_person.key_contacts.all(),
        latest_assessment=young_person.risk_assessments.select_related("tool").first(),
        repeat_missing=repeat,
        repeat_flag=repeat >= REPEAT_COUNT,
        repeat_days=REPEAT_DAYS,
        has_equality=EqualityMonitoring.objects.filter(young_person=young_person).exists(),
    )
    return render(request, "youngpeople/detail.html", context)


@case_view("Opened record to change it", edit=True)
@require_http_methods(["GET", "POST"])
def young_person_update(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    initial: dict[str, Any] = {name: getattr(young_person, name) for name in _FIELDS}
    initial["version"] = young_person.version
    form = YoungPersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _FIELDS}
        try:
            services.young_person_update(
                actor=Actor.from_request(request),
                young_person=young_person,
                expected_version=form.cleaned_data["version"] or 0,
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect(young_person)
    context = case_context(young_person, "overview", form=form, creating=False)
    return render_form(request, "youngpeople/form.html", context)


def _simple_form_view(
    *,
    purpose: str,
    form_class: type[Any],
    title: str,
    save: Callable[..., Any],
    done: str,
    initial: Callable[[YoungPerson], dict[str, Any]] | None = None,
) -> Callable[..., HttpResponse]:
    """A page with one form that calls one service for the case, then returns to the overview."""

    @case_view(purpose, edit=True)
    @require_http_methods(["GET", "POST"])
    def view(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
        form = form_class(request.POST or None, initial=initial(young_person) if initial else None)
        if request.method == "POST" and form.is_valid():
            try:
                save(
                    actor=Actor.from_request(request),
                    young_person=young_person,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(young_person)
        context = case_context(young_person, "overview", form=form, title=title)
        return render_form(request, "youngpeople/case_form.html", context)

    return view


def _equality_initial(young_person: YoungPerson) -> dict[str, Any]:
    record = EqualityMonitoring.objects.filter(young_person=young_person).first()
    if record is None:
        return {}
    return {
        "ethnicity": record.ethnicity,
        "religion": record.religion,
        "nationality": record.nationality,
    }


alias_add = _simple_form_view(
    purpose="Opened record to add an alias",
    form_class=AliasForm,
    title="Add an alias or nickname",
    save=services.alias_add,
    done="Alias added.",
)
placement_add = _simple_form_view(
    purpose="Opened record to add a placement",
    form_class=PlacementForm,
    title="Add a placement or address",
    save=services.placement_add,
    done="Placement added.",
)
key_contact_add = _simple_form_view(
    purpose="Opened record to add a key contact",
    form_class=KeyContactForm,
    title="Add a key contact",
    save=services.key_contact_add,
    done="Key contact added.",
)
equality_monitoring = _simple_form_view(
    purpose="Opened equality monitoring",
    form_class=EqualityForm,
    title="Equality monitoring",
    save=services.equality_monitoring_set,
    done="Equality-monitoring data saved. It is never used to score, match or suggest.",
    initial=_equality_initial,
)
close_case = _simple_form_view(
    purpose="Opened record to close the case",
    form_class=CloseForm,
    title="Close the case",
    save=services.young_person_close,
    done="The case is closed.",
)
reopen_case = _simple_form_view(
    purpose="Opened record to reopen the case",
    form_class=ReopenForm,
    title="Reopen the case",
    save=services.young_person_reopen,
    done="The case is open again.",
)


def _workers(young_person: YoungPerson) -> QuerySet[User]:
    candidates = User.objects.filter(teams=young_person.holding_team, is_active=True).distinct()
    allowed = [user.pk for user in candidates if user.can(Perm.EDIT_PERSON_RECORDS)]
    return User.objects.filter(pk__in=allowed).order_by("first_name", "last_name")


@case_view("Opened record to allocate it", edit=True)
@require_http_methods(["GET", "POST"])
def allocate(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    form = AllocateForm(
        request.POST or None,
        workers=_workers(young_person),
        initial={"key_worker": young_person.key_worker_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.young_person_allocate(
                actor=Actor.from_request(request), young_person=young_person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Allocation saved.")
            return redirect(young_person)
    context = case_context(young_person, "overview", form=form, title="Allocate a key worker")
    return render_form(request, "youngpeople/case_form.html", context)


@case_view("Opened record to remove an alias", edit=True)
@require_POST
def alias_remove(
    request: AuthenticatedRequest, young_person: YoungPerson, alias_pk: int
) -> HttpResponse:
    alias = get_object_or_404(Alias, pk=alias_pk, young_person=young_person)
    services.alias_remove(actor=Actor.from_request(request), alias=alias)
    messages.success(request, f"Alias {alias.name} removed.")
    return redirect(young_person)


urlpatterns = [
    path("new/", young_person_create, name="create"),
    path("<int:pk>/", young_person_detail, name="detail"),
    path("<int:pk>/edit/", young_person_update, name="update"),
    path("<int:pk>/aliases/new/", alias_add, name="alias-add"),
    path("<int:pk>/aliases/<int:alias_pk>/remove/", alias_remove, name="alias-remove"),
    path("<int:pk>/placements/new/", placement_add, name="placement-add"),
    path("<int:pk>/key-contacts/new/", key_contact_add, name="key-contact-add"),
    path("<int:pk>/equality-monitoring/", equality_monitoring, name="equality"),
    path("<int:pk>/allocate/", allocate, name="allocate"),
    path("<int:pk>/close/", close_case, name="close"),
    path("<int:pk>/reopen/", reopen_case, name="reopen"),
]
