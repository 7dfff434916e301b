"""Referral pages: the screening queue, making a referral with its possible-duplicate check,
the referral itself, and the screening decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Perm
from cairn.access.queries import can_view
from cairn.access.views.record_page import record_page
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople import services
from cairn.youngpeople.forms.referral import (
    DIFFERENT,
    NEW_RECORD,
    DuplicateCheckForm,
    IdentityForm,
    ReferralForm,
    ScreeningForm,
)
from cairn.youngpeople.models import Referral, ReferralStatus, RiskIndicator, ScreeningDecision
from cairn.youngpeople.queries.referral import (
    PossibleMatch,
    possible_duplicates,
    referral_open,
    referrals_awaiting_screening,
    referrals_made_by,
)
from cairn.youngpeople.views.common import casework, render_form, require_casework

DUPLICATE_QUESTION = (
    "Possible matches were found: choose the record that is this child, "
    "or confirm that none of these is this child"
)


@casework()
def referral_list(request: AuthenticatedRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    team_ids = sorted(request.user.team_ids())
    context = {
        "referrals": referrals_awaiting_screening(actor, team_ids=team_ids),
        "made_by_me": [
            referral
            for referral in referrals_made_by(actor, request.user)
            if referral.receiving_team_id not in team_ids
        ],
        "several_teams": len(team_ids) > 1,
        "section": "referrals",
    }
    return render(request, "youngpeople/referrals/list.html", context)


def _matches(request: AuthenticatedRequest, form: IdentityForm) -> list[PossibleMatch]:
    arguments = form.check_arguments()
    if not (arguments["given_name"] or arguments["family_name"] or arguments["phone"]):
        return []
    return possible_duplicates(Actor.from_request(request), today=timezone.localdate(), **arguments)


def _duplicate_context(matches: list[PossibleMatch] | None) -> dict[str, Any]:
    """What the possible-duplicate section shows: never an invisible record's content."""
    return {
        "matches": matches,
        "visible_matches": [match for match in matches or [] if match.visible],
        "hidden_matches": [match for match in matches or [] if not match.visible],
        "different": DIFFERENT,
    }


def _referrer_initial(user: User) -> dict[str, Any]:
    teams = list(Team.objects.filter(members=user).values_list("pk", flat=True))
    return {
        "referrer_name": user.display_name,
        "referrer_organisation": user.organisation.name if user.organisation else "",
        "referrer_contact": user.email,
        "receiving_team": teams[0] if len(teams) == 1 else None,
    }


def _as_initial(posted: QueryDict) -> dict[str, Any]:
    """What was posted, as the initial values of an unbound form (so no errors show yet)."""
    return {
        name: posted.getlist(name) if name == "concerns" else posted.get(name)
        for name in posted
        if name != "csrfmiddlewaretoken"
    }


def _save_referral(
    request: AuthenticatedRequest, form: ReferralForm, matches: list[PossibleMatch]
) -> Referral | None:
    """Make the referral once the possible-duplicate question is answered; else say why not."""
    data = form.cleaned_data
    chosen = data["existing_young_person"]
    visible = {match.young_person.pk: match.young_person for match in matches if match.young_person}
    if chosen is not None and chosen not in visible:
        form.add_error("existing_young_person", "Choose one of the records shown")
        return None
    if matches and chosen is None and not data["confirmed_different"]:
        form.add_error("existing_young_person", DUPLICATE_QUESTION)
        return None
    try:
        return services.referral_create(
            actor=Actor.from_request(request),
            receiving_team=data["receiving_team"],
            referrer_name=data["referrer_name"],
            referrer_organisation=data["referrer_organisation"],
            referrer_contact=data["referrer_contact"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            aliases=data["aliases"],
            date_of_birth=data["date_of_birth"],
            estimated_age=data["estimated_age"],
            phone=data["phone"],
            area=data["area"],
            reason=data["reason"],
            concerns=data["concerns"],
            urgency=data["urgency"],
            consent=data["consent"],
            lawful_basis=data["lawful_basis"],
            young_person=visible.get(chosen) if chosen is not None else None,
            confirmed_different=bool(data["confirmed_different"]) and chosen is None,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@casework(edit=True)
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedRequest) -> HttpResponse:
    try:
        tool = services.current_tool()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("youngpeople:referral-list")
    initial = _referrer_initial(request.user)
    matches: list[PossibleMatch] | None = None
    check_form: DuplicateCheckForm | None = None
    if request.method == "POST" and "check" in request.POST:
        # "Check for an existing record" without JavaScript: run the check, save nothing.
        form = ReferralForm(None, tool=tool, initial={**initial, **_as_initial(request.POST)})
        check_form = DuplicateCheckForm(request.POST)
        matches = _matches(request, check_form) if check_form.is_valid() else None
    elif request.method == "POST":
        form = ReferralForm(request.POST, tool=tool, initial=initial)
        if form.is_valid():
            matches = _matches(request, form)
            referral = _save_referral(request, form, matches)
            if referral is not None:
                messages.success(
                    request,
                    f"Referral {referral.reference} was sent to {referral.receiving_team}.",
                )
                return redirect(referral)
        else:
            # Keep showing what the check finds while the rest of the form is put right.
            check_form = DuplicateCheckForm(request.POST)
            matches = _matches(request, check_form) if check_form.is_valid() else None
    else:
        form = ReferralForm(tool=tool, initial=initial)
    context = {
        "form": form,
        "check_form": check_form,
        "chosen": request.POST.get("existing_young_person", ""),
        "duplicate_errors": form.errors.get("existing_young_person") if form.is_bound else None,
        "section": "referrals",
        **_duplicate_context(matches),
    }
    status = 400 if check_form is not None and check_form.errors and not form.is_bound else None
    response = render_form(request, "youngpeople/referrals/form.html", context)
    if status:
        response.status_code = status
    return response


@casework(edit=True)
@require_GET
def referral_duplicates(request: AuthenticatedRequest) -> HttpResponse:
    """The possible-duplicate check, as the part of the referral form that htmx replaces."""
    form = DuplicateCheckForm(request.GET)
    matches = _matches(request, form) if form.is_valid() else None
    context = {"check_form": form, "chosen": "", **_duplicate_context(matches)}
    # htmx swaps in only successful responses, and an error must replace stale matches.
    status = 400 if form.errors and not request.headers.get("HX-Request") else 200
    return render(request, "youngpeople/referrals/_duplicates.html", context, status=status)


ReferralView = Callable[..., HttpResponse]


# Open the referral named by `referral_pk` through the access layer (audited as the purpose);
# someone without need-to-know gets the restricted stub (403).
referral_view = record_page(referral_open, require_casework, pk_name="referral_pk")


def _may_screen(user: User, referral: Referral) -> bool:
    return (
        referral.status == ReferralStatus.AWAITING_SCREENING
        and referral.receiving_team_id in user.team_ids()
        and user.can(Perm.EDIT_PERSON_RECORDS)
    )


def _concern_labels(referral: Referral) -> list[str]:
    """The indicators' wording, newest tool version first (codes outlive versions)."""
    labels: dict[str, str] = {}
    indicators = RiskIndicator.objects.filter(code__in=referral.concerns).order_by("-tool__version")
    for code, label in indicators.values_list("code", "label"):
        labels.setdefault(code, label)
    return [labels.get(code, code) for code in referral.concerns]


def _workers(team_id: int) -> QuerySet[User]:
    candidates = User.objects.filter(teams=team_id, is_active=True).distinct()
    allowed = [user.pk for user in candidates if user.can(Perm.EDIT_PERSON_RECORDS)]
    return User.objects.filter(pk__in=allowed).order_by("first_name", "last_name")


def _screening_form(
    request: AuthenticatedRequest, referral: Referral, data: Any = None
) -> ScreeningForm:
    """The screening form, offering to attach to the records the screener can see that may be
    this child: the one the referrer linked, and any possible duplicates."""
    matches = possible_duplicates(
        Actor.from_request(request),
        given_name=referral.given_name,
        family_name=referral.family_name,
        aliases=referral.aliases,
        date_of_birth=referral.date_of_birth,
        estimated_age=referral.estimated_age,
        phone=referral.phone,
        today=timezone.localdate(),
    )
    records = [match.young_person for match in matches if match.young_person is not None]
    linked = referral.young_person
    linked_visible = linked is not None and any(record.pk == linked.pk for record in records)
    if linked is not None and not linked_visible and can_view(request.user, linked):
        records.insert(0, linked)
        linked_visible = True
    initial = {"record": str(linked.pk) if linked is not None and linked_visible else NEW_RECORD}
    return ScreeningForm(
        data, workers=_workers(referral.receiving_team_id), records=records, initial=initial
    )


def _detail_context(
    request: AuthenticatedRequest, referral: Referral, form: ScreeningForm | None
) -> dict[str, Any]:
    linked = referral.young_person
    return {
        "referral": referral,
        "concerns": _concern_labels(referral),
        "form": form,
        "linked_hidden": linked is not None
        and (form is None or linked.pk not in form.records)
        and referral.status == ReferralStatus.AWAITING_SCREENING,
        "accept": ScreeningDecision.ACCEPT.value,
        "section": "referrals",
    }


@referral_view("Viewed referral")
def referral_detail(request: AuthenticatedRequest, referral: Referral) -> HttpResponse:
    form = _screening_form(request, referral) if _may_screen(request.user, referral) else None
    return render(
        request, "youngpeople/referrals/detail.html", _detail_context(request, referral, form)
    )


@referral_view("Opened referral to screen it", edit=True)
@require_http_methods(["GET", "POST"])
def referral_screen(request: AuthenticatedRequest, referral: Referral) -> HttpResponse:
    if referral.status != ReferralStatus.AWAITING_SCREENING:
        messages.info(request, f"Referral {referral.reference} has already been screened.")
        return redirect(referral)
    if referral.receiving_team_id not in request.user.team_ids():
        raise PermissionDenied("Only the receiving team screens a referral.")
    form = _screening_form(request, referral, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        accepting = data["decision"] == ScreeningDecision.ACCEPT
        try:
            services.referral_screen(
                actor=Actor.from_request(request),
                referral=referral,
                decision=data["decision"],
                reason=data["reason"],
                young_person=data["young_person"] if accepting else None,
                key_worker=data["key_worker"] if accepting else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            decision = ScreeningDecision(data["decision"])
            messages.success(request, f"Referral {referral.reference}: {decision.label.lower()}.")
            if accepting and referral.young_person is not None:
                return redirect(referral.young_person)
            return redirect("youngpeople:referral-list")
    return render_form(
        request, "youngpeople/referrals/detail.html", _detail_context(request, referral, form)
    )


urlpatterns = [
    path("referrals/", referral_list, name="referral-list"),
    path("referrals/new/", referral_create, name="referral-create"),
    path("referrals/check/", referral_duplicates, name="referral-duplicates"),
    path("referrals/<int:referral_pk>/", referral_detail, name="referral-detail"),
    path("referrals/<int:referral_pk>/screen/", referral_screen, name="referral-screen"),
]
