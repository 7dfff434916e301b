"""Reads the records the graph is built from, as `analysis.SourceRecord`s, in a few bulk queries.

Only identifiers, dates and gradings are read: no names or narratives, so nothing here reveals
personal data; the pages that show a network go through `queries/`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Model, Q, QuerySet

from cairn.intelligence.models import (
    EventMention,
    GradingSystem,
    IntelligenceReport,
    LocationMention,
    PhoneMention,
    ReportYoungPerson,
    VehicleMention,
)
from cairn.investigations.models import Incident
from cairn.linkage.models import (
    LinkStatus,
    LocationEntity,
    MentionLink,
    PhoneEntity,
    VehicleEntity,
    YoungPersonLink,
    location_key,
)
from cairn.networks.analysis import (
    CASE_RECORD,
    INCIDENT,
    MISSING_EPISODE,
    REPORT,
    TIMELESS,
    YOUNG_PERSON_LINK,
    Episode,
    Node,
    SourceRecord,
)
from cairn.networks.models import NodeKind, SourceNode
from cairn.youngpeople.models import KeyContact, MissingEpisode, Placement, YoungPerson


def _for(queryset: QuerySet[Any], field: str, ids: Collection[int] | None) -> QuerySet[Any]:
    return queryset if ids is None else queryset.filter(**{f"{field}__in": list(ids)})


def _lookup(model: type[Model], field: str, values: set[str], everything: bool) -> dict[str, int]:
    """Identifier → entity id; for a full rebuild read the whole table rather than a huge IN."""
    queryset = model._default_manager.all()
    if not everything:
        queryset = queryset.filter(**{f"{field}__in": list(values)})
    return dict(queryset.values_list(field, "pk"))


def report_records(report_ids: Collection[int] | None = None) -> list[SourceRecord]:
    """Each report with its resolved people, phones, vehicles, places, events and young people.

    Person mentions count through their (non-proposed) link to a person entity; phones,
    vehicles and places through the identifiers linkage resolves them by; a partial
    registration resolves to no vehicle. Legacy 5x5x5 gradings are kept as given and not
    converted, so they count as ungraded here.
    """
    everything = report_ids is None
    nodes: dict[int, set[Node]] = defaultdict(set)
    people = MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
    for report_id, entity_id in _for(people, "mention__report_id", report_ids).values_list(
        "mention__report_id", "entity_id"
    ):
        nodes[report_id].add((NodeKind.PERSON.value, entity_id))

    phones = list(
        _for(PhoneMention.objects.exclude(e164=""), "report_id", report_ids).values_list(
            "report_id", "e164"
        )
    )
    phone_ids = _lookup(PhoneEntity, "e164", {e164 for _, e164 in phones}, everything)
    vehicles = [
        (report_id, mark)
        for report_id, mark in _for(
            VehicleMention.objects.filter(is_partial=False).exclude(registration=""),
            "report_id",
            report_ids,
        ).values_list("report_id", "registration")
        if "?" not in mark
    ]
    vehicle_ids = _lookup(VehicleEntity, "registration", {m for _, m in vehicles}, everything)
    places = [
        (report_id, location_key(postcode=postcode, venue_name=venue, address=address))
        for report_id, postcode, venue, address in _for(
            LocationMention.objects.all(), "report_id", report_ids
        ).values_list("report_id", "postcode", "venue_name", "address")
    ]
    place_ids = _lookup(LocationEntity, "key", {key for _, key in places if key}, everything)
    for kind, found, ids in (
        (NodeKind.PHONE, phones, phone_ids),
        (NodeKind.VEHICLE, vehicles, vehicle_ids),
        (NodeKind.LOCATION, places, place_ids),
    ):
        for report_id, identifier in found:
            if identifier in ids:
                nodes[report_id].add((kind.value, ids[identifier]))
    for report_id, event_id in _for(
        EventMention.objects.all(), "report_id", report_ids
    ).values_list("report_id", "pk"):
        nodes[report_id].add((NodeKind.EVENT.value, event_id))
    for report_id, young_person_id in _for(
        ReportYoungPerson.objects.all(), "report_id", report_ids
    ).values_list("report_id", "young_person_id"):
        nodes[report_id].add((NodeKind.YOUNG_PERSON.value, young_person_id))

    reports = _for(IntelligenceReport.objects.all(), "pk", report_ids).values_list(
        "pk", "reported_at", "grading_system", "source_evaluation", "intelligence_assessment"
    )
    return [
        SourceRecord(
            kind=REPORT,
            id=report_id,
            at=reported_at,
            nodes=frozenset(nodes.get(report_id, ())),
            grading=f"{source}{assessment}" if system == GradingSystem.THREE_FIVE_TWO else "",
        )
        for report_id, reported_at, system, source, assessment in reports.order_by("pk")
    ]


def place_name(text: str) -> str:
    """A place's name as `location_key` writes it: lower case, punctuation dropped."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def episode_records(episode_ids: Collection[int] | None = None) -> list[SourceRecord]:
    """Each missing episode: the young person, and the places named where they were found.

    "Where found" is free text; it names every location entity whose place name is the same
    (whatever the postcode). "Found with" names people as written and is not resolved yet.
    """
    episodes = list(
        _for(MissingEpisode.objects.all(), "pk", episode_ids).values_list(
            "pk", "young_person_id", "started_at", "ended_at", "where_found"
        )
    )
    wanted = {place_name(where) for *_, where in episodes if where}
    places: dict[str, list[int]] = defaultdict(list)
    if wanted:
        for pk, key in LocationEntity.objects.values_list("pk", "key"):
            name = key.partition("|")[2]
            if name in wanted:
                places[name].append(pk)
    return [
        SourceRecord(
            kind=MISSING_EPISODE,
            id=pk,
            at=ended_at or started_at,
            nodes=frozenset(
                {(NodeKind.YOUNG_PERSON.value, young_person_id)}
                | {(NodeKind.LOCATION.value, place) for place in places.get(place_name(where), [])}
            ),
        )
        for pk, young_person_id, started_at, ended_at, where in sorted(episodes)
    ]


def incident_records(incident_ids: Collection[int] | None = None) -> list[SourceRecord]:
    """Each investigation incident: its victims' young people, its suspects' person entities
    and its place, dated the day it began (or began to be alleged). Victims and suspects not
    linked to a record, and a place not resolved to a location, add no node."""
    nodes: dict[int, set[Node]] = defaultdict(set)
    victims = Incident.victims.through.objects.exclude(victim__young_person=None)
    for incident_id, young_person_id in _for(victims, "incident_id", incident_ids).values_list(
        "incident_id", "victim__young_person_id"
    ):
        nodes[incident_id].add((NodeKind.YOUNG_PERSON.value, young_person_id))
    suspects = Incident.suspects.through.objects.exclude(suspect__person=None)
    for incident_id, person_id in _for(suspects, "incident_id", incident_ids).values_list(
        "incident_id", "suspect__person_id"
    ):
        nodes[incident_id].add((NodeKind.PERSON.value, person_id))
    incidents = _for(Incident.objects.all(), "pk", incident_ids).values_list(
        "pk", "occurred_from", "location_id"
    )
    records = []
    for pk, occurred_from, location_id in incidents.order_by("pk"):
        if location_id is not None:
            nodes[pk].add((NodeKind.LOCATION.value, location_id))
        records.append(
            SourceRecord(
                kind=INCIDENT,
                id=pk,
                at=datetime.combine(occurred_from, time.min, UTC),
                nodes=frozenset(nodes.get(pk, ())),
            )
        )
    return records


def young_person_link_records(link_ids: Collection[int] | None = None) -> list[SourceRecord]:
    """Each young person's record that a re-link resolved to a person entity (and nobody has
    unlinked): the young person and that person, so what the reports say of the person reaches
    the child's networks. Timeless (`analysis.TIMELESS`): the same child in every date window;
    dated when it was resolved."""
    links = _for(
        YoungPersonLink.objects.filter(rejected=False, entity__isnull=False), "pk", link_ids
    )
    return [
        SourceRecord(
            kind=YOUNG_PERSON_LINK,
            id=pk,
            at=created_at,
            nodes=frozenset(
                {(NodeKind.YOUNG_PERSON.value, young_person_id), (NodeKind.PERSON.value, entity_id)}
            ),
        )
        for pk, young_person_id, entity_id, created_at in links.values_list(
            "pk", "young_person_id", "entity_id", "created_at"
        ).order_by("pk")
    ]


def case_records(young_person_ids: Collection[int] | None = None) -> list[SourceRecord]:
    """Each young person's case record: the young person, their own phone and their key
    contacts' phones (as phone entities), and their placements' addresses (as location
    entities), matched by the same normalised identifiers intelligence resolves to. Timeless,
    like a young person's link; a record that matches nothing adds no node."""
    nodes: dict[int, set[Node]] = defaultdict(set)
    phones: list[tuple[int, str]] = list(
        _for(YoungPerson.objects.exclude(phone=""), "pk", young_person_ids).values_list(
            "pk", "phone"
        )
    )
    phones += _for(
        KeyContact.objects.exclude(phone=""), "young_person_id", young_person_ids
    ).values_list("young_person_id", "phone")
    everything = young_person_ids is None
    phone_ids = _lookup(PhoneEntity, "e164", {e164 for _, e164 in phones}, everything)
    for young_person_id, e164 in phones:
        if e164 in phone_ids:
            nodes[young_person_id].add((NodeKind.PHONE.value, phone_ids[e164]))
    # The address is encrypted, so the key is made here rather than in a query.
    places = [
        (young_person_id, location_key(postcode=postcode, venue_name="", address=address))
        for young_person_id, postcode, address in _for(
            Placement.objects.all(), "young_person_id", young_person_ids
        ).values_list("young_person_id", "postcode", "address")
    ]
    place_ids = _lookup(LocationEntity, "key", {key for _, key in places if key}, everything)
    for young_person_id, key in places:
        if key in place_ids:
            nodes[young_person_id].add((NodeKind.LOCATION.value, place_ids[key]))
    opened = dict(
        _for(YoungPerson.objects.all(), "pk", young_person_ids).values_list("pk", "created_at")
    )
    return [
        SourceRecord(
            kind=CASE_RECORD,
            id=pk,
            at=opened[pk],
            nodes=frozenset({(NodeKind.YOUNG_PERSON.value, pk)} | nodes[pk]),
        )
        for pk in sorted(nodes)
    ]


def all_records() -> list[SourceRecord]:
    """Every record the graph is built from."""
    return (
        report_records()
        + episode_records()
        + incident_records()
        + young_person_link_records()
        + case_records()
    )


def nodes_q(pairs: Iterable[tuple[str, int]], kind_field: str, id_field: str) -> Q:
    """A condition matching any of the (kind, id) pairs, one IN per kind."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, identifier in pairs:
        by_kind[kind].append(identifier)
    condition = Q(pk__in=[])
    for kind, ids in by_kind.items():
        condition |= Q(**{kind_field: kind, f"{id_field}__in": ids})
    return condition


def _as_records(rows: QuerySet[SourceNode]) -> list[SourceRecord]:
    grouped: dict[tuple[str, int], set[Node]] = defaultdict(set)
    facts: dict[tuple[str, int], tuple[Any, str]] = {}
    for source_kind, source_id, node_kind, node_id, at, grading in rows.values_list(
        "source_kind", "source_id", "node_kind", "node_id", "at", "grading"
    ):
        grouped[(source_kind, source_id)].add((node_kind, node_id))
        facts[(source_kind, source_id)] = (at, grading)
    return [
        SourceRecord(
            kind=kind, id=source_id, at=facts[key][0], nodes=frozenset(found), grading=facts[key][1]
        )
        for key, found in sorted(grouped.items())
        for kind, source_id in [key]
    ]


def dated_between(
    queryset: QuerySet[Any], field: str, start: date | None, end: date | None
) -> QuerySet[Any]:
    """Rows whose `field` falls on the days from `start` to `end` (UTC days, both inclusive, as
    `analysis.in_window` counts them)."""
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": datetime.combine(start, time.min, UTC)})
    if end is not None:
        after = datetime.combine(end + timedelta(days=1), time.min, UTC)
        queryset = queryset.filter(**{f"{field}__lt": after})
    return queryset


def stored_records(*, start: date | None = None, end: date | None = None) -> list[SourceRecord]:
    """The stored incidence as records, in a date window (timeless records in every window)."""
    dated = dated_between(SourceNode.objects.all(), "at", start, end)
    if start is None and end is None:
        return _as_records(dated)
    timeless = SourceNode.objects.filter(source_kind__in=TIMELESS)
    return _as_records(dated | timeless)


def records_sharing(nodes: Collection[Node]) -> list[SourceRecord]:
    """The stored records naming at least two of `nodes`, each holding only those nodes.

    That is all recomputing the edges among `nodes` needs; the database does the counting, so a
    venue named in thousands of reports costs one grouped query, not thousands of rows.
    """
    if len(nodes) < 2:
        return []
    naming = SourceNode.objects.filter(nodes_q(nodes, "node_kind", "node_id"))
    shared = (
        naming.values("source_kind", "source_id")
        .annotate(named=Count("id"))
        .filter(named__gte=2)
        .values_list("source_kind", "source_id")
    )
    return _as_records(naming.filter(nodes_q(shared, "source_kind", "source_id")))


def stored_episodes(
    *,
    start: date | None = None,
    end: date | None = None,
    young_people: QuerySet[Any] | None = None,
) -> list[Episode]:
    """Missing episodes that began in the window; only those of `young_people` (a query of
    young person ids) when given."""
    episodes = dated_between(MissingEpisode.objects.all(), "started_at", start, end)
    if young_people is not None:
        episodes = episodes.filter(young_person_id__in=young_people)
    return [
        Episode(id=pk, young_person=young_person_id, started_at=started, ended_at=ended)
        for pk, young_person_id, started, ended in episodes.values_list(
            "pk", "young_person_id", "started_at", "ended_at"
        ).order_by("started_at", "pk")
    ]
