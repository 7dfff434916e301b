"""The write path for young people's records."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import Team
from cairn.access.permissions import Perm
from cairn.access.queries import can_view
from cairn.access.services import grant_owner_access
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.youngpeople.models import YoungPerson

# A "young person" in Cairn is under 25: the upper age of leaving-care support (Children and
# Social Work Act 2017 s.3) and of education, health and care plans.
MAX_AGE = 25
EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "estimated_age",
    "gender",
    "summary",
)


def _validate(young_person: YoungPerson, today: date) -> None:
    errors: dict[str, str] = {}
    if young_person.date_of_birth and young_person.date_of_birth > today:
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    age = young_person.age_on(today)
    if age is not None and age >= MAX_AGE:
        field = "date_of_birth" if young_person.date_of_birth else "estimated_age"
        errors[field] = f"A young person in Cairn must be under {MAX_AGE}"
    if not young_person.given_name.strip():
        errors["given_name"] = "Enter a given name"
    if not young_person.family_name.strip():
        errors["family_name"] = "Enter a family name"
    if errors:
        raise ValidationError(errors)


def young_person_create(
    *, actor: Actor, holding_team: Team, synthetic: bool = False, **fields: Any
) -> YoungPerson:
    user = actor.user
    if user is None or not user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("You do not have permission to create person records.")
    if holding_team.pk not in user.team_ids():
        raise PermissionDenied("You can create records only for your own teams.")
    young_person = YoungPerson(holding_team=holding_team, synthetic=synthetic)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(young_person, name, fields[name])
    _validate(young_person, timezone.localdate())
    with transaction.atomic():
        young_person.save()
        grant_owner_access(record=young_person, team=holding_team, actor=actor)
        audit_record(
            actor=actor,
            action=Action.COLLECTION,
            record_type=record_label(YoungPerson),
            record_ids=[young_person.pk],
            summary="Created young person's record",
        )
    return young_person


def young_person_update(
    *, actor: Actor, young_person: YoungPerson, expected_version: int, **fields: Any
) -> YoungPerson:
    user = actor.user
    if user is None or not user.can(Perm.EDIT_PERSON_RECORDS) or not can_view(user, young_person):
        raise PermissionDenied("You do not have permission to change this record.")
    changed = [
        name
        for name in EDITABLE_FIELDS
        if name in fields and getattr(young_person, name) != fields[name]
    ]
    for name in changed:
        setattr(young_person, name, fields[name])
    _validate(young_person, timezone.localdate())
    with transaction.atomic():
        # Optimistic locking: a stale edit never overwrites someone else's newer one.
        updated = YoungPerson.objects.filter(pk=young_person.pk, version=expected_version).update(
            **{name: getattr(young_person, name) for name in changed},
            version=expected_version + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            raise ValidationError(
                "Someone else changed this record after you opened it. "
                "Reload it to see their changes, then make yours again."
            )
        audit_record(
            actor=actor,
            action=Action.ALTERATION,
            record_type=record_label(YoungPerson),
            record_ids=[young_person.pk],
            summary="Changed young person's record",
            detail={"fields": changed},
        )
    young_person.refresh_from_db()
    return young_person
