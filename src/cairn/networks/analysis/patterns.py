"""Hotspots and young people together: what the records say about places and children."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cairn.networks.analysis.records import (
    LOCATION,
    MISSING_EPISODE,
    PERSON,
    VEHICLE,
    YOUNG_PERSON,
    YOUNG_PERSON_LINK,
    Node,
    SourceRecord,
    in_window,
)


def young_person_identities(records: Iterable[SourceRecord]) -> dict[int, int]:
    """Person entity → young person, from the young person's links among `records`."""
    identities: dict[int, int] = {}
    for record in records:
        ends = dict(record.nodes)
        # A record read for part of the graph may hold only one end of the link.
        if record.kind == YOUNG_PERSON_LINK and PERSON in ends and YOUNG_PERSON in ends:
            identities[ends[PERSON]] = ends[YOUNG_PERSON]
    return identities


def children_named(record: SourceRecord, identities: Mapping[int, int]) -> set[int]:
    """The young people a record names: as young people, or as the person a child's record was
    resolved to."""
    return {
        node_id if kind == YOUNG_PERSON else identities[node_id]
        for kind, node_id in record.nodes
        if kind == YOUNG_PERSON or (kind == PERSON and node_id in identities)
    }


@dataclass(frozen=True)
class Hotspot:
    node: Node
    young_people: int
    records: int


def hotspots(
    records: Iterable[SourceRecord],
    *,
    start: date | None = None,
    end: date | None = None,
    kinds: tuple[str, ...] = (LOCATION, VEHICLE),
    top: int = 20,
) -> list[Hotspot]:
    """Places and vehicles named in records with the most distinct young people in the window."""
    records = list(records)
    identities = young_person_identities(records)
    young_people: dict[Node, set[int]] = defaultdict(set)
    sources: dict[Node, set[tuple[str, int]]] = defaultdict(set)
    for record in records:
        if not in_window(record.at, start, end):
            continue
        children = children_named(record, identities)
        if not children:
            continue
        for node in record.nodes:
            if node[0] in kinds:
                young_people[node] |= children
                sources[node].add((record.kind, record.id))
    ranked = sorted(young_people, key=lambda n: (-len(young_people[n]), -len(sources[n]), n))
    return [Hotspot(node, len(young_people[node]), len(sources[node])) for node in ranked[:top]]


@dataclass(frozen=True)
class Episode:
    """A missing episode: who, from when, until when (`None` while it is open)."""

    id: int
    young_person: int
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class CoOccurrence:
    """Two young people missing at overlapping times, or seen at the same place within hours."""

    kind: str
    young_people: tuple[int, int]
    at: datetime
    place: Node | None = None
    sources: tuple[tuple[str, int], ...] = ()


MISSING_TOGETHER = "missing_together"
SEEN_TOGETHER = "seen_together"


def missing_together(
    episodes: Iterable[Episode],
    *,
    start: date | None = None,
    end: date | None = None,
    open_hours: int = 72,
) -> list[CoOccurrence]:
    """Pairs of young people whose missing episodes overlap, with the time the overlap began.

    An episode with no return time counts for its first `open_hours`: an old unclosed record
    must not overlap everything that came after it.
    """
    spans = sorted(
        (
            (e.started_at, e.ended_at or e.started_at + timedelta(hours=open_hours), e)
            for e in episodes
            if in_window(e.started_at, start, end)
        ),
        # Episodes of the same times are ordered by id, never compared themselves.
        key=lambda span: (span[0], span[1], span[2].id),
    )
    found: list[CoOccurrence] = []
    active: list[tuple[datetime, datetime, Episode]] = []
    for began, ended, episode in spans:
        active = [span for span in active if span[1] > began]
        for _, _, other in active:
            if other.young_person != episode.young_person:
                first, second = sorted((other.young_person, episode.young_person))
                found.append(
                    CoOccurrence(
                        kind=MISSING_TOGETHER,
                        young_people=(first, second),
                        at=began,
                        sources=tuple(
                            sorted(((MISSING_EPISODE, other.id), (MISSING_EPISODE, episode.id)))
                        ),
                    )
                )
        active.append((began, ended, episode))
    return found


def seen_together(
    records: Iterable[SourceRecord],
    *,
    hours: int = 6,
    start: date | None = None,
    end: date | None = None,
    place_kinds: tuple[str, ...] = (LOCATION,),
) -> list[CoOccurrence]:
    """Pairs of young people recorded at the same place within `hours` of each other.

    One result per pair and place: the first time, and every record behind it.
    """
    records = list(records)
    identities = young_person_identities(records)
    sightings: dict[Node, list[tuple[datetime, int, tuple[str, int]]]] = defaultdict(list)
    for record in records:
        if not in_window(record.at, start, end):
            continue
        children = sorted(children_named(record, identities))
        for place in (node for node in record.nodes if node[0] in place_kinds):
            for child in children:
                sightings[place].append((record.at, child, (record.kind, record.id)))
    gap = timedelta(hours=hours)
    together: dict[tuple[tuple[int, int], Node], tuple[datetime, set[tuple[str, int]]]] = {}
    for place, seen in sightings.items():
        seen.sort()
        low = 0
        for high, (at, child, source) in enumerate(seen):
            while seen[low][0] < at - gap:
                low += 1
            for earlier_at, other, other_source in seen[low:high]:
                if other == child:
                    continue
                key = ((min(child, other), max(child, other)), place)
                first, sources = together.get(key, (earlier_at, set()))
                sources |= {source, other_source}
                together[key] = (min(first, earlier_at), sources)
    return sorted(
        (
            CoOccurrence(
                kind=SEEN_TOGETHER,
                young_people=pair,
                at=first,
                place=place,
                sources=tuple(sorted(sources)),
            )
            for (pair, place), (first, sources) in together.items()
        ),
        key=lambda c: (c.at, c.young_people, c.place or ("", 0)),
    )
