"""The graph (igraph), its connected groups, Leiden communities, centrality and rank."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import igraph

from cairn.networks.analysis.records import EdgeFacts, Node, Pair

# Components smaller than this are one community each: Leiden has nothing to split.
SMALL_COMPONENT = 12
# Chosen on the `local` world (seed 1) and checked on `regional` (benchmarks/network.py).
RESOLUTION_SCALE = 1e-4


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
