"""The young person's record: the first person record behind the need-to-know access layer."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cairn.access.models import Team
from cairn.core.crypto import EncryptedTextField


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Described another way"
    NOT_KNOWN = "not_known", "Not known"


class YoungPerson(models.Model):
    REFERENCE_PREFIX = "YP"

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_KNOWN)
    holding_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="young_people")
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
    )
    # Free text that may hold disclosures is encrypted at rest.
    summary = EncryptedTextField(blank=True, default="")
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name = "young person"
        verbose_name_plural = "young people"
        indexes = [models.Index(fields=["family_name", "given_name"])]

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

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return self.estimated_age
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
