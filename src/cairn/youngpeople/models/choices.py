"""Choices used across the young person's case, each naming where it comes from."""

from __future__ import annotations

from django.db import models


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Described another way"
    NOT_KNOWN = "not_known", "Not known"


class LookedAfterStatus(models.TextChoices):
    """Legal basis on which a child is looked after (Children Act 1989 ss.20, 31, 38, 44, 46;
    LASPO Act 2012 s.104 for remand)."""

    NOT_LOOKED_AFTER = "not_looked_after", "Not looked after"
    SECTION_20 = "s20", "Accommodated by agreement (Children Act 1989 s.20)"
    CARE_ORDER = "s31", "Care order (Children Act 1989 s.31)"
    INTERIM_CARE_ORDER = "s38", "Interim care order (Children Act 1989 s.38)"
    EMERGENCY_PROTECTION = "s44", "Emergency protection order (Children Act 1989 s.44)"
    POLICE_PROTECTION = "s46", "Police protection (Children Act 1989 s.46)"
    REMAND = "remand", "Remanded to local authority accommodation (LASPO Act 2012 s.104)"
    CARE_LEAVER = "care_leaver", "Care leaver"
    NOT_KNOWN = "not_known", "Not known"


class PlacementType(models.TextChoices):
    FAMILY_HOME = "family_home", "Family home"
    FOSTER_CARE = "foster_care", "Foster care"
    KINSHIP_CARE = "kinship_care", "Kinship care"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SUPPORTED_ACCOMMODATION = "supported", "Supported accommodation (16+)"
    SECURE = "secure", "Secure accommodation"
    INDEPENDENT = "independent", "Living independently"
    OTHER = "other", "Other"


class EducationStatus(models.TextChoices):
    FULL_TIME = "full_time", "In school full-time"
    PART_TIME_TIMETABLE = "part_time", "Part-time timetable"
    ALTERNATIVE_PROVISION = "alternative", "Alternative provision"
    EXCLUDED = "excluded", "Excluded"
    COLLEGE_TRAINING = "college", "College or training"
    EMPLOYED = "employed", "Employed"
    NEET = "neet", "Not in education, employment or training"
    HOME_EDUCATED = "home_educated", "Elective home education"
    NOT_KNOWN = "not_known", "Not known"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ClosureReason(models.TextChoices):
    RISK_REDUCED = "risk_reduced", "Risk reduced; no further work needed"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    TRANSFERRED = "transferred", "Transferred to another service"
    DECLINED = "declined", "Young person declined the service"
    AGED_OUT = "aged_out", "Too old for the service"
    OTHER = "other", "Other"


class RiskBand(models.TextChoices):
    """Bands of the SERAF-derived screening tools (shared/domain/reference.md)."""

    NOT_AT_RISK = "not_at_risk", "Not at risk"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SIGNIFICANT = "significant", "Significant"


BAND_ORDER = [RiskBand.NOT_AT_RISK, RiskBand.MILD, RiskBand.MODERATE, RiskBand.SIGNIFICANT]


def band_rank(band: str) -> int:
    return BAND_ORDER.index(RiskBand(band))
