"""The stored network graph as the enquiry suggestions read it: who is on an investigation as
graph nodes, the links around nodes, and the networks and communities nodes belong to.

Identifiers and links only (`networks.models.Edge`, `NetworkNode`): never a name, a narrative
or a protected characteristic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from cairn.investigations.models import Investigation
from cairn.linkage.models import YoungPersonLink
from cairn.networks.analysis import Node
from cairn.networks.models import Edge, NetworkNode, NodeKind

PHONE = NodeKind.PHONE.value
VEHICLE = NodeKind.VEHICLE.value
LOCATION = NodeKind.LOCATION.value
PERSON = NodeKind.PERSON.value
YOUNG_PERSON = NodeKind.YOUNG_PERSON.value


def nodes_q(nodes: Iterable[Node], kind_field: str, id_field: str) -> Q:
    """A Q matching these nodes by their kind and id fields (one IN per kind)."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, node_id in set(nodes):
        by_kind[kind].append(node_id)
    condition = Q(pk__in=[])
    for kind, ids in by_kind.items():
        condition |= Q(**{kind_field: kind, f"{id_field}__in": sorted(ids)})
    return condition


class Neighbours:
    """The links of a set of nodes, by node and the node at the other end."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.links: dict[Node, dict[Node, Edge]] = defaultdict(dict)
        wanted = set(nodes)
        if not wanted:
            return
        around = nodes_q(wanted, "first_kind", "first_id") | nodes_q(
            wanted, "second_kind", "second_id"
        )
        for edge in Edge.objects.filter(around).order_by("id"):
            first, second = (edge.first_kind, edge.first_id), (edge.second_kind, edge.second_id)
            if first in wanted:
                self.links[first][second] = edge
            if second in wanted:
                self.links[second][first] = edge

    def of(self, node: Node, kind: str | None = None) -> dict[Node, Edge]:
        return {
            other: edge
            for other, edge in self.links.get(node, {}).items()
            if kind is None or other[0] == kind
        }


def young_people_of(entities: Iterable[int]) -> dict[int, int]:
    """Person entity → the young person whose own record a re-link resolved to it: in the
    graph a child is mostly the person the reports name, not their record."""
    return dict(
        YoungPersonLink.objects.filter(rejected=False, entity_id__in=list(entities)).values_list(
            "entity_id", "young_person_id"
        )
    )


@dataclass(frozen=True)
class Parties:
    """Who is on the investigation, as graph nodes."""

    suspects: dict[int, Node]  # suspect pk → their person entity's node
    victims: dict[int, set[Node]]  # victim's young person pk → their record's and person's nodes
    young_people: set[int]  # victims and witnesses who are young people

    @property
    def victim_nodes(self) -> set[Node]:
        return {node for nodes in self.victims.values() for node in nodes}

    @classmethod
    def of(cls, investigation: Investigation) -> Parties:
        suspects = {
            pk: (PERSON, person)
            for pk, person in investigation.suspects.filter(person__isnull=False).values_list(
                "pk", "person_id"
            )
        }
        victims: dict[int, set[Node]] = {
            pk: {(YOUNG_PERSON, pk)}
            for pk in investigation.victims.filter(young_person__isnull=False).values_list(
                "young_person_id", flat=True
            )
        }
        for entity, young_person in YoungPersonLink.objects.filter(
            rejected=False, young_person_id__in=list(victims)
        ).values_list("entity_id", "young_person_id"):
            victims[young_person].add((PERSON, entity))
        witnesses = set(
            investigation.witnesses.filter(young_person__isnull=False).values_list(
                "young_person_id", flat=True
            )
        )
        return cls(suspects=suspects, victims=victims, young_people=set(victims) | witnesses)


def networks_of(nodes: Iterable[Node]) -> dict[Node, tuple[int, int]]:
    """Each node's (network, community)."""
    return {
        (kind, node_id): (network, community)
        for kind, node_id, network, community in NetworkNode.objects.filter(
            nodes_q(nodes, "node_kind", "node_id")
        ).values_list("node_kind", "node_id", "network_id", "community")
    }


def linked_to_victims(parties: Parties, links: Neighbours) -> list[dict[Node, list[Edge]]]:
    """Per victim, each node their record or person is linked to, with the links."""
    found = []
    for nodes in parties.victims.values():
        linked: dict[Node, list[Edge]] = defaultdict(list)
        for node in sorted(nodes):
            for other, edge in links.of(node).items():
                linked[other].append(edge)
        found.append(linked)
    return found
