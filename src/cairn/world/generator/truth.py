"""Writes one area's ground truth: every entity, network, member and child's true status."""

from __future__ import annotations

from cairn.world.generator.population import Area
from cairn.world.generator.state import WorldState


def write_area_truth(world: WorldState, area: Area) -> None:
    write = world.truth.write
    for person in area.people:
        write(
            "entities",
            entity_id=person.entity_id,
            kind="person",
            role=person.role,
            given_name=person.given,
            family_name=person.family,
            nicknames="|".join(person.nicknames),
            date_of_birth=person.born,
            sex=person.sex,
            value=person.vehicle.entity_id if person.vehicle else "",
            home_id=person.home.entity_id,
            area=area.name,
        )
    for place in area.places:
        value = f"{place.name}, {place.address}" if place.name else place.address
        write(
            "entities",
            entity_id=place.entity_id,
            kind="location",
            role=place.kind,
            value=value,
            area=area.name,
        )
    for phone in area.phones:
        write(
            "entities", entity_id=phone.entity_id, kind="phone", value=phone.number, area=area.name
        )
    for vehicle in area.vehicles:
        value = f"{vehicle.registration} {vehicle.colour} {vehicle.make} {vehicle.model}"
        write("entities", entity_id=vehicle.entity_id, kind="vehicle", value=value, area=area.name)
    for network in area.networks:
        write(
            "networks",
            network_id=network.network_id,
            area=area.name,
            active_from=network.active_from,
            active_to=network.active_to,
            venue_ids="|".join(venue.entity_id for venue in network.venues),
            vehicle_ids="|".join(vehicle.entity_id for vehicle in network.vehicles),
        )
        for position, offender in enumerate(network.offenders):
            role = "organiser" if position == 0 else "driver" if offender.vehicle else "associate"
            write(
                "network_members",
                network_id=network.network_id,
                entity_id=offender.entity_id,
                member_type="offender",
                role=role,
                from_date=network.active_from,
                to_date=network.active_to,
            )
        for child in network.children:
            write(
                "network_members",
                network_id=network.network_id,
                entity_id=child.entity_id,
                member_type="child",
                role="victim",
                from_date=child.exploited_from,
                to_date=child.exploited_to,
            )
    for child in area.children:
        write(
            "children",
            entity_id=child.entity_id,
            young_person_id=child.young_person_id,
            status=child.status,
            network_id=child.network.network_id if child.network else None,
            exploited_from=child.exploited_from,
            exploited_to=child.exploited_to,
        )
