"""Safety plans with their actions, and the contact and visit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.core.crypto import EncryptedTextField
from cairn.youngpeople.models.record import YoungPerson


class SafetyPlan(models.Model):
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="safety_plans"
    )
    summary = EncryptedTextField()
    review_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Safety plan of {self.created_at:%d %b %Y}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class PlanAction(models.Model):
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True, default="")
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class ContactKind(models.TextChoices):
    VISIT = "visit", "Face-to-face visit"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Message"
    MEETING = "meeting", "Meeting about the young person"
    ATTEMPTED = "attempted", "Attempted contact"


class Contact(models.Model):
    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="contacts")
    happened_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    with_whom = models.CharField(max_length=200, blank=True, default="")
    notes = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["young_person", "-happened_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_at:%d %b %Y}"
