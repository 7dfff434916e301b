"""The write path for an investigation: open and change it, its key dates, the people on it,
incidents and offences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Perm
from cairn.access.services import grant_owner_access
from cairn.audit.models import Action
from cairn.investigations.models import (
    Incident,
    Investigation,
    InvestigationStatus,
    KeyDate,
    KeyDateKind,
    Offence,
    OffenceCategory,
    Sex,
    Suspect,
    Victim,
    Witness,
    WitnessType,
)
from cairn.investigations.services.common import (
    audit_investigation,
    graph_later,
    require_investigator,
    require_on_investigation,
    require_text,
    require_visible,
)
from cairn.linkage.models import LocationEntity, PersonEntity
from cairn.linkage.services import suspect_resolve
from cairn.youngpeople.models import YoungPerson

INVESTIGATION_FIELDS = (
    "operation_name",
    "offence_types",
    "officer_in_charge",
    "status",
    "origin",
    "started_on",
    "closed_on",
    "liaison_name",
    "liaison_role",
    "liaison_email",
    "liaison_phone",
)


def _validate_investigation(investigation: Investigation) -> None:
    errors: dict[str, str] = {}
    if not investigation.operation_name.strip():
        errors["operation_name"] = "Enter the operation name"
    unknown = [code for code in investigation.offence_types if code not in OffenceCategory.values]
    if unknown:
        errors["offence_types"] = f"Unknown offence type: {', '.join(map(str, unknown))}"
    elif not investigation.offence_types:
        errors["offence_types"] = "Choose at least one offence type"
    if investigation.status not in InvestigationStatus.values:
        errors["status"] = "Choose a status"
    if investigation.started_on and investigation.started_on > timezone.localdate():
        errors["started_on"] = "The start date must be today or in the past"
    if investigation.closed_on and investigation.closed_on < investigation.started_on:
        errors["closed_on"] = "The closing date must not be before the start date"
    officer = investigation.officer_in_charge
    if officer is not None and investigation.team_id not in officer.team_ids():
        errors["officer_in_charge"] = "The officer in charge must be a member of the team"
    if errors:
        raise ValidationError(errors)


def investigation_create(
    actor: Actor,
    *,
    team: Team,
    operation_name: str,
    offence_types: Sequence[str],
    started_on: date,
    officer_in_charge: User | None = None,
    external_id: str = "",
    synthetic: bool = False,
    **fields: Any,
) -> Investigation:
    """Open an investigation held by `team`, which gets the owner share."""
    if not actor.is_system:
        user = actor.user
        if user is None or not user.can(Perm.EDIT_INVESTIGATIONS):
            raise PermissionDenied("You do not have permission to open investigations.")
        if team.pk not in user.team_ids():
            raise PermissionDenied("You can open investigations only for your own teams.")
    unknown = set(fields) - set(INVESTIGATION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    investigation = Investigation(
        team=team,
        operation_name=(operation_name or "").strip(),
        offence_types=list(dict.fromkeys(offence_types)),
        started_on=started_on,
        officer_in_charge=officer_in_charge,
        external_id=external_id,
        synthetic=synthetic,
        **fields,
    )
    _validate_investigation(investigation)
    with transaction.atomic():
        investigation.save()
        grant_owner_access(record=investigation, team=team, actor=actor)
        audit_investigation(
            actor, investigation, Action.COLLECTION, "Opened investigation", team=team.pk
        )
    return investigation


def investigation_update(
    actor: Actor, *, investigation: Investigation, **changes: Any
) -> Investigation:
    require_investigator(actor, investigation)
    unknown = set(changes) - set(INVESTIGATION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(investigation, name) != value]
    if not changed:
        return investigation
    for name in changed:
        setattr(investigation, name, changes[name])
    investigation.offence_types = list(dict.fromkeys(investigation.offence_types))
    _validate_investigation(investigation)
    investigation.updated_at = timezone.now()
    with transaction.atomic():
        investigation.save(update_fields=[*changed, "offence_types", "updated_at"])
        audit_investigation(
            actor, investigation, Action.ALTERATION, "Changed investigation", fields=changed
        )
    return investigation


def key_date_add(
    actor: Actor, *, investigation: Investigation, kind: str, on: date, note: str = ""
) -> KeyDate:
    require_investigator(actor, investigation)
    if kind not in KeyDateKind.values:
        raise ValidationError({"kind": "Choose what the date is for"})
    key_date = KeyDate(investigation=investigation, kind=kind, on=on, note=(note or "").strip())
    with transaction.atomic():
        key_date.save()
        audit_investigation(
            actor,
            investigation,
            Action.ALTERATION,
            f"Added key date: {key_date.get_kind_display()}",
            key_date=key_date.pk,
        )
    return key_date


def _check_sex(sex: str) -> None:
    if sex not in Sex.values:
        raise ValidationError({"sex": "Choose female, male or not known"})


def _check_victim(victim: Victim) -> None:
    victim.name_as_recorded = require_text(
        victim.name_as_recorded, "name_as_recorded", "Enter the name as recorded"
    )
    _check_sex(victim.sex)
    errors: dict[str, str] = {}
    if victim.age_at_offence is not None and not 0 <= victim.age_at_offence < 18:
        errors["age_at_offence"] = "A child victim's age at the offence must be under 18"
    if victim.withdrew_on and victim.supports_prosecution:
        errors["withdrew_on"] = "A victim who withdrew does not support the prosecution"
    if errors:
        raise ValidationError(errors)


VICTIM_FIELDS = (
    "name_as_recorded",
    "age_at_offence",
    "sex",
    "supports_prosecution",
    "withdrew_on",
    "abe_interview_on",
)
SUSPECT_FIELDS = ("name_as_recorded", "date_of_birth", "estimated_age", "sex", "arrested_on")


def _update_entry(
    actor: Actor, entry: Victim | Suspect, fields: tuple[str, ...], changes: dict[str, Any]
) -> None:
    """Change a victim's or suspect's details as recorded; one alteration entry."""
    investigation = entry.investigation
    require_investigator(actor, investigation)
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(entry, name) != value]
    for name in changed:
        setattr(entry, name, changes[name])
    if isinstance(entry, Victim):
        _check_victim(entry)
    else:
        _check_suspect(entry)
    if not changed:
        return
    kind = type(entry).__name__.lower()
    with transaction.atomic():
        entry.save(update_fields=changed)
        audit_investigation(
            actor,
            investigation,
            Action.ALTERATION,
            f"Changed {kind}",
            **{kind: entry.pk, "fields": changed},
        )
        graph_later(entry.incidents.values_list("pk", flat=True))


def victim_update(actor: Actor, *, victim: Victim, **changes: Any) -> Victim:
    _update_entry(actor, victim, VICTIM_FIELDS, changes)
    return victim


def suspect_update(actor: Actor, *, suspect: Suspect, **changes: Any) -> Suspect:
    _update_entry(actor, suspect, SUSPECT_FIELDS, changes)
    return suspect


def victim_add(
    actor: Actor,
    *,
    investigation: Investigation,
    name_as_recorded: str,
    young_person: YoungPerson | None = None,
    age_at_offence: int | None = None,
    sex: str = Sex.NOT_KNOWN,
    supports_prosecution: bool | None = None,
    withdrew_on: date | None = None,
    abe_interview_on: date | None = None,
    external_id: str = "",
) -> Victim:
    """Name a child as a victim; their record is linked only if the actor may see it."""
    require_investigator(actor, investigation)
    require_visible(actor, young_person, "young_person")
    victim = Victim(
        investigation=investigation,
        young_person=young_person,
        name_as_recorded=name_as_recorded,
        age_at_offence=age_at_offence,
        sex=sex,
        supports_prosecution=supports_prosecution,
        withdrew_on=withdrew_on,
        abe_interview_on=abe_interview_on,
        external_id=external_id,
    )
    _check_victim(victim)
    with transaction.atomic():
        victim.save()
        audit_investigation(
            actor,
            investigation,
            Action.COMBINATION if young_person else Action.COLLECTION,
            "Added victim",
            victim=victim.pk,
            young_person=young_person.pk if young_person else None,
        )
    return victim


def _check_suspect(suspect: Suspect) -> None:
    suspect.name_as_recorded = require_text(
        suspect.name_as_recorded, "name_as_recorded", "Enter the name as recorded"
    )
    _check_sex(suspect.sex)
    if suspect.date_of_birth and suspect.date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    if suspect.estimated_age is not None and not 10 <= suspect.estimated_age < 120:
        raise ValidationError({"estimated_age": "Enter an age from 10 to 119"})


def suspect_add(
    actor: Actor,
    *,
    investigation: Investigation,
    name_as_recorded: str,
    person: PersonEntity | None = None,
    date_of_birth: date | None = None,
    estimated_age: int | None = None,
    sex: str = Sex.NOT_KNOWN,
    arrested_on: date | None = None,
    external_id: str = "",
) -> Suspect:
    require_investigator(actor, investigation)
    suspect = Suspect(
        investigation=investigation,
        person=person,
        name_as_recorded=name_as_recorded,
        date_of_birth=date_of_birth,
        estimated_age=estimated_age,
        sex=sex,
        arrested_on=arrested_on,
        external_id=external_id,
    )
    _check_suspect(suspect)
    with transaction.atomic():
        suspect.save()
        # No person given: the best resolved person above the upper threshold, if there is one.
        resolved = person or suspect_resolve(suspect)
        audit_investigation(
            actor,
            investigation,
            Action.COMBINATION if resolved else Action.COLLECTION,
            "Added suspect",
            suspect=suspect.pk,
            person=resolved.pk if resolved else None,
            resolved_by="user" if person else ("linkage" if resolved else None),
        )
    return suspect


def witness_add(
    actor: Actor,
    *,
    investigation: Investigation,
    witness_type: str,
    name_as_recorded: str,
    young_person: YoungPerson | None = None,
    statement_on: date | None = None,
    external_id: str = "",
) -> Witness:
    require_investigator(actor, investigation)
    require_visible(actor, young_person, "young_person")
    name = require_text(name_as_recorded, "name_as_recorded", "Enter the name as recorded")
    if witness_type not in WitnessType.values:
        raise ValidationError({"witness_type": "Choose the kind of witness"})
    witness = Witness(
        investigation=investigation,
        witness_type=witness_type,
        name_as_recorded=name,
        young_person=young_person,
        statement_on=statement_on,
        external_id=external_id,
    )
    with transaction.atomic():
        witness.save()
        audit_investigation(
            actor,
            investigation,
            Action.COMBINATION if young_person else Action.COLLECTION,
            "Added witness",
            witness=witness.pk,
            young_person=young_person.pk if young_person else None,
        )
    return witness


def check_incident(
    investigation: Investigation,
    *,
    title: str,
    occurred_from: date,
    occurred_to: date | None,
    victims: list[Victim],
    suspects: list[Suspect],
) -> str:
    """An incident's details are valid and its people on the investigation; the title, trimmed."""
    title = require_text(title, "title", "Say what is alleged to have happened, briefly")
    require_on_investigation(investigation, victims, "victims", "Victims")
    require_on_investigation(investigation, suspects, "suspects", "Suspects")
    if occurred_from > timezone.localdate():
        raise ValidationError({"occurred_from": "The incident date must be in the past"})
    if occurred_to and occurred_to < occurred_from:
        raise ValidationError({"occurred_to": "The end of the range must not be before its start"})
    return title


def incident_add(
    actor: Actor,
    *,
    investigation: Investigation,
    title: str,
    occurred_from: date,
    occurred_to: date | None = None,
    place: str = "",
    location: LocationEntity | None = None,
    victims: Iterable[Victim] = (),
    suspects: Iterable[Suspect] = (),
    external_id: str = "",
) -> Incident:
    require_investigator(actor, investigation)
    victims, suspects = list(victims), list(suspects)
    title = check_incident(
        investigation,
        title=title,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        victims=victims,
        suspects=suspects,
    )
    incident = Incident(
        investigation=investigation,
        title=title,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        place=(place or "").strip(),
        location=location,
        external_id=external_id,
    )
    with transaction.atomic():
        incident.save()
        incident.victims.set(victims)
        incident.suspects.set(suspects)
        audit_investigation(
            actor, investigation, Action.ALTERATION, "Added incident", incident=incident.pk
        )
        graph_later([incident.pk])
    return incident


def offence_add(
    actor: Actor, *, incident: Incident, category: str, suspect: Suspect | None = None
) -> Offence:
    investigation = incident.investigation
    require_investigator(actor, investigation)
    if category not in OffenceCategory.values:
        raise ValidationError({"category": "Choose the offence"})
    if suspect is not None:
        require_on_investigation(investigation, [suspect], "suspect", "The suspect")
    offence = Offence(incident=incident, category=category, suspect=suspect)
    with transaction.atomic():
        offence.save()
        if suspect is not None:
            incident.suspects.add(suspect)
        audit_investigation(
            actor,
            investigation,
            Action.ALTERATION,
            f"Added offence: {offence.get_category_display()}",
            offence=offence.pk,
        )
    return offence
