"""Intelligence reports: what professionals and the public saw, with the noise of real reporting."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cairn.world.generator.agencies import Agencies
from cairn.world.generator.noise import (
    age_on,
    estimated_age,
    misspell,
    phone_as_written,
    plate_as_read,
)
from cairn.world.generator.population import Area, Person, Place, Vehicle, weighted
from cairn.world.generator.simulate import Contact
from cairn.world.generator.state import WorldState

FEATURES = (
    "beard", "tattoo on neck", "glasses", "slim build", "stocky", "short dark hair",
    "shaved head", "blonde hair", "wears a grey tracksuit", "gold chain", "tall", "scar on cheek",
)  # fmt: skip
HANDLING_NOTE = "Not to be disclosed to the subject. Consult the originator before any action."


@dataclass(slots=True, eq=False)
class Observation:
    when: datetime
    source_type: str
    event_type: str
    occurred: date
    children: list[Person]
    adults: list[Person]
    venue: Place | None = None
    vehicle: Vehicle | None = None
    phone_of: Person | None = None
    gift: str = ""
    extra: list[str] = field(default_factory=list)


def _at(day: date, rng: random.Random, delay: int = 10) -> datetime:
    received = day + timedelta(days=rng.randint(0, delay))
    return datetime(
        received.year, received.month, received.day, rng.randint(7, 22), rng.randrange(60)
    )


def observations_from(
    contacts: list[Contact], disclosures: list[tuple[datetime, Person, Person]], rng: random.Random
) -> list[Observation]:
    seen: list[Observation] = []
    for contact in contacts:
        venue = contact.venue
        if venue.kind == "hotel" and rng.random() < 0.3:
            seen.append(
                Observation(
                    _at(contact.day, rng, 3),
                    "hotel_staff",
                    "at_location",
                    contact.day,
                    contact.children,
                    contact.offenders[:1],
                    venue,
                )
            )
        if contact.vehicle is not None and rng.random() < 0.25:
            source = rng.choice(("police_officer", "taxi_driver", "member_of_public", "teacher"))
            driver = next(
                (o for o in contact.offenders if o.vehicle is contact.vehicle), contact.offenders[0]
            )
            seen.append(
                Observation(
                    _at(contact.day, rng),
                    source,
                    "got_into_car",
                    contact.day,
                    contact.children[:1],
                    [driver],
                    venue,
                    contact.vehicle,
                )
            )
        if contact.missing and rng.random() < 0.45:
            seen.append(
                Observation(
                    _at(contact.day, rng, 5),
                    "police_officer",
                    "went_missing",
                    contact.day,
                    contact.children,
                    contact.offenders,
                    venue,
                )
            )
        if contact.gifts and rng.random() < 0.35:
            source = rng.choice(("teacher", "social_worker", "parent_carer", "charity_worker"))
            seen.append(
                Observation(
                    _at(contact.day, rng, 20),
                    source,
                    "phone_given" if "phone" in contact.gifts else "gifts_received",
                    contact.day,
                    contact.children[:1],
                    contact.offenders[:1],
                    None,
                    None,
                    contact.offenders[0] if rng.random() < 0.4 else None,
                    contact.gifts,
                )
            )
        if contact.alcohol and rng.random() < 0.12:
            seen.append(
                Observation(
                    _at(contact.day, rng),
                    "charity_worker",
                    "alcohol_or_drugs_given",
                    contact.day,
                    contact.children[:1],
                    contact.offenders[:1],
                    venue,
                )
            )
        if contact.disclosed:
            seen.append(
                Observation(
                    _at(contact.day, rng, 30),
                    "social_worker",
                    "assault_disclosed",
                    contact.day,
                    contact.children[:1],
                    contact.offenders[:1],
                    venue,
                )
            )
        if rng.random() < 0.12:
            source = rng.choice(("member_of_public", "police_officer", "charity_worker", "teacher"))
            seen.append(
                Observation(
                    _at(contact.day, rng),
                    source,
                    "seen_with_adult",
                    contact.day,
                    contact.children,
                    contact.offenders,
                    venue,
                )
            )
    for when, child, offender in disclosures:
        seen.append(
            Observation(
                when,
                "return_home_interview",
                "seen_with_adult",
                when.date() - timedelta(days=4),
                [child],
                [offender],
                None,
                None,
                offender if rng.random() < 0.3 else None,
            )
        )
    return seen


def background(area: Area, rng: random.Random, count: int) -> list[Observation]:
    """Reports about innocent people and ordinary days: the confusion linkage has to see through."""
    days = (area.end - area.start).days
    at_risk = [child for child in area.children if child.status != "exploited"] or area.children
    offenders = [offender for network in area.networks for offender in network.offenders]
    relatives = [relative for offender in offenders for relative in offender.relatives]
    car_sharers = [relative for relative in relatives if relative.vehicle is not None]
    venues = [
        venue
        for kind in ("takeaway", "hotel", "park", "shopping_centre", "taxi_rank")
        for venue in area.venues[kind]
    ]
    observations: list[Observation] = []
    for _ in range(count):
        day = area.start + timedelta(days=rng.randrange(days))
        kind = rng.random()
        child = rng.choice(at_risk)
        friends = [person for person in child.relatives if person.role == "innocent_adult"]
        if kind < 0.3 and friends:
            friend = friends[0]
            observations.append(
                Observation(
                    _at(day, rng),
                    rng.choice(("teacher", "parent_carer", "charity_worker")),
                    "got_into_car" if friend.vehicle else "seen_with_adult",
                    day,
                    [child],
                    [friend],
                    rng.choice(venues),
                    friend.vehicle,
                )
            )
        elif kind < 0.5 and area.bystanders:
            worker = rng.choice(area.bystanders)
            observations.append(
                Observation(
                    _at(day, rng),
                    rng.choice(("member_of_public", "police_officer")),
                    "at_location",
                    day,
                    [child] if rng.random() < 0.5 else [],
                    [worker],
                    rng.choice(venues),
                    worker.vehicle if rng.random() < 0.3 else None,
                    worker if rng.random() < 0.2 else None,
                )
            )
        elif kind < 0.6 and car_sharers:
            relative = rng.choice(car_sharers)
            observations.append(
                Observation(
                    _at(day, rng),
                    "police_officer",
                    "at_location",
                    day,
                    [],
                    [relative],
                    rng.choice(venues),
                    relative.vehicle,
                )
            )
        elif kind < 0.75 and offenders:
            offender = rng.choice(offenders)
            observations.append(
                Observation(
                    _at(day, rng),
                    rng.choice(("police_officer", "member_of_public", "taxi_driver")),
                    "at_location",
                    day,
                    [],
                    [offender],
                    rng.choice(venues),
                    offender.vehicle if rng.random() < 0.3 else None,
                    offender if rng.random() < 0.2 else None,
                )
            )
        else:
            observations.append(
                Observation(
                    _at(day, rng),
                    rng.choice(("teacher", "social_worker", "charity_worker", "health_worker")),
                    "online_contact" if rng.random() < 0.3 else "at_location",
                    day,
                    [child],
                    [],
                    rng.choice(venues) if rng.random() < 0.5 else None,
                )
            )
    return observations


class ReportWriter:
    def __init__(self, world: WorldState, agencies: Agencies, rng: random.Random) -> None:
        self.world = world
        self.agencies = agencies
        self.rng = rng
        self.sources = {
            "police_officer": agencies.police, "teacher": agencies.schools,
            "health_worker": agencies.health, "social_worker": agencies.local_authority,
            "charity_worker": agencies.charity, "return_home_interview": agencies.charity,
        }  # fmt: skip

    def name(self, person: Person, *, child: bool) -> tuple[str, str]:
        rng = self.rng
        nickname = (
            rng.choice(person.nicknames)
            if person.nicknames and rng.random() < (0.2 if child else 0.5)
            else ""
        )
        style = rng.random()
        if style < (0.55 if child else 0.25):
            return person.full_name, nickname
        if style < (0.7 if child else 0.4):
            return f"{person.given} {misspell(rng, person.family)}", nickname
        if style < (0.85 if child else 0.55):
            return person.given, nickname
        if not nickname and person.nicknames:
            nickname = rng.choice(person.nicknames)
        return "", nickname

    def person(self, report_id: str, person: Person, role: str, on: date) -> tuple[str, str]:
        rng, world = self.rng, self.world
        child = person.role == "child"
        written, nickname = self.name(person, child=child)
        mention_id = world.next_id("MP")
        true_age = age_on(person.born, on)
        feature = FEATURES[int(person.entity_id[2:]) % len(FEATURES)]
        age_words = (
            f"about {estimated_age(rng, true_age)}"
            if child
            else f"{(estimated_age(rng, true_age) // 10) * 10}s"
        )
        world.write(
            "report_person_mentions",
            mention_id=mention_id,
            report_id=report_id,
            role_in_report=role,
            name_as_written=written,
            nickname=nickname,
            date_of_birth=person.born
            if written and rng.random() < (0.4 if child else 0.1)
            else None,
            estimated_age=estimated_age(rng, true_age) if rng.random() < 0.5 else None,
            sex=person.sex if rng.random() < 0.9 else "not_known",
            description=f"{'female' if person.sex == 'female' else 'male'}, {age_words}, {feature}",
            address_as_written=person.home.address if rng.random() < 0.1 else "",
        )
        world.truth_of("report_person_mentions", mention_id, person.entity_id)
        world.figures["person_mentions"] += 1
        label = written or (
            f"'{nickname}'"
            if nickname
            else f"an unknown {'female' if person.sex == 'female' else 'male'}"
        )
        if written and nickname:
            label = f"{written} ('{nickname}')"
        return mention_id, label

    def write(self, seen: Observation) -> None:
        rng, world = self.rng, self.world
        report_id = world.next_id("IR")
        children = [
            self.person(
                report_id,
                child,
                "victim" if child.status == "exploited" else "subject",
                seen.occurred,
            )
            for child in seen.children
        ]
        adults = [
            self.person(report_id, adult, "subject" if index == 0 else "associate", seen.occurred)
            for index, adult in enumerate(seen.adults)
        ]
        location_id, place_words = "", ""
        if seen.venue is not None:
            location_id = world.next_id("ML")
            venue = seen.venue
            name = (
                venue.name
                if rng.random() < 0.8
                else misspell(rng, venue.name)
                if venue.name
                else ""
            )
            world.write(
                "report_location_mentions",
                mention_id=location_id,
                report_id=report_id,
                location_type=venue.kind,
                name_as_written=name,
                address_as_written=venue.address if rng.random() < 0.5 else "",
                postcode_district=venue.postcode_district if rng.random() < 0.6 else "",
            )
            world.truth_of("report_location_mentions", location_id, venue.entity_id)
            place_words = f" at {name or venue.address}"
        car_words = ""
        if seen.vehicle is not None:
            vehicle_id = world.next_id("MV")
            read = plate_as_read(rng, seen.vehicle.registration)
            colour = (
                seen.vehicle.colour
                if rng.random() < 0.85
                else rng.choice(("dark", "light coloured", "black"))
            )
            world.write(
                "report_vehicle_mentions",
                mention_id=vehicle_id,
                report_id=report_id,
                registration_as_written=read,
                make=seen.vehicle.make if rng.random() < 0.8 else "",
                model=seen.vehicle.model if rng.random() < 0.6 else "",
                colour=colour,
                person_mention_id=adults[0][0] if adults else None,
            )
            world.truth_of("report_vehicle_mentions", vehicle_id, seen.vehicle.entity_id)
            car_words = f" in a {colour} {seen.vehicle.make} {read}".rstrip()
        phone_words = ""
        if seen.phone_of is not None and seen.phone_of.phones:
            phone = rng.choice(seen.phone_of.phones)
            phone_id = world.next_id("MT")
            written = phone_as_written(rng, phone.number)
            owner = next(
                (
                    mention
                    for mention, adult in zip(adults, seen.adults, strict=True)
                    if adult is seen.phone_of
                ),
                None,
            )
            world.write(
                "report_phone_mentions",
                mention_id=phone_id,
                report_id=report_id,
                number_as_written=written,
                person_mention_id=owner[0] if owner else None,
            )
            world.truth_of("report_phone_mentions", phone_id, phone.entity_id)
            phone_words = f" Number given: {written}."
        precision = weighted(rng, (("day", 60), ("month", 25), ("unknown", 15)))
        occurred = (
            seen.occurred
            if precision == "day"
            else seen.occurred.replace(day=1)
            if precision == "month"
            else None
        )
        subject = children[0][0] if children else adults[0][0] if adults else None
        world.write(
            "report_event_mentions",
            mention_id=world.next_id("MX"),
            report_id=report_id,
            event_type=seen.event_type,
            occurred_on=occurred,
            date_precision=precision,
            subject_mention_id=subject,
            location_mention_id=location_id or None,
        )
        who = " and ".join(label for _, label in children) or "Adult"
        with_whom = ", ".join(label for _, label in adults)
        narrative = {
            "got_into_car": f"{who} seen getting into a car{car_words}{place_words}, driven by {with_whom or 'an older male'}.",  # noqa: E501
            "went_missing": f"{who} missing overnight; believed to have been{place_words} with {with_whom or 'older males'}.",  # noqa: E501
            "gifts_received": f"{who} has {seen.gift or 'new things'} and will not say where from; {with_whom or 'an older male'} suspected.",  # noqa: E501
            "phone_given": f"{who} has {seen.gift or 'a new phone'}; calls with {with_whom or 'an unknown adult'}.",  # noqa: E501
            "alcohol_or_drugs_given": f"{who} returned drunk, said {with_whom or 'a man'} gave her drink{place_words}.",  # noqa: E501
            "assault_disclosed": f"{who} disclosed a sexual assault by {with_whom or 'an adult'}{place_words}, then withdrew the account.",  # noqa: E501
            "online_contact": f"{who} messaging unknown adults on social media; met one{place_words}.",  # noqa: E501
        }.get(seen.event_type, f"{who} seen with {with_whom or 'peers'}{place_words}{car_words}.")
        professional = seen.source_type in {
            "police_officer",
            "social_worker",
            "teacher",
            "charity_worker",
            "health_worker",
            "return_home_interview",
        }
        legacy = rng.random() < 0.08
        handling = "C" if rng.random() < 0.15 else "P"
        world.write(
            "intelligence_reports",
            report_id=report_id,
            received_at=seen.when,
            source_organisation_id=self.sources.get(seen.source_type, self.agencies.police),
            source_type=seen.source_type,
            grading_system="5x5x5" if legacy else "3x5x2",
            source_evaluation=rng.choice("AB" if professional else "BCD")
            if legacy
            else ("1" if professional and rng.random() < 0.7 else rng.choice("23")),
            intelligence_assessment=rng.choice("12" if professional else "234")
            if legacy
            else rng.choice("AB" if professional else "CD"),
            handling_code=rng.choice("1235") if legacy else handling,
            handling_instructions=HANDLING_NOTE if handling == "C" and not legacy else "",
            narrative=narrative + phone_words,
        )
        world.figures["reports"] += 1
