"""The write path for missing and absent episodes and return-home interviews."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.networks.services import network_update_episode_later
from cairn.youngpeople.models import EpisodeKind, InterviewStatus, MissingEpisode, YoungPerson
from cairn.youngpeople.services.common import audit_case, require_editor

EPISODE_FIELDS = (
    "kind",
    "started_at",
    "ended_at",
    "reported_by",
    "where_found",
    "found_with",
    "police_reference",
    "notes",
)


def _validate_episode(episode: MissingEpisode) -> None:
    now = timezone.now()
    errors: dict[str, str] = {}
    if episode.kind not in EpisodeKind.values:
        errors["kind"] = "Choose missing or absent"
    if episode.started_at is None:
        errors["started_at"] = "Enter when the young person went missing"
    elif episode.started_at > now:
        errors["started_at"] = "The start must be now or in the past"
    if episode.ended_at is not None:
        if episode.ended_at > now:
            errors["ended_at"] = "The return must be now or in the past"
        elif episode.started_at is not None and episode.ended_at < episode.started_at:
            errors["ended_at"] = "The return must be after the start"
    if not (episode.reported_by or "").strip():
        errors["reported_by"] = "Enter who reported it"
    if errors:
        raise ValidationError(errors)


def missing_episode_create(
    *,
    actor: Actor,
    young_person: YoungPerson,
    started_at: datetime,
    reported_by: str,
    kind: str = EpisodeKind.MISSING,
    ended_at: datetime | None = None,
    where_found: str = "",
    found_with: str = "",
    police_reference: str = "",
    notes: str = "",
    external_id: str = "",
) -> MissingEpisode:
    user = require_editor(actor, young_person)
    episode = MissingEpisode(
        young_person=young_person,
        kind=kind,
        started_at=started_at,
        ended_at=ended_at,
        reported_by=reported_by.strip(),
        where_found=where_found.strip(),
        found_with=found_with.strip(),
        police_reference=police_reference.strip(),
        notes=notes,
        recorded_by=user,
        external_id=external_id,
    )
    _validate_episode(episode)
    with transaction.atomic():
        episode.save()
        audit_case(
            actor,
            young_person,
            Action.COLLECTION,
            f"Recorded a {episode.get_kind_display().lower()} episode",
            episode=episode.pk,
        )
        network_update_episode_later(missing_episode_id=episode.pk)
    return episode


def missing_episode_update(
    *, actor: Actor, episode: MissingEpisode, expected_version: int, **fields: object
) -> MissingEpisode:
    """Record the return, where and with whom the young person was found, and so on."""
    require_editor(actor, episode.young_person)
    unknown = set(fields) - set(EPISODE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(
            episode, name, value.strip() if isinstance(value, str) and name != "notes" else value
        )
    _validate_episode(episode)
    with transaction.atomic():
        updated = MissingEpisode.objects.filter(pk=episode.pk, version=expected_version).update(
            **{name: getattr(episode, name) for name in fields}, version=expected_version + 1
        )
        if not updated:
            raise ValidationError(
                "Someone else changed this episode after you opened it. Reload it and try again."
            )
        audit_case(
            actor,
            episode.young_person,
            Action.ALTERATION,
            "Changed a missing episode",
            episode=episode.pk,
            fields=sorted(fields),
        )
        network_update_episode_later(missing_episode_id=episode.pk)
    episode.refresh_from_db()
    return episode


def return_interview_record(
    *,
    actor: Actor,
    episode: MissingEpisode,
    status: str,
    offered_at: datetime | None,
    done_at: datetime | None = None,
    interviewer: str = "",
    learned: str = "",
    expected_version: int | None = None,
) -> MissingEpisode:
    """The return-home interview: offered (within 72 hours of return), then done or declined.

    With `expected_version`, refuses to overwrite a newer change made by someone else."""
    require_editor(actor, episode.young_person)
    errors: dict[str, str] = {}
    if episode.ended_at is None:
        errors["status"] = "Record the young person's return before the interview"
    if status not in InterviewStatus.values or status == InterviewStatus.NOT_OFFERED:
        errors["status"] = "Choose offered, done or declined"
    if offered_at is None:
        errors["offered_at"] = "Enter when the interview was offered"
    elif episode.ended_at is not None and offered_at < episode.ended_at:
        errors["offered_at"] = "The interview is offered after the young person returns"
    elif offered_at > timezone.now():
        errors["offered_at"] = "The offer must be now or in the past"
    if status == InterviewStatus.DONE:
        if done_at is None:
            errors["done_at"] = "Enter when the interview took place"
        elif offered_at is not None and done_at < offered_at:
            errors["done_at"] = "The interview takes place after it is offered"
        elif done_at > timezone.now():
            errors["done_at"] = "The interview time must be now or in the past"
        if not interviewer.strip():
            errors["interviewer"] = "Enter who did the interview"
    if errors:
        raise ValidationError(errors)
    values = {
        "interview_status": status,
        "interview_offered_at": offered_at,
        "interview_done_at": done_at if status == InterviewStatus.DONE else None,
        "interview_by": interviewer.strip(),
        "interview_learned": learned,
    }
    with transaction.atomic():
        rows = MissingEpisode.objects.filter(pk=episode.pk)
        if expected_version is not None:
            rows = rows.filter(version=expected_version)
        if not rows.update(**values, version=F("version") + 1):
            raise ValidationError(
                "Someone else changed this episode after you opened it. Reload it and try again."
            )
        audit_case(
            actor,
            episode.young_person,
            Action.COLLECTION,
            f"Return-home interview: {InterviewStatus(status).label.lower()}",
            episode=episode.pk,
        )
    episode.refresh_from_db()
    return episode
