"""What the network graph suggests an investigation should look at next (issue 7, section 4).

Read from the stored graph (`networks.models.Edge`, `NetworkNode`) and the location mentions'
venue types only: identifiers and links, never a name, a narrative or a protected characteristic,
so nothing here can suggest anything from ethnicity, religion or nationality. Each suggestion
keeps its basis, the links (and the records behind them) it rests on, grouped: a user is shown
a suggestion only when every group has a link made by a record they may see (`queries.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from cairn.intelligence.models import LocationMention, VenueType
from cairn.investigations.enquiry.graph import (
    LOCATION,
    PERSON,
    PHONE,
    VEHICLE,
    YOUNG_PERSON,
    Neighbours,
    Parties,
    linked_to_victims,
    networks_of,
    nodes_q,
    young_people_of,
)
from cairn.investigations.models import Investigation, LineOfEnquiryKind
from cairn.linkage.models import LocationEntity, PhoneEntity, location_key
from cairn.networks.analysis import Node, SourceRecord, hotspots
from cairn.networks.models import Edge, NetworkNode, SourceNode

# Venues whose own records (registers, bookings, orders) an investigator can ask for.
VENUES_WITH_RECORDS = {VenueType.HOTEL, VenueType.TAKEAWAY, VenueType.TAXI_OFFICE}
# How many of a network's places count as its hotspots, as on the network page.
HOTSPOTS = 10
# At most this many other young people are suggested for one investigation, most tied first.
YOUNG_PEOPLE = 20


@dataclass(frozen=True)
class Leg:
    """One link behind a suggestion: two nodes and the records that name them together."""

    group: str
    edge: int
    first: str
    second: str
    reports: tuple[int, ...]
    missing_episodes: tuple[int, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "edge": self.edge,
            "between": [self.first, self.second],
            "reports": list(self.reports),
            "missing_episodes": list(self.missing_episodes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Leg:
        first, second = data["between"]
        return cls(
            group=data["group"],
            edge=int(data["edge"]),
            first=first,
            second=second,
            reports=tuple(int(pk) for pk in data.get("reports", [])),
            missing_episodes=tuple(int(pk) for pk in data.get("missing_episodes", [])),
        )


@dataclass
class Suggestion:
    kind: str
    subject: Node
    suspect_id: int | None
    legs: list[Leg] = field(default_factory=list)
    network_id: int | None = None

    @property
    def subject_key(self) -> str:
        return f"{self.subject[0]}:{self.subject[1]}"

    @property
    def key(self) -> tuple[str, str, int | None]:
        return (self.kind, self.subject_key, self.suspect_id)

    def basis(self) -> dict[str, Any]:
        return {
            "legs": [leg.as_json() for leg in self.legs],
            "network": self.network_id,
        }


def _leg(group: str, edge: Edge) -> Leg:
    return Leg(
        group=group,
        edge=edge.pk,
        first=f"{edge.first_kind}:{edge.first_id}",
        second=f"{edge.second_kind}:{edge.second_id}",
        reports=tuple(edge.report_ids),
        missing_episodes=tuple(edge.missing_episode_ids),
    )


def callable_number(e164: str) -> bool:
    """A number a phone company could give call data for: valid, or a possible mobile (the
    drama range 07700 900xxx is not valid but real enough). A partial number written as
    "07700 900..." is neither."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) or phonenumbers.is_possible_number_for_type(
        number, phonenumbers.PhoneNumberType.MOBILE
    )


def phone_suggestions(
    parties: Parties, links: Neighbours, networks: dict[Node, tuple[int, int]]
) -> list[Suggestion]:
    """Call data and cell-site for a phone named with a victim and with the suspect, or with
    an adult in the suspect's community of the network (often the suspect under a street name
    the linkage could not put with them)."""
    victim_links = linked_to_victims(parties, links)
    numbers = dict(
        PhoneEntity.objects.filter(
            pk__in={node[1] for linked in victim_links for node in linked if node[0] == PHONE}
        ).values_list("pk", "e164")
    )
    phones = sorted((PHONE, pk) for pk, e164 in numbers.items() if callable_number(e164))
    around = Neighbours(phones)
    people = {node for phone in phones for node in around.of(phone, PERSON)}
    children = set(young_people_of(node_id for _, node_id in people))
    adults = {node for node in people if node[1] not in children} - parties.victim_nodes
    community = networks_of(adults)
    communities = {networks[person] for person in parties.suspects.values() if person in networks}
    found: list[Suggestion] = []
    for phone in phones:
        victims = [_leg("victim", edge) for linked in victim_links for edge in linked[phone]]
        direct = [
            (suspect_pk, links.of(person, PHONE)[phone])
            for suspect_pk, person in sorted(parties.suspects.items())
            if phone in links.of(person, PHONE)
        ]
        for suspect_pk, edge in direct:
            found.append(
                Suggestion(
                    LineOfEnquiryKind.CALL_DATA,
                    phone,
                    suspect_pk,
                    [_leg("suspect", edge), *victims],
                )
            )
        associates = [
            (other, edge)
            for other, edge in sorted(around.of(phone, PERSON).items())
            if other in adults and community.get(other) in communities
        ]
        if associates and not direct:
            found.append(
                Suggestion(
                    LineOfEnquiryKind.CALL_DATA,
                    phone,
                    None,
                    [_leg("suspect", edge) for _, edge in associates] + victims,
                    network_id=community[associates[0][0]][0],
                )
            )
    return found


def vehicle_suggestions(
    parties: Parties, links: Neighbours, networks: dict[Node, tuple[int, int]]
) -> list[Suggestion]:
    """ANPR for a vehicle seen with a victim and linked to the suspect or in their network."""
    victim_links = linked_to_victims(parties, links)
    vehicles = {node for linked in victim_links for node in linked if node[0] == VEHICLE}
    found: list[Suggestion] = []
    for suspect_pk, person in sorted(parties.suspects.items()):
        own = links.of(person, VEHICLE)
        network = networks[person][0] if person in networks else None
        for vehicle in sorted(vehicles):
            in_network = network is not None and networks.get(vehicle, (None,))[0] == network
            if vehicle not in own and not in_network:
                continue
            legs = [_leg("victim", e) for linked in victim_links for e in linked.get(vehicle, [])]
            if vehicle in own:
                legs.insert(0, _leg("suspect", own[vehicle]))
            found.append(
                Suggestion(
                    LineOfEnquiryKind.ANPR,
                    vehicle,
                    suspect_pk,
                    legs,
                    network_id=None if vehicle in own else network,
                )
            )
    return found


def _venue_types(location_ids: Iterable[int]) -> dict[int, str]:
    """The venue type most of each place's mentions give (a place has no type of its own)."""
    places = {place.key: place.pk for place in LocationEntity.objects.filter(pk__in=location_ids)}
    postcodes = {key.split("|", 1)[0] for key in places}
    votes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for postcode, venue, address, venue_type in LocationMention.objects.filter(
        postcode__in=postcodes
    ).values_list("postcode", "venue_name", "address", "venue_type"):
        key = location_key(postcode=postcode, venue_name=venue, address=address)
        if key in places:
            votes[places[key]][venue_type] += 1
    return {
        place: sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
        for place, counts in votes.items()
    }


def _community_hotspots(communities: set[tuple[int, int]]) -> dict[Node, int]:
    """The places of these communities named in records with the most young people (their
    own records or the people they resolved to), each with its network."""
    members = set(
        NetworkNode.objects.filter(
            community__in={community for _, community in communities}
        ).values_list("node_kind", "node_id", "network_id")
    )
    network_of = {(kind, node_id): network for kind, node_id, network in members}
    young_of = young_people_of(node_id for kind, node_id, _ in members if kind == PERSON)
    wanted = {(kind, node_id) for kind, node_id, _ in members if kind in (YOUNG_PERSON, LOCATION)}
    wanted |= {(PERSON, entity) for entity in young_of}
    grouped: dict[tuple[str, int], set[Node]] = defaultdict(set)
    at: dict[tuple[str, int], Any] = {}
    for source_kind, source_id, node_kind, node_id, when in SourceNode.objects.filter(
        nodes_q(wanted, "node_kind", "node_id")
    ).values_list("source_kind", "source_id", "node_kind", "node_id", "at"):
        node = (YOUNG_PERSON, young_of[node_id]) if node_kind == PERSON else (node_kind, node_id)
        grouped[(source_kind, source_id)].add(node)
        at[(source_kind, source_id)] = when
    records = [
        SourceRecord(kind=kind, id=number, at=at[(kind, number)], nodes=frozenset(nodes))
        for (kind, number), nodes in grouped.items()
    ]
    spots = hotspots(records, kinds=(LOCATION,), top=HOTSPOTS * len(communities))
    return {spot.node: network_of[spot.node] for spot in spots if spot.node in network_of}


def venue_suggestions(
    parties: Parties, links: Neighbours, networks: dict[Node, tuple[int, int]]
) -> list[Suggestion]:
    """Hotel, taxi or takeaway records for a hotspot of the communities of the network the
    suspects and victims are in."""
    ours = sorted({*parties.suspects.values(), *parties.victim_nodes})
    spots = _community_hotspots({networks[node] for node in ours if node in networks})
    venue_types = _venue_types(node_id for _, node_id in spots)
    places = [place for place in sorted(spots) if venue_types.get(place[1]) in VENUES_WITH_RECORDS]
    around = Neighbours(places)
    found: list[Suggestion] = []
    for place in places:
        legs = [_leg("people", links.of(node)[place]) for node in ours if place in links.of(node)]
        if not legs:
            # A hotspot none of ours is named at: the links that make it one.
            legs = [
                _leg("people", edge)
                for node, edge in sorted(around.of(place).items())
                if node[0] in (YOUNG_PERSON, PERSON)
            ][:5]
        found.append(
            Suggestion(LineOfEnquiryKind.VENUE_RECORDS, place, None, legs, network_id=spots[place])
        )
    return found


def young_person_suggestions(parties: Parties, links: Neighbours) -> list[Suggestion]:
    """Young people named with a suspect, or with a phone, vehicle or person a suspect is named
    with, who are not on the investigation already: possible victims or witnesses. Linked to
    the suspect, they are in the suspect's network."""
    suspects = set(parties.suspects.values())
    ties: dict[Node, dict[int, Leg]] = defaultdict(dict)
    for person in sorted(suspects):
        direct = links.of(person)
        shared = Neighbours(node for node in direct if node[0] in (PHONE, VEHICLE, PERSON))
        for neighbours in [direct, *(shared.of(via) for via in sorted(shared.links))]:
            for node, edge in neighbours.items():
                if node[0] in (YOUNG_PERSON, PERSON) and node not in suspects:
                    ties[node][edge.pk] = _leg("tie", edge)
    young_of = young_people_of(node_id for kind, node_id in ties if kind == PERSON)
    by_young: dict[int, dict[int, Leg]] = defaultdict(dict)
    node_of: dict[int, Node] = {}
    for node, legs in ties.items():
        young = node[1] if node[0] == YOUNG_PERSON else young_of.get(node[1])
        if young is not None and young not in parties.young_people:
            by_young[young].update(legs)
            node_of.setdefault(young, node)
    ranked = sorted(
        by_young,
        key=lambda young: (
            -len({r for leg in by_young[young].values() for r in leg.reports}),
            young,
        ),
    )[:YOUNG_PEOPLE]
    networks = networks_of(node_of[young] for young in ranked)
    return [
        Suggestion(
            LineOfEnquiryKind.YOUNG_PERSON,
            (YOUNG_PERSON, young),
            None,
            list(by_young[young].values()),
            network_id=networks[node_of[young]][0] if node_of[young] in networks else None,
        )
        for young in ranked
    ]


def suggestions_for(investigation: Investigation) -> list[Suggestion]:
    """Every line of enquiry the graph supports for this investigation, covered or not."""
    parties = Parties.of(investigation)
    ours = {*parties.suspects.values(), *parties.victim_nodes}
    if not ours:
        return []
    links = Neighbours(ours)
    networks = networks_of(ours | {other for node in ours for other in links.of(node)})
    found = phone_suggestions(parties, links, networks)
    found += vehicle_suggestions(parties, links, networks)
    found += venue_suggestions(parties, links, networks)
    found += young_person_suggestions(parties, links)
    return found
