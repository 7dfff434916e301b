"""Stored records in the engine's schema: report mentions, young people's records, suspects.

Only the fields each function names reach the model; nothing else of the record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from cairn.intelligence.models import (
    IntelligenceReport,
    LocationMention,
    PersonMention,
    PhoneMention,
    VehicleMention,
)
from cairn.intelligence.normalise import parse_name
from cairn.investigations.models import Suspect
from cairn.linkage import engine
from cairn.linkage.engine.descriptors import age_estimate, descriptors_in, sex_in
from cairn.linkage.engine.schema import SEXES
from cairn.linkage.models import Named
from cairn.youngpeople.models import YoungPerson


class MentionFields(Named, Protocol):
    """The fields of a stored person mention the model reads (a `PersonMention`, or a
    `StoredMention` read as values): its names (`Named`) and these."""

    @property
    def pk(self) -> int: ...
    @property
    def report_id(self) -> int: ...
    @property
    def sex(self) -> str: ...
    @property
    def date_of_birth(self) -> dt.date | None: ...
    @property
    def age_min(self) -> int | None: ...
    @property
    def age_max(self) -> int | None: ...
    @property
    def description(self) -> str: ...
    @property
    def address(self) -> str: ...


class StoredMention(NamedTuple):
    """A person mention read as values (a full re-link reads hundreds of thousands)."""

    pk: int
    report_id: int
    name_as_written: str
    given_name: str
    family_name: str
    nickname: str
    sex: str
    date_of_birth: dt.date | None
    age_min: int | None
    age_max: int | None
    description: str
    address: str


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What a report says besides any one person: who else, where, which vehicles and phones
    (each with the person mention it belongs to, if any), and where and when it was made."""

    reported_on: dt.date
    area: str
    people: tuple[tuple[int, str, str], ...] = ()  # mention pk, given name, nickname
    places: tuple[str, ...] = ()
    vehicles: tuple[tuple[str, bool, int | None], ...] = ()  # registration, partial, person
    phones: tuple[tuple[str, int | None], ...] = ()  # E.164, person

    @classmethod
    def of(cls, report: IntelligenceReport) -> ReportFacts:
        """From a report with its mentions prefetched (`mentions_with_context`)."""
        return cls(
            reported_on=report.reported_at.date(),
            area=report_area(report),
            people=tuple((m.pk, m.given_name, m.nickname) for m in report.person_mentions.all()),
            places=tuple(
                location.venue_name or location.address
                for location in report.location_mentions.all()
                if location.venue_name or location.address
            ),
            vehicles=tuple(
                (v.registration, v.is_partial, v.person_id) for v in report.vehicle_mentions.all()
            ),
            phones=tuple((p.e164, p.person_id) for p in report.phone_mentions.all()),
        )


def _ages(
    date_of_birth: dt.date | None, age_min: int | None, age_max: int | None, description: str = ""
) -> tuple[int | None, int | None]:
    """The estimated ages the model compares: none when the date of birth is known."""
    if date_of_birth:
        return None, None
    return age_estimate(age_min, age_max, description)


def engine_mention(mention: PersonMention) -> engine.PersonMention:
    """A stored mention (its report's mentions prefetched) in the engine's schema."""
    return mention_row(mention, ReportFacts.of(mention.report))


def mention_row(mention: MentionFields, report: ReportFacts) -> engine.PersonMention:
    """A mention in the engine's schema: names, age, sex, description's features, address,
    its own phones and vehicles, and what its report names besides it.

    Only these fields reach the model; intelligence mentions record no protected characteristic.
    """
    associates = [
        name
        for pk, given_name, nickname in report.people
        if pk != mention.pk
        # A single written name is kept as both given name and possible nickname: once.
        for name in dict.fromkeys((given_name, nickname))
        if name
    ]
    age_min, age_max = _ages(
        mention.date_of_birth, mention.age_min, mention.age_max, mention.description
    )
    full = [(r, person) for r, partial, person in report.vehicles if r and not partial]
    context = [
        *(f"place:{place}" for place in report.places),
        *(f"vehicle:{registration}" for registration, _ in full),
        *(f"phone:{e164}" for e164, _ in report.phones if e164),
    ]
    return engine.PersonMention(
        mention_id=str(mention.pk),
        given_name=mention.given_name or None,
        family_name=mention.family_name or None,
        nicknames=[mention.nickname] if mention.nickname else [],
        date_of_birth=mention.date_of_birth,
        age_min=age_min,
        age_max=age_max,
        age_observed_on=report.reported_on,
        sex=mention.sex if mention.sex in SEXES else sex_in(mention.description),
        descriptors=descriptors_in(mention.description),
        phones=[e164 for e164, person in report.phones if e164 and person == mention.pk],
        addresses=[mention.address] if mention.address else [],
        vehicles=[registration for registration, person in full if person == mention.pk],
        associates=associates,
        places=list(report.places),
        area=report.area,
        record=str(mention.report_id),
        context=context,
    )


def stored_mentions(chunk: int = 5000) -> Iterator[tuple[StoredMention, engine.PersonMention]]:
    """Every stored person mention with its row in the engine's schema, read as values in
    chunks of `chunk` mentions (each chunk's IN lists stay under the database's limit on
    parameters): a tenth of the time of model instances with their reports' mentions."""
    last = 0
    while True:
        batch = [
            StoredMention(*values)
            for values in PersonMention.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list(*StoredMention._fields)[:chunk]
        ]
        if not batch:
            return
        last = batch[-1].pk
        facts = report_facts({mention.report_id for mention in batch})
        for mention in batch:
            yield mention, mention_row(mention, facts[mention.report_id])


def report_facts(report_ids: set[int]) -> dict[int, ReportFacts]:
    """`ReportFacts` of these reports, in five queries."""
    ids = sorted(report_ids)
    people: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for report_id, pk, given_name, nickname in (
        PersonMention.objects.filter(report_id__in=ids)
        .order_by("pk")
        .values_list("report_id", "pk", "given_name", "nickname")
    ):
        people[report_id].append((pk, given_name, nickname))
    places: dict[int, list[str]] = defaultdict(list)
    for report_id, venue, address in (
        LocationMention.objects.filter(report_id__in=ids)
        .order_by("pk")
        .values_list("report_id", "venue_name", "address")
    ):
        if venue or address:
            places[report_id].append(venue or address)
    vehicles: dict[int, list[tuple[str, bool, int | None]]] = defaultdict(list)
    for report_id, registration, partial, owner in (
        VehicleMention.objects.filter(report_id__in=ids)
        .order_by("pk")
        .values_list("report_id", "registration", "is_partial", "person_id")
    ):
        vehicles[report_id].append((registration, partial, owner))
    phones: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for report_id, e164, owner in (
        PhoneMention.objects.filter(report_id__in=ids)
        .order_by("pk")
        .values_list("report_id", "e164", "person_id")
    ):
        phones[report_id].append((e164, owner))
    return {
        pk: ReportFacts(
            reported_on=reported_at.date(),
            area=source_area or team_area or "",
            people=tuple(people[pk]),
            places=tuple(places[pk]),
            vehicles=tuple(vehicles[pk]),
            phones=tuple(phones[pk]),
        )
        for pk, reported_at, source_area, team_area in IntelligenceReport.objects.filter(
            pk__in=ids
        ).values_list(
            "pk", "reported_at", "source_organisation__area", "owning_team__organisation__area"
        )
    }


def report_area(report: IntelligenceReport) -> str:
    """The area a report was made in: its source organisation's, else its owning team's."""
    source = report.source_organisation
    return (source.area if source else "") or report.owning_team.organisation.area


def young_person_engine_mention(young_person: YoungPerson) -> engine.PersonMention:
    """A young person's own record in the engine's schema, under a negative id (-pk) so it
    never meets an intelligence mention's id. Names, aliases, date of birth or estimated age,
    sex (only when recorded as female or male), phone, the addresses of their placements and
    the area of the team holding it: nothing else of the record."""
    aliases = [alias.name for alias in young_person.aliases.all()]
    age_min, age_max = _ages(
        young_person.date_of_birth, young_person.estimated_age, young_person.estimated_age
    )
    return engine.PersonMention(
        mention_id=str(-young_person.pk),
        given_name=young_person.given_name or None,
        family_name=young_person.family_name or None,
        nicknames=[n for n in [*aliases, young_person.preferred_name] if n],
        date_of_birth=young_person.date_of_birth,
        age_min=age_min,
        age_max=age_max,
        age_observed_on=young_person.created_at.date(),
        sex=young_person.gender if young_person.gender in SEXES else None,
        phones=[young_person.phone] if young_person.phone else [],
        addresses=[p.address for p in young_person.placements.all() if p.address],
        area=young_person.holding_team.organisation.area or young_person.area,
    )


# Investigation suspects are scored under ids from -SUSPECT_IDS down, so they never meet a
# report's mention (positive) or a young person's record (-pk).
SUSPECT_IDS = 10**12


def suspect_engine_mention(suspect: Suspect) -> engine.PersonMention:
    """An investigation suspect as recorded, in the engine's schema: name (an "Unknown male
    known as 'Shorty'" gives only the street name), date of birth or estimated age when the
    investigation started, and sex when recorded as female or male; nothing else."""
    name = parse_name(suspect.name_as_recorded)
    unnamed = name.given_name.lower() in {"unknown", "unnamed"}
    age_min, age_max = _ages(suspect.date_of_birth, suspect.estimated_age, suspect.estimated_age)
    return engine.PersonMention(
        mention_id=str(-(SUSPECT_IDS + suspect.pk)),
        given_name=None if unnamed else name.given_name or None,
        family_name=None if unnamed else name.family_name or None,
        nicknames=[name.nickname] if name.nickname else [],
        date_of_birth=suspect.date_of_birth,
        age_min=age_min,
        age_max=age_max,
        age_observed_on=suspect.investigation.started_on,
        sex=suspect.sex if suspect.sex in SEXES else None,
    )
