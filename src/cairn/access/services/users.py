"""Organisations, teams and users: created and changed by administrators, each audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from cairn.access.actor import Actor
from cairn.access.models import Organisation, Team, User
from cairn.access.permissions import Role
from cairn.access.services.common import require_admin
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label


def organisation_create(
    *, actor: Actor, name: str, organisation_type: str, area: str = ""
) -> Organisation:
    require_admin(actor)
    with transaction.atomic():
        organisation = Organisation(
            name=name.strip(), organisation_type=organisation_type, area=area.strip()
        )
        organisation.full_clean()
        organisation.save()
        audit_record(
            actor=actor,
            action=Action.ADMINISTRATION,
            record_type=record_label(Organisation),
            record_ids=[organisation.pk],
            summary=f"Created organisation {organisation.name}",
        )
    return organisation


def team_create(*, actor: Actor, organisation: Organisation, name: str) -> Team:
    require_admin(actor)
    with transaction.atomic():
        team = Team(organisation=organisation, name=name.strip())
        team.full_clean()
        team.save()
        audit_record(
            actor=actor,
            action=Action.ADMINISTRATION,
            record_type=record_label(Team),
            record_ids=[team.pk],
            summary=f"Created team {team.name} in {organisation.name}",
        )
    return team


def _check_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [role for role in chosen if role not in Role.values]
    if unknown:
        raise ValidationError({"roles": f"Unknown role: {', '.join(unknown)}"})
    if not chosen:
        raise ValidationError({"roles": "Choose at least one role"})
    return chosen


def _check_teams(organisation: Organisation, teams: Iterable[Team]) -> list[Team]:
    chosen = list(teams)
    if not chosen:
        raise ValidationError({"teams": "Choose at least one team"})
    if any(team.organisation_id != organisation.pk for team in chosen):
        raise ValidationError({"teams": "Every team must belong to the user's organisation"})
    return chosen


def user_create(
    *,
    actor: Actor,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    organisation: Organisation,
    teams: Iterable[Team],
    roles: Iterable[str],
    password: str,
) -> User:
    require_admin(actor)
    chosen_roles = _check_roles(roles)
    chosen_teams = _check_teams(organisation, teams)
    with transaction.atomic():
        user = User(
            username=username.strip(),
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            organisation=organisation,
            roles=chosen_roles,
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        user.teams.set(chosen_teams)
        audit_record(
            actor=actor,
            action=Action.ADMINISTRATION,
            record_type=record_label(User),
            record_ids=[user.pk],
            summary=f"Created user {user.username}",
            detail={"roles": chosen_roles, "teams": [team.pk for team in chosen_teams]},
        )
    return user


def user_update(
    *,
    actor: Actor,
    user: User,
    teams: Iterable[Team],
    roles: Iterable[str],
    is_active: bool,
) -> User:
    admin = require_admin(actor)
    chosen_roles = _check_roles(roles)
    if user.organisation is None:
        raise ValidationError("This account has no organisation and cannot be edited here.")
    chosen_teams = _check_teams(user.organisation, teams)
    if (
        admin is not None
        and user.pk == admin.pk
        and (not is_active or Role.ADMIN not in chosen_roles)
    ):
        raise ValidationError("You cannot remove your own administrator access.")
    with transaction.atomic():
        before = {
            "roles": list(user.roles),
            "teams": sorted(user.team_ids()),
            "active": user.is_active,
        }
        user.roles = chosen_roles
        user.is_active = is_active
        user.save(update_fields=["roles", "is_active"])
        user.teams.set(chosen_teams)
        user.__dict__.pop("_team_ids", None)
        after = {
            "roles": chosen_roles,
            "teams": sorted(team.pk for team in chosen_teams),
            "active": is_active,
        }
        audit_record(
            actor=actor,
            action=Action.ADMINISTRATION,
            record_type=record_label(User),
            record_ids=[user.pk],
            summary=f"Changed user {user.username}",
            detail={"before": before, "after": after},
        )
    return user


def user_reset_two_factor(*, actor: Actor, user: User) -> None:
    """Removes a user's authenticator and recovery codes so they enrol again at next sign-in."""
    require_admin(actor)
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action=Action.TWO_FACTOR,
            record_type=record_label(User),
            record_ids=[user.pk],
            summary=f"Reset two-factor authentication for {user.username}",
        )
