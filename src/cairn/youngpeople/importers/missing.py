"""Importers for missing episodes and return-home interviews."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils import timezone

from cairn.access.models import Organisation, Team
from cairn.world.importers import ImportContext, Row, RowProblem, importer
from cairn.youngpeople.importers.common import (
    BATCH,
    MISSING_FROM,
    audit_import,
    cell_day,
    cell_flag,
    cell_moment,
    existing_ids,
    start_of_day,
)
from cairn.youngpeople.importers.record import allocate_demo_caseload
from cairn.youngpeople.models import (
    InterviewStatus,
    MissingEpisode,
)

# Missing episodes and return-home interviews ----------------------------------------------------


def _check_episodes(rows: Iterable[Row]) -> Iterator[RowProblem]:
    now = timezone.now()
    for number, row in rows:
        started_at = cell_moment(row["went_missing_at"])
        ended_at = cell_moment(row["returned_at"])
        if started_at is not None and started_at > now:
            yield number, "went_missing_at", "The start must be now or in the past"
        if ended_at is not None and started_at is not None and ended_at < started_at:
            yield number, "returned_at", "The return must be after the start"


@importer("missing_episodes", order=60, check=_check_episodes)
def import_missing_episodes(context: ImportContext, rows: Iterable[Row]) -> int:
    people_ids = context.ids.get("young_people", {})
    organisations = context.ids.get("organisations", {})
    loaded = context.ids.setdefault("missing_episodes", {})
    names = dict(
        Organisation.objects.filter(pk__in=organisations.values()).values_list("pk", "name")
    )
    rows = list(rows)
    existing = existing_ids(MissingEpisode, (row["missing_episode_id"] for _, row in rows))
    episodes: list[MissingEpisode] = []
    for _, row in rows:
        external_id = row["missing_episode_id"]
        if external_id in existing:
            loaded[external_id] = existing[external_id]
            continue
        started_at = cell_moment(row["went_missing_at"])
        assert started_at is not None  # required by the bundle's schema
        where_from = MISSING_FROM.get(row["missing_from"], row["missing_from"])
        episodes.append(
            MissingEpisode(
                young_person_id=people_ids[row["young_person_id"]],
                started_at=started_at,
                ended_at=cell_moment(row["returned_at"]),
                reported_by=names.get(organisations[row["reported_by_organisation_id"]], ""),
                where_found=row["found_at"].strip(),
                found_with=row["missing_with"].strip(),
                notes=f"Went missing from {where_from}." if where_from else "",
                external_id=external_id,
                created_at=started_at,
            )
        )
    MissingEpisode.objects.bulk_create(episodes, batch_size=BATCH)
    for episode in episodes:
        loaded[episode.external_id] = episode.pk
    audit_import(
        context,
        (episode.young_person_id for episode in episodes),
        f"Imported {len(episodes)} missing episodes from a bundle",
    )
    return len(episodes)


@importer("return_home_interviews", order=65)
def import_return_home_interviews(context: ImportContext, rows: Iterable[Row]) -> int:
    """Each interview is kept on its episode; one already recorded there is left as it is."""
    episode_ids = context.ids.get("missing_episodes", {})
    teams = context.ids.get("teams", {})
    loaded = context.ids.setdefault("return_home_interviews", {})
    team_names = dict(Team.objects.filter(pk__in=teams.values()).values_list("pk", "name"))
    rows = list(rows)
    episodes = MissingEpisode.objects.in_bulk(
        [episode_ids[row["missing_episode_id"]] for _, row in rows]
    )
    changed: list[MissingEpisode] = []
    for _, row in rows:
        episode = episodes[episode_ids[row["missing_episode_id"]]]
        loaded[row["return_home_interview_id"]] = episode.pk
        if episode.interview_status != InterviewStatus.NOT_OFFERED:
            continue
        # The bundle gives days; an offer is never before the return, nor the interview before
        # the offer (the rules return_interview_record applies).
        offered_at = start_of_day(date.fromisoformat(row["offered_on"]))
        if episode.ended_at is not None:
            offered_at = max(offered_at, episode.ended_at)
        completed = cell_day(row["completed_on"])
        if cell_flag(row["declined"]):
            status, done_at = InterviewStatus.DECLINED, None
        elif completed is not None:
            status, done_at = InterviewStatus.DONE, max(start_of_day(completed), offered_at)
        else:
            status, done_at = InterviewStatus.OFFERED, None
        episode.interview_status = status
        episode.interview_offered_at = offered_at
        episode.interview_done_at = done_at
        episode.interview_by = team_names.get(teams[row["team_id"]], "") if done_at else ""
        episode.interview_learned = row["notes"].strip()
        changed.append(episode)
    MissingEpisode.objects.bulk_update(
        changed,
        [
            "interview_status",
            "interview_offered_at",
            "interview_done_at",
            "interview_by",
            "interview_learned",
        ],
        batch_size=BATCH,
    )
    audit_import(
        context,
        (episode.young_person_id for episode in changed),
        f"Imported {len(changed)} return-home interviews from a bundle",
    )
    # The last of the case resources: the demo caseload can now be chosen on what was loaded.
    allocate_demo_caseload(context)
    return len(changed)
