"""Sharing a record with another team, break-glass access and its review, notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import BreakGlassGrant, LawfulBasis, Notification, RecordShare, Team, User
from cairn.access.permissions import Perm
from cairn.access.queries import can_view, managers_of, reference_for
from cairn.access.services.common import require
from cairn.access.tasks import email_break_glass_to_managers
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label


def share_record(
    *,
    actor: Actor,
    record: Model,
    team: Team,
    lawful_basis: str,
    reason: str = "",
) -> RecordShare:
    """Open a record to another team: a disclosure, audited with its recipient and basis."""
    user = require(actor, Perm.SHARE_RECORDS)
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
    user = require(actor, Perm.SHARE_RECORDS)
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
    user = require(actor, Perm.BREAK_GLASS)
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
    user = require(actor, Perm.REVIEW_BREAK_GLASS)
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
