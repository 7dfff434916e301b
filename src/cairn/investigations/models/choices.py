"""The closed lists an investigation's fields take their values from, each with its source."""

from __future__ import annotations

from django.db import models


class OffenceCategory(models.TextChoices):
    """The offence categories of the bundle vocabulary (world/bundle/vocabularies.py), each with
    the offence in law it stands for (England and Wales)."""

    SEXUAL_ACTIVITY_WITH_CHILD = (
        "sexual_activity_with_child",
        "Sexual activity with a child (Sexual Offences Act 2003, s.9)",
    )
    RAPE_OF_CHILD = "rape_of_child", "Rape of a child under 13 (Sexual Offences Act 2003, s.5)"
    SEXUAL_GROOMING = (
        "sexual_grooming",
        "Meeting a child following sexual grooming (Sexual Offences Act 2003, s.15)",
    )
    CHILD_SEXUAL_EXPLOITATION = (
        "child_sexual_exploitation",
        "Causing, inciting, controlling or arranging the sexual exploitation of a child "
        "(Sexual Offences Act 2003, ss.48 to 50)",
    )
    TRAFFICKING_FOR_SEXUAL_EXPLOITATION = (
        "trafficking_for_sexual_exploitation",
        "Human trafficking for sexual exploitation (Modern Slavery Act 2015, s.2)",
    )
    CHILD_ABDUCTION = "child_abduction", "Child abduction (Child Abduction Act 1984, s.2)"


class InvestigationStatus(models.TextChoices):
    """Where the investigation stands (issue 7, section 1)."""

    OPEN = "open", "Open"
    CHARGING_DECISION = "charging_decision", "Awaiting charging decision"
    AT_COURT = "at_court", "At court"
    CLOSED = "closed", "Closed"


class InvestigationOrigin(models.TextChoices):
    """How it started: the origins of the bundle vocabulary."""

    REFERRAL = "referral", "Referral"
    INTELLIGENCE = "intelligence", "Intelligence"
    DISCLOSURE = "disclosure", "Disclosure by the young person"
    MISSING_EPISODE = "missing_episode", "Missing episode"


class KeyDateKind(models.TextChoices):
    """The dates an officer in charge and the prosecution liaison watch (issue 7, section 1)."""

    ARREST = "arrest", "Arrest"
    INTERVIEW = "interview", "Suspect interview"
    BAIL_RETURN = "bail_return", "Bail return"
    RELEASED_UNDER_INVESTIGATION = "rui", "Released under investigation"
    FILE_TO_CPS = "file_to_cps", "File sent to the Crown Prosecution Service"
    CHARGING_ADVICE = "charging_advice", "Charging advice meeting"
    CHARGING_DECISION = "charging_decision", "Charging decision"
    FIRST_HEARING = "first_hearing", "First hearing"
    TRIAL = "trial", "Trial"
    OTHER = "other", "Other"


class Sex(models.TextChoices):
    """Sex as the police recorded it (bundle vocabulary SEXES)."""

    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class WitnessType(models.TextChoices):
    """The kinds of witness of the bundle vocabulary."""

    PROFESSIONAL = "professional", "Professional witness"
    CHILD = "child", "Child"
    ADULT_CIVILIAN = "adult_civilian", "Adult civilian"
    FAMILY_MEMBER = "family_member", "Family member"


class EvidenceSource(models.TextChoices):
    """Where an item of evidence comes from. An item from the victim or another child rests on
    a child's account whatever its type (issue 7, section 2)."""

    CHILD = "child", "The victim or another child"
    OTHER_WITNESS = "other_witness", "Another witness"
    PROFESSIONAL = "professional", "A professional"
    THIRD_PARTY = "third_party", "A third-party organisation"
    POLICE = "police", "The police"
    SUSPECT = "suspect", "The suspect"


class EvidenceStatus(models.TextChoices):
    """The evidence workflow: identified, requested, obtained, reviewed, served; or it could
    not be had (issue 7, section 2)."""

    IDENTIFIED = "identified", "Identified"
    REQUESTED = "requested", "Requested"
    OBTAINED = "obtained", "Obtained"
    REVIEWED = "reviewed", "Reviewed"
    SERVED = "served", "Served"
    NOT_AVAILABLE = "not_available", "Not available"
    REFUSED = "refused", "Refused"


# Items in hand corroborate; items identified or requested are only "sought" (issue 7, section 3).
EVIDENCE_IN_HAND = (EvidenceStatus.OBTAINED, EvidenceStatus.REVIEWED, EvidenceStatus.SERVED)
EVIDENCE_SOUGHT = (EvidenceStatus.IDENTIFIED, EvidenceStatus.REQUESTED)


class IndependenceOverride(models.TextChoices):
    """An investigator's judgement that replaces the derived independence, with a reason."""

    NONE = "", "No override"
    INDEPENDENT = "independent", "Independent of the child's account"
    DEPENDENT = "dependent", "Depends on the child's account"


class OutcomeDecider(models.TextChoices):
    """Who decided the outcome (bundle vocabulary OUTCOME_DECIDERS)."""

    POLICE = "police", "Police"
    CPS = "cps", "Crown Prosecution Service"


class ChargingDecision(models.TextChoices):
    """The charging decision for a suspect and offence (CPS Director's Guidance on Charging)."""

    CHARGED = "charged", "Charged or summonsed"
    NO_FURTHER_ACTION = "nfa", "No further action"
    CAUTION = "caution", "Caution"
    CONDITIONAL_CAUTION = "conditional_caution", "Conditional caution"
    FURTHER_INVESTIGATION = "further_investigation", "Further investigation advised"


class CourtResult(models.TextChoices):
    """The result at court (issue 7, section 5)."""

    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"
    DISCONTINUED = "discontinued", "Discontinued"


class AttritionReason(models.TextChoices):
    """Why a case fell away (issue 7, section 5; the Home Office outcome groups)."""

    EVIDENTIAL_DIFFICULTIES = "evidential", "Evidential difficulties"
    VICTIM_WITHDRAWAL = "victim_withdrawal", "Victim withdrew support"
    PUBLIC_INTEREST = "public_interest", "Not in the public interest"
    TIME_LIMIT = "time_limit", "Prosecution time limit expired"
    OTHER = "other", "Other"


class LineOfEnquiryKind(models.TextChoices):
    """The kinds of next step the network suggests (issue 7, section 4)."""

    CALL_DATA = "call_data", "Call data and cell-site"
    ANPR = "anpr", "ANPR"
    VENUE_RECORDS = "venue_records", "Hotel, taxi or takeaway records"
    YOUNG_PERSON = "young_person", "Another young person who may be a victim or witness"


class LineOfEnquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
