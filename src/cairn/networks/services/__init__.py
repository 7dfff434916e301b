"""The write path of the network graph: full rebuild, incremental update, export.

Joining records into a graph is a combination of personal data (DPA 2018 s.62), so every change
writes its audit entry in the same transaction.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from itertools import combinations, islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import DateTimeField, F, Field, JSONField, Model, Q
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import EventMention
from cairn.linkage.models import LocationEntity, PhoneEntity, VehicleEntity
from cairn.networks import analysis, loader
from cairn.networks.analysis import (
    CASE_RECORD,
    INCIDENT,
    MISSING_EPISODE,
    REPORT,
    YOUNG_PERSON_LINK,
    EdgeFacts,
    Node,
    Pair,
    SourceRecord,
)
from cairn.networks.models import Edge, Network, NetworkNode, NodeKind, SourceNode
from cairn.networks.services import continuity
from cairn.youngpeople.models import RiskAssessment, YoungPerson

BATCH = 5000


@dataclass
class RebuildSummary:
    records: int = 0
    nodes: int = 0
    edges: int = 0
    networks: int = 0
    connected_groups: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class UpdateSummary:
    edges_changed: int = 0
    nodes_added: int = 0
    # The stored networks the record's nodes belong to; more than one means it joins them.
    networks: list[int] = field(default_factory=list)

    @property
    def joins_networks(self) -> bool:
        return len(self.networks) > 1


def _require_analyst(actor: Actor) -> None:
    if actor.is_system:
        return
    if actor.user is None or not actor.user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot change the network graph.")


def _insert(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows with one `executemany` per batch.

    `bulk_create` spends most of a rebuild making model instances and preparing every value
    through its field; here only dates and JSON are prepared, once per value.
    """
    columns: list[Field[Any, Any]] = []
    for name in fields:
        column = model._meta.get_field(name)
        if not isinstance(column, Field):
            raise TypeError(f"{name} is not a concrete field of {model.__name__}")
        columns.append(column)
    prepare: list[Callable[[Any], Any] | None] = []
    for column in columns:
        if isinstance(column, DateTimeField):
            prepare.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(column, JSONField):
            prepare.append(partial(column.get_db_prep_save, connection=connection))
        else:
            prepare.append(None)
    quote = connection.ops.quote_name
    # Table and column names come from the model's own metadata, quoted; values are parameters.
    table = quote(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} "  # noqa: S608
        f"({', '.join(quote(c.column or c.attname) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    written = 0
    remaining = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(remaining, BATCH)):
            cursor.executemany(
                sql,
                [
                    [
                        value if do is None else do(value)
                        for do, value in zip(prepare, row, strict=True)
                    ]
                    for row in batch
                ],
            )
            written += len(batch)
    return written


SOURCE_NODE_FIELDS = ["source_kind", "source_id", "node_kind", "node_id", "at", "grading"]
EDGE_FIELDS = [
    "first_kind",
    "first_id",
    "second_kind",
    "second_id",
    "report_ids",
    "missing_episode_ids",
    "incident_ids",
    "young_person_link_ids",
    "case_record_ids",
    "first_seen",
    "last_seen",
    "count",
    "best_grading",
]


def _source_node_rows(records: Iterable[SourceRecord]) -> Iterator[tuple[Any, ...]]:
    for record in records:
        for kind, node_id in sorted(record.nodes):
            yield (record.kind, record.id, kind, node_id, record.at, record.grading)


def _edge_rows(edges: dict[Pair, EdgeFacts]) -> Iterator[tuple[Any, ...]]:
    for ((first_kind, first_id), (second_kind, second_id)), facts in edges.items():
        yield (
            first_kind,
            first_id,
            second_kind,
            second_id,
            sorted(facts.report_ids),
            sorted(facts.missing_episode_ids),
            sorted(facts.incident_ids),
            sorted(facts.young_person_link_ids),
            sorted(facts.case_record_ids),
            facts.first_seen,
            facts.last_seen,
            facts.count,
            facts.best_grading,
        )


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
    for pair, facts in sorted(edges.items(), key=lambda item: not item[1].dated):
        number = structure.community[position[pair[0]]]
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
    _insert(
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
    _require_analyst(actor)
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
        _insert(SourceNode, SOURCE_NODE_FIELDS, _source_node_rows(records))
        _insert(Edge, EDGE_FIELDS, _edge_rows(edges))
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
            _insert(SourceNode, SOURCE_NODE_FIELDS, _source_node_rows([record]))
        affected = _pairs(old) | _pairs(new)
        touched = old | new
        edges = analysis.edges_from(loader.records_sharing(touched), only=affected)
        if affected:
            Edge.objects.filter(_edges_q(affected)).delete()
            _insert(Edge, EDGE_FIELDS, _edge_rows(edges))
        summary.edges_changed = len(affected)
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


def _attach(nodes: set[Node]) -> tuple[list[int], int]:
    """Put a record's new nodes in the highest-ranked network among its other nodes.

    Two networks a record joins stay apart, and nodes of a record that meets no network wait,
    until the next rebuild re-runs the communities.
    """
    if not nodes:
        return [], 0
    condition = Q(pk__in=[])
    for kind, node_id in nodes:
        condition |= Q(node_kind=kind, node_id=node_id)
    placed = list(NetworkNode.objects.filter(condition).order_by("network__rank", "-pagerank"))
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

    _require_analyst(actor)
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
    _require_analyst(actor)
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


EXPORT_COLUMNS = ["kind", "entity_id", "external_id", "network_id", "community_id"]


def _external_ids(kind: str) -> dict[int, str]:
    """What each entity of a kind is called outside Cairn, for scoring against a synthetic
    world's truth (the whole table: two columns, and no IN list to outgrow).

    Person entities have none of their own: `cairn link export` maps their mentions' external
    ids to the same `entity_id`.
    """
    sources = {
        NodeKind.YOUNG_PERSON: (YoungPerson.objects.all(), "external_id"),
        NodeKind.PHONE: (PhoneEntity.objects.all(), "e164"),
        NodeKind.VEHICLE: (VehicleEntity.objects.all(), "registration"),
        NodeKind.LOCATION: (LocationEntity.objects.all(), "key"),
        NodeKind.EVENT: (EventMention.objects.all(), "external_id"),
    }
    if kind not in sources:
        return {}
    queryset, column = sources[NodeKind(kind)]
    return dict(queryset.values_list("pk", column))


def network_export(*, actor: Actor, out: Path) -> int:
    """Write `entity_network.csv`: each node's kind, entity id, external id, network, community.

    A disclosure, so audited; only an operator may run it.
    """
    if not actor.is_system:
        raise PermissionDenied("Only an operator can export the networks.")
    out.mkdir(parents=True, exist_ok=True)
    rows = list(
        NetworkNode.objects.order_by("node_kind", "node_id").values_list(
            "node_kind", "node_id", "network_id", "community"
        )
    )
    external = {kind: _external_ids(kind) for kind in {row[0] for row in rows}}
    with (out / "entity_network.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for kind, node_id, network_id, community in rows:
            writer.writerow([kind, node_id, external[kind].get(node_id, ""), network_id, community])
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.DISCLOSURE,
            record_type=record_label(NetworkNode),
            summary="Exported the networks and communities of every entity",
            detail={"out": str(out), "rows": len(rows)},
        )
    return len(rows)
