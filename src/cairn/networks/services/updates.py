"""Incremental updates: one saved, changed or deleted record at a time, with alerts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from itertools import combinations

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.networks import analysis, loader
from cairn.networks.analysis import (
    CASE_RECORD,
    INCIDENT,
    MISSING_EPISODE,
    REPORT,
    YOUNG_PERSON_LINK,
    Node,
    Pair,
    SourceRecord,
)
from cairn.networks.loader import nodes_q
from cairn.networks.models import Edge, Network, NetworkNode, NodeKind, SourceNode
from cairn.networks.services.common import (
    EDGE_FIELDS,
    SOURCE_NODE_FIELDS,
    UpdateSummary,
    edge_rows,
    insert,
    require_analyst,
    source_node_rows,
)


def _pairs(nodes: Iterable[Node]) -> set[Pair]:
    return set(combinations(sorted(nodes), 2))


def _edges_q(pairs: Iterable[Pair]) -> Q:
    condition = Q(pk__in=[])
    for (first_kind, first_id), (second_kind, second_id) in pairs:
        condition |= Q(
            first_kind=first_kind, first_id=first_id, second_kind=second_kind, second_id=second_id
        )
    return condition


def _update_source(
    actor: Actor, kind: str, source_id: int, record: SourceRecord | None
) -> UpdateSummary:
    """Replace one record's incidence and recompute exactly the edges it touches (or touched)."""
    summary = UpdateSummary()
    with transaction.atomic():
        current = SourceNode.objects.filter(source_kind=kind, source_id=source_id)
        old: set[Node] = set(current.values_list("node_kind", "node_id"))
        new: set[Node] = set(record.nodes) if record else set()
        current.delete()
        if record is not None:
            insert(SourceNode, SOURCE_NODE_FIELDS, source_node_rows([record]))
        affected = _pairs(old) | _pairs(new)
        touched = old | new
        edges = analysis.edges_from(loader.records_sharing(touched), only=affected)
        if affected:
            Edge.objects.filter(_edges_q(affected)).delete()
            insert(Edge, EDGE_FIELDS, edge_rows(edges))
        summary.edges_changed = len(affected)
        _detach(old - new)
        summary.networks, summary.nodes_added = _attach(new)
        audit_record(
            actor=actor,
            action=Action.COMBINATION,
            record_type=record_label(Edge),
            record_ids=[],
            summary=f"Updated the network graph for {kind.replace('_', ' ')} {source_id}",
            detail={"source": kind, "id": source_id, "edges": len(affected)},
        )
    return summary


def _detach(nodes: set[Node]) -> None:
    """Take out of their networks the nodes no record names any more (a person whose mentions
    an analyst merged into another, a phone whose only report was deleted)."""
    if not nodes:
        return
    still = set(
        SourceNode.objects.filter(nodes_q(nodes, "node_kind", "node_id")).values_list(
            "node_kind", "node_id"
        )
    )
    orphaned = NetworkNode.objects.filter(nodes_q(nodes - still, "node_kind", "node_id"))
    for network_id, kinds in _kinds_by_network(orphaned).items():
        Network.objects.filter(pk=network_id).update(
            nodes=F("nodes") - sum(kinds.values()),
            young_people=F("young_people") - kinds[NodeKind.YOUNG_PERSON],
            adults=F("adults") - kinds[NodeKind.PERSON],
        )
    orphaned.delete()


def _kinds_by_network(members: Iterable[NetworkNode]) -> dict[int, Counter[str]]:
    kinds: dict[int, Counter[str]] = {}
    for member in members:
        kinds.setdefault(member.network_id, Counter())[member.node_kind] += 1
    return kinds


def _attach(nodes: set[Node]) -> tuple[list[int], int]:
    """Put a record's new nodes in the highest-ranked network among its other nodes.

    Two networks a record joins stay apart, and nodes of a record that meets no network wait,
    until the next rebuild re-runs the communities.
    """
    if not nodes:
        return [], 0
    placed = list(
        NetworkNode.objects.filter(nodes_q(nodes, "node_kind", "node_id")).order_by(
            "network__rank", "-pagerank"
        )
    )
    networks = sorted({member.network_id for member in placed})
    if not placed:
        return networks, 0
    best = placed[0]
    known = {(member.node_kind, member.node_id) for member in placed}
    added = [
        NetworkNode(
            network_id=best.network_id, node_kind=kind, node_id=node_id, community=best.community
        )
        for kind, node_id in sorted(nodes - known)
    ]
    NetworkNode.objects.bulk_create(added)
    if added:
        kinds = Counter(node.node_kind for node in added)
        Network.objects.filter(pk=best.network_id).update(
            nodes=F("nodes") + len(added),
            young_people=F("young_people") + kinds[NodeKind.YOUNG_PERSON],
            adults=F("adults") + kinds[NodeKind.PERSON],
        )
    return networks, len(added)


def network_update_for_report(*, actor: Actor, report_id: int) -> UpdateSummary:
    """Bring the graph up to date with one new, edited or deleted report, and alert the key
    workers and analysts of young people at risk whose networks it reaches."""
    from cairn.networks.services.alerts import memberships, network_alerts_raise

    require_analyst(actor)
    records = loader.report_records([report_id])
    record = records[0] if records else None
    nodes = set(record.nodes) if record else set()
    with transaction.atomic():
        before = memberships(nodes)
        summary = _update_source(actor, REPORT, report_id, record)
        network_alerts_raise(
            actor=actor,
            report_id=report_id,
            nodes=nodes,
            before=before,
            groups=sorted(set(memberships(nodes).values())),
        )
    return summary


def network_update_later(*, report_id: int) -> None:
    """Queue `network_update_for_report` for when the caller's transaction commits.

    Queued after `link_report_later`, so a worker that takes jobs in order links the report's
    mentions first; the task itself waits if it finds them not yet linked (see `tasks.py`).
    """
    from cairn.networks.tasks import network_update_for_report_task

    transaction.on_commit(lambda: network_update_for_report_task.enqueue(report_id))


# The records other apps change one at a time, and how to read one back.
RECORD_LOADERS: dict[str, Callable[[Collection[int]], list[SourceRecord]]] = {
    MISSING_EPISODE: loader.episode_records,
    INCIDENT: loader.incident_records,
    YOUNG_PERSON_LINK: loader.young_person_link_records,
    CASE_RECORD: loader.case_records,
}


def network_update_for_record(*, actor: Actor, kind: str, record_id: int) -> UpdateSummary:
    """Bring the graph up to date with one new, changed or deleted record of `RECORD_LOADERS`:
    a missing episode (where found), an investigation's incident (its victims, suspects and
    place) or a young person's record resolved to a person (or unlinked)."""
    require_analyst(actor)
    records = RECORD_LOADERS[kind]([record_id])
    return _update_source(actor, kind, record_id, records[0] if records else None)


def network_update_record_later(*, kind: str, record_id: int) -> None:
    """Queue `network_update_for_record` for when the caller's transaction commits (saving
    through the app; bulk imports and re-links are followed by `cairn network rebuild`)."""
    from cairn.networks.tasks import network_update_for_record_task

    if settings.CAIRN_LINK_ON_SAVE:
        transaction.on_commit(lambda: network_update_for_record_task.enqueue(kind, record_id))


def network_update_episode_later(*, missing_episode_id: int) -> None:
    network_update_record_later(kind=MISSING_EPISODE, record_id=missing_episode_id)


def network_update_incident_later(*, incident_id: int) -> None:
    network_update_record_later(kind=INCIDENT, record_id=incident_id)


def network_update_young_person_link_later(*, link_id: int) -> None:
    network_update_record_later(kind=YOUNG_PERSON_LINK, record_id=link_id)


def network_update_case_record_later(*, young_person_id: int) -> None:
    network_update_record_later(kind=CASE_RECORD, record_id=young_person_id)
