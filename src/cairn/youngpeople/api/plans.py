"""API for safety plans and their actions, the contact log, and the chronology."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema, Status

from cairn.youngpeople import services
from cairn.youngpeople.api.common import actor, open_case, router, user_named
from cairn.youngpeople.models import (
    ActionStatus,
    Contact,
    ContactKind,
    PlanAction,
    SafetyPlan,
)
from cairn.youngpeople.queries.chronology import ChronologyEvent, chronology, chronology_kinds


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due_on: date
    status: ActionStatus
    completed_at: datetime | None

    @staticmethod
    def resolve_owner(obj: PlanAction) -> str:
        return obj.owner.display_name if obj.owner else obj.owner_name


class PlanOut(Schema):
    id: int
    summary: str
    review_on: date
    created_at: datetime
    created_by: str | None
    superseded_at: datetime | None
    current: bool
    actions: list[ActionOut]

    @staticmethod
    def resolve_created_by(obj: SafetyPlan) -> str | None:
        return obj.created_by.display_name if obj.created_by else None

    @staticmethod
    def resolve_current(obj: SafetyPlan) -> bool:
        return obj.superseded_at is None

    @staticmethod
    def resolve_actions(obj: SafetyPlan) -> list[PlanAction]:
        return list(obj.actions.all())


class ActionIn(Schema):
    description: str
    due_on: date
    owner_id: int | None = Field(None, description="A Cairn user in the holding team")
    owner_name: str = Field("", description="Someone outside Cairn, when there is no owner_id")


class PlanIn(Schema):
    summary: str
    review_on: date
    actions: list[ActionIn] = []


class ActionStatusIn(Schema):
    status: ActionStatus


class ContactOut(Schema):
    id: int
    happened_at: datetime
    kind: ContactKind
    worker: str | None
    with_whom: str
    notes: str

    @staticmethod
    def resolve_worker(obj: Contact) -> str | None:
        return obj.worker.display_name if obj.worker else None


class ContactIn(Schema):
    happened_at: datetime
    kind: ContactKind
    with_whom: str = ""
    notes: str = ""


class EventOut(Schema):
    at: datetime
    kind: str
    title: str
    detail: str
    url: str


class ChronologyQuery(Schema):
    kind: list[str] = Field([], description="Only these kinds of event")
    date_from: date | None = None
    date_to: date | None = None


def _action(payload: ActionIn) -> dict[str, Any]:
    return {
        "description": payload.description,
        "due_on": payload.due_on,
        "owner": user_named(payload.owner_id, "owner_id"),
        "owner_name": payload.owner_name,
    }


def _plans(young_person: Any) -> Any:
    return young_person.safety_plans.select_related("created_by").prefetch_related("actions__owner")


@router.get("/{pk}/plans", response=list[PlanOut], summary="Safety plans, the current first")
def list_plans(request: HttpRequest, pk: int) -> list[SafetyPlan]:
    young_person = open_case(request, pk, "Viewed safety plans through the API")
    return list(_plans(young_person))


@router.post(
    "/{pk}/plans",
    response={201: PlanOut},
    summary="Make a safety plan (it replaces the current one)",
)
def create_plan(request: HttpRequest, pk: int, payload: PlanIn) -> Status:
    young_person = open_case(request, pk, "Opened record to make a safety plan through the API")
    plan = services.safety_plan_create(
        actor=actor(request),
        young_person=young_person,
        summary=payload.summary,
        review_on=payload.review_on,
        actions=[_action(item) for item in payload.actions],
    )
    return Status(201, _plans(young_person).get(pk=plan.pk))


@router.post(
    "/{pk}/plans/{plan_pk}/actions",
    response={201: ActionOut},
    summary="Add an action to the current plan",
)
def add_action(request: HttpRequest, pk: int, plan_pk: int, payload: ActionIn) -> Status:
    young_person = open_case(request, pk, "Opened safety plan to add an action through the API")
    plan = get_object_or_404(SafetyPlan, pk=plan_pk, young_person=young_person)
    plan_action = services.plan_action_add(actor=actor(request), plan=plan, **_action(payload))
    return Status(201, plan_action)


@router.post(
    "/{pk}/actions/{action_pk}/status",
    response=ActionOut,
    summary="Mark a plan action open, done or cancelled",
)
def set_action_status(
    request: HttpRequest, pk: int, action_pk: int, payload: ActionStatusIn
) -> PlanAction:
    young_person = open_case(request, pk, "Opened safety plan to update an action through the API")
    plan_action = get_object_or_404(
        PlanAction.objects.select_related("plan__young_person", "owner"),
        pk=action_pk,
        plan__young_person=young_person,
    )
    return services.plan_action_set_status(
        actor=actor(request), plan_action=plan_action, status=payload.status
    )


@router.get("/{pk}/contacts", response=list[ContactOut], summary="The contact and visit log")
def list_contacts(request: HttpRequest, pk: int) -> list[Contact]:
    young_person = open_case(request, pk, "Viewed contacts through the API")
    return list(young_person.contacts.select_related("worker"))


@router.post("/{pk}/contacts", response={201: ContactOut}, summary="Log a contact or visit")
def create_contact(request: HttpRequest, pk: int, payload: ContactIn) -> Status:
    young_person = open_case(request, pk, "Opened record to log a contact through the API")
    contact = services.contact_create(
        actor=actor(request), young_person=young_person, **payload.dict()
    )
    return Status(201, contact)


@router.get(
    "/{pk}/chronology",
    response=list[EventOut],
    summary="Every event of the case, newest first",
    description="Filter with kind (repeatable; see the kinds below), date_from and date_to.",
)
def get_chronology(
    request: HttpRequest, pk: int, query: Query[ChronologyQuery]
) -> list[ChronologyEvent]:
    young_person = open_case(request, pk, "Viewed chronology through the API")
    known = {kind for kind, _ in chronology_kinds()}
    unknown = sorted(set(query.kind) - known)
    if unknown:
        raise ValidationError(
            {"kind": f"Unknown kind {', '.join(unknown)}; choose from {', '.join(sorted(known))}"}
        )
    return chronology(
        young_person, kinds=query.kind, date_from=query.date_from, date_to=query.date_to
    )
