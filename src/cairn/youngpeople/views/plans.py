"""Pages of the young person's case: the safety plan and its actions, and the contact log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Perm
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople import services
from cairn.youngpeople.forms.plans import (
    ActionStatusForm,
    ContactForm,
    PlanActionForm,
    SafetyPlanForm,
)
from cairn.youngpeople.models import (
    ActionStatus,
    PlanAction,
    SafetyPlan,
    YoungPerson,
)
from cairn.youngpeople.views.common import case_context, case_view, render_form

# The review date offered for a new plan: the same three months as the risk review.
DEFAULT_REVIEW = timedelta(days=91)
CONTACTS_PER_PAGE = 50


def _owners(young_person: YoungPerson) -> QuerySet[User]:
    """Who may own an action: active members of the holding team who can read the case."""
    members = User.objects.filter(teams=young_person.holding_team, is_active=True).distinct()
    allowed = [user.pk for user in members if user.can(Perm.VIEW_PERSON_RECORDS)]
    return User.objects.filter(pk__in=allowed).order_by("first_name", "last_name", "username")


def _current_plan(young_person: YoungPerson) -> SafetyPlan | None:
    return young_person.safety_plans.filter(superseded_at__isnull=True).first()


def _plan_page(
    request: AuthenticatedRequest,
    young_person: YoungPerson,
    *,
    status_form: ActionStatusForm | None = None,
    failed_action: int | None = None,
) -> HttpResponse:
    actions = PlanAction.objects.select_related("owner")
    plans = list(
        young_person.safety_plans.select_related("created_by").prefetch_related(
            Prefetch("actions", queryset=actions)
        )
    )
    current = next((plan for plan in plans if plan.superseded_at is None), None)
    context = case_context(
        young_person,
        "plan",
        plan=current,
        earlier_plans=[plan for plan in plans if plan is not current],
        today=timezone.localdate(),
        status_form=status_form,
        failed_action=failed_action,
    )
    status = 400 if status_form is not None and status_form.errors else 200
    return render(request, "youngpeople/plans/plan.html", context, status=status)


@case_view("Viewed safety plan")
def plan_detail(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    return _plan_page(request, young_person)


@case_view("Opened safety plan to make a new one", edit=True)
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    current = _current_plan(young_person)
    open_actions = (
        list(current.actions.filter(status=ActionStatus.OPEN).select_related("owner"))
        if current
        else []
    )
    initial = {
        "review_on": timezone.localdate() + DEFAULT_REVIEW,
        "summary": current.summary if current else "",
    }
    form = SafetyPlanForm(request.POST or None, initial=initial, open_actions=len(open_actions))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        carried = _carry_over(young_person, open_actions) if data.get("carry_over") else []
        try:
            services.safety_plan_create(
                actor=Actor.from_request(request),
                young_person=young_person,
                summary=data["summary"],
                review_on=data["review_on"],
                actions=carried,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = f" with {len(carried)} action{'s' if len(carried) != 1 else ''} carried over"
            messages.success(request, "Safety plan saved" + (done if carried else "") + ".")
            return redirect("youngpeople:plan", young_person.pk)
    title = "Make a new safety plan" if current else "Make a safety plan"
    context = case_context(young_person, "plan", form=form, title=title, replacing=current)
    return render_form(request, "youngpeople/plans/form.html", context)


def _carry_over(young_person: YoungPerson, open_actions: list[PlanAction]) -> list[dict[str, Any]]:
    """The open actions, copied to the new plan. An owner who has left the holding team is
    kept by name, so the action is not lost."""
    carried = []
    for action in open_actions:
        owner: User | None = action.owner
        owner_name = action.owner_name
        if owner is not None and young_person.holding_team_id not in owner.team_ids():
            owner_name, owner = owner.display_name, None
        carried.append(
            {
                "description": action.description,
                "due_on": action.due_on,
                "owner": owner,
                "owner_name": owner_name,
            }
        )
    return carried


@case_view("Opened safety plan to add an action", edit=True)
@require_http_methods(["GET", "POST"])
def plan_action_add(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    plan = _current_plan(young_person)
    if plan is None:
        messages.error(request, "Make a safety plan first, then add its actions.")
        return redirect("youngpeople:plan-create", young_person.pk)
    form = PlanActionForm(request.POST or None, owners=_owners(young_person))
    if request.method == "POST" and form.is_valid():
        plan.young_person = young_person
        try:
            services.plan_action_add(
                actor=Actor.from_request(request), plan=plan, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action added to the safety plan.")
            return redirect("youngpeople:plan", young_person.pk)
    context = case_context(young_person, "plan", form=form, title="Add an action to the plan")
    return render_form(request, "youngpeople/plans/form.html", context)


@case_view("Opened safety plan to change an action", edit=True)
@require_POST
def plan_action_status(
    request: AuthenticatedRequest, young_person: YoungPerson, action_pk: int
) -> HttpResponse:
    plan_action = get_object_or_404(
        PlanAction.objects.select_related("plan"), pk=action_pk, plan__young_person=young_person
    )
    plan_action.plan.young_person = young_person
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.plan_action_set_status(
                actor=Actor.from_request(request),
                plan_action=plan_action,
                status=form.cleaned_data["status"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            status = plan_action.get_status_display().lower()
            messages.success(request, f"Action marked {status}: {plan_action.description}")
            return redirect("youngpeople:plan", young_person.pk)
    return _plan_page(request, young_person, status_form=form, failed_action=plan_action.pk)


@case_view("Viewed contact log")
def contact_list(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    contacts = young_person.contacts.select_related("worker")
    page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    context = case_context(young_person, "contacts", page=page, contacts=page.object_list)
    return render(request, "youngpeople/contacts/list.html", context)


@case_view("Opened contact log to add a contact", edit=True)
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ContactForm(request.POST or None, initial={"happened_at": now})
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                actor=Actor.from_request(request), young_person=young_person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{contact} logged.")
            return redirect("youngpeople:contact-list", young_person.pk)
    context = case_context(young_person, "contacts", form=form, title="Log a contact or visit")
    return render_form(request, "youngpeople/contacts/form.html", context)


urlpatterns = [
    path("<int:pk>/plan/", plan_detail, name="plan"),
    path("<int:pk>/plan/new/", plan_create, name="plan-create"),
    path("<int:pk>/plan/actions/new/", plan_action_add, name="plan-action-add"),
    path(
        "<int:pk>/plan/actions/<int:action_pk>/status/",
        plan_action_status,
        name="plan-action-status",
    ),
    path("<int:pk>/contacts/", contact_list, name="contact-list"),
    path("<int:pk>/contacts/new/", contact_create, name="contact-create"),
]
