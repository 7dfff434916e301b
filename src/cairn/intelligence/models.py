"""Intelligence reports and the people, phones, vehicles, places and events they mention."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cairn.access.models import Organisation, Team
from cairn.access.permissions import Role
from cairn.core.crypto import EncryptedTextField
from cairn.youngpeople.models import YoungPerson


class SourceType(models.TextChoices):
    """Who saw or heard what is reported: the source types of the intelligence-report forms
    of police forces and safeguarding partnerships (shared/domain/reference.md)."""

    POLICE_OFFICER = "police_officer", "Police officer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEACHER = "teacher", "Teacher"
    HEALTH = "health", "Health professional"
    CHARITY_WORKER = "charity_worker", "Charity worker"
    HOTEL_STAFF = "hotel_staff", "Hotel staff"
    TAXI_STAFF = "taxi_staff", "Taxi staff"
    MEMBER_OF_PUBLIC = "member_of_public", "Member of the public"
    OTHER = "other", "Other"


class SourceEvaluation(models.TextChoices):
    """3x5x2 source evaluation (shared/domain/reference.md, "Intelligence grading")."""

    RELIABLE = "1", "1: Reliable"
    UNTESTED = "2", "2: Untested"
    NOT_RELIABLE = "3", "3: Not reliable"


class IntelligenceAssessment(models.TextChoices):
    """3x5x2 intelligence assessment (shared/domain/reference.md, "Intelligence grading")."""

    KNOWN_DIRECTLY = "A", "A: Known directly to the source"
    CORROBORATED = "B", "B: Known indirectly but corroborated"
    KNOWN_INDIRECTLY = "C", "C: Known indirectly"
    NOT_KNOWN = "D", "D: Not known"
    SUSPECTED_FALSE = "E", "E: Suspected to be false"


class HandlingCode(models.TextChoices):
    """3x5x2 handling code (shared/domain/reference.md, "Intelligence grading"): C requires
    written handling conditions."""

    PERMITTED = "P", "P: Lawful sharing permitted"
    CONDITIONS = "C", "C: Lawful sharing permitted subject to conditions"


class GradingSystem(models.TextChoices):
    """3x5x2 for everything recorded in Cairn; 5x5x5 only for older material imported as given."""

    THREE_FIVE_TWO = "3x5x2", "3x5x2"
    FIVE_FIVE_FIVE = "5x5x5", "5x5x5 (legacy, imported)"


# Roles that may see a handling-C report's source unless its conditions say otherwise.
DEFAULT_SOURCE_ROLES = [Role.INVESTIGATOR.value, Role.ANALYST.value]


class IntelligenceReport(models.Model):
    REFERENCE_PREFIX = "IR"

    reported_at = models.DateTimeField()
    owning_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="intelligence_reports"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_type = models.CharField(max_length=20, choices=SourceType.choices)
    grading_system = models.CharField(
        max_length=5, choices=GradingSystem.choices, default=GradingSystem.THREE_FIVE_TWO
    )
    # Blank only on legacy reports imported with 5x5x5 grades.
    source_evaluation = models.CharField(
        max_length=1, choices=SourceEvaluation.choices, blank=True, default=""
    )
    intelligence_assessment = models.CharField(
        max_length=1, choices=IntelligenceAssessment.choices, blank=True, default=""
    )
    handling_code = models.CharField(
        max_length=1, choices=HandlingCode.choices, blank=True, default=""
    )
    # Kept exactly as imported; never set from a form or the API.
    legacy_source_evaluation = models.CharField(max_length=1, blank=True, default="")
    legacy_intelligence_assessment = models.CharField(max_length=1, blank=True, default="")
    legacy_handling_code = models.CharField(max_length=1, blank=True, default="")
    handling_conditions = models.TextField(blank=True, default="")
    # Under handling code C, the roles allowed to see who the source is.
    source_roles = models.JSONField(default=list, blank=True)
    narrative = EncryptedTextField()
    young_people = models.ManyToManyField(
        YoungPerson, through="ReportYoungPerson", related_name="intelligence_reports"
    )
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = "intelligence report"
        indexes = [models.Index(fields=["reported_at"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("intelligence:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}-{self.pk:06d}"

    @property
    def grading(self) -> str:
        """As officers write it: "2B P", or the legacy grades as given: "B2 4 (5x5x5)"."""
        if self.grading_system == GradingSystem.FIVE_FIVE_FIVE:
            return (
                f"{self.legacy_source_evaluation}{self.legacy_intelligence_assessment} "
                f"{self.legacy_handling_code} (5x5x5)"
            )
        return f"{self.source_evaluation}{self.intelligence_assessment} {self.handling_code}"

    @property
    def has_conditions(self) -> bool:
        return self.handling_code == HandlingCode.CONDITIONS


class ReportYoungPerson(models.Model):
    """A young person a report is about: linking is a combination of records, so audited."""

    report = models.ForeignKey(IntelligenceReport, on_delete=models.CASCADE)
    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "young_person"], name="report_young_person")
        ]

    def __str__(self) -> str:
        return f"{self.report} about {self.young_person.reference}"


class Mention(models.Model):
    report = models.ForeignKey(IntelligenceReport, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        abstract = True
        ordering = ["id"]


class Sex(models.TextChoices):
    """Sex as a reporter described it (the bundle's `sex` vocabulary)."""

    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class MentionRole(models.TextChoices):
    """The person's part in what was reported (the bundle's `role_in_report`)."""

    SUBJECT = "subject", "Subject"
    ASSOCIATE = "associate", "Associate"
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    UNKNOWN = "unknown", "Not known"


class PersonMention(Mention):
    # No ethnicity, religion or nationality: protected characteristics are never recorded here.
    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="person_mentions"
    )
    name_as_written = models.CharField(max_length=200, blank=True, default="")
    given_name = models.CharField(max_length=100, blank=True, default="")
    family_name = models.CharField(max_length=100, blank=True, default="")
    nickname = models.CharField(max_length=100, blank=True, default="")
    role = models.CharField(max_length=10, choices=MentionRole.choices, default=MentionRole.UNKNOWN)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True, default="")
    # Where the report says the person lives or stays, as written.
    address = models.CharField(max_length=300, blank=True, default="")

    class Meta(Mention.Meta):
        pass

    def __str__(self) -> str:
        return self.name_as_written or self.nickname or "Unnamed person"

    @property
    def age_range(self) -> str:
        if self.age_min is None and self.age_max is None:
            return ""
        if self.age_min == self.age_max or self.age_max is None:
            return str(self.age_min)
        if self.age_min is None:
            return f"up to {self.age_max}"
        return f"{self.age_min} to {self.age_max}"


class PhoneMention(Mention):
    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="phone_mentions"
    )
    number_as_written = models.CharField(max_length=40)
    # Blank when an imported number could not be read as a UK number.
    e164 = models.CharField(max_length=20, blank=True, default="", db_index=True)
    person = models.ForeignKey(
        PersonMention, on_delete=models.SET_NULL, null=True, blank=True, related_name="phones"
    )

    class Meta(Mention.Meta):
        pass

    def __str__(self) -> str:
        return self.e164 or self.number_as_written


class VehicleMention(Mention):
    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="vehicle_mentions"
    )
    make = models.CharField(max_length=50, blank=True, default="")
    model = models.CharField(max_length=50, blank=True, default="")
    colour = models.CharField(max_length=30, blank=True, default="")
    registration_as_written = models.CharField(max_length=20, blank=True, default="")
    # Upper case, no spaces, "?" for each character not read.
    registration = models.CharField(max_length=10, blank=True, default="", db_index=True)
    is_partial = models.BooleanField(default=False)
    person = models.ForeignKey(
        PersonMention, on_delete=models.SET_NULL, null=True, blank=True, related_name="vehicles"
    )

    class Meta(Mention.Meta):
        pass

    def __str__(self) -> str:
        return (
            self.registration or self.registration_as_written or f"{self.make} {self.model}".strip()
        )


class VenueType(models.TextChoices):
    """Places where exploitation is known to happen (issue 5; the night-time economy
    guidance of the Children's Society "Nightwatch" programme)."""

    TAKEAWAY = "takeaway", "Takeaway"
    HOTEL = "hotel", "Hotel"
    PRIVATE_ADDRESS = "private_address", "Private address"
    PARK = "park", "Park"
    TAXI_OFFICE = "taxi_office", "Taxi office"
    SCHOOL = "school", "School"
    SHOP = "shop", "Shop"
    OTHER = "other", "Other"


class LocationMention(Mention):
    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="location_mentions"
    )
    venue_name = models.CharField(max_length=200, blank=True, default="")
    venue_type = models.CharField(max_length=20, choices=VenueType.choices, default=VenueType.OTHER)
    address = models.CharField(max_length=300, blank=True, default="")
    postcode = models.CharField(max_length=8, blank=True, default="", db_index=True)
    # The outward code: all some reports give.
    postcode_district = models.CharField(max_length=4, blank=True, default="", db_index=True)

    class Meta(Mention.Meta):
        pass

    def __str__(self) -> str:
        return ", ".join(part for part in (self.venue_name, self.address, self.postcode) if part)


class EventMention(Mention):
    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="event_mentions"
    )
    occurred_on = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=7, blank=True, default="day")
    what_happened = models.TextField()
    subject = models.ForeignKey(
        PersonMention, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    location = models.ForeignKey(
        LocationMention, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )

    class Meta(Mention.Meta):
        pass

    def __str__(self) -> str:
        return self.what_happened
