"""Outcomes per suspect and offence: Home Office outcome type, charge, court and attrition."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cairn.investigations.models.choices import (
    AttritionReason,
    ChargingDecision,
    CourtResult,
    OutcomeDecider,
)
from cairn.investigations.models.investigation import Investigation, Offence, Suspect

NOT_YET_ASSIGNED = 0


class OutcomeType(models.Model):
    """Reference data: the Home Office crime outcome types 0 to 22 (data migration 0002,
    source shared/domain/reference.md). 0, "not yet assigned", is never counted in totals."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}: {self.name}"


class Outcome(models.Model):
    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="outcomes"
    )
    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="outcomes")
    offence = models.ForeignKey(
        Offence, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes"
    )
    outcome_type = models.ForeignKey(OutcomeType, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(
        max_length=10, choices=OutcomeDecider.choices, blank=True, default=""
    )
    charging_decision = models.CharField(
        max_length=30, choices=ChargingDecision.choices, blank=True, default=""
    )
    charging_decision_on = models.DateField(null=True, blank=True)
    court_result = models.CharField(
        max_length=20, choices=CourtResult.choices, blank=True, default=""
    )
    court_result_on = models.DateField(null=True, blank=True)
    attrition_reason = models.CharField(
        max_length=20, choices=AttritionReason.choices, blank=True, default=""
    )
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["suspect", "id"]

    def __str__(self) -> str:
        return f"{self.suspect}: {self.outcome_type}"
