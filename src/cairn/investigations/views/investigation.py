"""Pages for the investigation itself: list, open, overview, change, key dates and people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Perm
from cairn.access.queries import RecordNotFound, RecordRestricted
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.investigations import services
from cairn.investigations.forms import (
    InvestigationCreateForm,
    InvestigationFilterForm,
    InvestigationForm,
    KeyDateForm,
    SuspectForm,
    VictimEditForm,
    VictimForm,
    WitnessEditForm,
    WitnessForm,
)
from cairn.investigations.models import Investigation, KeyDate, Suspect, Victim, Witness
from cairn.investigations.queries import investigations_list, linked_people
from cairn.investigations.services.investigation import (
    INVESTIGATION_FIELDS,
    SUSPECT_FIELDS,
    VICTIM_FIELDS,
)
from cairn.investigations.views.common import (
    entry_form_page,
    form_page,
    investigation_page,
    page_context,
    posted,
    remove_page,
    require_investigations,
)
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.queries import young_person_open
from cairn.youngpeople.views.common import render_form


@login_required
@require_GET
def investigation_list(request: AuthenticatedRequest) -> HttpResponse:
    require_investigations(request)
    mine = request.GET.get("show") == "mine"
    form = InvestigationFilterForm(
        request.GET or None, officers=_officers(list(request.user.team_ids()))
    )
    filters: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    investigations = investigations_list(
        Actor.from_request(request),
        mine=mine,
        include_closed=bool(filters.get("closed")),
        search=filters.get("q", ""),
        status=filters.get("status", ""),
        offence_type=filters.get("offence", ""),
        officer=filters.get("officer"),
    )
    context = {
        "form": form,
        "investigations": investigations,
        "mine": mine,
        "filtered": any(filters.values()),
        "can_create": request.user.can(Perm.EDIT_INVESTIGATIONS),
    }
    return render(request, "investigations/list.html", context, status=400 if form.errors else 200)


def _officers(team_ids: list[int]) -> QuerySet[User]:
    candidates = User.objects.filter(teams__in=team_ids, is_active=True).distinct()
    allowed = [user.pk for user in candidates if user.can(Perm.EDIT_INVESTIGATIONS)]
    return User.objects.filter(pk__in=allowed).order_by("first_name", "last_name")


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in INVESTIGATION_FIELDS if name in data}


@login_required
@require_http_methods(["GET", "POST"])
def investigation_create(request: AuthenticatedRequest) -> HttpResponse:
    require_investigations(request, edit=True)
    teams = Team.objects.filter(members=request.user).select_related("organisation")
    form = InvestigationCreateForm(
        posted(request),
        teams=teams,
        officers=_officers(list(request.user.team_ids())),
        initial={"officer_in_charge": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = _fields(form.cleaned_data)
        try:
            investigation = services.investigation_create(
                Actor.from_request(request),
                team=form.cleaned_data["team"],
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Investigation {investigation.reference} was opened.")
            return redirect(investigation)
    return render_form(
        request, "investigations/create.html", {"form": form, "title": "Open an investigation"}
    )


@investigation_page("Viewed investigation")
def investigation_detail(
    request: AuthenticatedRequest, investigation: Investigation
) -> HttpResponse:
    user = request.user
    context = page_context(
        request,
        investigation,
        "overview",
        key_dates=investigation.key_dates.all(),
        victims=linked_people(user, list(investigation.victims.all())),
        suspects=investigation.suspects.select_related("person"),
        witnesses=linked_people(user, list(investigation.witnesses.all())),
    )
    return render(request, "investigations/detail.html", context)


@investigation_page("Opened investigation to change it", edit=True)
@require_http_methods(["GET", "POST"])
def investigation_update(
    request: AuthenticatedRequest, investigation: Investigation
) -> HttpResponse:
    initial = {name: getattr(investigation, name) for name in INVESTIGATION_FIELDS}
    form = InvestigationForm(
        posted(request), initial=initial, officers=_officers([investigation.team_id])
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.investigation_update(
                Actor.from_request(request),
                investigation=investigation,
                **_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect(investigation)
    context = page_context(
        request, investigation, "overview", form=form, title="Change the investigation"
    )
    return render_form(request, "investigations/form.html", context)


def _young_person(actor: Actor, pk: int | None, role: str) -> YoungPerson | None:
    """The young person named by reference, read through the access layer."""
    if pk is None:
        return None
    try:
        return young_person_open(actor, pk, purpose=f"Linked to an investigation as a {role}")
    except (RecordNotFound, RecordRestricted) as error:
        message = "You can link only records you are allowed to see"
        if isinstance(error, RecordNotFound):
            message = "There is no record with that reference"
        raise ValidationError({"young_person": message}) from error


def _save_victim(actor: Actor, investigation: Investigation, data: dict[str, Any]) -> Any:
    young_person = _young_person(actor, data.pop("young_person"), "victim")
    return services.victim_add(
        actor, investigation=investigation, young_person=young_person, **data
    )


def _save_witness(actor: Actor, investigation: Investigation, data: dict[str, Any]) -> Any:
    young_person = _young_person(actor, data.pop("young_person"), "witness")
    return services.witness_add(
        actor, investigation=investigation, young_person=young_person, **data
    )


key_date_add = form_page(
    purpose="Opened investigation to add a key date",
    form_class=KeyDateForm,
    title="Add a key date",
    section="overview",
    save=lambda actor, investigation, data: services.key_date_add(
        actor, investigation=investigation, **data
    ),
    done="Key date added.",
)
victim_add = form_page(
    purpose="Opened investigation to add a victim",
    form_class=VictimForm,
    title="Add a victim",
    section="overview",
    save=_save_victim,
    done="Victim added.",
)
suspect_add = form_page(
    purpose="Opened investigation to add a suspect",
    form_class=SuspectForm,
    title="Add a suspect",
    section="overview",
    save=lambda actor, investigation, data: services.suspect_add(
        actor, investigation=investigation, **data
    ),
    done="Suspect added.",
)
witness_add = form_page(
    purpose="Opened investigation to add a witness",
    form_class=WitnessForm,
    title="Add a witness",
    section="overview",
    save=_save_witness,
    done="Witness added.",
)


def _details(fields: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    return lambda entry: {name: getattr(entry, name) for name in fields}


victim_update = entry_form_page(
    purpose="Opened investigation to change a victim",
    model=Victim,
    form_class=VictimEditForm,
    title="Change a victim's details",
    section="overview",
    save=lambda actor, victim, data: services.victim_update(actor, victim=victim, **data),
    initial=_details(VICTIM_FIELDS),
    done="Victim's details changed.",
)
suspect_update = entry_form_page(
    purpose="Opened investigation to change a suspect",
    model=Suspect,
    form_class=SuspectForm,
    title="Change a suspect's details",
    section="overview",
    save=lambda actor, suspect, data: services.suspect_update(actor, suspect=suspect, **data),
    initial=_details(SUSPECT_FIELDS),
    done="Suspect's details changed.",
)

key_date_update = entry_form_page(
    purpose="Opened investigation to change a key date",
    model=KeyDate,
    form_class=KeyDateForm,
    title="Change a key date",
    section="overview",
    save=lambda actor, key_date, data: services.key_date_update(actor, key_date=key_date, **data),
    initial=_details(("kind", "on", "note")),
    done="Key date changed.",
)
witness_update = entry_form_page(
    purpose="Opened investigation to change a witness",
    model=Witness,
    form_class=WitnessEditForm,
    title="Change a witness's details",
    section="overview",
    save=lambda actor, witness, data: services.witness_update(actor, witness=witness, **data),
    initial=_details(("witness_type", "name_as_recorded", "statement_on")),
    done="Witness's details changed.",
)
key_date_remove = remove_page(model=KeyDate, what="a key date", section="overview")
witness_remove = remove_page(model=Witness, what="a witness", section="overview")
victim_remove = remove_page(model=Victim, what="a victim", section="overview")
suspect_remove = remove_page(model=Suspect, what="a suspect", section="overview")

urlpatterns = [
    path("", investigation_list, name="list"),
    path("new/", investigation_create, name="create"),
    path("<int:pk>/", investigation_detail, name="detail"),
    path("<int:pk>/edit/", investigation_update, name="update"),
    path("<int:pk>/key-dates/new/", key_date_add, name="key-date-add"),
    path("<int:pk>/victims/new/", victim_add, name="victim-add"),
    path("<int:pk>/suspects/new/", suspect_add, name="suspect-add"),
    path("<int:pk>/witnesses/new/", witness_add, name="witness-add"),
    path("<int:pk>/victims/<int:entry_pk>/edit/", victim_update, name="victim-update"),
    path("<int:pk>/suspects/<int:entry_pk>/edit/", suspect_update, name="suspect-update"),
    path("<int:pk>/victims/<int:entry_pk>/remove/", victim_remove, name="victim-remove"),
    path("<int:pk>/suspects/<int:entry_pk>/remove/", suspect_remove, name="suspect-remove"),
    path("<int:pk>/key-dates/<int:entry_pk>/edit/", key_date_update, name="key-date-update"),
    path("<int:pk>/key-dates/<int:entry_pk>/remove/", key_date_remove, name="key-date-remove"),
    path("<int:pk>/witnesses/<int:entry_pk>/edit/", witness_update, name="witness-update"),
    path("<int:pk>/witnesses/<int:entry_pk>/remove/", witness_remove, name="witness-remove"),
]
