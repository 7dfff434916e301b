"""The write path for safety plans, their actions, and the contact log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.audit.models import Action
from cairn.youngpeople.models import (
    ActionStatus,
    Contact,
    ContactKind,
    PlanAction,
    SafetyPlan,
    YoungPerson,
)
from cairn.youngpeople.services.common import audit_case, require_editor


def _check_action(action: Mapping[str, Any], young_person: YoungPerson) -> dict[str, Any]:
    """One action, checked. Errors name the action's own fields; a form without them shows
    them above the form."""
    if not str(action.get("description", "")).strip():
        raise ValidationError({"description": "Every action needs a description"})
    if not isinstance(action.get("due_on"), date):
        raise ValidationError({"due_on": "Every action needs a due date"})
    owner = action.get("owner")
    if owner is not None and not isinstance(owner, User):
        raise ValidationError({"owner": "An action's owner must be a Cairn user"})
    # A Cairn user who owns an action must be able to see the case: a member of the holding team.
    if owner is not None and young_person.holding_team_id not in owner.team_ids():
        raise ValidationError({"owner": "An action's owner must be in the team holding the case"})
    if owner is None and not str(action.get("owner_name", "")).strip():
        raise ValidationError({"owner_name": "Every action needs an owner"})
    return {
        "description": str(action["description"]).strip(),
        "due_on": action["due_on"],
        "owner": owner,
        "owner_name": str(action.get("owner_name", "")).strip(),
    }


def safety_plan_create(
    *,
    actor: Actor,
    young_person: YoungPerson,
    summary: str,
    review_on: date,
    actions: Iterable[Mapping[str, Any]] = (),
) -> SafetyPlan:
    """A new plan supersedes the current one; its open actions are carried over only if listed."""
    user = require_editor(actor, young_person)
    if not summary.strip():
        raise ValidationError({"summary": "Describe the plan"})
    if review_on < timezone.localdate():
        raise ValidationError({"review_on": "The review date must be today or later"})
    checked = [_check_action(action, young_person) for action in actions]
    with transaction.atomic():
        young_person.safety_plans.filter(superseded_at__isnull=True).update(
            superseded_at=timezone.now()
        )
        plan = SafetyPlan.objects.create(
            young_person=young_person, summary=summary, review_on=review_on, created_by=user
        )
        PlanAction.objects.bulk_create([PlanAction(plan=plan, **action) for action in checked])
        audit_case(actor, young_person, Action.COLLECTION, "Made a safety plan", plan=plan.pk)
    return plan


def plan_action_add(*, actor: Actor, plan: SafetyPlan, **action: Any) -> PlanAction:
    require_editor(actor, plan.young_person)
    if plan.superseded_at is not None:
        raise ValidationError("This plan has been replaced; add actions to the current plan.")
    checked = _check_action(action, plan.young_person)
    with transaction.atomic():
        plan_action = PlanAction.objects.create(plan=plan, **checked)
        audit_case(actor, plan.young_person, Action.ALTERATION, "Added a plan action", plan=plan.pk)
    return plan_action


def plan_action_set_status(*, actor: Actor, plan_action: PlanAction, status: str) -> PlanAction:
    require_editor(actor, plan_action.plan.young_person)
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose open, done or cancelled"})
    if plan_action.plan.superseded_at is not None:
        raise ValidationError(
            "This plan has been replaced; change the actions of the current plan."
        )
    with transaction.atomic():
        plan_action.status = status
        plan_action.completed_at = timezone.now() if status == ActionStatus.DONE else None
        plan_action.updated_at = timezone.now()
        plan_action.save(update_fields=["status", "completed_at", "updated_at"])
        audit_case(
            actor,
            plan_action.plan.young_person,
            Action.ALTERATION,
            f"Plan action marked {plan_action.get_status_display().lower()}",
            plan_action=plan_action.pk,
        )
    return plan_action


def contact_create(
    *,
    actor: Actor,
    young_person: YoungPerson,
    happened_at: datetime,
    kind: str,
    with_whom: str = "",
    notes: str = "",
) -> Contact:
    user = require_editor(actor, young_person)
    if kind not in ContactKind.values:
        raise ValidationError({"kind": "Choose the kind of contact"})
    if happened_at > timezone.now():
        raise ValidationError({"happened_at": "The contact must be now or in the past"})
    with transaction.atomic():
        contact = Contact.objects.create(
            young_person=young_person,
            happened_at=happened_at,
            kind=kind,
            worker=user,
            with_whom=with_whom.strip(),
            notes=notes,
        )
        audit_case(actor, young_person, Action.COLLECTION, "Logged a contact", contact=contact.pk)
    return contact
