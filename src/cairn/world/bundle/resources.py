"""Every resource of a Cairn bundle: the records agencies hold, as they arrive from them."""

from __future__ import annotations

from cairn.world.bundle import vocabularies as v
from cairn.world.bundle.justice import JUSTICE_RESOURCES
from cairn.world.bundle.schema import (
    ForeignKey,
    ResourceSchema,
    choice,
    day,
    flag,
    identifier,
    integer,
    moment,
    text,
)


def _fk(field: str, resource: str, reference: str | None = None) -> ForeignKey:
    return ForeignKey(field, resource, reference or field)


RESOURCES: list[ResourceSchema] = [
    ResourceSchema(
        "organisations",
        "Organisations",
        "Agencies that hold or send records: police forces, charities, children's services.",
        (
            identifier("organisation_id", "The bundle's identifier for the organisation"),
            text("name", "The organisation's name", required=True),
            choice("organisation_type", "What kind of agency it is", v.ORGANISATION_TYPES),
            text("area", "The area it serves"),
        ),
        ("organisation_id",),
    ),
    ResourceSchema(
        "teams",
        "Teams",
        "Teams within organisations; records are held by a team.",
        (
            identifier("team_id", "The bundle's identifier for the team"),
            identifier("organisation_id", "The organisation the team belongs to"),
            text("name", "The team's name, unique within its organisation", required=True),
        ),
        ("team_id",),
        (_fk("organisation_id", "organisations"),),
    ),
    ResourceSchema(
        "young_people",
        "Young people",
        "Children and young people a service works with, as its case records describe them.",
        (
            identifier("young_person_id", "The holding service's identifier"),
            identifier("team_id", "The team holding the record"),
            text("given_name", "Given name as recorded", required=True),
            text("family_name", "Family name as recorded", required=True),
            text("preferred_name", "What they like to be called"),
            text("aliases", "Other names and nicknames they are known by, separated by '|'"),
            day("date_of_birth", "Date of birth, when known"),
            integer("estimated_age", "Estimated age in years when the date of birth is not known"),
            choice("sex", "Sex as recorded", v.SEXES),
            flag("looked_after", "Whether the child is looked after by a local authority"),
            choice("legal_status", "The legal basis of care, if looked after", v.LEGAL_STATUSES),
            flag("learning_disability", "Whether a learning disability is recorded"),
            text("address", "Current address as recorded"),
            text("postcode_district", "Postcode district of the current address"),
            day("first_contact_on", "When the service first worked with them", required=True),
        ),
        ("young_person_id",),
        (_fk("team_id", "teams"),),
    ),
    ResourceSchema(
        "referrals",
        "Referrals",
        "Referrals of a young person to the service, by whom and why.",
        (
            identifier("referral_id", "Identifier of the referral"),
            identifier("young_person_id", "The young person referred"),
            identifier("team_id", "The team receiving the referral"),
            day("referred_on", "Date received", required=True),
            choice("referrer_agency_type", "The kind of agency referring", v.AGENCY_TYPES),
            text("reason", "The referrer's words"),
            choice("urgency", "Urgency given by the referrer", ("routine", "urgent")),
        ),
        ("referral_id",),
        (_fk("young_person_id", "young_people"), _fk("team_id", "teams")),
    ),
    ResourceSchema(
        "risk_assessments",
        "Risk assessments",
        "Screening-tool assessments (SERAF-derived) with score and band.",
        (
            identifier("risk_assessment_id", "Identifier of the assessment"),
            identifier("young_person_id", "The young person assessed"),
            identifier("team_id", "The assessing team"),
            day("assessed_on", "Date of the assessment", required=True),
            text("tool", "The screening tool and version", required=True),
            integer("score", "Total points", required=True),
            choice("band", "Risk band from the score", v.RISK_BANDS),
        ),
        ("risk_assessment_id",),
        (_fk("young_person_id", "young_people"), _fk("team_id", "teams")),
    ),
    ResourceSchema(
        "risk_indicators",
        "Risk indicators",
        "The indicators ticked on each assessment and the points each scored.",
        (
            identifier("risk_indicator_id", "Identifier of the ticked indicator"),
            identifier("risk_assessment_id", "The assessment"),
            text("indicator", "The indicator's code", required=True),
            choice("category", "Vulnerability, moderate or significant", v.INDICATOR_CATEGORIES),
            choice("timing", "When it was seen (significant indicators)", v.INDICATOR_TIMINGS),
            integer("points", "Points scored", required=True),
        ),
        ("risk_indicator_id",),
        (_fk("risk_assessment_id", "risk_assessments"),),
    ),
    ResourceSchema(
        "missing_episodes",
        "Missing episodes",
        "Times a young person was reported missing, and when and where they were found.",
        (
            identifier("missing_episode_id", "Identifier of the episode"),
            identifier("young_person_id", "The young person missing"),
            identifier("reported_by_organisation_id", "Who recorded the report"),
            moment("went_missing_at", "When they were last seen", required=True),
            moment("returned_at", "When they returned or were found"),
            choice(
                "missing_from",
                "Where they went missing from",
                ("home", "foster_placement", "childrens_home", "school"),
            ),
            text("found_at", "Where they were found, as written"),
            text("missing_with", "Others believed to be with them, as written"),
        ),
        ("missing_episode_id",),
        (
            _fk("young_person_id", "young_people"),
            _fk("reported_by_organisation_id", "organisations", "organisation_id"),
        ),
    ),
    ResourceSchema(
        "return_home_interviews",
        "Return home interviews",
        "Independent interviews offered after a missing episode.",
        (
            identifier("return_home_interview_id", "Identifier of the interview"),
            identifier("missing_episode_id", "The episode it follows"),
            identifier("team_id", "The team that offered it"),
            day("offered_on", "When it was offered", required=True),
            day("completed_on", "When it took place, if it did"),
            flag("declined", "Whether the young person declined"),
            text("notes", "What the young person said, as written"),
        ),
        ("return_home_interview_id",),
        (_fk("missing_episode_id", "missing_episodes"), _fk("team_id", "teams")),
    ),
    ResourceSchema(
        "intelligence_reports",
        "Intelligence reports",
        "Reports from professionals and the public, graded on the 3x5x2 (or older 5x5x5) system.",
        (
            identifier("report_id", "Identifier of the report"),
            moment("received_at", "When the report was received", required=True),
            identifier("source_organisation_id", "The organisation that submitted it"),
            choice("source_type", "Who saw or heard it", v.SOURCE_TYPES),
            choice("grading_system", "The grading system used", ("3x5x2", "5x5x5")),
            choice("source_evaluation", "Source evaluation", v.SOURCE_EVALUATIONS),
            choice(
                "intelligence_assessment", "Intelligence assessment", v.INTELLIGENCE_ASSESSMENTS
            ),
            choice("handling_code", "Handling code", v.HANDLING_CODES),
            text("handling_instructions", "Written conditions when the handling code is C"),
            text("narrative", "The report's text", required=True),
        ),
        ("report_id",),
        (_fk("source_organisation_id", "organisations", "organisation_id"),),
    ),
    ResourceSchema(
        "report_person_mentions",
        "People mentioned in reports",
        "Each person a report mentions, written as the reporter wrote them.",
        (
            identifier("mention_id", "Identifier of the mention"),
            identifier("report_id", "The report"),
            choice("role_in_report", "The person's part in what was reported", v.MENTION_ROLES),
            text("name_as_written", "The name as written, if any"),
            text("nickname", "A nickname used, if any"),
            day("date_of_birth", "Date of birth, if given"),
            integer("estimated_age", "Age guessed by the reporter"),
            choice("sex", "Sex as described", v.SEXES),
            text("description", "Description as written"),
            text("address_as_written", "Address as written, if any"),
        ),
        ("mention_id",),
        (_fk("report_id", "intelligence_reports"),),
    ),
    ResourceSchema(
        "report_phone_mentions",
        "Phone numbers mentioned in reports",
        "Phone numbers as written: mixed formats, spaces, +44, sometimes incomplete.",
        (
            identifier("mention_id", "Identifier of the mention"),
            identifier("report_id", "The report"),
            text("number_as_written", "The number as written", required=True),
            text("person_mention_id", "The person mention it was linked to in the report"),
        ),
        ("mention_id",),
        (
            _fk("report_id", "intelligence_reports"),
            _fk("person_mention_id", "report_person_mentions", "mention_id"),
        ),
    ),
    ResourceSchema(
        "report_vehicle_mentions",
        "Vehicles mentioned in reports",
        "Vehicles as described: partial plates with '?' for unread characters.",
        (
            identifier("mention_id", "Identifier of the mention"),
            identifier("report_id", "The report"),
            text("registration_as_written", "Registration mark as read, e.g. 'KX12 ?B?'"),
            text("make", "Make as described"),
            text("model", "Model as described"),
            text("colour", "Colour as described"),
            text("person_mention_id", "The person mention seen driving it"),
        ),
        ("mention_id",),
        (
            _fk("report_id", "intelligence_reports"),
            _fk("person_mention_id", "report_person_mentions", "mention_id"),
        ),
    ),
    ResourceSchema(
        "report_location_mentions",
        "Locations mentioned in reports",
        "Places as described: venue names, addresses, partial postcodes.",
        (
            identifier("mention_id", "Identifier of the mention"),
            identifier("report_id", "The report"),
            choice("location_type", "The kind of place", v.LOCATION_TYPES),
            text("name_as_written", "The place's name as written"),
            text("address_as_written", "Address as written"),
            text("postcode_district", "Postcode district, if given"),
        ),
        ("mention_id",),
        (_fk("report_id", "intelligence_reports"),),
    ),
    ResourceSchema(
        "report_event_mentions",
        "Events mentioned in reports",
        "What happened, when (often only roughly), who to and where.",
        (
            identifier("mention_id", "Identifier of the mention"),
            identifier("report_id", "The report"),
            choice("event_type", "What happened", v.EVENT_TYPES),
            day("occurred_on", "When it happened, if known"),
            choice("date_precision", "How exact the date is", ("day", "month", "unknown")),
            text("subject_mention_id", "The person mention it happened to"),
            text("location_mention_id", "The location mention where it happened"),
        ),
        ("mention_id",),
        (
            _fk("report_id", "intelligence_reports"),
            _fk("subject_mention_id", "report_person_mentions", "mention_id"),
            _fk("location_mention_id", "report_location_mentions", "mention_id"),
        ),
    ),
]
RESOURCES += JUSTICE_RESOURCES

RESOURCE_BY_NAME = {resource.name: resource for resource in RESOURCES}
