"""The stored networks: the ranked list and one network's page, as far as the user may see them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import RecordNotFound, audit_consultation, list_records, scope
from cairn.intelligence.models import IntelligenceReport
from cairn.networks import analysis, loader
from cairn.networks.analysis import Node, SourceRecord
from cairn.networks.models import (
    Network,
    NetworkNode,
    NodeKind,
    RetiredNetwork,
    SourceKind,
    SourceNode,
)
from cairn.networks.queries.nodes import ChartNode, NodeRestricted, chart_nodes, visible_reports
from cairn.youngpeople.models import YoungPerson

LIST_LIMIT = 100
MEMBER_LIMIT = 300
REPORT_LIMIT = 200


def _networks_with_visible_records(user: User | None) -> QuerySet[NetworkNode]:
    seen_in_visible_report = SourceNode.objects.filter(
        source_kind=SourceKind.REPORT,
        source_id__in=visible_reports(user).values("pk"),
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


def _visible_network(actor: Actor, pk: int) -> Network:
    """A network with at least one record the user may see."""
    network = Network.objects.filter(pk=pk).first()
    if network is None:
        raise RecordNotFound(f"No network {pk}")
    if not _networks_with_visible_records(actor.user).filter(network=network).exists():
        raise NodeRestricted(f"Network {network.reference} is restricted")
    return network


def person_ids(network: Network) -> QuerySet[NetworkNode, Any]:
    """The ids of a network's person entities, as a query (for the pairs waiting for review
    among them)."""
    return network.members.filter(node_kind=NodeKind.PERSON).values("node_id")


def network_people(actor: Actor, pk: int) -> tuple[Network, QuerySet[NetworkNode, Any]]:
    """A network the user may see, and its person entities' ids."""
    network = _visible_network(actor, pk)
    return network, person_ids(network)


def network_open(
    actor: Actor, pk: int, *, start: date | None = None, end: date | None = None
) -> NetworkView:
    """A network's members, and its hotspots, young people together and reports in the window
    (both ends inclusive, open when `None`), as far as the user may see them."""
    network = _visible_network(actor, pk)
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
