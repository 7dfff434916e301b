"""Reads of the network graph: windowed analyses, and the pages and link chart, need-to-know first.

A node is shown by name only to someone who may see a record it comes from: a young person
through the access layer, anything else through a report (or a missing episode) they may see.
Everyone else learns at most that a restricted node exists, under a key that names nothing.
"""

from cairn.networks.queries.analyses import co_occurrences, hotspots, network_graph
from cairn.networks.queries.chart import (
    EDGE_LIMIT,
    INTELLIGENCE_ASSESSMENTS,
    SOURCE_EVALUATIONS,
    Chart,
    ChartEdge,
    ChartFilter,
    Provenance,
    chart_around,
    edge_provenance,
)
from cairn.networks.queries.network import (
    LIST_LIMIT,
    MEMBER_LIMIT,
    REPORT_LIMIT,
    TOGETHER_LABELS,
    TOGETHER_LIMIT,
    HotspotView,
    Member,
    NetworkView,
    TogetherView,
    network_open,
    network_people,
    network_successor,
    networks_list,
    person_ids,
)
from cairn.networks.queries.nodes import (
    NODE_MODELS,
    NODE_PAGES,
    ChartNode,
    NodeRestricted,
    chart_nodes,
    node_key,
    parse_node,
    restricted_key,
    visible_nodes,
)

__all__ = [
    "EDGE_LIMIT",
    "INTELLIGENCE_ASSESSMENTS",
    "LIST_LIMIT",
    "MEMBER_LIMIT",
    "NODE_MODELS",
    "NODE_PAGES",
    "REPORT_LIMIT",
    "SOURCE_EVALUATIONS",
    "TOGETHER_LABELS",
    "TOGETHER_LIMIT",
    "Chart",
    "ChartEdge",
    "ChartFilter",
    "ChartNode",
    "HotspotView",
    "Member",
    "NetworkView",
    "NodeRestricted",
    "Provenance",
    "TogetherView",
    "chart_around",
    "chart_nodes",
    "co_occurrences",
    "edge_provenance",
    "hotspots",
    "network_graph",
    "network_open",
    "network_people",
    "network_successor",
    "networks_list",
    "node_key",
    "parse_node",
    "person_ids",
    "restricted_key",
    "visible_nodes",
]
