"""Stored records in the engine's schema: report mentions, young people's records, suspects.

Only the fields each function names reach the model; nothing else of the record.
"""

from __future__ import annotations

from cairn.intelligence.models import IntelligenceReport, PersonMention
from cairn.intelligence.normalise import parse_name
from cairn.investigations.models import Suspect
from cairn.linkage import engine
from cairn.linkage.engine.descriptors import age_estimate, descriptors_in, sex_in
from cairn.linkage.engine.schema import SEXES
from cairn.youngpeople.models import YoungPerson


def engine_mention(mention: PersonMention) -> engine.PersonMention:
    """A stored mention in the engine's schema: names, age, sex, phones, vehicles and context.

    Only these fields reach the model; intelligence mentions record no protected characteristic.
    """
    associates = [
        name
        for other in mention.report.person_mentions.all()
        if other.pk != mention.pk
        # A single written name is kept as both given name and possible nickname: once.
        for name in dict.fromkeys((other.given_name, other.nickname))
        if name
    ]
    report = mention.report
    age_min, age_max = (
        (None, None)
        if mention.date_of_birth
        else age_estimate(mention.age_min, mention.age_max, mention.description)
    )
    places = [
        location.venue_name or location.address
        for location in report.location_mentions.all()
        if location.venue_name or location.address
    ]
    context = [
        *(f"place:{place}" for place in places),
        *(
            f"vehicle:{vehicle.registration}"
            for vehicle in report.vehicle_mentions.all()
            if vehicle.registration and not vehicle.is_partial
        ),
        *(f"phone:{phone.e164}" for phone in report.phone_mentions.all() if phone.e164),
    ]
    return engine.PersonMention(
        mention_id=str(mention.pk),
        given_name=mention.given_name or None,
        family_name=mention.family_name or None,
        nicknames=[mention.nickname] if mention.nickname else [],
        date_of_birth=mention.date_of_birth,
        age_min=age_min,
        age_max=age_max,
        age_observed_on=mention.report.reported_at.date(),
        sex=mention.sex if mention.sex in SEXES else sex_in(mention.description),
        descriptors=descriptors_in(mention.description),
        phones=[phone.e164 for phone in mention.phones.all() if phone.e164],
        addresses=[mention.address] if mention.address else [],
        vehicles=[
            vehicle.registration
            for vehicle in mention.vehicles.all()
            if vehicle.registration and not vehicle.is_partial
        ],
        associates=associates,
        places=places,
        area=report_area(report),
        record=str(mention.report_id),
        context=context,
    )


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
    age_min, age_max = (
        (None, None)
        if young_person.date_of_birth
        else age_estimate(young_person.estimated_age, young_person.estimated_age)
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
    age_min, age_max = (
        (None, None)
        if suspect.date_of_birth
        else age_estimate(suspect.estimated_age, suspect.estimated_age)
    )
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
