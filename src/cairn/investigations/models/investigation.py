"""The investigation, the people on it, its key dates, incidents and offences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cairn.access.models import Team
from cairn.investigations.models.choices import (
    InvestigationOrigin,
    InvestigationStatus,
    KeyDateKind,
    OffenceCategory,
    Sex,
    WitnessType,
)
from cairn.linkage.models import LocationEntity, PersonEntity
from cairn.youngpeople.models import YoungPerson


class Investigation(models.Model):
    """A police investigation: a person record behind need-to-know, held by its team."""

    REFERENCE_PREFIX = "OP"

    operation_name = models.CharField(max_length=100)
    # A list of OffenceCategory values; the services check each one.
    offence_types = models.JSONField(default=list, blank=True)
    officer_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigations_in_charge",
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="investigations")
    status = models.CharField(
        max_length=20, choices=InvestigationStatus.choices, default=InvestigationStatus.OPEN
    )
    origin = models.CharField(
        max_length=20, choices=InvestigationOrigin.choices, blank=True, default=""
    )
    started_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    liaison_name = models.CharField("prosecution liaison", max_length=200, blank=True, default="")
    liaison_role = models.CharField(max_length=200, blank=True, default="")
    liaison_email = models.EmailField(blank=True, default="")
    liaison_phone = models.CharField(max_length=30, blank=True, default="")
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "investigation"
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.operation_name}"

    def get_absolute_url(self) -> str:
        return reverse("investigations:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}-{self.pk:06d}"

    @property
    def offence_labels(self) -> list[str]:
        labels = dict(OffenceCategory.choices)
        return [str(labels.get(code, code)) for code in self.offence_types]


class KeyDate(models.Model):
    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="key_dates"
    )
    kind = models.CharField(max_length=20, choices=KeyDateKind.choices)
    on = models.DateField()
    note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%d %b %Y}"


class Victim(models.Model):
    """A child named as a victim; linked to their record only through the access layer."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="victims"
    )
    young_person = models.ForeignKey(
        YoungPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigation_victims",
    )
    name_as_recorded = models.CharField(max_length=200)
    age_at_offence = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    supports_prosecution = models.BooleanField(null=True, blank=True)
    withdrew_on = models.DateField(null=True, blank=True)
    abe_interview_on = models.DateField("ABE interview date", null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["name_as_recorded", "id"]

    def __str__(self) -> str:
        return self.name_as_recorded


class Suspect(models.Model):
    """A person suspected, as recorded; resolved to a linkage person entity when known."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="suspects"
    )
    person = models.ForeignKey(
        PersonEntity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="investigation_suspects",
    )
    name_as_recorded = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    arrested_on = models.DateField(null=True, blank=True)
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["name_as_recorded", "id"]

    def __str__(self) -> str:
        return self.name_as_recorded


class Witness(models.Model):
    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="witnesses"
    )
    witness_type = models.CharField(max_length=20, choices=WitnessType.choices)
    name_as_recorded = models.CharField(max_length=200)
    young_person = models.ForeignKey(
        YoungPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigation_witnesses",
    )
    statement_on = models.DateField(null=True, blank=True)
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["name_as_recorded", "id"]
        verbose_name_plural = "witnesses"

    def __str__(self) -> str:
        return self.name_as_recorded


class Incident(models.Model):
    """An alleged incident: when (a day or a range), where, and who was involved."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="incidents"
    )
    title = models.CharField(max_length=200)
    occurred_from = models.DateField()
    occurred_to = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True, default="")
    location = models.ForeignKey(
        LocationEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    victims = models.ManyToManyField(Victim, blank=True, related_name="incidents")
    suspects = models.ManyToManyField(Suspect, blank=True, related_name="incidents")
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["occurred_from", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def when(self) -> str:
        if self.occurred_to and self.occurred_to != self.occurred_from:
            return f"{self.occurred_from:%d %b %Y} to {self.occurred_to:%d %b %Y}"
        return f"{self.occurred_from:%d %b %Y}"


class Offence(models.Model):
    """An offence alleged in an incident against one suspect."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="offences")
    category = models.CharField(max_length=40, choices=OffenceCategory.choices)
    suspect = models.ForeignKey(
        Suspect, on_delete=models.CASCADE, null=True, blank=True, related_name="offences"
    )

    class Meta:
        ordering = ["incident", "id"]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_category_display()}"
