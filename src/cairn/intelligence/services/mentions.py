"""Mentions from the rows a user or an API client sends: validated, normalised, then saved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from cairn.intelligence.models import (
    EventMention,
    IntelligenceReport,
    LocationMention,
    MentionRole,
    PersonMention,
    PhoneMention,
    Sex,
    VehicleMention,
    VenueType,
)
from cairn.intelligence.normalise import (
    NotNormalisable,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
    parse_name,
    postcode_district,
)

Row = Mapping[str, Any]


def _text(row: Row, name: str) -> str:
    return str(row.get(name) or "").strip()


def _index(
    row: Row, name: str, size: int, field: str, errors: dict[str, str], what: str
) -> int | None:
    """A mention referring to another by its number in its list, counted from 1."""
    value = row.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= size:
        errors[field] = f"{what} {value} does not exist in this report"
        return None
    return number - 1


def build_mentions(
    *,
    people: Sequence[Row] = (),
    phones: Sequence[Row] = (),
    vehicles: Sequence[Row] = (),
    locations: Sequence[Row] = (),
    events: Sequence[Row] = (),
) -> dict[str, list[Any]]:
    """Unsaved mentions from their rows, validated and normalised; a ValidationError keyed
    `<kind>-<position>-<field>` names every problem, so nothing is saved if any is wrong."""
    errors: dict[str, str] = {}
    built: dict[str, list[Any]] = {
        "people": [],
        "phones": [],
        "vehicles": [],
        "locations": [],
        "events": [],
    }
    for position, row in enumerate(people):
        prefix = f"people-{position}"
        name = _text(row, "name_as_written")
        parsed = parse_name(name)
        age_min, age_max = row.get("age_min"), row.get("age_max")
        if age_min is not None and age_max is not None and int(age_min) > int(age_max):
            errors[f"{prefix}-age_max"] = "The oldest age must be at least the youngest"
        sex = _text(row, "sex") or Sex.NOT_KNOWN
        if sex not in Sex.values:
            errors[f"{prefix}-sex"] = "Select female, male or not known"
        role = _text(row, "role") or MentionRole.UNKNOWN
        if role not in MentionRole.values:
            errors[f"{prefix}-role"] = "Select the person's part in what was reported"
        description = _text(row, "description")
        if not (name or description or _text(row, "nickname")):
            errors[f"{prefix}-name_as_written"] = "Enter a name, nickname or description"
        built["people"].append(
            PersonMention(
                name_as_written=name,
                given_name=parsed.given_name,
                family_name=parsed.family_name,
                nickname=_text(row, "nickname") or parsed.nickname,
                role=role,
                sex=sex,
                date_of_birth=row.get("date_of_birth") or None,
                age_min=age_min,
                age_max=age_max,
                description=description,
                address=_text(row, "address"),
                external_id=_text(row, "external_id"),
            )
        )
    for position, row in enumerate(phones):
        prefix = f"phones-{position}"
        written = _text(row, "number_as_written")
        try:
            e164 = normalise_phone(written)
        except NotNormalisable as error:
            errors[f"{prefix}-number_as_written"] = str(error)
            e164 = ""
        owner = _index(row, "person", len(people), f"{prefix}-person", errors, "Person")
        built["phones"].append(
            (
                PhoneMention(
                    number_as_written=written, e164=e164, external_id=_text(row, "external_id")
                ),
                owner,
            )
        )
    for position, row in enumerate(vehicles):
        prefix = f"vehicles-{position}"
        written = _text(row, "registration_as_written")
        mark, partial = "", False
        if written:
            try:
                registration = normalise_registration(written)
                mark, partial = registration.normalised, registration.is_partial
            except NotNormalisable as error:
                errors[f"{prefix}-registration_as_written"] = str(error)
        elif not (_text(row, "make") or _text(row, "model")):
            errors[f"{prefix}-registration_as_written"] = "Enter a registration, make or model"
        owner = _index(row, "person", len(people), f"{prefix}-person", errors, "Person")
        vehicle = VehicleMention(
            make=_text(row, "make"),
            model=_text(row, "model"),
            colour=_text(row, "colour"),
            registration_as_written=written,
            registration=mark,
            is_partial=partial,
            external_id=_text(row, "external_id"),
        )
        built["vehicles"].append((vehicle, owner))
    for position, row in enumerate(locations):
        prefix = f"locations-{position}"
        postcode = _text(row, "postcode")
        if postcode:
            try:
                postcode = normalise_postcode(postcode)
            except NotNormalisable as error:
                errors[f"{prefix}-postcode"] = str(error)
        venue_type = _text(row, "venue_type") or VenueType.OTHER
        if venue_type not in VenueType.values:
            errors[f"{prefix}-venue_type"] = "Select the kind of place"
        if not (postcode or _text(row, "address") or _text(row, "venue_name")):
            errors[f"{prefix}-venue_name"] = "Enter a venue name, address or postcode"
        built["locations"].append(
            LocationMention(
                venue_name=_text(row, "venue_name"),
                venue_type=venue_type,
                address=_text(row, "address"),
                postcode=postcode,
                postcode_district=postcode_district(postcode),
                external_id=_text(row, "external_id"),
            )
        )
    for position, row in enumerate(events):
        prefix = f"events-{position}"
        what = _text(row, "what_happened")
        if not what:
            errors[f"{prefix}-what_happened"] = "Enter what happened"
        subject = _index(row, "subject", len(people), f"{prefix}-subject", errors, "Person")
        location = _index(row, "location", len(locations), f"{prefix}-location", errors, "Location")
        event = EventMention(
            occurred_on=row.get("occurred_on") or None,
            what_happened=what,
            external_id=_text(row, "external_id"),
        )
        built["events"].append((event, subject, location))
    if errors:
        raise ValidationError(errors)
    return built


def save_mentions(report: IntelligenceReport, built: dict[str, list[Any]]) -> None:
    people: list[PersonMention] = built["people"]
    for person in people:
        person.report = report
    PersonMention.objects.bulk_create(people)
    locations: list[LocationMention] = built["locations"]
    for location in locations:
        location.report = report
    LocationMention.objects.bulk_create(locations)
    phones = []
    for phone, owner in built["phones"]:
        phone.report, phone.person = report, people[owner] if owner is not None else None
        phones.append(phone)
    PhoneMention.objects.bulk_create(phones)
    vehicles = []
    for vehicle, owner in built["vehicles"]:
        vehicle.report, vehicle.person = report, people[owner] if owner is not None else None
        vehicles.append(vehicle)
    VehicleMention.objects.bulk_create(vehicles)
    events = []
    for event, subject, location in built["events"]:
        event.report = report
        event.subject = people[subject] if subject is not None else None
        event.location = locations[location] if location is not None else None
        events.append(event)
    EventMention.objects.bulk_create(events)
