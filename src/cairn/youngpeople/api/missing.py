"""API for missing and absent episodes, return-home interviews and co-missing children."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from cairn.access.queries import audit_consultation
from cairn.youngpeople import services
from cairn.youngpeople.api.common import acting_user, actor, open_case, router
from cairn.youngpeople.models import EpisodeKind, InterviewStatus, MissingEpisode, YoungPerson
from cairn.youngpeople.queries.missing import co_missing


class EpisodeOut(Schema):
    id: int
    kind: EpisodeKind
    started_at: datetime
    ended_at: datetime | None
    reported_by: str
    where_found: str
    found_with: str
    police_reference: str
    notes: str
    interview_status: InterviewStatus
    interview_offered_at: datetime | None
    interview_done_at: datetime | None
    interview_by: str
    interview_learned: str
    external_id: str
    version: int


class EpisodeIn(Schema):
    kind: EpisodeKind = EpisodeKind.MISSING
    started_at: datetime
    ended_at: datetime | None = None
    reported_by: str
    where_found: str = ""
    found_with: str = ""
    police_reference: str = ""
    notes: str = ""


class EpisodePatch(Schema):
    version: int = Field(description="The version you read; a stale one is refused with 409")
    kind: EpisodeKind | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    reported_by: str | None = None
    where_found: str | None = None
    found_with: str | None = None
    police_reference: str | None = None
    notes: str | None = None


class InterviewIn(Schema):
    status: InterviewStatus
    offered_at: datetime | None
    done_at: datetime | None = None
    interviewer: str = ""
    learned: str = ""
    version: int | None = Field(None, description="The version you read, to refuse stale edits")


class CoMissingOut(Schema):
    episode_id: int
    other_young_person_id: int
    other_reference: str
    other_name: str
    other_episode_id: int
    other_started_at: datetime
    reason: str


def _episode(young_person: YoungPerson, episode_pk: int) -> MissingEpisode:
    return get_object_or_404(MissingEpisode, pk=episode_pk, young_person=young_person)


@router.get(
    "/{pk}/missing-episodes", response=list[EpisodeOut], summary="Missing and absent episodes"
)
def list_episodes(request: HttpRequest, pk: int) -> list[MissingEpisode]:
    young_person = open_case(request, pk, "Viewed missing episodes through the API")
    return list(young_person.missing_episodes.all())


@router.post(
    "/{pk}/missing-episodes", response={201: EpisodeOut}, summary="Record a missing episode"
)
def create_episode(request: HttpRequest, pk: int, payload: EpisodeIn) -> Status:
    young_person = open_case(request, pk, "Opened record to add a missing episode through the API")
    episode = services.missing_episode_create(
        actor=actor(request), young_person=young_person, **payload.dict()
    )
    return Status(201, episode)


@router.get(
    "/{pk}/missing-episodes/{episode_pk}", response=EpisodeOut, summary="One missing episode"
)
def get_episode(request: HttpRequest, pk: int, episode_pk: int) -> MissingEpisode:
    young_person = open_case(request, pk, "Viewed a missing episode through the API")
    return _episode(young_person, episode_pk)


@router.patch(
    "/{pk}/missing-episodes/{episode_pk}",
    response=EpisodeOut,
    summary="Change a missing episode (record the return, where found, with whom)",
)
def update_episode(
    request: HttpRequest, pk: int, episode_pk: int, payload: EpisodePatch
) -> MissingEpisode:
    young_person = open_case(request, pk, "Opened a missing episode to change it through the API")
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    changes = {
        name: value for name, value in changes.items() if value is not None or name == "ended_at"
    }
    return services.missing_episode_update(
        actor=actor(request),
        episode=_episode(young_person, episode_pk),
        expected_version=version,
        **changes,
    )


@router.post(
    "/{pk}/missing-episodes/{episode_pk}/return-interview",
    response=EpisodeOut,
    summary="Record the return-home interview: offered, done or declined",
)
def record_interview(
    request: HttpRequest, pk: int, episode_pk: int, payload: InterviewIn
) -> MissingEpisode:
    young_person = open_case(
        request, pk, "Opened a missing episode to record the interview through the API"
    )
    return services.return_interview_record(
        actor=actor(request),
        episode=_episode(young_person, episode_pk),
        status=payload.status,
        offered_at=payload.offered_at,
        done_at=payload.done_at,
        interviewer=payload.interviewer,
        learned=payload.learned,
        expected_version=payload.version,
    )


@router.get(
    "/{pk}/co-missing",
    response=list[CoMissingOut],
    summary="Children missing at the same time or found together (only those you may see)",
)
def list_co_missing(request: HttpRequest, pk: int) -> list[dict[str, object]]:
    young_person = open_case(request, pk, "Viewed co-missing children through the API")
    found = co_missing(acting_user(request), young_person)
    audit_consultation(
        actor(request),
        YoungPerson,
        sorted({item.other.young_person.pk for item in found}),
        summary=f"Shown as missing with {young_person.reference} through the API",
    )
    return [
        {
            "episode_id": item.episode.pk,
            "other_young_person_id": item.other.young_person.pk,
            "other_reference": item.other.young_person.reference,
            "other_name": item.other.young_person.full_name,
            "other_episode_id": item.other.pk,
            "other_started_at": item.other.started_at,
            "reason": item.reason,
        }
        for item in found
    ]
