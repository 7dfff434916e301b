"""The versioned risk screening tool (reference data) and the assessments made with it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.core.crypto import EncryptedTextField
from cairn.youngpeople.models.choices import RiskBand
from cairn.youngpeople.models.record import YoungPerson


class ToolStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "In use"
    RETIRED = "retired", "Retired"


class IndicatorGroup(models.TextChoices):
    """The three groups of the SERAF-derived tools (Barnardo's Cymru, 2007)."""

    VULNERABILITY = "vulnerability", "Vulnerabilities"
    MODERATE = "moderate", "Moderate indicators (last 6 months)"
    SIGNIFICANT = "significant", "Significant indicators"


class RiskTool(models.Model):
    """One version of the screening tool. Published versions are never edited: a change is a
    new version, and every assessment keeps the version it was made with."""

    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    source = models.TextField()
    status = models.CharField(max_length=10, choices=ToolStatus.choices, default=ToolStatus.DRAFT)
    # [{"band": "mild", "min_score": 6}, ...] in ascending order of min_score.
    bands = models.JSONField()
    # [{"code": ..., "kind": ..., "params": {...}, "enabled": true, "description": ...}, ...]
    rules = models.JSONField(default=list)
    review_interval_days = models.PositiveSmallIntegerField(default=91)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="risk_tool_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"


class RiskIndicator(models.Model):
    tool = models.ForeignKey(RiskTool, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=60)
    group = models.CharField(max_length=16, choices=IndicatorGroup.choices)
    label = models.CharField(max_length=300)
    # Vulnerabilities and moderate indicators score `points` when present; significant
    # indicators score by timing: current (last 6 months), past (6-12 months ago), or both.
    points = models.PositiveSmallIntegerField(default=1)
    points_current = models.PositiveSmallIntegerField(default=5)
    points_past = models.PositiveSmallIntegerField(default=1)
    points_both = models.PositiveSmallIntegerField(default=6)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["tool", "group", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "code"], name="indicator_code_unique_in_tool")
        ]

    def __str__(self) -> str:
        return self.label


class Timing(models.TextChoices):
    PRESENT = "present", "Present"
    CURRENT = "current", "Current (last 6 months)"
    PAST = "past", "6 to 12 months ago"
    BOTH = "both", "Both current and 6 to 12 months ago"


class RiskAssessment(models.Model):
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="risk_assessments"
    )
    tool = models.ForeignKey(RiskTool, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    computed_band = models.CharField(max_length=12, choices=RiskBand.choices)
    # What lifted the computed band, if a local rule did, in words.
    rule_notes = models.JSONField(default=list, blank=True)
    override_band = models.CharField(
        max_length=12, choices=RiskBand.choices, blank=True, default=""
    )
    override_rationale = EncryptedTextField(blank=True, default="")
    # The band in force: the professional override if given, else the computed band.
    band = models.CharField(max_length=12, choices=RiskBand.choices)
    next_review_due = models.DateField()
    notes = EncryptedTextField(blank=True, default="")
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["young_person", "-assessed_on"])]

    def __str__(self) -> str:
        return f"Risk assessment on {self.assessed_on:%d %b %Y}: {self.get_band_display()}"


class RiskAnswer(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(RiskIndicator, on_delete=models.PROTECT, related_name="+")
    timing = models.CharField(max_length=8, choices=Timing.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.timing}"
