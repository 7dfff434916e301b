"""The people, places, phones and cars of one area, and the offender networks among them."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from cairn.world.generator.noise import CAR_MODELS, COLOURS, STREET_NAMES, plate
from cairn.world.generator.state import WorldState

T = TypeVar("T")

# Ages of exploited children when first referred: "victims most often 14-15" (domain reference).
VICTIM_AGES = ((11, 2), (12, 6), (13, 13), (14, 26), (15, 26), (16, 18), (17, 9))
OTHER_AGES = ((11, 5), (12, 10), (13, 15), (14, 20), (15, 20), (16, 18), (17, 12))
# Offenders "mostly aged 18-24" (localised grooming figures, 2008-2011).
OFFENDER_AGES = ((18, 24, 45), (25, 34, 30), (35, 58, 25))
NETWORK_SIZES = (2, 3, 3, 4, 4, 4, 5, 5, 6, 7, 9, 12)
VENUE_KINDS = (
    ("takeaway", 1 / 60),
    ("hotel", 1 / 150),
    ("private_flat", 1 / 80),
    ("park", 1 / 200),
    ("shopping_centre", 1 / 400),
    ("taxi_rank", 1 / 300),
)
VENUE_NAMES = {
    "takeaway": ["{b}'s Kebabs", "{b} Pizza", "Chicken Cottage {t}", "{b} Fish Bar", "Grill House"],
    "hotel": ["{t} Lodge Hotel", "The {b} Arms", "{t} Travel Inn", "Station Hotel"],
    "private_flat": ["flat above {s}", "{s} flats"],
    "park": ["{b} Park", "{t} Rec", "{s} playing fields"],
    "shopping_centre": ["{t} Shopping Centre", "The {b} Centre"],
    "taxi_rank": ["{t} station taxi rank", "{s} taxi rank"],
}


def weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    return rng.choices([value for value, _ in options], [weight for _, weight in options])[0]


@dataclass(slots=True, eq=False)
class Phone:
    entity_id: str
    number: str


@dataclass(slots=True, eq=False)
class Vehicle:
    entity_id: str
    registration: str
    make: str
    model: str
    colour: str


@dataclass(slots=True, eq=False)
class Place:
    entity_id: str
    kind: str
    name: str
    address: str
    postcode_district: str
    landline: Phone | None = None


@dataclass(slots=True, eq=False)
class Person:
    entity_id: str
    role: str
    given: str
    family: str
    sex: str
    born: date
    home: Place
    nicknames: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    vehicle: Vehicle | None = None
    relatives: list[Person] = field(default_factory=list)
    # Children only.
    young_person_id: str = ""
    status: str = ""
    looked_after: bool = False
    legal_status: str = "none"
    learning_disability: bool = False
    referred_on: date | None = None
    network: Network | None = None
    exploited_from: date | None = None
    exploited_to: date | None = None

    @property
    def full_name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(slots=True, eq=False)
class Network:
    network_id: str
    offenders: list[Person]
    venues: list[Place]
    active_from: date
    active_to: date
    children: list[Person] = field(default_factory=list)

    @property
    def vehicles(self) -> list[Vehicle]:
        return [offender.vehicle for offender in self.offenders if offender.vehicle is not None]


@dataclass(eq=False)
class Area:
    index: int
    name: str
    postcode_prefix: str
    start: date
    end: date
    people: list[Person] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    venues: dict[str, list[Place]] = field(default_factory=dict)
    childrens_homes: list[Place] = field(default_factory=list)
    children: list[Person] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    professionals: list[Person] = field(default_factory=list)
    bystanders: list[Person] = field(default_factory=list)


class Populator:
    """Builds one area: households, venues, children, offenders, relatives and namesakes."""

    def __init__(self, world: WorldState, area: Area, rng: random.Random) -> None:
        self.world = world
        self.area = area
        self.rng = rng
        self.names = world.names

    # Things ------------------------------------------------------------------------------------

    def phone(self) -> Phone:
        phone = Phone(self.world.next_id("PH"), self.world.mobile())
        self.area.phones.append(phone)
        return phone

    def vehicle(self) -> Vehicle:
        make, model = self.rng.choice(CAR_MODELS)
        vehicle = Vehicle(
            self.world.next_id("VH"),
            plate(self.world.counter("plate"), self.rng),
            make,
            model,
            self.rng.choice(COLOURS),
        )
        self.area.vehicles.append(vehicle)
        return vehicle

    def place(self, kind: str, name: str = "") -> Place:
        rng = self.rng
        district = f"{self.area.postcode_prefix}{rng.randint(1, 9)}"
        street = rng.choice(self.names.streets)
        address = f"{rng.randint(1, 240)} {street}, {self.area.name}"
        place = Place(self.world.next_id("LC"), kind, name, address, district)
        if kind == "home_address" and rng.random() < 0.3:
            place.landline = Phone(self.world.next_id("PH"), self.world.landline(self.area.index))
            self.area.phones.append(place.landline)
        self.area.places.append(place)
        return place

    def venue(self, kind: str) -> Place:
        template = self.rng.choice(VENUE_NAMES[kind])
        name = template.format(
            b=self.rng.choice(self.names.businesses),
            t=self.area.name,
            s=self.rng.choice(self.names.streets),
        )
        return self.place(kind, name)

    def person(self, role: str, sex: str, born: date, home: Place, family: str = "") -> Person:
        person = Person(
            self.world.next_id("PE"),
            role,
            self.names.given(self.rng, sex),
            family or self.rng.choice(self.names.family),
            sex,
            born,
            home,
        )
        self.area.people.append(person)
        return person

    def born(self, age: int, on: date) -> date:
        return on - timedelta(days=365 * age + self.rng.randrange(365))

    # Area --------------------------------------------------------------------------------------

    def build(self, young_people: int) -> None:
        rng, area = self.rng, self.area
        for kind, per_child in VENUE_KINDS:
            count = max(2, round(young_people * per_child))
            area.venues[kind] = [self.venue(kind) for _ in range(count)]
        area.childrens_homes = [
            self.place("childrens_home", f"{rng.choice(self.names.streets)} children's home")
            for _ in range(max(2, young_people // 120))
        ]
        for _ in range(max(6, young_people // 40)):
            sex = rng.choice(("female", "male"))
            professional = self.person(
                "professional",
                sex,
                self.born(rng.randint(24, 60), area.start),
                self.place("home_address"),
            )
            area.professionals.append(professional)
        self.children(young_people)
        self.networks()
        self.bystanders()

    def children(self, count: int) -> None:
        rng, area, world = self.rng, self.area, self.world
        statuses = ["exploited"] * round(count * 0.35) + ["at_risk"] * round(count * 0.40)
        statuses += ["not_exploited"] * (count - len(statuses))
        rng.shuffle(statuses)
        days = (area.end - area.start).days
        for status in statuses:
            exploited = status == "exploited"
            # Recorded victims of localised grooming were 87% female (1,264 of 1,446 whose sex
            # was recorded, shared/domain/reference.md); victims include some children who were
            # at risk rather than exploited, so both groups lean female.
            female_share = {"exploited": 0.9, "at_risk": 0.85}.get(status, 0.7)
            sex = "female" if rng.random() < female_share else "male"
            referred_on = area.start + timedelta(days=rng.randrange(days))
            age = weighted(rng, VICTIM_AGES if exploited else OTHER_AGES)
            looked_after = rng.random() < {"exploited": 0.3, "at_risk": 0.2}.get(status, 0.08)
            if looked_after and rng.random() < 0.5:
                home = rng.choice(area.childrens_homes)
            else:
                home = self.place("home_address")
            family = rng.choice(self.names.family)
            child = self.person("child", sex, self.born(age, referred_on), home, family)
            child.young_person_id = world.next_id("YP")
            child.status = status
            child.referred_on = referred_on
            child.looked_after = looked_after
            if looked_after:
                child.legal_status = weighted(
                    rng,
                    (
                        ("care_order", 55),
                        ("s20_accommodated", 35),
                        ("emergency_protection_order", 5),
                        ("police_protection", 5),
                    ),
                )
            child.learning_disability = rng.random() < 0.1
            if rng.random() < 0.4:
                child.nicknames.append(self.names.nickname(rng, child.given))
            if rng.random() < 0.85:
                child.phones.append(self.phone())
            if home.kind == "home_address":
                parent_sex = "female" if rng.random() < 0.7 else "male"
                parent_family = family if rng.random() < 0.7 else ""
                parent = self.person(
                    "relative",
                    parent_sex,
                    self.born(rng.randint(30, 52), referred_on),
                    home,
                    parent_family,
                )
                parent.phones.append(self.phone())
                child.relatives.append(parent)
            area.children.append(child)

    def offender(self, network_start: date, family: str = "", home: Place | None = None) -> Person:
        rng = self.rng
        low, high, _ = weighted(rng, [((lo, hi, w), w) for lo, hi, w in OFFENDER_AGES])
        sex = "male" if rng.random() < 0.95 else "female"
        home = home or self.place("home_address")
        person = self.person(
            "offender", sex, self.born(rng.randint(low, high), network_start), home, family
        )
        person.nicknames = rng.sample(STREET_NAMES, k=rng.choice((0, 1, 1, 2, 3)))
        if rng.random() < 0.5:
            person.nicknames.append(self.names.nickname(rng, person.given))
        person.phones = [self.phone() for _ in range(rng.choice((1, 1, 2, 3)))]
        if rng.random() < 0.55:
            person.vehicle = self.vehicle()
        # Innocent relatives at the same address, with the same family name, sometimes the same car.
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            relative = self.person(
                "relative",
                rng.choice(("female", "male")),
                self.born(rng.randint(16, 70), network_start),
                home,
                person.family,
            )
            if person.vehicle is not None and rng.random() < 0.25:
                relative.vehicle = person.vehicle
            if rng.random() < 0.6:
                relative.phones.append(self.phone())
            person.relatives.append(relative)
        # A different, innocent person with exactly the same name lives elsewhere in the area.
        if rng.random() < 0.1:
            namesake = self.person(
                "namesake",
                person.sex,
                self.born(rng.randint(18, 60), network_start),
                self.place("home_address"),
                person.family,
            )
            namesake.given = person.given
            self.area.bystanders.append(namesake)
        return person

    def networks(self) -> None:
        rng, area = self.rng, self.area
        exploited = [child for child in area.children if child.status == "exploited"]
        if not exploited:
            return
        count = max(1, round(len(exploited) / 5.5))
        all_venues = [
            venue
            for kind in ("takeaway", "hotel", "private_flat", "park")
            for venue in area.venues[kind]
        ]
        for _ in range(count):
            active_from = area.start - timedelta(days=rng.randrange(30, 330))
            active_to = area.end + timedelta(days=rng.randrange(-90, 240))
            size = rng.choice(NETWORK_SIZES)
            offenders: list[Person] = []
            while len(offenders) < size:
                if offenders and rng.random() < 0.15:
                    # Brothers and cousins offend together: same surname, often the same address.
                    kin = rng.choice(offenders)
                    offenders.append(
                        self.offender(
                            active_from, kin.family, kin.home if rng.random() < 0.5 else None
                        )
                    )
                else:
                    offenders.append(self.offender(active_from))
            venues = rng.sample(all_venues, k=min(len(all_venues), rng.randint(2, 4)))
            if rng.random() < 0.3:
                venues.append(offenders[0].home)
            network = Network(self.world.next_id("NW"), offenders, venues, active_from, active_to)
            area.networks.append(network)
        rng.shuffle(exploited)
        for position, child in enumerate(exploited):
            network = (
                area.networks[position % count] if position < count else rng.choice(area.networks)
            )
            network.children.append(child)
            child.network = network
            assert child.referred_on is not None
            start = max(
                network.active_from, child.referred_on - timedelta(days=rng.randrange(10, 150))
            )
            end = min(network.active_to, child.referred_on + timedelta(days=rng.randrange(60, 330)))
            child.exploited_from = start
            child.exploited_to = max(end, start + timedelta(days=30))

    def bystanders(self) -> None:
        """Innocent adults who work at the venues or befriend children at risk."""
        rng, area = self.rng, self.area
        for kind in ("takeaway", "hotel", "taxi_rank"):
            for venue in area.venues[kind]:
                for _ in range(rng.randint(1, 3)):
                    worker = self.person(
                        "innocent_adult",
                        "male" if rng.random() < 0.7 else "female",
                        self.born(rng.randint(18, 60), area.start),
                        self.place("home_address"),
                    )
                    worker.phones.append(self.phone())
                    if kind == "taxi_rank" or rng.random() < 0.3:
                        worker.vehicle = self.vehicle()
                    worker.home = venue if kind == "hotel" and rng.random() < 0.1 else worker.home
                    area.bystanders.append(worker)
        for child in area.children:
            if child.status == "at_risk" and rng.random() < 0.35:
                friend = self.person(
                    "innocent_adult",
                    "male" if child.sex == "female" else "female",
                    self.born(rng.randint(17, 21), area.start),
                    self.place("home_address"),
                )
                friend.phones.append(self.phone())
                if rng.random() < 0.3:
                    friend.vehicle = self.vehicle()
                child.relatives.append(friend)
                area.bystanders.append(friend)
