"""Reads of the network graph: windowed analyses, and the pages and link chart, need-to-know first.

A node is shown by name only to someone who may see a record it comes from: a young person
through the access layer, anything else through a report (or a missing episode) they may see.
Everyone else learns at most that a restricted node exists, under a key that names nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import RecordNotFound, audit_consultation, list_records, scope
from cairn.intelligence.models import EventMention, IntelligenceReport
from cairn.investigations.models import Incident, Investigation, Suspect
from cairn.linkage.models import (
    LinkStatus,
    LocationEntity,
    MentionLink,
    PersonEntity,
    PhoneEntity,
    VehicleEntity,
)
from cairn.networks import analysis, loader
from cairn.networks.analysis import Node, SourceRecord
from cairn.networks.models import (
    Edge,
    Network,
    NetworkNode,
    NodeKind,
    RetiredNetwork,
    SourceKind,
    SourceNode,
)
from cairn.youngpeople.models import MissingEpisode, YoungPerson

LIST_LIMIT = 100
MEMBER_LIMIT = 300
EDGE_LIMIT = 200
REPORT_LIMIT = 200
SOURCE_EVALUATIONS = "123"
INTELLIGENCE_ASSESSMENTS = "ABCDE"


def network_graph(
    *, start: date | None = None, end: date | None = None
) -> tuple[analysis.NetworkGraph, analysis.Structure]:
    """The graph of the records in the window, with its networks, communities and centrality."""
    records = loader.stored_records(start=start, end=end)
    graph = analysis.build_graph(analysis.edges_from(records))
    return graph, analysis.analyse(graph)


def hotspots(
    *, start: date | None = None, end: date | None = None, top: int = 20
) -> list[analysis.Hotspot]:
    return analysis.hotspots(loader.stored_records(start=start, end=end), top=top)


def co_occurrences(
    *, start: date | None = None, end: date | None = None, hours: int = 6
) -> list[analysis.CoOccurrence]:
    """Young people missing at overlapping times, then those seen at one place within hours."""
    return analysis.missing_together(
        loader.stored_episodes(start=start, end=end)
    ) + analysis.seen_together(loader.stored_records(start=start, end=end), hours=hours)


class NodeRestricted(Exception):
    """The node exists, but no record it comes from is shared with the user."""


# Where a visible node's own page is; an event is shown on its report's page.
NODE_PAGES = {
    NodeKind.YOUNG_PERSON: "youngpeople:detail",
    NodeKind.PERSON: "linkage:person",
    NodeKind.PHONE: "linkage:phone",
    NodeKind.VEHICLE: "linkage:vehicle",
    NodeKind.LOCATION: "linkage:location",
}
NODE_MODELS: dict[str, type[YoungPerson | PersonEntity | PhoneEntity | VehicleEntity]] = {
    NodeKind.YOUNG_PERSON: YoungPerson,
    NodeKind.PERSON: PersonEntity,
    NodeKind.PHONE: PhoneEntity,
    NodeKind.VEHICLE: VehicleEntity,
}


def parse_node(text: str) -> Node:
    """ "person:12" as the node ("person", 12); ValueError for anything else."""
    kind, _, number = text.partition(":")
    if kind not in NodeKind.values or not number.isdigit():
        raise ValueError(f"Not a node: {text!r}")
    return kind, int(number)


def node_key(node: Node) -> str:
    return f"{node[0]}:{node[1]}"


def restricted_key(user: User | None, node: Node) -> str:
    """A key that tells one user's chart the same restricted node twice apart from others, and
    tells nobody which record it is (it differs per user, and cannot be reversed)."""
    message = f"{user.pk if user else 0}:{node_key(node)}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"restricted-{digest[:16]}"


@dataclass(frozen=True)
class ChartNode:
    """A node as one user may see it: no kind, name or link when it is restricted."""

    key: str
    kind: str
    label: str
    url: str
    restricted: bool

    @property
    def kind_label(self) -> str:
        return "Restricted" if self.restricted else NodeKind(self.kind).label

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.key,
            "kind": self.kind,
            "label": self.label,
            "url": self.url,
            "restricted": self.restricted,
        }


def _visible_reports(user: User | None) -> QuerySet[IntelligenceReport]:
    return scope(user, IntelligenceReport.objects.all())


def _visible_incidents(user: User | None) -> QuerySet[Incident]:
    """Incidents of the investigations shared with the user (an incident goes with its
    investigation)."""
    return Incident.objects.filter(
        investigation__in=scope(user, Investigation.objects.all()).values("pk")
    )


def _visible_episodes(user: User | None) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(
        young_person__in=scope(user, YoungPerson.objects.all()).values("pk")
    )


def _nodes_q(nodes: Iterable[Node], kind_field: str, id_field: str) -> Q:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, node_id in nodes:
        by_kind[kind].append(node_id)
    condition = Q(pk__in=[])
    for kind, ids in by_kind.items():
        condition |= Q(**{kind_field: kind, f"{id_field}__in": ids})
    return condition


def visible_nodes(user: User | None, nodes: Collection[Node]) -> set[Node]:
    """The nodes this user may see by name."""
    young = [node_id for kind, node_id in nodes if kind == NodeKind.YOUNG_PERSON]
    seen: set[Node] = {
        (NodeKind.YOUNG_PERSON.value, pk)
        for pk in scope(user, YoungPerson.objects.filter(pk__in=young)).values_list("pk", flat=True)
    }
    others = [node for node in nodes if node[0] != NodeKind.YOUNG_PERSON]
    if others:
        from_visible_records = (
            Q(source_kind=SourceKind.REPORT, source_id__in=_visible_reports(user).values("pk"))
            | Q(
                source_kind=SourceKind.MISSING_EPISODE,
                source_id__in=_visible_episodes(user).values("pk"),
            )
            | Q(
                source_kind=SourceKind.INCIDENT, source_id__in=_visible_incidents(user).values("pk")
            )
        )
        seen |= set(
            SourceNode.objects.filter(_nodes_q(others, "node_kind", "node_id"))
            .filter(from_visible_records)
            .values_list("node_kind", "node_id")
            .distinct()
        )
    return seen


def _person_names(user: User | None, ids: list[int]) -> dict[int, str]:
    """Each person's name as written in the earliest visible report, else as recorded as a
    suspect in a visible investigation: the stored display name may come from a record this
    user may not see."""
    names: dict[int, str] = {}
    links = (
        MentionLink.objects.filter(entity_id__in=ids, mention__report__in=_visible_reports(user))
        .exclude(status=LinkStatus.PROPOSED)
        .order_by("mention__report__reported_at", "id")
        .values_list("entity_id", "mention__name_as_written", "mention__nickname")
    )
    for entity_id, name, nickname in links:
        if entity_id not in names and (name or nickname):
            names[entity_id] = name or nickname
    # Someone named in no visible report may be a suspect of a visible investigation.
    suspects = Suspect.objects.filter(
        person_id__in=[pk for pk in ids if pk not in names],
        investigation__in=scope(user, Investigation.objects.all()).values("pk"),
    )
    for entity_id, name in suspects.order_by("id").values_list("person_id", "name_as_recorded"):
        if entity_id is not None and name:
            names.setdefault(entity_id, name)
    return names


def _labels(user: User | None, nodes: Collection[Node]) -> dict[Node, tuple[str, str]]:
    """The label and page of each (visible) node."""
    ids: dict[str, list[int]] = defaultdict(list)
    for node_kind, node_id in nodes:
        ids[node_kind].append(node_id)
    found: dict[Node, tuple[str, str]] = {}
    kind: str
    for kind, route in NODE_PAGES.items():
        if not ids[kind]:
            continue
        names: dict[int, str] = {}
        if kind == NodeKind.YOUNG_PERSON:
            names = {yp.pk: yp.full_name for yp in YoungPerson.objects.filter(pk__in=ids[kind])}
        elif kind == NodeKind.PERSON:
            names = _person_names(user, ids[kind])
        elif kind == NodeKind.LOCATION:
            names = {p.pk: str(p) for p in LocationEntity.objects.filter(pk__in=ids[kind])}
        else:
            names = {e.pk: str(e) for e in NODE_MODELS[kind].objects.filter(pk__in=ids[kind])}
        for node_id in ids[kind]:
            label = names.get(node_id) or f"{NodeKind(kind).label} {node_id}"
            found[(kind, node_id)] = (label, reverse(route, args=[node_id]))
    for pk, what, report_id in EventMention.objects.filter(pk__in=ids[NodeKind.EVENT]).values_list(
        "pk", "what_happened", "report_id"
    ):
        found[(NodeKind.EVENT.value, pk)] = (
            what[:80],
            reverse("intelligence:detail", args=[report_id]),
        )
    return found


def chart_nodes(user: User | None, nodes: Collection[Node]) -> dict[Node, ChartNode]:
    """Every node as this user may see it."""
    visible = visible_nodes(user, nodes)
    labels = _labels(user, visible)
    shown: dict[Node, ChartNode] = {}
    for node in nodes:
        if node in visible and node in labels:
            label, url = labels[node]
            shown[node] = ChartNode(node_key(node), node[0], label, url, restricted=False)
        else:
            shown[node] = ChartNode(
                restricted_key(user, node), "restricted", "Restricted", "", restricted=True
            )
    return shown


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
        if self.start is not None:
            edges = edges.filter(last_seen__gte=datetime.combine(self.start, time.min, UTC))
        if self.end is not None:
            after = datetime.combine(self.end + timedelta(days=1), time.min, UTC)
            edges = edges.filter(first_seen__lt=after)
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


def _seen_records(user: User | None, edges: Sequence[Edge]) -> tuple[set[int], set[int], set[int]]:
    """The reports, missing episodes and incidents behind these links the user may see."""
    report_ids = {pk for edge in edges for pk in edge.report_ids}
    episode_ids = {pk for edge in edges for pk in edge.missing_episode_ids}
    incident_ids = {pk for edge in edges for pk in edge.incident_ids}
    reports = set(_visible_reports(user).filter(pk__in=report_ids).values_list("pk", flat=True))
    episodes = set(_visible_episodes(user).filter(pk__in=episode_ids).values_list("pk", flat=True))
    incidents = set(
        _visible_incidents(user).filter(pk__in=incident_ids).values_list("pk", flat=True)
    )
    return reports, episodes, incidents


def _without_hidden_associations(
    user: User | None, edges: list[Edge], shown: dict[Node, ChartNode]
) -> list[Edge]:
    """Leave out a link between two nodes the user may see that only unshared records make:
    that the two were named together is itself intelligence they have no need to know. A link
    to a restricted node stays, as a stub: it says only that something unshared exists."""
    reports, episodes, incidents = _seen_records(user, edges)
    return [
        edge
        for edge in edges
        if shown[(edge.first_kind, edge.first_id)].restricted
        or shown[(edge.second_kind, edge.second_id)].restricted
        or reports.intersection(edge.report_ids)
        or episodes.intersection(edge.missing_episode_ids)
        or incidents.intersection(edge.incident_ids)
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
    around = _nodes_q(centres, "first_kind", "first_id") | _nodes_q(
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
        _visible_episodes(actor.user)
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
        _visible_incidents(actor.user)
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
    return Provenance(
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


def _networks_with_visible_records(user: User | None) -> QuerySet[NetworkNode]:
    seen_in_visible_report = SourceNode.objects.filter(
        source_kind=SourceKind.REPORT,
        source_id__in=_visible_reports(user).values("pk"),
        node_kind=OuterRef("node_kind"),
        node_id=OuterRef("node_id"),
    )
    return NetworkNode.objects.filter(
        Q(Exists(seen_in_visible_report))
        | Q(
            node_kind=NodeKind.YOUNG_PERSON,
            node_id__in=scope(user, YoungPerson.objects.all()).values("pk"),
        )
    )


def networks_list(actor: Actor, *, limit: int = LIST_LIMIT) -> list[Network]:
    """The ranked networks with at least one record the user may see, highest rank first."""
    mine = _networks_with_visible_records(actor.user).values("network_id")
    networks = list(Network.objects.filter(pk__in=mine).order_by("rank")[:limit])
    audit_consultation(
        actor, Network, [network.pk for network in networks], summary="Listed the networks"
    )
    return networks


@dataclass(frozen=True)
class Member:
    node: ChartNode
    community: int
    pagerank: float


@dataclass(frozen=True)
class HotspotView:
    node: ChartNode
    young_people: int
    records: int


@dataclass(frozen=True)
class TogetherView:
    """Two young people of the network missing at overlapping times, or seen at one place
    within hours of each other."""

    what: str
    first: ChartNode
    second: ChartNode
    at: datetime
    place: ChartNode | None


@dataclass
class NetworkView:
    network: Network
    members: list[Member]
    restricted_members: int
    not_listed: int
    hotspots: list[HotspotView]
    reports: Sequence[IntelligenceReport]
    restricted_reports: int
    reports_not_listed: int = 0
    centre: str = ""
    kinds: dict[str, int] = field(default_factory=dict)
    together: list[TogetherView] = field(default_factory=list)
    # Co-occurrences that involve a young person or place the user may not see: counted only.
    restricted_together: int = 0


def _incidence_of(network: Network) -> QuerySet[SourceNode]:
    """The nodes of this network each record names (subqueries, so no list of ids can outgrow
    the database's limit on parameters)."""
    in_network = NetworkNode.objects.filter(
        network=network, node_kind=OuterRef("node_kind"), node_id=OuterRef("node_id")
    )
    return SourceNode.objects.filter(Exists(in_network))


def _records_of(network: Network) -> list[SourceRecord]:
    grouped: dict[tuple[str, int], set[Node]] = defaultdict(set)
    at: dict[tuple[str, int], datetime] = {}
    for source_kind, source_id, node_kind, node_id, when in _incidence_of(network).values_list(
        "source_kind", "source_id", "node_kind", "node_id", "at"
    ):
        grouped[(source_kind, source_id)].add((node_kind, node_id))
        at[(source_kind, source_id)] = when
    return [
        SourceRecord(kind=kind, id=number, at=at[(kind, number)], nodes=frozenset(nodes))
        for (kind, number), nodes in sorted(grouped.items())
    ]


def network_successor(pk: int, *, hops: int = 50) -> int | None:
    """The stored network an id a rebuild retired leads to, following later retirements; `None`
    when it leads nowhere. Ids only: the network's page applies need-to-know."""
    current: int | None = pk
    for _ in range(hops):
        if current is None or Network.objects.filter(pk=current).exists():
            return current
        current = (
            RetiredNetwork.objects.filter(pk=current).values_list("successor_id", flat=True).first()
        )
    return None


TOGETHER_LIMIT = 50
TOGETHER_LABELS = {
    analysis.MISSING_TOGETHER: "Missing at the same time",
    analysis.SEEN_TOGETHER: "Seen at the same place within hours",
}


def _together(
    network: Network, records: list[SourceRecord], start: date | None, end: date | None
) -> list[analysis.CoOccurrence]:
    """The network's young people missing at overlapping times or seen together, in the window."""
    young = network.members.filter(node_kind=NodeKind.YOUNG_PERSON).values("node_id")
    episodes = loader.stored_episodes(start=start, end=end, young_people=young)
    found = analysis.missing_together(episodes) + analysis.seen_together(records)
    return sorted(found, key=lambda c: c.at, reverse=True)


def network_open(
    actor: Actor, pk: int, *, start: date | None = None, end: date | None = None
) -> NetworkView:
    """A network's members, and its hotspots, young people together and reports in the window
    (both ends inclusive, open when `None`), as far as the user may see them."""
    network = Network.objects.filter(pk=pk).first()
    if network is None:
        raise RecordNotFound(f"No network {pk}")
    if not _networks_with_visible_records(actor.user).filter(network=network).exists():
        raise NodeRestricted(f"Network {network.reference} is restricted")
    rows = list(network.members.order_by("-pagerank", "node_kind", "node_id")[:MEMBER_LIMIT])
    records = [r for r in _records_of(network) if analysis.in_window(r.at, start, end)]
    spots = analysis.hotspots(records, top=10)
    together = _together(network, records, start, end)
    involved = [
        node
        for pair in together
        for node in [
            (NodeKind.YOUNG_PERSON.value, pair.young_people[0]),
            (NodeKind.YOUNG_PERSON.value, pair.young_people[1]),
            *([pair.place] if pair.place else []),
        ]
    ]
    shown = chart_nodes(
        actor.user,
        list(
            dict.fromkeys(
                [(m.node_kind, m.node_id) for m in rows] + [h.node for h in spots] + involved
            )
        ),
    )
    seen_together: list[TogetherView] = []
    for pair in together:
        first, second = (shown[(NodeKind.YOUNG_PERSON.value, yp)] for yp in pair.young_people)
        place = shown[pair.place] if pair.place else None
        # That two children were together is itself about both: shown only if both may be seen.
        if not (first.restricted or second.restricted or (place and place.restricted)):
            seen_together.append(
                TogetherView(TOGETHER_LABELS[pair.kind], first, second, pair.at, place)
            )
    members = [
        Member(shown[(m.node_kind, m.node_id)], m.community, m.pagerank)
        for m in rows
        if not shown[(m.node_kind, m.node_id)].restricted
    ]
    behind = IntelligenceReport.objects.filter(
        pk__in=loader.dated_between(_incidence_of(network), "at", start, end)
        .filter(source_kind=SourceKind.REPORT)
        .values("source_id")
    )
    reports = list_records(
        actor,
        behind.order_by("-reported_at", "-pk"),
        purpose=f"Viewed the reports behind network {network.reference}",
        limit=REPORT_LIMIT,
    )[::-1]
    total = len({record.id for record in records if record.kind == SourceKind.REPORT})
    visible = scope(actor.user, behind).count()
    kinds: dict[str, int] = defaultdict(int)
    for member in members:
        kinds[member.node.kind_label] += 1
    return NetworkView(
        network=network,
        members=members,
        restricted_members=len(rows) - len(members),
        not_listed=max(network.nodes - len(rows), 0),
        hotspots=[HotspotView(shown[h.node], h.young_people, h.records) for h in spots],
        reports=reports,
        restricted_reports=total - visible,
        reports_not_listed=visible - len(reports),
        centre=members[0].node.key if members else "",
        kinds=dict(kinds),
        together=seen_together[:TOGETHER_LIMIT],
        restricted_together=len(together) - len(seen_together),
    )
