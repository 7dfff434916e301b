"""Week by week, what each network does with the children it exploits: the events behind records."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from cairn.world.generator.population import Area, Person, Place, Vehicle


@dataclass(slots=True, eq=False)
class Contact:
    """One meeting between offenders and one or more children, at a venue or in a car."""

    day: date
    hour: int
    children: list[Person]
    offenders: list[Person]
    venue: Place
    vehicle: Vehicle | None
    missing: bool
    gifts: str = ""
    alcohol: bool = False
    disclosed: bool = False
    reported_missing: list[Person] = field(default_factory=list)


GIFTS = ("a new phone", "phone credit", "cash", "new trainers", "clothes", "vapes", "takeaway food")


def simulate_contacts(area: Area, rng: random.Random) -> list[Contact]:
    contacts: list[Contact] = []
    for network in area.networks:
        # Drivers and organisers are present more often than peripheral members.
        weights = [3.0 if index < 2 else 1.0 for index in range(len(network.offenders))]
        for child in network.children:
            assert child.exploited_from is not None and child.exploited_to is not None
            day = max(child.exploited_from, area.start)
            end = min(child.exploited_to, area.end)
            while day < end:
                if rng.random() < 0.45:
                    contacts.append(
                        _contact(
                            rng,
                            area,
                            network.children,
                            child,
                            network.offenders,
                            weights,
                            network.venues,
                            day,
                        )
                    )
                day += timedelta(days=7)
    contacts.sort(key=lambda contact: (contact.day, contact.hour, contact.children[0].entity_id))
    return contacts


def _contact(
    rng: random.Random,
    area: Area,
    siblings: list[Person],
    child: Person,
    offenders: list[Person],
    weights: list[float],
    venues: list[Place],
    week: date,
) -> Contact:
    day = week + timedelta(days=rng.randrange(7))
    present = list(dict.fromkeys(rng.choices(offenders, weights, k=rng.choice((1, 1, 2, 2, 3)))))
    drivers = [offender for offender in present if offender.vehicle is not None]
    vehicle = drivers[0].vehicle if drivers and rng.random() < 0.5 else None
    children = [child]
    if rng.random() < 0.3:
        others = [
            other
            for other in siblings
            if other is not child
            and other.exploited_from is not None
            and other.exploited_to is not None
            and other.exploited_from <= day <= other.exploited_to
        ]
        children += rng.sample(others, k=min(len(others), rng.choice((1, 1, 2))))
    missing = rng.random() < 0.18
    return Contact(
        day=min(day, area.end - timedelta(days=1)),
        hour=rng.choice((15, 16, 17, 18, 19, 20, 21, 22, 23)),
        children=children,
        offenders=present,
        venue=rng.choice(venues),
        vehicle=vehicle,
        missing=missing,
        gifts=rng.choice(GIFTS) if rng.random() < 0.2 else "",
        alcohol=rng.random() < 0.25,
        disclosed=rng.random() < 0.03,
        reported_missing=children if missing else [],
    )
