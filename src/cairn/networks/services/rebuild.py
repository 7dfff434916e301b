"""The full rebuild: the incidence, the edges, the networks (communities) and their ranks."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.networks import analysis, loader
from cairn.networks.analysis import (
    EdgeFacts,
    Node,
    Pair,
)
from cairn.networks.models import Edge, Network, NetworkNode, NodeKind, SourceNode
from cairn.networks.services import continuity
from cairn.networks.services.common import (
    BATCH,
    EDGE_FIELDS,
    SOURCE_NODE_FIELDS,
    RebuildSummary,
    edge_rows,
    insert,
    require_analyst,
    source_node_rows,
)
from cairn.youngpeople.models import RiskAssessment


def latest_bands(young_person_ids: Iterable[int]) -> dict[int, str]:
    """Each young person's risk band in force: that of their latest assessment.

    Reads every assessment's band (two columns) rather than an IN list that could outgrow the
    database's limit on parameters in a national graph.
    """
    wanted = set(young_person_ids)
    bands: dict[int, str] = {}
    for young_person_id, band in RiskAssessment.objects.order_by(
        "young_person_id", "assessed_on", "id"
    ).values_list("young_person_id", "band"):
        if young_person_id in wanted:
            bands[young_person_id] = band
    return bands


def _store_structure(
    graph: analysis.NetworkGraph,
    structure: analysis.Structure,
    edges: dict[Pair, EdgeFacts],
    now: datetime,
    previous: dict[Node, int],
) -> tuple[int, int]:
    """Write a Network per community and a NetworkNode per node; ranks by score.

    A network that continues one of `previous` (node → old network id) keeps its id
    (`continuity`). Returns the numbers of networks and of connected groups."""
    position = graph.index()
    seen: dict[int, tuple[datetime, datetime]] = {}
    # Links only a young person's resolved record makes carry the day it was resolved: they
    # date a network only when nothing else does.
    # An edge dates the communities at both its ends: a community Leiden leaves with one node
    # may have only edges to others.
    for pair, facts in sorted(edges.items(), key=lambda item: not item[1].dated):
        for number in {structure.community[position[node]] for node in pair}:
            if not facts.dated and number in seen:
                continue
            first, last = seen.get(number, (facts.first_seen, facts.last_seen))
            seen[number] = (min(first, facts.first_seen), max(last, facts.last_seen))
    members: dict[int, list[int]] = defaultdict(list)
    for vertex, number in enumerate(structure.community):
        members[number].append(vertex)
    group_of = {number: structure.network[vertices[0]] for number, vertices in members.items()}
    group_sizes = Counter(group_of.values())
    young = [node_id for kind, node_id in graph.nodes if kind == NodeKind.YOUNG_PERSON]
    bands = latest_bands(young)
    networks: list[tuple[float, int, Network]] = []
    for number, vertices in members.items():
        kinds = Counter(graph.nodes[v][0] for v in vertices)
        children = [
            graph.nodes[v][1] for v in vertices if graph.nodes[v][0] == NodeKind.YOUNG_PERSON
        ]
        first, last = seen[number]
        score = analysis.network_score(
            bands=[bands.get(c, "") for c in children],
            adults=kinds[NodeKind.PERSON],
            last_seen=last,
            now=now,
        )
        network = Network(
            nodes=len(vertices),
            young_people=kinds[NodeKind.YOUNG_PERSON],
            adults=kinds[NodeKind.PERSON],
            connected_group=group_of[number],
            connected_networks=group_sizes[group_of[number]],
            first_seen=first,
            last_seen=last,
            score=score,
            rank=0,
            built_at=now,
        )
        networks.append((score, number, network))
    networks.sort(key=lambda item: (-item[0], -item[2].last_seen.timestamp(), item[1]))
    carried = continuity.continuity(
        previous,
        {number: [graph.nodes[v] for v in vertices] for number, vertices in members.items()},
    )
    for rank, (_, number, network) in enumerate(networks, start=1):
        network.rank = rank
        network.pk = carried.kept.get(number)
    Network.objects.bulk_create([network for _, _, network in networks], batch_size=BATCH)
    stored = {number: network.pk for _, number, network in networks}
    continuity.retire(
        {old: None if new is None else stored[new] for old, new in carried.retired.items()}
    )
    insert(
        NetworkNode,
        ["network_id", "node_kind", "node_id", "community", "pagerank", "betweenness"],
        (
            (
                stored[structure.community[vertex]],
                kind,
                node_id,
                structure.community[vertex],
                structure.pagerank[vertex],
                structure.betweenness[vertex],
            )
            for vertex, (kind, node_id) in enumerate(graph.nodes)
        ),
    )
    return len(networks), len(group_sizes)


def network_rebuild(*, actor: Actor, now: datetime | None = None) -> RebuildSummary:
    """Rebuild the incidence, the edges, the networks and their communities from the records."""
    require_analyst(actor)
    now = now or timezone.now()
    records = loader.all_records()
    edges = analysis.edges_from(records)
    graph = analysis.build_graph(edges)
    structure = analysis.analyse(graph)
    summary = RebuildSummary(records=len(records), nodes=len(graph.nodes), edges=len(edges))
    with transaction.atomic():
        previous = continuity.stored_memberships()
        NetworkNode.objects.all().delete()
        Network.objects.all().delete()
        Edge.objects.all().delete()
        SourceNode.objects.all().delete()
        insert(SourceNode, SOURCE_NODE_FIELDS, source_node_rows(records))
        insert(Edge, EDGE_FIELDS, edge_rows(edges))
        summary.networks, summary.connected_groups = _store_structure(
            graph, structure, edges, now, previous
        )
        audit_record(
            actor=actor,
            action=Action.COMBINATION,
            record_type=record_label(Edge),
            summary=(
                "Rebuilt the network graph from intelligence reports, missing episodes and "
                "investigations' incidents"
            ),
            detail=summary.as_dict(),
        )
    return summary
