"""API for the network graph: ranked networks, one network's members, a node's neighbourhood.

The same queries as the pages, so need-to-know and the consultation audit are the same: nodes from
records outside the user's need-to-know come back as "restricted", with no kind, name or link.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Perm
from cairn.access.queries import RecordNotFound
from cairn.linkage.api import PageIn, ProposalOut, proposals_on
from cairn.linkage.queries import review_queue
from cairn.networks.models import Network
from cairn.networks.queries import (
    ChartFilter,
    ChartNode,
    NodeRestricted,
    chart_around,
    network_open,
    network_people,
    networks_list,
    parse_node,
)

router = Router(tags=["networks"])


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)  # the API's auth classes admit only signed-in users
    if not user.can(Perm.VIEW_PERSON_RECORDS):
        raise PermissionDenied("Your role does not give access to person records.")
    return Actor.from_request(request, channel="api")


class NetworkOut(Schema):
    id: int
    reference: str
    rank: int
    score: float
    nodes: int
    young_people: int
    adults: int
    connected_networks: int
    first_seen: datetime
    last_seen: datetime


class NodeOut(Schema):
    """A node as the user may see it; a restricted one has only an opaque key."""

    id: str
    kind: str
    label: str
    url: str
    restricted: bool


class MemberOut(Schema):
    node: NodeOut
    community: int
    pagerank: float


class HotspotOut(Schema):
    node: NodeOut
    young_people: int
    records: int


class NetworkDetailOut(NetworkOut):
    members: list[MemberOut]
    restricted_members: int
    not_listed: int
    hotspots: list[HotspotOut]
    restricted_reports: int


class EdgeOut(Schema):
    id: str
    source: str
    target: str
    count: int
    first_seen: date
    last_seen: date
    grading: str
    provenance: str


class NeighbourhoodOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class NeighbourhoodFilter(Schema):
    start: date | None = None
    end: date | None = None


def _network(network: Network) -> dict[str, Any]:
    return {
        "id": network.pk,
        "reference": network.reference,
        "rank": network.rank,
        "score": network.score,
        "nodes": network.nodes,
        "young_people": network.young_people,
        "adults": network.adults,
        "connected_networks": network.connected_networks,
        "first_seen": network.first_seen,
        "last_seen": network.last_seen,
    }


def _node(node: ChartNode) -> dict[str, Any]:
    return node.as_json()


@router.get("/", response=list[NetworkOut])
def list_networks(request: HttpRequest) -> list[dict[str, Any]]:
    """The ranked networks with at least one record shared with you."""
    return [_network(network) for network in networks_list(_actor(request))]


@router.get("/{int:pk}", response=NetworkDetailOut)
def get_network(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor = _actor(request)
    try:
        view = network_open(actor, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except NodeRestricted as error:
        raise PermissionDenied("This network has no record shared with your team.") from error
    return {
        **_network(view.network),
        "members": [
            {"node": _node(m.node), "community": m.community, "pagerank": m.pagerank}
            for m in view.members
        ],
        "restricted_members": view.restricted_members,
        "not_listed": view.not_listed,
        "hotspots": [
            {"node": _node(h.node), "young_people": h.young_people, "records": h.records}
            for h in view.hotspots
        ],
        "restricted_reports": view.restricted_reports,
    }


@router.get("/{int:pk}/review", response=list[ProposalOut])
def network_review(request: HttpRequest, pk: int, filters: Query[PageIn]) -> list[dict[str, Any]]:
    """Pairs waiting for entity-resolution review among the network's people, 50 a page, most
    probable first; a page past the last is empty."""
    actor = _actor(request)
    try:
        network, people = network_people(actor, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except NodeRestricted as error:
        raise PermissionDenied("This network has no record shared with your team.") from error
    found = review_queue(
        actor, page=filters.page, people=people, narrowed_to=f"network {network.reference}"
    )
    return proposals_on(found, filters.page)


@router.get("/nodes/{node}/neighbourhood", response=NeighbourhoodOut)
def get_neighbourhood(
    request: HttpRequest, node: str, window: Query[NeighbourhoodFilter]
) -> dict[str, Any]:
    """A node ("person:12", "young_person:3") with its links and the nodes at their other ends."""
    actor = _actor(request)
    try:
        centre = parse_node(node)
    except ValueError as error:
        raise Http404(str(error)) from error
    try:
        chart = chart_around(actor, [centre], ChartFilter(start=window.start, end=window.end))
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except NodeRestricted as error:
        raise PermissionDenied("No record of this node is shared with your team.") from error
    return chart.as_json()
