"""The write path for the young person's record: create, change, aliases, placements,
contacts, equality monitoring, allocation, closure and reopening."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Perm
from cairn.access.services import grant_owner_access
from cairn.audit.models import Action
from cairn.networks.services import network_update_case_record_later
from cairn.youngpeople.models import (
    Alias,
    AliasKind,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    EqualityMonitoring,
    KeyContact,
    Placement,
    YoungPerson,
)
from cairn.youngpeople.names import phonetic_keys
from cairn.youngpeople.services.common import audit_case, require_editor

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
    "phone",
    "area",
    "looked_after",
    "responsible_authority",
    "education_status",
    "communication_needs",
    "languages",
    "disabilities",
    "learning_disability",
    "summary",
)


def normalise_phone(raw: str) -> str:
    """A UK phone number in E.164, or a ValidationError naming the problem."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException as error:
        raise ValidationError({"phone": f"“{raw}” is not a phone number"}) from error
    # "Possible only locally" (a number without its area code) cannot be dialled from a case.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValidationError({"phone": f"“{raw}” is not a possible phone number"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_identity(
    *, given_name: str, family_name: str, date_of_birth: date | None, estimated_age: int | None
) -> None:
    """The checks every record of a young person must pass (also used by referrals)."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not (given_name or "").strip():
        errors["given_name"] = "Enter a given name"
    if not (family_name or "").strip():
        errors["family_name"] = "Enter a family name"
    if date_of_birth is not None and date_of_birth > today:
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    elif date_of_birth is not None:
        age = (
            today.year
            - date_of_birth.year
            - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
        )
        if age >= MAX_AGE:
            errors["date_of_birth"] = f"A young person in Cairn must be under {MAX_AGE}"
    if date_of_birth is None and estimated_age is None:
        errors["date_of_birth"] = "Enter a date of birth or an estimated age"
    if estimated_age is not None and not 0 <= estimated_age < MAX_AGE:
        errors["estimated_age"] = f"A young person in Cairn must be under {MAX_AGE}"
    if errors:
        raise ValidationError(errors)


def _validate(young_person: YoungPerson) -> None:
    validate_identity(
        given_name=young_person.given_name,
        family_name=young_person.family_name,
        date_of_birth=young_person.date_of_birth,
        estimated_age=young_person.estimated_age,
    )
    young_person.phone = normalise_phone(young_person.phone)


def refresh_name_keys(young_person: YoungPerson) -> None:
    names = [young_person.given_name, young_person.family_name, young_person.preferred_name]
    names += list(young_person.aliases.values_list("name", flat=True))
    young_person.name_keys = phonetic_keys(names)
    YoungPerson.objects.filter(pk=young_person.pk).update(name_keys=young_person.name_keys)


def young_person_create(
    *,
    actor: Actor,
    holding_team: Team,
    synthetic: bool = False,
    aliases: Iterable[str] = (),
    external_id: str = "",
    **fields: Any,
) -> YoungPerson:
    user = actor.user
    if not actor.is_system:
        if user is None or not user.can(Perm.EDIT_PERSON_RECORDS):
            raise PermissionDenied("You do not have permission to create person records.")
        if holding_team.pk not in user.team_ids():
            raise PermissionDenied("You can create records only for your own teams.")
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"key_worker"}
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    young_person = YoungPerson(
        holding_team=holding_team, synthetic=synthetic, external_id=external_id, **fields
    )
    _validate(young_person)
    with transaction.atomic():
        young_person.save()
        Alias.objects.bulk_create(
            [
                Alias(young_person=young_person, name=name.strip())
                for name in aliases
                if name.strip()
            ]
        )
        refresh_name_keys(young_person)
        grant_owner_access(record=young_person, team=holding_team, actor=actor)
        CaseEvent.objects.create(
            young_person=young_person,
            kind=CaseEventKind.OPENED,
            by=user,
            key_worker=young_person.key_worker,
        )
        audit_case(actor, young_person, Action.COLLECTION, "Created young person's record")
        if young_person.phone:
            network_update_case_record_later(young_person_id=young_person.pk)
    return young_person


def young_person_update(
    *, actor: Actor, young_person: YoungPerson, expected_version: int, **fields: Any
) -> YoungPerson:
    require_editor(actor, young_person)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    saved = {name: getattr(young_person, name) for name in fields}
    for name, value in fields.items():
        setattr(young_person, name, value)
    try:
        _validate(young_person)
        # Compared after normalising, so "07700 900123" for "+447700900123" is no change.
        changed = [name for name in fields if getattr(young_person, name) != saved[name]]
        with transaction.atomic():
            # Optimistic locking: a stale edit never overwrites someone else's newer one.
            updated = YoungPerson.objects.filter(
                pk=young_person.pk, version=expected_version
            ).update(
                **{name: getattr(young_person, name) for name in changed},
                version=expected_version + 1,
                updated_at=timezone.now(),
            )
            if not updated:
                raise ValidationError(
                    "Someone else changed this record after you opened it. "
                    "Reload it to see their changes, then make yours again."
                )
            refresh_name_keys(young_person)
            audit_case(
                actor,
                young_person,
                Action.ALTERATION,
                "Changed young person's record",
                fields=changed,
            )
            if "phone" in changed:
                network_update_case_record_later(young_person_id=young_person.pk)
    except ValidationError:
        # The caller's copy shows the record as saved, not as the refused change left it.
        young_person.refresh_from_db()
        raise
    young_person.refresh_from_db()
    return young_person


def alias_add(
    *, actor: Actor, young_person: YoungPerson, name: str, kind: str = AliasKind.ALIAS
) -> Alias:
    require_editor(actor, young_person)
    if not name.strip():
        raise ValidationError({"name": "Enter the alias"})
    if kind not in AliasKind.values:
        raise ValidationError({"kind": "Choose what kind of name this is"})
    with transaction.atomic():
        alias = Alias.objects.create(young_person=young_person, name=name.strip(), kind=kind)
        refresh_name_keys(young_person)
        audit_case(actor, young_person, Action.ALTERATION, "Added an alias")
    return alias


def alias_remove(*, actor: Actor, alias: Alias) -> None:
    young_person = alias.young_person
    require_editor(actor, young_person)
    with transaction.atomic():
        alias.delete()
        refresh_name_keys(young_person)
        audit_case(actor, young_person, Action.ALTERATION, "Removed an alias")


def placement_add(
    *,
    actor: Actor,
    young_person: YoungPerson,
    placement_type: str,
    started_on: date,
    ended_on: date | None = None,
    address: str = "",
    postcode: str = "",
) -> Placement:
    require_editor(actor, young_person)
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": "The end date must be on or after the start date"})
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "The start date must be today or in the past"})
    with transaction.atomic():
        # A new current placement ends the one before it.
        if ended_on is None:
            young_person.placements.filter(
                ended_on__isnull=True, started_on__lte=started_on
            ).update(ended_on=started_on)
        placement = Placement.objects.create(
            young_person=young_person,
            placement_type=placement_type,
            started_on=started_on,
            ended_on=ended_on,
            address=address.strip(),
            postcode=postcode.strip().upper(),
        )
        audit_case(actor, young_person, Action.ALTERATION, "Added a placement")
        if placement.address:
            network_update_case_record_later(young_person_id=young_person.pk)
    return placement


def key_contact_add(
    *,
    actor: Actor,
    young_person: YoungPerson,
    name: str,
    relationship: str,
    phone: str = "",
    notes: str = "",
) -> KeyContact:
    require_editor(actor, young_person)
    if not name.strip():
        raise ValidationError({"name": "Enter the contact's name"})
    if not relationship.strip():
        raise ValidationError({"relationship": "Enter how they know the young person"})
    with transaction.atomic():
        contact = KeyContact.objects.create(
            young_person=young_person,
            name=name.strip(),
            relationship=relationship.strip(),
            phone=normalise_phone(phone) if phone.strip() else "",
            notes=notes,
        )
        audit_case(actor, young_person, Action.ALTERATION, "Added a key contact")
        if contact.phone:
            network_update_case_record_later(young_person_id=young_person.pk)
    return contact


def equality_monitoring_set(
    *,
    actor: Actor,
    young_person: YoungPerson,
    ethnicity: str = "",
    religion: str = "",
    nationality: str = "",
) -> EqualityMonitoring:
    require_editor(actor, young_person)
    with transaction.atomic():
        record, _ = EqualityMonitoring.objects.update_or_create(
            young_person=young_person,
            defaults={
                "ethnicity": ethnicity.strip(),
                "religion": religion.strip(),
                "nationality": nationality.strip(),
                "recorded_at": timezone.now(),
            },
        )
        audit_case(actor, young_person, Action.ALTERATION, "Recorded equality-monitoring data")
    return record


def young_person_allocate(
    *, actor: Actor, young_person: YoungPerson, key_worker: User | None, note: str = ""
) -> YoungPerson:
    require_editor(actor, young_person)
    if key_worker is not None and (
        young_person.holding_team_id not in key_worker.team_ids()
        or not key_worker.can(Perm.EDIT_PERSON_RECORDS)
    ):
        raise ValidationError(
            {"key_worker": "The key worker must be a practitioner in the holding team"}
        )
    with transaction.atomic():
        young_person.key_worker = key_worker
        young_person.save(update_fields=["key_worker"])
        CaseEvent.objects.create(
            young_person=young_person,
            kind=CaseEventKind.ALLOCATED,
            by=actor.user,
            key_worker=key_worker,
            note=note.strip(),
        )
        audit_case(
            actor,
            young_person,
            Action.ALTERATION,
            "Allocated to " + (key_worker.display_name if key_worker else "no one"),
        )
    return young_person


def young_person_close(
    *, actor: Actor, young_person: YoungPerson, reason: str, note: str = ""
) -> YoungPerson:
    require_editor(actor, young_person)
    if not young_person.is_open:
        raise ValidationError("This case is already closed.")
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Choose why the case is closing"})
    if reason == ClosureReason.OTHER and not note.strip():
        raise ValidationError({"note": "Explain why the case is closing"})
    with transaction.atomic():
        young_person.status = CaseStatus.CLOSED
        young_person.closure_reason = reason
        young_person.closed_at = timezone.now()
        young_person.save(update_fields=["status", "closure_reason", "closed_at"])
        CaseEvent.objects.create(
            young_person=young_person,
            kind=CaseEventKind.CLOSED,
            by=actor.user,
            note=f"{ClosureReason(reason).label}. {note.strip()}".strip(),
        )
        audit_case(actor, young_person, Action.ALTERATION, "Closed the case", reason=reason)
    return young_person


def young_person_reopen(*, actor: Actor, young_person: YoungPerson, note: str) -> YoungPerson:
    require_editor(actor, young_person)
    if young_person.is_open:
        raise ValidationError("This case is already open.")
    if not note.strip():
        raise ValidationError({"note": "Explain why the case is reopening"})
    with transaction.atomic():
        young_person.status = CaseStatus.OPEN
        young_person.closure_reason = ""
        young_person.closed_at = None
        young_person.save(update_fields=["status", "closure_reason", "closed_at"])
        CaseEvent.objects.create(
            young_person=young_person, kind=CaseEventKind.REOPENED, by=actor.user, note=note.strip()
        )
        audit_case(actor, young_person, Action.ALTERATION, "Reopened the case")
    return young_person
