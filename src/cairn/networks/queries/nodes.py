"""Nodes as one user may see them: by name and page only through a record shared with them.

A young person is seen through the access layer, anything else through a report, missing
episode or investigation incident the user may see; any other node is only "Restricted",
under a key that names nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from cairn.access.models import User
from cairn.access.queries import scope
from cairn.intelligence.models import EventMention, IntelligenceReport
from cairn.investigations.models import Incident, Investigation, Suspect
from cairn.linkage.models import (
    LinkStatus,
    LocationEntity,
    MentionLink,
    PersonEntity,
    PhoneEntity,
    VehicleEntity,
    YoungPersonLink,
)
from cairn.networks.analysis import Node
from cairn.networks.loader import nodes_q
from cairn.networks.models import NodeKind, SourceKind, SourceNode
from cairn.youngpeople.models import MissingEpisode, YoungPerson


class NodeRestricted(Exception):
    """The node exists, but no record it comes from is shared with the user."""


# Where a visible node's own page is; an event is shown on its report's page.
NODE_PAGES = {
    NodeKind.YOUNG_PERSON: "youngpeople:detail",
    NodeKind.PERSON: "linkage:person",
    NodeKind.PHONE: "linkage:phone",
    NodeKind.VEHICLE: "linkage:vehicle",
    NodeKind.LOCATION: "linkage:location",
}
NODE_MODELS: dict[str, type[YoungPerson | PersonEntity | PhoneEntity | VehicleEntity]] = {
    NodeKind.YOUNG_PERSON: YoungPerson,
    NodeKind.PERSON: PersonEntity,
    NodeKind.PHONE: PhoneEntity,
    NodeKind.VEHICLE: VehicleEntity,
}


def parse_node(text: str) -> Node:
    """ "person:12" as the node ("person", 12); ValueError for anything else."""
    kind, _, number = text.partition(":")
    if kind not in NodeKind.values or not number.isdigit():
        raise ValueError(f"Not a node: {text!r}")
    return kind, int(number)


def node_key(node: Node) -> str:
    return f"{node[0]}:{node[1]}"


def restricted_key(user: User | None, node: Node) -> str:
    """A key that tells one user's chart the same restricted node twice apart from others, and
    tells nobody which record it is (it differs per user, and cannot be reversed)."""
    message = f"{user.pk if user else 0}:{node_key(node)}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"restricted-{digest[:16]}"


@dataclass(frozen=True)
class ChartNode:
    """A node as one user may see it: no kind, name or link when it is restricted."""

    key: str
    kind: str
    label: str
    url: str
    restricted: bool

    @property
    def kind_label(self) -> str:
        return "Restricted" if self.restricted else NodeKind(self.kind).label

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.key,
            "kind": self.kind,
            "label": self.label,
            "url": self.url,
            "restricted": self.restricted,
        }


def visible_reports(user: User | None) -> QuerySet[IntelligenceReport]:
    return scope(user, IntelligenceReport.objects.all())


def visible_incidents(user: User | None) -> QuerySet[Incident]:
    """Incidents of the investigations shared with the user (an incident goes with its
    investigation)."""
    return Incident.objects.filter(
        investigation__in=scope(user, Investigation.objects.all()).values("pk")
    )


def visible_episodes(user: User | None) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(
        young_person__in=scope(user, YoungPerson.objects.all()).values("pk")
    )


def visible_young_person_links(user: User | None) -> QuerySet[YoungPersonLink]:
    """Links of young people's records to persons, seen (as on the person page) only by those
    who may see the record."""
    return YoungPersonLink.objects.filter(
        rejected=False, young_person__in=scope(user, YoungPerson.objects.all()).values("pk")
    )


def visible_nodes(user: User | None, nodes: Collection[Node]) -> set[Node]:
    """The nodes this user may see by name."""
    young = [node_id for kind, node_id in nodes if kind == NodeKind.YOUNG_PERSON]
    seen: set[Node] = {
        (NodeKind.YOUNG_PERSON.value, pk)
        for pk in scope(user, YoungPerson.objects.filter(pk__in=young)).values_list("pk", flat=True)
    }
    others = [node for node in nodes if node[0] != NodeKind.YOUNG_PERSON]
    if others:
        from_visible_records = (
            Q(source_kind=SourceKind.REPORT, source_id__in=visible_reports(user).values("pk"))
            | Q(
                source_kind=SourceKind.MISSING_EPISODE,
                source_id__in=visible_episodes(user).values("pk"),
            )
            | Q(source_kind=SourceKind.INCIDENT, source_id__in=visible_incidents(user).values("pk"))
            # A young person's case record is seen with the young person.
            | Q(
                source_kind=SourceKind.CASE_RECORD,
                source_id__in=scope(user, YoungPerson.objects.all()).values("pk"),
            )
        )
        seen |= set(
            SourceNode.objects.filter(nodes_q(others, "node_kind", "node_id"))
            .filter(from_visible_records)
            .values_list("node_kind", "node_id")
            .distinct()
        )
    return seen


def _person_names(user: User | None, ids: list[int]) -> dict[int, str]:
    """Each person's name as written in the earliest visible report, else as recorded as a
    suspect in a visible investigation: the stored display name may come from a record this
    user may not see."""
    names: dict[int, str] = {}
    links = (
        MentionLink.objects.filter(entity_id__in=ids, mention__report__in=visible_reports(user))
        .exclude(status=LinkStatus.PROPOSED)
        .order_by("mention__report__reported_at", "id")
        .values_list("entity_id", "mention__name_as_written", "mention__nickname")
    )
    for entity_id, name, nickname in links:
        if entity_id not in names and (name or nickname):
            names[entity_id] = name or nickname
    # Someone named in no visible report may be a suspect of a visible investigation.
    suspects = Suspect.objects.filter(
        person_id__in=[pk for pk in ids if pk not in names],
        investigation__in=scope(user, Investigation.objects.all()).values("pk"),
    )
    for entity_id, name in suspects.order_by("id").values_list("person_id", "name_as_recorded"):
        if entity_id is not None and name:
            names.setdefault(entity_id, name)
    return names


def _labels(user: User | None, nodes: Collection[Node]) -> dict[Node, tuple[str, str]]:
    """The label and page of each (visible) node."""
    ids: dict[str, list[int]] = defaultdict(list)
    for node_kind, node_id in nodes:
        ids[node_kind].append(node_id)
    found: dict[Node, tuple[str, str]] = {}
    kind: str
    for kind, route in NODE_PAGES.items():
        if not ids[kind]:
            continue
        names: dict[int, str] = {}
        if kind == NodeKind.YOUNG_PERSON:
            names = {yp.pk: yp.full_name for yp in YoungPerson.objects.filter(pk__in=ids[kind])}
        elif kind == NodeKind.PERSON:
            names = _person_names(user, ids[kind])
        elif kind == NodeKind.LOCATION:
            names = {p.pk: str(p) for p in LocationEntity.objects.filter(pk__in=ids[kind])}
        else:
            names = {e.pk: str(e) for e in NODE_MODELS[kind].objects.filter(pk__in=ids[kind])}
        for node_id in ids[kind]:
            label = names.get(node_id) or f"{NodeKind(kind).label} {node_id}"
            found[(kind, node_id)] = (label, reverse(route, args=[node_id]))
    for pk, what, report_id in EventMention.objects.filter(pk__in=ids[NodeKind.EVENT]).values_list(
        "pk", "what_happened", "report_id"
    ):
        found[(NodeKind.EVENT.value, pk)] = (
            what[:80],
            reverse("intelligence:detail", args=[report_id]),
        )
    return found


def chart_nodes(user: User | None, nodes: Collection[Node]) -> dict[Node, ChartNode]:
    """Every node as this user may see it."""
    visible = visible_nodes(user, nodes)
    labels = _labels(user, visible)
    shown: dict[Node, ChartNode] = {}
    for node in nodes:
        if node in visible and node in labels:
            label, url = labels[node]
            shown[node] = ChartNode(node_key(node), node[0], label, url, restricted=False)
        else:
            shown[node] = ChartNode(
                restricted_key(user, node), "restricted", "Restricted", "", restricted=True
            )
    return shown
