"""Which network a rebuild's new networks continue, so ids, pages and alerts outlive a rebuild.

The rule (docs/formats/link-chart.md, "Network ids across a rebuild"): a new network keeps the id
of an old network when it holds more than half of that old network's members; when it holds more
than half of several (two networks joined), it keeps the id of the one it shares most members
with, the older (smaller) id on a tie. Every other old id is retired and never reused; its
successor is the new network holding most of its members, if any, so an old address leads on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cairn.networks.analysis import Node
from cairn.networks.models import Network, NetworkAlert, NetworkNode, RetiredNetwork


@dataclass
class Continuity:
    # New network (by its number in the rebuild) → the old id it keeps.
    kept: dict[int, int] = field(default_factory=dict)
    # Old id no new network keeps → the new network (by number) most of its members went to.
    retired: dict[int, int | None] = field(default_factory=dict)


def continuity(previous: Mapping[Node, int], members: Mapping[int, Iterable[Node]]) -> Continuity:
    """Match the new networks (`members`: number → nodes) to the old (`previous`: node → id)."""
    old_size = Counter(previous.values())
    shared: dict[int, Counter[int]] = defaultdict(Counter)
    for number, nodes in members.items():
        for node in nodes:
            old = previous.get(node)
            if old is not None:
                shared[old][number] += 1
    result = Continuity()
    # More than half of an old network can be in one new network only, so no old id is wanted
    # twice; a new network holding more than half of several chooses among them.
    # Where most of each old network went (the lower number on a tie).
    most = {
        old: min(where.items(), key=lambda item: (-item[1], item[0]))
        for old, where in shared.items()
    }
    candidates: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for old, (number, count) in most.items():
        if 2 * count > old_size[old]:
            candidates[number].append((count, old))
    for number, offers in candidates.items():
        result.kept[number] = min(offers, key=lambda offer: (-offer[0], offer[1]))[1]
    kept = set(result.kept.values())
    for old in sorted(old_size):
        if old in kept:
            continue
        result.retired[old] = most[old][0] if old in most else None
    return result


def stored_memberships() -> dict[Node, int]:
    """Every node's stored network, read before a rebuild replaces them."""
    return {
        (kind, node_id): network_id
        for kind, node_id, network_id in NetworkNode.objects.values_list(
            "node_kind", "node_id", "network_id"
        )
    }


def retire(retired: Mapping[int, int | None]) -> None:
    """Record each retired id's successor (a stored id) and move its alerts there."""
    RetiredNetwork.objects.bulk_create(
        [RetiredNetwork(pk=old, successor_id=new) for old, new in retired.items()],
        batch_size=5000,
        update_conflicts=True,
        update_fields=["successor_id"],
        unique_fields=["id"],
    )
    # Alerts of networks no longer stored (a subquery: no list of ids to outgrow the database's
    # limit on parameters); those whose network left no successor keep its id.
    orphaned = NetworkAlert.objects.exclude(network_id__in=Network.objects.values("pk"))
    moved = []
    for alert in orphaned.only("network_id"):
        successor = retired.get(alert.network_id)
        if successor is not None:
            alert.network_id = successor
            moved.append(alert)
    NetworkAlert.objects.bulk_update(moved, ["network_id"], batch_size=5000)
