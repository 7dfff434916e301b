"""A report drafted from a missing episode: where the young person was found and who with.

A key worker who learns, on a child's return, where they were found and who they were with can
share it as intelligence without asking the child again: the draft fills the report form with
the young person, the place and each name, for the worker to check, grade and save. Nothing is
saved until they do; the names then go through entity resolution like any report's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cairn.access.actor import Actor
from cairn.access.queries import RecordNotFound
from cairn.youngpeople.models import MissingEpisode
from cairn.youngpeople.queries import young_person_open

# "Tiger, Smokey and an older man; Dee" → Tiger / Smokey / an older man / Dee
NAME_SEPARATORS = re.compile(r"\s*(?:,|;|/|&|\band\b|\bwith\b)\s*", re.IGNORECASE)


@dataclass
class ReportDraft:
    form: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def names_in(found_with: str) -> list[str]:
    return [name for name in NAME_SEPARATORS.split(found_with.strip()) if name.strip()]


def draft_from_missing_episode(actor: Actor, episode_pk: int) -> ReportDraft:
    """The draft, read through the access layer (one audited consultation of the record)."""
    episode = MissingEpisode.objects.filter(pk=episode_pk).first()
    if episode is None:
        raise RecordNotFound(f"No missing episode {episode_pk}")
    # Nothing of the episode is used until its young person is opened through the access layer.
    young_person = young_person_open(
        actor,
        episode.young_person_id,
        purpose="Drafted an intelligence report from a missing episode",
    )
    found = episode.ended_at or episode.started_at
    where = f" at {episode.where_found}" if episode.where_found else ""
    who = f" with {episode.found_with}" if episode.found_with else ""
    narrative = (
        f"{young_person.reference} was found{where}{who} on {found:%d %B %Y at %H:%M}, at the end "
        f"of a {episode.get_kind_display().lower()} episode that began on "
        f"{episode.started_at:%d %B %Y at %H:%M}."
    )
    rows: dict[str, list[dict[str, Any]]] = {
        "people": [{"name_as_written": name} for name in names_in(episode.found_with)]
    }
    if episode.where_found:
        rows["locations"] = [{"venue_name": episode.where_found}]
    return ReportDraft(
        form={"reported_at": found, "young_people": young_person.reference, "narrative": narrative},
        rows=rows,
    )
