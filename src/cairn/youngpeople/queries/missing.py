"""Reads of missing episodes: repeat episodes, children missing together, interviews due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone

from cairn.access.models import User
from cairn.access.queries import visible_q
from cairn.youngpeople.models import InterviewStatus, MissingEpisode, YoungPerson

# Repeat episodes: this many in this many days (DfE statutory guidance on children who run away
# or go missing, 2014, asks for repeat episodes to be identified; the numbers are local policy).
REPEAT_COUNT = 3
REPEAT_DAYS = 90
FOUND_TOGETHER_WINDOW = timedelta(days=1)
# A return-home interview is offered within 72 hours of the child's return (DfE statutory
# guidance on children who run away or go missing from home or care, 2014).
INTERVIEW_OFFER_WITHIN = timedelta(hours=72)


def repeat_episode_count(young_person: YoungPerson, *, days: int = REPEAT_DAYS) -> int:
    since = timezone.now() - timedelta(days=days)
    return young_person.missing_episodes.filter(started_at__gte=since).count()


def interview_due_by(episode: MissingEpisode) -> datetime | None:
    """When the return-home interview must have been offered by; None while still missing."""
    if episode.ended_at is None:
        return None
    return episode.ended_at + INTERVIEW_OFFER_WITHIN


def interview_overdue(episode: MissingEpisode, *, now: datetime | None = None) -> bool:
    """Returned more than 72 hours ago and no interview offered yet."""
    due_by = interview_due_by(episode)
    if due_by is None or episode.interview_offered_at is not None:
        return False
    if episode.interview_status != InterviewStatus.NOT_OFFERED:
        return False
    return (now or timezone.now()) > due_by


def interview_offered_late(episode: MissingEpisode) -> bool:
    due_by = interview_due_by(episode)
    offered_at = episode.interview_offered_at
    return due_by is not None and offered_at is not None and offered_at > due_by


@dataclass(frozen=True)
class CoMissing:
    episode: MissingEpisode
    other: MissingEpisode
    reason: str


def _found_together(episode: MissingEpisode, other: MissingEpisode) -> bool:
    place = episode.where_found.strip().lower()
    return bool(
        place
        and other.where_found.strip().lower() == place
        and episode.ended_at is not None
        and other.ended_at is not None
        and abs(other.ended_at - episode.ended_at) <= FOUND_TOGETHER_WINDOW
    )


def _overlap(episode: MissingEpisode, other: MissingEpisode, now: datetime) -> bool:
    return (
        other.started_at < (episode.ended_at or now)
        and (other.ended_at or now) > episode.started_at
    )


def _candidates_q(episode: MissingEpisode, now: datetime) -> Q:
    """Other episodes that overlap this one or ended at the same place within a day."""
    matches = Q(started_at__lt=episode.ended_at or now) & (
        Q(ended_at__gt=episode.started_at) | Q(ended_at__isnull=True)
    )
    place = episode.where_found.strip()
    if place and episode.ended_at is not None:
        matches |= Q(
            where_found__iexact=place,
            ended_at__gte=episode.ended_at - FOUND_TOGETHER_WINDOW,
            ended_at__lte=episode.ended_at + FOUND_TOGETHER_WINDOW,
        )
    return matches


def co_missing(user: User | None, young_person: YoungPerson) -> list[CoMissing]:
    """Other children missing at overlapping times, or found at the same place within a day.

    Only children the user may see are returned: a co-missing child outside their need-to-know
    is not mentioned at all. Two queries however many episodes there are.
    """
    now = timezone.now()
    episodes = list(young_person.missing_episodes.all())
    if not episodes:
        return []
    visible_children = YoungPerson.objects.filter(visible_q(user, YoungPerson)).exclude(
        pk=young_person.pk
    )
    others = list(
        MissingEpisode.objects.filter(young_person__in=visible_children)
        .filter(reduce(or_, (_candidates_q(episode, now) for episode in episodes)))
        .select_related("young_person")
        .order_by("-started_at", "-id")
    )
    found: list[CoMissing] = []
    for episode in episodes:
        for other in others:
            reasons = []
            if _overlap(episode, other, now):
                reasons.append("missing at the same time")
            if _found_together(episode, other):
                reasons.append(f"found at {episode.where_found} within a day")
            if reasons:
                found.append(CoMissing(episode=episode, other=other, reason=" and ".join(reasons)))
    return found
