"""`cairn network export`: each entity's network and community, for scoring against a world."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import EventMention
from cairn.linkage.models import LocationEntity, PhoneEntity, VehicleEntity
from cairn.networks.models import NetworkNode, NodeKind
from cairn.youngpeople.models import YoungPerson

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
