"""Missing and absent episodes, and the return-home interview after each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.core.crypto import EncryptedTextField
from cairn.youngpeople.models.record import YoungPerson


class EpisodeKind(models.TextChoices):
    """Missing: whereabouts unknown; absent: not where expected but whereabouts known
    (Department for Education, statutory guidance on children who run away or go missing, 2014)."""

    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent"


class InterviewStatus(models.TextChoices):
    NOT_OFFERED = "not_offered", "Not yet offered"
    OFFERED = "offered", "Offered"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


class MissingEpisode(models.Model):
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="missing_episodes"
    )
    kind = models.CharField(max_length=8, choices=EpisodeKind.choices, default=EpisodeKind.MISSING)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.CharField(max_length=200)
    where_found = models.CharField(max_length=200, blank=True, default="")
    found_with = models.CharField(max_length=300, blank=True, default="")
    police_reference = models.CharField(max_length=50, blank=True, default="")
    notes = EncryptedTextField(blank=True, default="")
    # Return-home interview: to be offered within 72 hours of return (DfE guidance, 2014).
    interview_status = models.CharField(
        max_length=12, choices=InterviewStatus.choices, default=InterviewStatus.NOT_OFFERED
    )
    interview_offered_at = models.DateTimeField(null=True, blank=True)
    interview_done_at = models.DateTimeField(null=True, blank=True)
    interview_by = models.CharField(max_length=200, blank=True, default="")
    interview_learned = EncryptedTextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["young_person", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_at:%d %b %Y %H:%M}"
