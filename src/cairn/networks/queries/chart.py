"""The link chart around chosen nodes, and the records behind one link; both audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import RecordNotFound, audit_consultation, list_records, scope
from cairn.intelligence.models import EventMention, IntelligenceReport
from cairn.investigations.models import Incident, Investigation
from cairn.linkage.models import LocationEntity, YoungPersonLink
from cairn.networks.analysis import Node
from cairn.networks.models import Edge, NodeKind
from cairn.networks.queries.nodes import (
    NODE_MODELS,
    ChartNode,
    NodeRestricted,
    chart_nodes,
    node_key,
    nodes_q,
    visible_episodes,
    visible_incidents,
    visible_nodes,
    visible_reports,
    visible_young_person_links,
)
from cairn.youngpeople.models import MissingEpisode, YoungPerson

EDGE_LIMIT = 200
SOURCE_EVALUATIONS = "123"
INTELLIGENCE_ASSESSMENTS = "ABCDE"


@dataclass(frozen=True)
class ChartFilter:
    """What the link chart shows around its nodes."""

    kinds: frozenset[str] = frozenset()
    start: date | None = None
    end: date | None = None
    # "2B": only links with a record graded source 1-2 and assessment A-B; blank for any.
    min_grading: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "kinds": sorted(self.kinds),
            "start": str(self.start or ""),
            "end": str(self.end or ""),
            "min_grading": self.min_grading,
        }

    def gradings(self) -> list[str]:
        source, assessment = self.min_grading[:1], self.min_grading[1:2]
        return [
            f"{s}{a}"
            for s in SOURCE_EVALUATIONS
            if s <= source
            for a in INTELLIGENCE_ASSESSMENTS
            if a <= assessment
        ]

    def keeps(self, edge: Edge, centres: set[Node]) -> bool:
        """Whether the node a centre's link leads to is of a kind asked for."""
        first, second = (edge.first_kind, edge.first_id), (edge.second_kind, edge.second_id)
        return (first in centres and second[0] in self.kinds) or (
            second in centres and first[0] in self.kinds
        )

    def apply(self, edges: QuerySet[Edge]) -> QuerySet[Edge]:
        dated = Q()
        if self.start is not None:
            dated &= Q(last_seen__gte=datetime.combine(self.start, time.min, UTC))
        if self.end is not None:
            dated &= Q(first_seen__lt=datetime.combine(self.end + timedelta(days=1), time.min, UTC))
        if dated:
            # A young person's record resolved to a person is the same child in every window.
            edges = edges.filter(dated | ~Q(young_person_link_ids=[]))
        if self.min_grading:
            edges = edges.filter(best_grading__in=self.gradings())
        return edges


@dataclass(frozen=True)
class ChartEdge:
    edge: Edge
    first: ChartNode
    second: ChartNode

    def as_json(self) -> dict[str, object]:
        return {
            "id": f"edge-{self.edge.pk}",
            "source": self.first.key,
            "target": self.second.key,
            "count": self.edge.count,
            "first_seen": self.edge.first_seen.date().isoformat(),
            "last_seen": self.edge.last_seen.date().isoformat(),
            "grading": self.edge.best_grading,
            "provenance": reverse("networks:edge", args=[self.edge.pk]),
        }


@dataclass
class Chart:
    nodes: list[ChartNode]
    edges: list[ChartEdge]

    def as_json(self) -> dict[str, object]:
        return {
            "nodes": [node.as_json() for node in self.nodes],
            "edges": [edge.as_json() for edge in self.edges],
        }


def _node_exists(node: Node) -> bool:
    kind, node_id = node
    if kind == NodeKind.EVENT:
        return EventMention.objects.filter(pk=node_id).exists()
    if kind == NodeKind.LOCATION:
        return LocationEntity.objects.filter(pk=node_id).exists()
    return NODE_MODELS[kind].objects.filter(pk=node_id).exists()


def _ends(edge: Edge) -> tuple[Node, Node]:
    return (edge.first_kind, edge.first_id), (edge.second_kind, edge.second_id)


@dataclass(frozen=True)
class SeenRecords:
    """The reports, missing episodes, incidents and young person's links behind some links
    that the user may see."""

    reports: set[int]
    episodes: set[int]
    incidents: set[int]
    young_person_links: set[int]
    case_records: set[int]

    def any_behind(self, edge: Edge) -> bool:
        return bool(
            self.reports.intersection(edge.report_ids)
            or self.episodes.intersection(edge.missing_episode_ids)
            or self.incidents.intersection(edge.incident_ids)
            or self.young_person_links.intersection(edge.young_person_link_ids)
            or self.case_records.intersection(edge.case_record_ids)
        )


def _seen_records(user: User | None, edges: Sequence[Edge]) -> SeenRecords:
    def seen(records: QuerySet[Any], ids: set[int]) -> set[int]:
        return set(records.filter(pk__in=ids).values_list("pk", flat=True))

    return SeenRecords(
        reports=seen(visible_reports(user), {pk for edge in edges for pk in edge.report_ids}),
        episodes=seen(
            visible_episodes(user), {pk for edge in edges for pk in edge.missing_episode_ids}
        ),
        incidents=seen(visible_incidents(user), {pk for edge in edges for pk in edge.incident_ids}),
        young_person_links=seen(
            visible_young_person_links(user),
            {pk for edge in edges for pk in edge.young_person_link_ids},
        ),
        case_records=seen(
            scope(user, YoungPerson.objects.all()),
            {pk for edge in edges for pk in edge.case_record_ids},
        ),
    )


def _without_hidden_associations(
    user: User | None, edges: list[Edge], shown: dict[Node, ChartNode]
) -> list[Edge]:
    """Leave out a link between two nodes the user may see that only unshared records make:
    that the two were named together is itself intelligence they have no need to know. A link
    to a restricted node stays, as a stub: it says only that something unshared exists."""
    seen = _seen_records(user, edges)
    return [
        edge
        for edge in edges
        if shown[(edge.first_kind, edge.first_id)].restricted
        or shown[(edge.second_kind, edge.second_id)].restricted
        or seen.any_behind(edge)
    ]


def chart_around(actor: Actor, centres: Sequence[Node], chart_filter: ChartFilter) -> Chart:
    """The links of `centres` and the nodes at their other ends, filtered; audited.

    Each centre must be one the user may see: nobody expands from a restricted node.
    """
    for centre in centres:
        if not _node_exists(centre):
            raise RecordNotFound(f"No {centre[0]} {centre[1]}")
    if set(centres) - visible_nodes(actor.user, centres):
        raise NodeRestricted("A node of this chart is restricted")
    around = nodes_q(centres, "first_kind", "first_id") | nodes_q(
        centres, "second_kind", "second_id"
    )
    edges = list(chart_filter.apply(Edge.objects.filter(around)).order_by("-count", "id"))
    if chart_filter.kinds:
        edges = [edge for edge in edges if chart_filter.keeps(edge, set(centres))]
    edges = edges[:EDGE_LIMIT]
    ends = [node for edge in edges for node in _ends(edge)]
    shown = chart_nodes(actor.user, list(dict.fromkeys([*centres, *ends])))
    edges = _without_hidden_associations(actor.user, edges, shown)
    order: dict[Node, None] = dict.fromkeys(centres)
    for edge in edges:
        order.setdefault((edge.first_kind, edge.first_id))
        order.setdefault((edge.second_kind, edge.second_id))
    shown = {node: shown[node] for node in order}
    chart = Chart(
        nodes=list({node.key: node for node in shown.values()}.values()),
        edges=[
            ChartEdge(
                edge,
                shown[(edge.first_kind, edge.first_id)],
                shown[(edge.second_kind, edge.second_id)],
            )
            for edge in edges
        ],
    )
    audit_consultation(
        actor,
        Edge,
        [edge.pk for edge in edges],
        summary="Viewed the link chart",
        detail={"search": {"nodes": [node_key(c) for c in centres], **chart_filter.as_dict()}},
    )
    return chart


@dataclass
class Provenance:
    """The records behind one link, as the user may see them."""

    edge: Edge
    first: ChartNode
    second: ChartNode
    reports: Sequence[IntelligenceReport]
    restricted_reports: int
    episodes: Sequence[MissingEpisode]
    restricted_episodes: int
    incidents: Sequence[Incident] = ()
    restricted_incidents: int = 0
    young_person_links: Sequence[YoungPersonLink] = ()
    restricted_young_person_links: int = 0
    case_records: Sequence[YoungPerson] = ()
    restricted_case_records: int = 0


def edge_provenance(actor: Actor, pk: int) -> Provenance:
    edge = Edge.objects.filter(pk=pk).first()
    if edge is None:
        raise RecordNotFound(f"No link {pk}")
    ends = chart_nodes(
        actor.user, [(edge.first_kind, edge.first_id), (edge.second_kind, edge.second_id)]
    )
    first, second = ends.values()
    if first.restricted and second.restricted:
        raise NodeRestricted(f"Link {pk} is restricted")
    if not _without_hidden_associations(actor.user, [edge], ends):
        raise NodeRestricted(f"Link {pk} comes only from records not shared with the user")
    reports = list_records(
        actor,
        IntelligenceReport.objects.filter(pk__in=edge.report_ids).order_by("reported_at", "pk"),
        purpose="Viewed the reports behind a link of the network graph",
    )
    # Missing episodes are shared with their young person, not on their own.
    episodes = list(
        visible_episodes(actor.user)
        .filter(pk__in=edge.missing_episode_ids)
        .select_related("young_person")
        .order_by("started_at", "pk")
    )
    audit_consultation(
        actor,
        MissingEpisode,
        [episode.pk for episode in episodes],
        summary="Viewed the missing episodes behind a link of the network graph",
    )
    incidents = list(
        visible_incidents(actor.user)
        .filter(pk__in=edge.incident_ids)
        .select_related("investigation")
        .order_by("occurred_from", "pk")
    )
    audit_consultation(
        actor,
        Investigation,
        sorted({incident.investigation_id for incident in incidents}),
        summary="Viewed the investigation incidents behind a link of the network graph",
    )
    young_person_links = list(
        visible_young_person_links(actor.user)
        .filter(pk__in=edge.young_person_link_ids)
        .select_related("young_person")
    )
    audit_consultation(
        actor,
        YoungPerson,
        [link.young_person_id for link in young_person_links],
        summary="Viewed a young person's link to a person behind a link of the network graph",
    )
    case_records = list(scope(actor.user, YoungPerson.objects.filter(pk__in=edge.case_record_ids)))
    audit_consultation(
        actor,
        YoungPerson,
        [young_person.pk for young_person in case_records],
        summary="Viewed the case records behind a link of the network graph",
    )
    return Provenance(
        case_records=case_records,
        restricted_case_records=len(edge.case_record_ids) - len(case_records),
        young_person_links=young_person_links,
        restricted_young_person_links=len(edge.young_person_link_ids) - len(young_person_links),
        incidents=incidents,
        restricted_incidents=len(edge.incident_ids) - len(incidents),
        edge=edge,
        first=first,
        second=second,
        reports=reports,
        restricted_reports=len(edge.report_ids) - len(reports),
        episodes=episodes,
        restricted_episodes=len(edge.missing_episode_ids) - len(episodes),
    )
