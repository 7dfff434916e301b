"""The care side's records: young people, referrals, risk, missing episodes and interviews."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from cairn.world.generator.agencies import Agencies
from cairn.world.generator.noise import age_on, estimated_age, misspell
from cairn.world.generator.population import Area, Person, weighted
from cairn.world.generator.simulate import Contact
from cairn.world.generator.state import WorldState

# SERAF-derived screening tool (Barnardo's Cymru, 2007), as in the domain reference.
VULNERABILITIES = (
    "emotional_neglect", "physical_abuse", "sexual_abuse", "family_breakdown",
    "family_domestic_abuse_substance_mental_health", "low_self_esteem",
    "unsuitable_accommodation", "isolation_from_peers", "no_protective_adult",
)  # fmt: skip
MODERATE = (
    "staying_out_late", "multiple_unknown_callers", "worrying_phone_or_internet_use",
    "expressions_of_despair", "not_in_education_training_or_work", "disclosure_then_withdrawal",
    "sexually_transmitted_infection", "peers_involved_in_exploitation", "drug_misuse",
    "alcohol_misuse", "living_independently_not_responding",
)  # fmt: skip
SIGNIFICANT = (
    "going_missing", "controlling_older_boyfriend", "getting_into_cars_with_unknown_adults",
    "unexplained_money_gifts_phones", "hanging_around_known_places", "online_grooming",
    "contact_with_hotels_taxis_takeaways", "repeat_infections_or_terminations",
)  # fmt: skip
BAND_RANGES = {
    "not_at_risk": (0, 5),
    "mild": (6, 10),
    "moderate": (11, 15),
    "significant": (16, 30),
}
TOOL = "SERAF-derived screening tool (Barnardo's Cymru 2007)"
REFERRERS = (
    ("police", 30),
    ("social_care", 30),
    ("school", 15),
    ("health", 8),
    ("charity", 5),
    ("parent_carer", 8),
    ("self", 2),
    ("other", 2),
)
REASONS = {
    "exploited": (
        "Going missing, seen in cars with older males",
        "Has new phone and money, will not say where from",
        "Found at a hotel with adults",
        "Older 'boyfriend' picking her up from school",
    ),
    "at_risk": (
        "Staying out late, concerns about peers",
        "Going missing from placement",
        "Unknown adults contacting on social media",
        "Drinking and not attending school",
    ),
    "not_exploited": (
        "Family breakdown, low mood",
        "Not attending school",
        "Concerns from school about online use",
        "Argument at home then missing overnight",
    ),
}


def band_for(rng: random.Random, child: Person, on: date) -> str:
    current = (
        child.status == "exploited"
        and child.exploited_from is not None
        and child.exploited_to is not None
        and child.exploited_from <= on <= child.exploited_to
    )
    options: tuple[tuple[str, int], ...]
    if current:
        options = (("significant", 80), ("moderate", 15), ("mild", 5))
    elif child.status == "exploited":
        options = (("significant", 30), ("moderate", 40), ("mild", 30))
    elif child.status == "at_risk":
        options = (("significant", 12), ("moderate", 38), ("mild", 35), ("not_at_risk", 15))
    else:
        options = (("moderate", 5), ("mild", 35), ("not_at_risk", 60))
    return weighted(rng, options)


def indicators_for(rng: random.Random, score: int) -> list[tuple[str, str, str, int]]:
    """Indicators that add up to exactly `score` points."""
    significant, moderate, vulnerable = list(SIGNIFICANT), list(MODERATE), list(VULNERABILITIES)
    rng.shuffle(significant)
    rng.shuffle(moderate)
    rng.shuffle(vulnerable)
    ticked: list[tuple[str, str, str, int]] = []
    remaining = score
    while remaining > 0:
        if remaining >= 6 and significant and rng.random() < 0.25:
            ticked.append((significant.pop(), "significant", "both", 6))
        elif remaining >= 5 and significant and rng.random() < 0.7:
            ticked.append((significant.pop(), "significant", "current", 5))
        elif moderate and rng.random() < 0.6:
            ticked.append((moderate.pop(), "moderate", "current", 1))
        elif vulnerable:
            ticked.append((vulnerable.pop(), "vulnerability", "not_applicable", 1))
        elif significant:
            ticked.append((significant.pop(), "significant", "past_6_12_months", 1))
        elif moderate:
            ticked.append((moderate.pop(), "moderate", "current", 1))
        else:
            break
        remaining -= ticked[-1][3]
    return ticked


def write_young_people(
    world: WorldState, area: Area, agencies: Agencies, rng: random.Random
) -> None:
    for child in area.children:
        assert child.referred_on is not None
        first_contact = child.referred_on + timedelta(days=rng.randrange(0, 15))
        known_birth = rng.random() < 0.85
        aliases = list(child.nicknames)
        if rng.random() < 0.15:
            aliases.append(misspell(rng, child.full_name))
        world.write(
            "young_people",
            young_person_id=child.young_person_id,
            team_id=agencies.charity_team,
            given_name=child.given,
            family_name=child.family,
            preferred_name=child.nicknames[0] if child.nicknames and rng.random() < 0.5 else "",
            aliases="|".join(aliases),
            date_of_birth=child.born if known_birth else None,
            estimated_age=None
            if known_birth
            else estimated_age(rng, age_on(child.born, first_contact)),
            sex=child.sex,
            looked_after=child.looked_after,
            legal_status=child.legal_status,
            learning_disability=child.learning_disability,
            address=child.home.address,
            postcode_district=child.home.postcode_district,
            first_contact_on=first_contact,
        )
        world.truth_of("young_people", child.young_person_id, child.entity_id)
        world.write(
            "referrals",
            referral_id=world.next_id("RF"),
            young_person_id=child.young_person_id,
            team_id=agencies.charity_team,
            referred_on=child.referred_on,
            referrer_agency_type=weighted(rng, REFERRERS),
            reason=rng.choice(REASONS[child.status]),
            urgency="urgent" if rng.random() < 0.2 else "routine",
        )
        assessed_on = first_contact
        # The service works with a young person for about a year; reviews stop after that.
        last = min(area.end, first_contact + timedelta(days=365))
        while assessed_on < last:
            write_assessment(world, rng, child, agencies.charity_team, assessed_on, area.start)
            # Reviews are due at least every 3 months; some are late.
            assessed_on += timedelta(days=rng.randint(75, 110))


def write_assessment(
    world: WorldState, rng: random.Random, child: Person, team: str, on: date, start: date
) -> None:
    band = band_for(rng, child, on)
    low, high = BAND_RANGES[band]
    score = rng.randint(low, high)
    indicators = indicators_for(rng, score)
    score = sum(points for *_, points in indicators)
    band = next(name for name, (lo, hi) in BAND_RANGES.items() if lo <= score <= hi)
    assessment_id = world.next_id("RA")
    world.write(
        "risk_assessments",
        risk_assessment_id=assessment_id,
        young_person_id=child.young_person_id,
        team_id=team,
        assessed_on=on,
        tool=TOOL,
        score=score,
        band=band,
    )
    for indicator, category, timing, points in indicators:
        world.write(
            "risk_indicators",
            risk_indicator_id=world.next_id("RI"),
            risk_assessment_id=assessment_id,
            indicator=indicator,
            category=category,
            timing=timing,
            points=points,
        )
    if band == "significant":
        # Counted per year of the simulated period, not per calendar year.
        world.figures[f"high_risk:{(on - start).days // 365}:{child.entity_id}"] = 1


def write_missing(
    world: WorldState, area: Area, agencies: Agencies, contacts: list[Contact], rng: random.Random
) -> list[tuple[datetime, Person, Person]]:
    """Missing episodes from the simulation, plus the running away every service also sees.

    Returns what children said in return home interviews, which becomes intelligence.
    """
    episodes: list[tuple[datetime, Person, Contact | None]] = []
    for seen in contacts:
        for child in seen.reported_missing:
            episodes.append(
                (datetime(seen.day.year, seen.day.month, seen.day.day, seen.hour), child, seen)
            )
    days = (area.end - area.start).days
    for child in area.children:
        if child.status != "exploited" and rng.random() < 0.35:
            for _ in range(rng.randint(1, 3)):
                day = area.start + timedelta(days=rng.randrange(days))
                episodes.append(
                    (datetime(day.year, day.month, day.day, rng.randint(14, 23)), child, None)
                )
    episodes.sort(key=lambda episode: (episode[0], episode[1].entity_id))
    disclosures: list[tuple[datetime, Person, Person]] = []
    for went_missing, child, contact in episodes:
        episode_id = world.next_id("ME")
        returned = went_missing + timedelta(hours=rng.randint(6, 60))
        found_at, missing_with = "", ""
        if contact is not None:
            if rng.random() < 0.5:
                found_at = contact.venue.name or contact.venue.address
            others = [other for other in contact.children if other is not child]
            names = [
                other.nicknames[0] if other.nicknames and rng.random() < 0.5 else other.given
                for other in others
            ]
            if rng.random() < 0.3:
                names.append("older males")
            missing_with = ", ".join(names)
        world.write(
            "missing_episodes",
            missing_episode_id=episode_id,
            young_person_id=child.young_person_id,
            reported_by_organisation_id=agencies.police,
            went_missing_at=went_missing,
            returned_at=returned if rng.random() < 0.97 else None,
            missing_from={"childrens_home": "childrens_home"}.get(
                child.home.kind, "foster_placement" if child.looked_after else "home"
            ),
            found_at=found_at,
            missing_with=missing_with,
        )
        offered = returned.date() + timedelta(days=rng.randint(1, 3))
        outcome = rng.random()
        notes = ""
        if outcome < 0.6 and contact is not None and rng.random() < 0.35:
            offender = rng.choice(contact.offenders)
            said = offender.nicknames[0] if offender.nicknames else offender.given
            notes = (
                f"Said she was with '{said}' and friends."
                if child.sex == "female"
                else f"Said he was with '{said}'."
            )
            disclosures.append((went_missing + timedelta(days=4), child, offender))
        world.write(
            "return_home_interviews",
            return_home_interview_id=world.next_id("RH"),
            missing_episode_id=episode_id,
            team_id=agencies.charity_team,
            offered_on=offered,
            completed_on=offered + timedelta(days=rng.randint(0, 3)) if outcome < 0.6 else None,
            declined=0.6 <= outcome < 0.85,
            notes=notes if outcome < 0.6 else "",
        )
    return disclosures
