"""The write path for organisations, users, sharing, break-glass and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import (
    BreakGlassGrant,
    LawfulBasis,
    Notification,
    Organisation,
    PersonalAccessToken,
    RecordShare,
    Team,
    TokenScope,
    User,
)
from cairn.access.permissions import Perm, Role
from cairn.access.queries import can_view, managers_of, reference_for
from cairn.access.tasks import email_break_glass_to_managers
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label

TOKEN_PREFIX = "cairn_"


def _require(actor: Actor, perm: Perm) -> User:
    if actor.user is None or not actor.user.can(perm):
        raise PermissionDenied(f"You do not have permission to {Perm(perm).label.lower()}.")
    return actor.user


def _require_admin(actor: Actor) -> User | None:
    """An administrator, or an operator's command on the server (which has no user)."""
    return None if actor.is_system else _require(actor, Perm.MANAGE_USERS)


# Organisations, teams and users --------------------------------------------------------------


def organisation_create(*, actor: Actor, name: str, organisation_type: str) -> Organisation:
    _require_admin(actor)
    with transaction.atomic():
        organisation = Organisation(name=name.strip(), organisation_type=organisation_type)
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
    _require_admin(actor)
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
    _require_admin(actor)
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
    admin = _require_admin(actor)
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
    _require_admin(actor)
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


# Sharing and break-glass -----------------------------------------------------------------------


def share_record(
    *,
    actor: Actor,
    record: Model,
    team: Team,
    lawful_basis: str,
    reason: str = "",
) -> RecordShare:
    """Open a record to another team: a disclosure, audited with its recipient and basis."""
    user = _require(actor, Perm.SHARE_RECORDS)
    if not can_view(user, record) or not _holds(user, record):
        raise PermissionDenied("Only the team that holds this record may share it.")
    if lawful_basis not in LawfulBasis.values or lawful_basis == LawfulBasis.OWNER:
        raise ValidationError({"lawful_basis": "Choose the lawful basis for sharing"})
    content_type = ContentType.objects.get_for_model(record)
    with transaction.atomic():
        if (
            RecordShare.objects.active()
            .filter(content_type=content_type, object_id=record.pk, team=team)
            .exists()
        ):
            raise ValidationError({"team": f"{team} can already see this record"})
        share = RecordShare.objects.create(
            content_type=content_type,
            object_id=record.pk,
            team=team,
            lawful_basis=lawful_basis,
            reason=reason.strip(),
            shared_by=user,
        )
        audit_record(
            actor=actor,
            action=Action.DISCLOSURE,
            record_type=record_label(record),
            record_ids=[record.pk],
            summary=f"Shared with {team}",
            detail={"recipient_team": team.pk, "lawful_basis": lawful_basis},
            justification=reason.strip() or LawfulBasis(lawful_basis).label,
        )
    return share


def _holds(user: User, record: Model) -> bool:
    """Whether one of the user's teams is the record's holding team (its owner share).

    Only the holding team decides who else may see a record: a team it was shared with, or
    someone using break-glass, can read it but not pass it on or change its sharing.
    """
    return (
        RecordShare.objects.active()
        .filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            lawful_basis=LawfulBasis.OWNER,
            team_id__in=user.team_ids(),
        )
        .exists()
    )


def share_revoke(*, actor: Actor, share: RecordShare) -> RecordShare:
    user = _require(actor, Perm.SHARE_RECORDS)
    if share.lawful_basis == LawfulBasis.OWNER:
        raise ValidationError("The holding team's access cannot be revoked.")
    if share.revoked_at is not None:
        raise ValidationError("This share was already revoked.")
    record = share.content_type.get_object_for_this_type(pk=share.object_id)
    if not _holds(user, record):
        raise PermissionDenied("Only the team that holds this record may change its sharing.")
    with transaction.atomic():
        share.revoked_at = timezone.now()
        share.revoked_by = user
        share.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action=Action.ALTERATION,
            record_type=record_label(record),
            record_ids=[record.pk],
            summary=f"Stopped sharing with {share.recipient}",
            detail={"share": share.pk},
        )
    return share


def grant_owner_access(*, record: Model, team: Team, actor: Actor) -> RecordShare:
    """Called by every service that creates a person record, inside its transaction."""
    return RecordShare.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        team=team,
        lawful_basis=LawfulBasis.OWNER,
        shared_by=actor.user,
    )


def break_glass_open(*, actor: Actor, record: Model, reason: str) -> BreakGlassGrant:
    user = _require(actor, Perm.BREAK_GLASS)
    reason = reason.strip()
    if len(reason) < 20:
        raise ValidationError(
            {"reason": "Explain why you need this record now, in at least 20 characters"}
        )
    content_type = ContentType.objects.get_for_model(record)
    reference = reference_for(type(record), record.pk)
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            content_type=content_type,
            object_id=record.pk,
            user=user,
            reason=reason,
            expires_at=timezone.now() + settings.CAIRN_BREAK_GLASS_DURATION,
        )
        audit_record(
            actor=actor,
            action=Action.BREAK_GLASS,
            record_type=record_label(record),
            record_ids=[record.pk],
            summary=f"Break-glass access to {reference}",
            detail={"grant": grant.pk, "expires_at": grant.expires_at.isoformat()},
            justification=reason,
        )
        review_url = reverse("access:break-glass-list")
        for manager in managers_of(user):
            Notification.objects.create(
                recipient=manager,
                title=f"{user.display_name} used break-glass access",
                body=f"Record {reference}. Reason given: {reason}",
                url=review_url,
            )
        transaction.on_commit(lambda: email_break_glass_to_managers.enqueue(grant.pk))
    return grant


def break_glass_review(*, actor: Actor, grant: BreakGlassGrant, note: str) -> BreakGlassGrant:
    user = _require(actor, Perm.REVIEW_BREAK_GLASS)
    if grant.user_id == user.pk:
        raise PermissionDenied("You cannot review your own break-glass access.")
    if not (grant.user.team_ids() & user.team_ids()):
        raise PermissionDenied("You can review break-glass access only in your own teams.")
    if grant.reviewed_at is not None:
        raise ValidationError("This access has already been reviewed.")
    with transaction.atomic():
        grant.reviewed_by = user
        grant.reviewed_at = timezone.now()
        grant.review_note = note.strip()
        grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
        audit_record(
            actor=actor,
            action=Action.BREAK_GLASS,
            record_type=grant.content_type.app_label + "." + grant.content_type.model,
            record_ids=[grant.object_id],
            summary=f"Reviewed break-glass access by {grant.user.username}",
            detail={"grant": grant.pk},
            justification=grant.review_note,
        )
    return grant


def notification_mark_read(*, actor: Actor, notification: Notification) -> None:
    if actor.user is None or notification.recipient_id != actor.user.pk:
        raise PermissionDenied("That notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


# API tokens --------------------------------------------------------------------------------------


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def token_create(
    *, actor: Actor, name: str, scope: str, days: int
) -> tuple[PersonalAccessToken, str]:
    """Returns the stored token and the raw value, which is shown once and never kept."""
    user = _require(actor, Perm.USE_API)
    if scope not in TokenScope.values:
        raise ValidationError({"scope": "Choose read only, or read and write"})
    if not 1 <= days <= 365:
        raise ValidationError({"days": "A token must expire within 1 to 365 days"})
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = PersonalAccessToken.objects.create(
            user=user,
            name=name.strip() or "API token",
            prefix=prefix,
            digest=token_digest(raw),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action=Action.ADMINISTRATION,
            record_type=record_label(PersonalAccessToken),
            record_ids=[token.pk],
            summary=f"Created API token {token.name} ({token.get_scope_display()})",
        )
    return token, raw


def token_revoke(*, actor: Actor, token: PersonalAccessToken) -> None:
    if actor.user is None or token.user_id != actor.user.pk:
        raise PermissionDenied("That token is not yours.")
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=Action.ADMINISTRATION,
            record_type=record_label(PersonalAccessToken),
            record_ids=[token.pk],
            summary=f"Revoked API token {token.name}",
        )
