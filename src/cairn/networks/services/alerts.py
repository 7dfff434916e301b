"""Alerts: new intelligence that ties an entity to the network of a young person at risk.

Issue 6, section 5. Raised from `network_update_for_report`, inside its transaction, so an alert
exists exactly when the graph change that caused it does. Only the risk band in force and the
graph decide; no protected characteristic is read.

A network is a community (Leiden) inside a connected group (`models.Network`): busy venues join
most of a town into one connected group, and an alert to the key worker of every child in it
about every new link would be noise nobody could act on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Model

from cairn.access.actor import Actor
from cairn.access.models import Notification, User
from cairn.access.permissions import Role
from cairn.access.queries import can_view, reference_for
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import IntelligenceReport
from cairn.linkage.models import LocationEntity, PersonEntity, PhoneEntity, VehicleEntity
from cairn.networks.analysis import Node
from cairn.networks.loader import nodes_q
from cairn.networks.models import AlertKind, Network, NetworkAlert, NetworkNode, NodeKind
from cairn.networks.tasks import email_network_alerts
from cairn.youngpeople.models import RiskAssessment, RiskBand, YoungPerson

ALERTING_BANDS = {RiskBand.MODERATE.value, RiskBand.SIGNIFICANT.value}
ENTITY_MODELS: dict[str, type[Model]] = {
    NodeKind.PERSON: PersonEntity,
    NodeKind.PHONE: PhoneEntity,
    NodeKind.VEHICLE: VehicleEntity,
    NodeKind.LOCATION: LocationEntity,
}


# A network id and a community inside it.
Group = tuple[int, int]


def memberships(nodes: Iterable[Node]) -> dict[Node, Group]:
    """The stored network and community of each node that has one."""
    condition = nodes_q(nodes, "node_kind", "node_id")
    return {
        (kind, node_id): (network_id, community)
        for kind, node_id, network_id, community in NetworkNode.objects.filter(
            condition
        ).values_list("node_kind", "node_id", "network_id", "community")
    }


def bands_in_force(young_person_ids: Iterable[int]) -> dict[int, str]:
    """Each young person's band from their latest assessment (the override if one was made)."""
    bands: dict[int, str] = {}
    for young_person_id, band in (
        RiskAssessment.objects.filter(young_person_id__in=list(young_person_ids))
        .order_by("young_person_id", "assessed_on", "id")
        .values_list("young_person_id", "band")
    ):
        bands[young_person_id] = band
    return bands


def young_people_at_risk(groups: Iterable[Group]) -> dict[Group, list[int]]:
    """Each group → its young people whose band in force is moderate or significant."""
    wanted = set(groups)
    members = [
        ((network_id, community), young_person_id)
        for network_id, community, young_person_id in NetworkNode.objects.filter(
            network_id__in=sorted({network_id for network_id, _ in wanted}),
            node_kind=NodeKind.YOUNG_PERSON,
        ).values_list("network_id", "community", "node_id")
        if (network_id, community) in wanted
    ]
    bands = bands_in_force(young_person_id for _, young_person_id in members)
    at_risk: dict[Group, list[int]] = defaultdict(list)
    for group, young_person_id in sorted(members):
        if bands.get(young_person_id) in ALERTING_BANDS:
            at_risk[group].append(young_person_id)
    return at_risk


def recipients_for(young_person: YoungPerson) -> list[User]:
    """The young person's key worker and the analysts of the team that holds the record."""
    chosen: list[User] = []
    key_worker = young_person.key_worker
    if key_worker is not None and key_worker.is_active:
        chosen.append(key_worker)
    analysts = User.objects.filter(is_active=True, teams=young_person.holding_team_id).distinct()
    chosen += [
        user
        for user in analysts.order_by("pk")
        if user.has_role(Role.ANALYST) and user != key_worker
    ]
    return chosen


def may_name(user: User, young_person: YoungPerson) -> bool:
    """Only someone who may open the record learns the name; others get its reference."""
    return user.pk == young_person.key_worker_id or can_view(user, young_person)


def entity_reference(kind: str, node_id: int) -> str:
    return f"{NodeKind(kind).label.lower()} {reference_for(ENTITY_MODELS[kind], node_id)}"


@dataclass(frozen=True)
class AlertText:
    """What an alert says, without the young person's name: the e-mail uses it as it is."""

    subject: str
    lines: list[str]


def alert_text(young_person: YoungPerson, alerts: Sequence[NetworkAlert]) -> AlertText:
    report = reference_for(IntelligenceReport, alerts[0].report_id)
    lines = [f"Intelligence report {report} was recorded or changed."]
    for alert in alerts:
        entity = entity_reference(alert.node_kind, alert.node_id)
        network = reference_for(Network, alert.network_id)
        if alert.kind == AlertKind.JOINED:
            lines.append(
                f"It joins {entity}, already in another network, to network {network}, "
                f"which includes young person {young_person.reference}."
            )
        else:
            lines.append(
                f"It links {entity} to network {network}, "
                f"which includes young person {young_person.reference}."
            )
    count = len(alerts)
    subject = (
        f"New intelligence ties {count} {'entity' if count == 1 else 'entities'} "
        f"to the network of {young_person.reference}"
    )
    return AlertText(subject=subject, lines=lines)


def _notify(young_person: YoungPerson, alerts: Sequence[NetworkAlert]) -> list[User]:
    text = alert_text(young_person, alerts)
    recipients = recipients_for(young_person)
    band = bands_in_force([young_person.pk]).get(young_person.pk, "")
    for user in recipients:
        named = may_name(user, young_person)
        who = f"{young_person.full_name} ({young_person.reference})"
        Notification.objects.create(
            recipient=user,
            title=text.subject.replace(young_person.reference, who) if named else text.subject,
            body=" ".join(
                [*text.lines, f"Their risk band is {RiskBand(band).label.lower()}."]
                if named
                else text.lines
            ),
            url=young_person.get_absolute_url() if named else "",
        )
    return recipients


def network_alerts_raise(
    *,
    actor: Actor,
    report_id: int,
    nodes: set[Node],
    before: dict[Node, Group],
    groups: Sequence[Group],
) -> list[NetworkAlert]:
    """Alert once for each person, phone, vehicle or place a report newly ties to the
    community of a young person at moderate or significant risk.

    `groups` are the communities the report's nodes are in after the update. An entity is newly
    tied to one of them unless it was already in it: `LINKED` if it had no network, `JOINED` if
    the report brings it in from another community.
    """
    at_risk = young_people_at_risk(groups)
    if not at_risk:
        return []
    raised: dict[int, list[NetworkAlert]] = defaultdict(list)
    with transaction.atomic():
        for node in sorted(nodes):
            kind, node_id = node
            if kind not in ENTITY_MODELS:
                continue
            previous = before.get(node)
            for group in groups:
                if group == previous:
                    continue
                network_id = group[0]
                for young_person_id in at_risk.get(group, []):
                    alert, created = NetworkAlert.objects.get_or_create(
                        kind=AlertKind.LINKED if previous is None else AlertKind.JOINED,
                        node_kind=kind,
                        node_id=node_id,
                        young_person_id=young_person_id,
                        defaults={"report_id": report_id, "network_id": network_id},
                    )
                    if created:
                        raised[young_person_id].append(alert)
        young_people = YoungPerson.objects.select_related("key_worker").in_bulk(list(raised))
        for young_person_id, alerts in raised.items():
            recipients = _notify(young_people[young_person_id], alerts)
            NetworkAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(
                recipients=len(recipients)
            )
            ids = [alert.pk for alert in alerts]
            audit_record(
                actor=actor,
                action=Action.DISCLOSURE,
                record_type=record_label(YoungPerson),
                record_ids=[young_person_id],
                summary="Alerted the key worker and analysts to new links to a network",
                detail={
                    "report": report_id,
                    "alerts": ids,
                    "recipients": [user.pk for user in recipients],
                },
            )
            transaction.on_commit(partial(email_network_alerts.enqueue, young_person_id, ids))
    return [alert for alerts in raised.values() for alert in alerts]
