"""Network analytics as pure functions over records and an in-memory igraph graph.

Nothing here touches the database, so the same code serves `services.py` (which loads the records
from the tables) and `benchmarks/network.py` (which reads them from a bundle). A node is a
`(kind, id)` pair; the kinds are `models.NodeKind`'s values.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import combinations

import igraph

Node = tuple[str, int]
Pair = tuple[Node, Node]

YOUNG_PERSON = "young_person"
PERSON = "person"
PHONE = "phone"
VEHICLE = "vehicle"
LOCATION = "location"
EVENT = "event"
REPORT = "report"
MISSING_EPISODE = "missing_episode"
INCIDENT = "incident"
YOUNG_PERSON_LINK = "young_person_link"
CASE_RECORD = "case_record"
# Records that hold whatever the date window: a child's record and the person the reports name
# are the same child in every period.
TIMELESS = frozenset({YOUNG_PERSON_LINK, CASE_RECORD})

# Components smaller than this are one community each: Leiden has nothing to split.
SMALL_COMPONENT = 12
# Chosen on the `local` world (seed 1) and checked on `regional` (benchmarks/network.py).
RESOLUTION_SCALE = 1e-4


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record (a report, a missing episode) and the nodes it ties together."""

    kind: str
    id: int
    at: datetime
    nodes: frozenset[Node]
    # 3x5x2 source evaluation and intelligence assessment, "1A" best; blank when not graded.
    grading: str = ""


@dataclass(slots=True)
class EdgeFacts:
    """What the records say about one pair of nodes."""

    first_seen: datetime
    last_seen: datetime
    count: int = 0
    best_grading: str = ""
    report_ids: list[int] = field(default_factory=list)
    missing_episode_ids: list[int] = field(default_factory=list)
    incident_ids: list[int] = field(default_factory=list)
    young_person_link_ids: list[int] = field(default_factory=list)
    case_record_ids: list[int] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        """Whether a record that says when something was seen stands behind the link."""
        return self.count > len(self.young_person_link_ids) + len(self.case_record_ids)

    def add(self, record: SourceRecord) -> None:
        self.count += 1
        if record.kind not in TIMELESS:
            # A timeless record's date says when it was made, not when anything was seen; it
            # dates a link only when nothing else does (`edges_from` adds it last).
            self.first_seen = min(self.first_seen, record.at)
            self.last_seen = max(self.last_seen, record.at)
        self.best_grading = better_grading(self.best_grading, record.grading)
        if record.kind == REPORT:
            self.report_ids.append(record.id)
        elif record.kind == INCIDENT:
            self.incident_ids.append(record.id)
        elif record.kind == YOUNG_PERSON_LINK:
            self.young_person_link_ids.append(record.id)
        elif record.kind == CASE_RECORD:
            self.case_record_ids.append(record.id)
        else:
            self.missing_episode_ids.append(record.id)


def better_grading(first: str, second: str) -> str:
    """The better of two 3x5x2 gradings: source 1 beats 2 beats 3, then A beats B … E."""
    if not first or not second:
        return first or second
    return min(first, second)


def pair_of(a: Node, b: Node) -> Pair:
    return (a, b) if a <= b else (b, a)


def in_window(at: datetime, start: date | None, end: date | None) -> bool:
    """Whether `at` falls in the window, both ends inclusive; `None` leaves that end open."""
    day = at.date()
    return (start is None or day >= start) and (end is None or day <= end)


def edges_from(
    records: Iterable[SourceRecord],
    *,
    start: date | None = None,
    end: date | None = None,
    only: set[Pair] | None = None,
) -> dict[Pair, EdgeFacts]:
    """Every pair of nodes named in the same record, over the records in the window.

    `only` restricts the result to those pairs (an incremental update recomputes just them).
    """
    edges: dict[Pair, EdgeFacts] = {}
    for record in sorted(records, key=lambda r: (r.kind in TIMELESS, r.kind, r.id)):
        if record.kind not in TIMELESS and not in_window(record.at, start, end):
            continue
        for pair in combinations(sorted(record.nodes), 2):
            if only is not None and pair not in only:
                continue
            facts = edges.get(pair)
            if facts is None:
                facts = edges[pair] = EdgeFacts(first_seen=record.at, last_seen=record.at)
            facts.add(record)
    return edges


@dataclass
class NetworkGraph:
    """The nodes and an undirected, weighted igraph graph over their positions."""

    nodes: list[Node]
    graph: igraph.Graph

    def index(self) -> dict[Node, int]:
        return {node: position for position, node in enumerate(self.nodes)}


def build_graph(edges: Mapping[Pair, EdgeFacts]) -> NetworkGraph:
    """An edge's weight is the number of records behind it."""
    nodes = sorted({node for pair in edges for node in pair})
    position = {node: i for i, node in enumerate(nodes)}
    graph = igraph.Graph(
        n=len(nodes), edges=[(position[a], position[b]) for a, b in edges], directed=False
    )
    graph.es["weight"] = [float(facts.count) for facts in edges.values()]
    return NetworkGraph(nodes=nodes, graph=graph)


@dataclass
class Structure:
    """Per node (by position in the graph): network, community, PageRank and betweenness.

    Networks are connected components numbered from 0 by size, largest first; communities are
    numbered across the whole graph.
    """

    network: list[int]
    community: list[int]
    pagerank: list[float]
    betweenness: list[float]


def connected_networks(graph: igraph.Graph) -> list[int]:
    components = sorted(graph.connected_components(), key=lambda c: (-len(c), min(c, default=0)))
    network = [0] * graph.vcount()
    for number, members in enumerate(components):
        for vertex in members:
            network[vertex] = number
    return network


def leiden_communities(
    graph: igraph.Graph,
    network: Sequence[int],
    *,
    resolution_scale: float = RESOLUTION_SCALE,
    seed: int = 1,
) -> list[int]:
    """Leiden (modularity) inside each component of `SMALL_COMPONENT` nodes or more.

    A component's resolution is `resolution_scale` times twice its total weight (at least 1):
    two groups then merge when the weight between them is more than `resolution_scale` times
    the product of their weights, the same test in a town's graph as in a region's. Plain
    modularity (resolution 1) would merge ever larger groups as the graph grows. Seeded, so the
    same graph always gives the same communities.
    """
    members: dict[int, list[int]] = defaultdict(list)
    for vertex, number in enumerate(network):
        members[number].append(vertex)
    community = [0] * graph.vcount()
    next_id = 0
    weighted = "weight" in graph.es.attributes()
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311 — reproducible, not secret
    try:
        for number in sorted(members):
            vertices = members[number]
            if len(vertices) < SMALL_COMPONENT:
                for vertex in vertices:
                    community[vertex] = next_id
                next_id += 1
                continue
            sub = graph if len(vertices) == graph.vcount() else graph.subgraph(vertices)
            weight = sum(sub.es["weight"]) if weighted else float(sub.ecount())
            found = sub.community_leiden(
                objective_function="modularity",
                weights="weight" if weighted else None,
                resolution=max(1.0, resolution_scale * 2 * weight),
                n_iterations=2,
            )
            for vertex, label in zip(vertices, found.membership, strict=True):
                community[vertex] = next_id + label
            next_id += len(found)
    finally:
        igraph.set_random_number_generator(random)
    return community


def centrality(
    graph: igraph.Graph, community: Sequence[int], *, cutoff: int = 6
) -> tuple[list[float], list[float]]:
    """PageRank (weighted) over the whole graph; betweenness inside each community.

    Brokers and organisers are the people the paths *inside* a network run through; across the
    whole graph, busy venues would dominate and exact betweenness costs O(nodes x edges). Paths
    longer than `cutoff` steps are ignored, which bounds the cost of a very large community.
    """
    if graph.vcount() == 0:
        return [], []
    weighted = "weight" in graph.es.attributes()
    pagerank = graph.pagerank(weights="weight" if weighted else None, directed=False)
    crossing = igraph.VertexClustering(graph, list(community)).crossing()
    inside = graph.copy()
    inside.delete_edges([index for index, crosses in enumerate(crossing) if crosses])
    betweenness = inside.betweenness(directed=False, cutoff=cutoff)
    return list(pagerank), list(betweenness)


def analyse(network_graph: NetworkGraph) -> Structure:
    graph = network_graph.graph
    network = connected_networks(graph)
    community = leiden_communities(graph, network)
    pagerank, betweenness = centrality(graph, community)
    return Structure(
        network=network, community=community, pagerank=pagerank, betweenness=betweenness
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


# How much a young person in each risk band adds to a network's rank.
BAND_WEIGHT = {"significant": 8.0, "moderate": 4.0, "mild": 2.0, "not_at_risk": 1.0}


def network_score(
    *, bands: Iterable[str], adults: int, last_seen: datetime, now: datetime
) -> float:
    """Rank score: young people weighted by risk band, adults, and recency.

    Ten points per young person times their band's weight (a child with no assessment counts as
    "not at risk"), three per adult, all halved for every 180 days since the last record. Only
    these inputs: no protected characteristic reaches a network's rank.
    """
    children = sum(BAND_WEIGHT.get(band, 1.0) for band in bands)
    days = max(0.0, (now - last_seen).total_seconds() / 86400)
    return round((10 * children + 3 * adults) * 0.5 ** (days / 180), 3)
