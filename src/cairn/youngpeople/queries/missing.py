"""Reads of missing episodes: repeat episodes and children missing together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from cairn.access.models import User
from cairn.access.queries import visible_q
from cairn.youngpeople.models import MissingEpisode, YoungPerson

# Repeat episodes: this many in this many days (DfE statutory guidance on children who run away
# or go missing, 2014, asks for repeat episodes to be identified; the numbers are local policy).
REPEAT_COUNT = 3
REPEAT_DAYS = 90
FOUND_TOGETHER_WINDOW = timedelta(days=1)


def repeat_episode_count(young_person: YoungPerson, *, days: int = REPEAT_DAYS) -> int:
    since = timezone.now() - timedelta(days=days)
    return young_person.missing_episodes.filter(started_at__gte=since).count()


@dataclass(frozen=True)
class CoMissing:
    episode: MissingEpisode
    other: MissingEpisode
    reason: str


def co_missing(user: User | None, young_person: YoungPerson) -> list[CoMissing]:
    """Other children missing at overlapping times, or found at the same place within a day.

    Only children the user may see are returned: a co-missing child outside their need-to-know
    is not mentioned at all.
    """
    now = timezone.now()
    found: list[CoMissing] = []
    visible_children = YoungPerson.objects.filter(visible_q(user, YoungPerson)).exclude(
        pk=young_person.pk
    )
    for episode in young_person.missing_episodes.all():
        end = episode.ended_at or now
        overlapping = Q(started_at__lt=end) & (
            Q(ended_at__gt=episode.started_at) | Q(ended_at__isnull=True)
        )
        same_place = Q(pk__in=[])
        if episode.where_found.strip() and episode.ended_at is not None:
            same_place = Q(
                where_found__iexact=episode.where_found.strip(),
                ended_at__gte=episode.ended_at - FOUND_TOGETHER_WINDOW,
                ended_at__lte=episode.ended_at + FOUND_TOGETHER_WINDOW,
            )
        others = (
            MissingEpisode.objects.filter(young_person__in=visible_children)
            .filter(overlapping | same_place)
            .select_related("young_person")
        )
        for other in others:
            reasons = []
            other_end = other.ended_at or now
            if other.started_at < end and other_end > episode.started_at:
                reasons.append("missing at the same time")
            if (
                episode.where_found.strip()
                and other.where_found.strip().lower() == episode.where_found.strip().lower()
                and episode.ended_at is not None
                and other.ended_at is not None
                and abs(other.ended_at - episode.ended_at) <= FOUND_TOGETHER_WINDOW
            ):
                reasons.append(f"found at {other.where_found} within a day")
            found.append(CoMissing(episode=episode, other=other, reason=" and ".join(reasons)))
    return found
