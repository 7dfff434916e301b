"""The closed lists a bundle's fields take their values from, each with its source."""

from __future__ import annotations

# The values of OrganisationType in cairn.access.models (issue 2, section 3).
ORGANISATION_TYPES = (
    "police_force",
    "childrens_charity",
    "local_authority",
    "health",
    "education",
    "prosecution_liaison",
    "other",
)
SEXES = ("female", "male", "not_known")
LEGAL_STATUSES = (
    "none",
    "s20_accommodated",
    "care_order",
    "emergency_protection_order",
    "police_protection",
)
AGENCY_TYPES = (
    "police",
    "social_care",
    "school",
    "health",
    "charity",
    "parent_carer",
    "self",
    "other",
)
# Risk bands of the SERAF-derived screening tool (Barnardo's Cymru, 2007).
RISK_BANDS = ("not_at_risk", "mild", "moderate", "significant")
INDICATOR_CATEGORIES = ("vulnerability", "moderate", "significant")
INDICATOR_TIMINGS = ("current", "past_6_12_months", "both", "not_applicable")
SOURCE_TYPES = (
    "police_officer",
    "social_worker",
    "teacher",
    "charity_worker",
    "health_worker",
    "hotel_staff",
    "taxi_driver",
    "parent_carer",
    "member_of_public",
    "return_home_interview",
)
# UK police 3x5x2 grading; older 5x5x5 material keeps its own letters and numbers.
SOURCE_EVALUATIONS = ("1", "2", "3", "A", "B", "C", "D", "E")
INTELLIGENCE_ASSESSMENTS = ("A", "B", "C", "D", "E", "1", "2", "3", "4", "5")
HANDLING_CODES = ("P", "C", "1", "2", "3", "4", "5")
MENTION_ROLES = ("subject", "associate", "victim", "witness", "unknown")
LOCATION_TYPES = (
    "takeaway",
    "hotel",
    "private_flat",
    "park",
    "shopping_centre",
    "taxi_rank",
    "home_address",
    "childrens_home",
    "school",
    "street",
)
EVENT_TYPES = (
    "seen_with_adult",
    "got_into_car",
    "went_missing",
    "gifts_received",
    "at_location",
    "alcohol_or_drugs_given",
    "phone_given",
    "online_contact",
    "assault_disclosed",
)
OFFENCE_CATEGORIES = (
    "sexual_activity_with_child",
    "rape_of_child",
    "sexual_grooming",
    "child_sexual_exploitation",
    "trafficking_for_sexual_exploitation",
    "child_abduction",
)
INVESTIGATION_ORIGINS = ("referral", "intelligence", "disclosure", "missing_episode")
WITNESS_TYPES = ("professional", "child", "adult_civilian", "family_member")
EVIDENCE_TYPES = (
    "abe_interview",
    "witness_statement",
    "phone_download",
    "call_data_records",
    "cctv",
    "anpr",
    "hotel_register",
    "taxi_records",
    "social_media",
    "forensic",
    "medical",
    "bank_records",
)
EVIDENCE_STATUSES = ("requested", "obtained", "not_available", "refused")
# Home Office crime outcome types; 0 ("not yet assigned") is never written as an outcome.
OUTCOME_TYPES = tuple(range(1, 23))
OUTCOME_DECIDERS = ("police", "cps")
TRIAL_RESULTS = ("convicted_all", "convicted_some", "acquitted_all", "discontinued", "pending")
PLEAS = ("guilty", "not_guilty", "mixed", "not_entered")
VERDICTS = ("convicted", "acquitted", "discontinued", "pending")
# Youth Justice and Criminal Evidence Act 1999: s.16 (age), s.17(4) (sexual offence complainant).
ELIGIBILITY = ("s16_under_18", "s16_impairment", "s17_fear_or_distress", "s17_4_complainant")
SPECIAL_MEASURES = (
    "s23_screens",
    "s24_live_link",
    "s25_evidence_in_private",
    "s26_wigs_and_gowns_removed",
    "s27_video_evidence_in_chief",
    "s28_pre_recorded_cross_examination",
    "s29_intermediary",
    "s30_aids_to_communication",
)
DECISIONS = ("granted", "refused", "withdrawn", "pending")
# Home Office Child Exploitation Disruption Toolkit (2019).
DISRUPTION_TYPES = (
    "cawn",
    "sexual_risk_order",
    "sexual_harm_prevention_order",
    "slavery_trafficking_risk_order",
    "slavery_trafficking_prevention_order",
    "closure_order",
    "hotel_guest_information_notice",
    "licensing_review",
    "trespass_notice",
)
