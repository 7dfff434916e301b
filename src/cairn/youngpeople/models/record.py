"""The young person's record: the first person record behind the need-to-know access layer."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cairn.access.models import Team
from cairn.core.crypto import EncryptedTextField
from cairn.youngpeople.models.choices import (
    CaseStatus,
    ClosureReason,
    EducationStatus,
    Gender,
    LookedAfterStatus,
    PlacementType,
)


class YoungPerson(models.Model):
    REFERENCE_PREFIX = "YP"

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_KNOWN)
    phone = models.CharField(max_length=20, blank=True, default="", help_text="E.164")
    area = models.CharField(max_length=100, blank=True, default="", db_index=True)
    looked_after = models.CharField(
        max_length=20, choices=LookedAfterStatus.choices, default=LookedAfterStatus.NOT_KNOWN
    )
    responsible_authority = models.CharField(max_length=200, blank=True, default="")
    education_status = models.CharField(
        max_length=20, choices=EducationStatus.choices, default=EducationStatus.NOT_KNOWN
    )
    # Needs that matter at court (special measures) and in every contact.
    communication_needs = models.TextField(blank=True, default="")
    languages = models.CharField(max_length=200, blank=True, default="")
    disabilities = models.TextField(blank=True, default="")
    # Used by one configurable local risk rule (shared/domain/reference.md, "Risk assessment").
    learning_disability = models.BooleanField(default=False)
    holding_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="young_people")
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closure_reason = models.CharField(
        max_length=20, choices=ClosureReason.choices, blank=True, default=""
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Free text that may hold disclosures is encrypted at rest.
    summary = EncryptedTextField(blank=True, default="")
    # Phonetic keys of every name and alias, for spelling-tolerant search (derived on save).
    name_keys = models.CharField(max_length=500, blank=True, default="", db_index=True)
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name = "young person"
        verbose_name_plural = "young people"
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["key_worker", "status"]),
            models.Index(fields=["holding_team", "status"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("youngpeople:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return self.estimated_age
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class AliasKind(models.TextChoices):
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname"
    PREVIOUS_NAME = "previous", "Previous name"
    SPELLING = "spelling", "Other spelling"


class Alias(models.Model):
    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AliasKind.choices, default=AliasKind.ALIAS)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return self.name


class Placement(models.Model):
    """Where the young person lives or lived: the placement and address history."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="placements"
    )
    placement_type = models.CharField(max_length=20, choices=PlacementType.choices)
    address = EncryptedTextField(blank=True, default="")
    postcode = models.CharField(max_length=10, blank=True, default="")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_placement_type_display()} from {self.started_on:%d %b %Y}"


class KeyContact(models.Model):
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="key_contacts"
    )
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    phone = models.CharField(max_length=40, blank=True, default="")
    notes = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class EqualityMonitoring(models.Model):
    """Equality-monitoring data, kept apart: never read by any score, match or suggestion."""

    young_person = models.OneToOneField(
        YoungPerson, on_delete=models.CASCADE, related_name="equality_monitoring"
    )
    ethnicity = models.CharField(max_length=100, blank=True, default="")
    religion = models.CharField(max_length=100, blank=True, default="")
    nationality = models.CharField(max_length=100, blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Equality monitoring for {self.young_person_id}"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", "Case opened"
    ALLOCATED = "allocated", "Allocated"
    CLOSED = "closed", "Case closed"
    REOPENED = "reopened", "Case reopened"


class CaseEvent(models.Model):
    """Allocation, closure and reopening: the case's own history, shown on the chronology."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="case_events"
    )
    kind = models.CharField(max_length=12, choices=CaseEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.at:%d %b %Y}"
