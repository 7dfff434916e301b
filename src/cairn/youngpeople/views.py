"""Pages for young people's records: list and search, create, view and change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cairn.access.actor import Actor
from cairn.access.models import Team
from cairn.access.permissions import Perm
from cairn.access.queries import RecordNotFound, RecordRestricted, shares_for
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople import services
from cairn.youngpeople.forms import SearchForm, YoungPersonCreateForm, YoungPersonForm
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.queries import young_people_list, young_person_open

_FIELDS = services.EDITABLE_FIELDS


def _require_casework(request: AuthenticatedRequest) -> None:
    if not request.user.can(Perm.VIEW_PERSON_RECORDS):
        raise PermissionDenied("Your role does not give access to person records.")


@login_required
def young_person_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_casework(request)
    form = SearchForm(request.GET or None)
    name = form.cleaned_data["name"].strip() if form.is_valid() else ""
    records = young_people_list(Actor.from_request(request), name=name)
    return render(
        request, "youngpeople/list.html", {"form": form, "young_people": records, "name": name}
    )


@login_required
@require_http_methods(["GET", "POST"])
def young_person_create(request: AuthenticatedRequest) -> HttpResponse:
    _require_casework(request)
    if not request.user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot create records.")
    teams = Team.objects.filter(members=request.user).select_related("organisation")
    form = YoungPersonCreateForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _FIELDS}
        try:
            young_person = services.young_person_create(
                actor=Actor.from_request(request),
                holding_team=form.cleaned_data["holding_team"],
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Record {young_person.reference} was created.")
            return redirect(young_person)
    return render(
        request,
        "youngpeople/form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


def _open_or_stub(request: HttpRequest, pk: int, purpose: str) -> HttpResponse | YoungPerson:
    try:
        return young_person_open(Actor.from_request(request), pk, purpose=purpose)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except RecordRestricted as restricted:
        return render(request, "access/restricted.html", {"stub": restricted.stub}, status=403)


@login_required
def young_person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_casework(request)
    opened = _open_or_stub(request, pk, "Viewed record")
    if isinstance(opened, HttpResponse):
        return opened
    context = {
        "young_person": opened,
        "shares": shares_for(opened),
        "label": "youngpeople.youngperson",
    }
    return render(request, "youngpeople/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def young_person_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_casework(request)
    opened = _open_or_stub(request, pk, "Opened record to change it")
    if isinstance(opened, HttpResponse):
        return opened
    young_person = opened
    initial = {name: getattr(young_person, name) for name in _FIELDS}
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
    return render(
        request,
        "youngpeople/form.html",
        {"form": form, "young_person": young_person, "creating": False},
        status=409
        if any("Someone else changed" in e for e in form.non_field_errors())
        else 400
        if form.errors
        else 200,
    )
