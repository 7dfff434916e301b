"""The write path for referrals: receiving them and the screening decision."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import LawfulBasis, RecordShare, Team, User
from cairn.access.permissions import Perm
from cairn.access.queries import can_view
from cairn.access.services import grant_owner_access
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.youngpeople.models import (
    Alias,
    AliasKind,
    Consent,
    Referral,
    ReferralStatus,
    ScreeningDecision,
    Urgency,
    YoungPerson,
)
from cairn.youngpeople.services.record import (
    normalise_phone,
    refresh_name_keys,
    validate_identity,
    young_person_allocate,
    young_person_create,
)
from cairn.youngpeople.services.risk import current_tool


def _audit_referral(actor: Actor, referral: Referral, action: Action, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type=record_label(Referral),
        record_ids=[referral.pk],
        summary=summary,
    )


def referral_create(
    *,
    actor: Actor,
    receiving_team: Team,
    referrer_name: str,
    referrer_organisation: str,
    referrer_contact: str,
    given_name: str,
    family_name: str,
    reason: str,
    urgency: str,
    consent: str,
    lawful_basis: str,
    concerns: Iterable[str] = (),
    aliases: str = "",
    date_of_birth: date | None = None,
    estimated_age: int | None = None,
    phone: str = "",
    area: str = "",
    young_person: YoungPerson | None = None,
    confirmed_different: bool = False,
    synthetic: bool = False,
    external_id: str = "",
    received_at: Any = None,
) -> Referral:
    """Receive a referral. `young_person` is the record the referrer says is this child (they
    must be able to see it); the receiving team attaches the referral to it when screening."""
    user = actor.user
    if not actor.is_system and (user is None or not user.can(Perm.EDIT_PERSON_RECORDS)):
        raise PermissionDenied("Your role cannot make referrals.")
    validate_identity(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        estimated_age=estimated_age,
    )
    errors: dict[str, str] = {}
    for name, value in (
        ("referrer_name", referrer_name),
        ("referrer_organisation", referrer_organisation),
        ("referrer_contact", referrer_contact),
        ("reason", reason),
    ):
        if not (value or "").strip():
            errors[name] = "This is needed to act on the referral"
    if urgency not in Urgency.values:
        errors["urgency"] = "Choose how urgent the referral is"
    if consent not in Consent.values:
        errors["consent"] = "Say whether the young person or carer consents"
    if lawful_basis not in LawfulBasis.values or lawful_basis == LawfulBasis.OWNER:
        errors["lawful_basis"] = "Choose the lawful basis for sharing this information"
    chosen = sorted(set(concerns))
    known = set(current_tool().indicators.values_list("code", flat=True))
    unknown = [code for code in chosen if code not in known]
    if unknown:
        errors["concerns"] = f"Unknown indicator: {', '.join(unknown)}"
    if young_person is not None and confirmed_different:
        errors["existing_young_person"] = (
            "Choose either the record that is this child or “none of these”, not both"
        )
    if errors:
        raise ValidationError(errors)
    if young_person is not None and not actor.is_system and not can_view(user, young_person):
        raise PermissionDenied("You can link a referral only to a record you can see.")
    with transaction.atomic():
        referral = Referral.objects.create(
            receiving_team=receiving_team,
            received_at=received_at or timezone.now(),
            referred_by=user,
            referrer_name=referrer_name.strip(),
            referrer_organisation=referrer_organisation.strip(),
            referrer_contact=referrer_contact.strip(),
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            aliases=aliases.strip(),
            date_of_birth=date_of_birth,
            estimated_age=estimated_age,
            phone=normalise_phone(phone),
            area=area.strip(),
            reason=reason,
            concerns=chosen,
            urgency=urgency,
            consent=consent,
            lawful_basis=lawful_basis,
            young_person=young_person,
            confirmed_different=confirmed_different,
            synthetic=synthetic,
            external_id=external_id,
        )
        grant_owner_access(record=referral, team=receiving_team, actor=actor)
        if user is not None and receiving_team.pk not in user.team_ids():
            # The referrer can follow what happens to the referral they made.
            RecordShare.objects.create(
                content_type=ContentType.objects.get_for_model(Referral),
                object_id=referral.pk,
                user=user,
                lawful_basis=lawful_basis,
                shared_by=user,
            )
        _audit_referral(actor, referral, Action.COLLECTION, f"Referral to {receiving_team}")
    return referral


def _add_referred_names(young_person: YoungPerson, referral: Referral) -> None:
    """Keep the names the referrer used (their aliases, and their spelling of the name when it
    differs) on the record the referral is attached to, so later checks find them."""
    known = {name.lower() for name in young_person.aliases.values_list("name", flat=True)}
    known |= {young_person.full_name.lower(), young_person.preferred_name.lower()}
    new_aliases: list[Alias] = []
    referred = [(referral.subject_name.strip(), AliasKind.SPELLING)]
    referred += [(name.strip(), AliasKind.ALIAS) for name in referral.aliases.split(",")]
    for name, kind in referred:
        if name and name.lower() not in known:
            known.add(name.lower())
            new_aliases.append(Alias(young_person=young_person, name=name, kind=kind))
    Alias.objects.bulk_create(new_aliases)


def referral_screen(
    *,
    actor: Actor,
    referral: Referral,
    decision: str,
    reason: str,
    young_person: YoungPerson | None = None,
    key_worker: User | None = None,
) -> Referral:
    """Accept (creating or attaching a young person), signpost, or take no further action."""
    user = actor.user
    if not actor.is_system:
        if user is None or not user.can(Perm.EDIT_PERSON_RECORDS):
            raise PermissionDenied("Your role cannot screen referrals.")
        if referral.receiving_team_id not in user.team_ids():
            raise PermissionDenied("Only the receiving team screens a referral.")
    if decision not in ScreeningDecision.values:
        raise ValidationError({"decision": "Choose a screening decision"})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the decision"})
    if young_person is not None and not actor.is_system and not can_view(user, young_person):
        raise PermissionDenied("You can attach a referral only to a record you can see.")
    with transaction.atomic():
        # Locked, so two people screening at once cannot both decide it.
        current = Referral.objects.select_for_update().only("status").get(pk=referral.pk)
        if current.status != ReferralStatus.AWAITING_SCREENING:
            raise ValidationError("This referral has already been screened.")
        if decision == ScreeningDecision.ACCEPT:
            if young_person is None:
                young_person = young_person_create(
                    actor=actor,
                    holding_team=referral.receiving_team,
                    synthetic=referral.synthetic,
                    aliases=[name for name in referral.aliases.split(",") if name.strip()],
                    given_name=referral.given_name,
                    family_name=referral.family_name,
                    date_of_birth=referral.date_of_birth,
                    estimated_age=referral.estimated_age,
                    phone=referral.phone,
                    area=referral.area,
                )
            else:
                _add_referred_names(young_person, referral)
                refresh_name_keys(young_person)
            if key_worker is not None:
                young_person_allocate(actor=actor, young_person=young_person, key_worker=key_worker)
            referral.young_person = young_person
        referral.status = ReferralStatus(decision)
        referral.decision_reason = reason.strip()
        referral.decided_by = user
        referral.decided_at = timezone.now()
        referral.save(
            update_fields=["young_person", "status", "decision_reason", "decided_by", "decided_at"]
        )
        _audit_referral(
            actor, referral, Action.ALTERATION, f"Screened: {ScreeningDecision(decision).label}"
        )
        if young_person is not None:
            audit_record(
                actor=actor,
                action=Action.COMBINATION,
                record_type=record_label(YoungPerson),
                record_ids=[young_person.pk],
                summary=f"Referral {referral.reference} attached",
                detail={"referral": referral.pk},
            )
    return referral
