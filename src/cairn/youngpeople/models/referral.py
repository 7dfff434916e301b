"""Referrals: how a young person comes to the service, and the screening decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cairn.access.models import LawfulBasis, Team
from cairn.core.crypto import EncryptedTextField
from cairn.youngpeople.models.record import YoungPerson


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine (within 5 working days)"
    URGENT = "urgent", "Urgent (within 1 working day)"
    IMMEDIATE = "immediate", "Immediate risk (today)"


class Consent(models.TextChoices):
    GIVEN = "given", "Young person or carer consents"
    REFUSED = "refused", "Consent refused; referring without it"
    NOT_SOUGHT = "not_sought", "Not sought: it would increase the risk"


class ReferralStatus(models.TextChoices):
    AWAITING_SCREENING = "awaiting", "Awaiting screening"
    ACCEPTED = "accepted", "Accepted and allocated"
    SIGNPOSTED = "signposted", "Signposted elsewhere"
    NO_FURTHER_ACTION = "nfa", "No further action"


class ScreeningDecision(models.TextChoices):
    ACCEPT = "accepted", "Accept and allocate"
    SIGNPOST = "signposted", "Signpost elsewhere"
    NO_FURTHER_ACTION = "nfa", "No further action"


class Referral(models.Model):
    """A person record in its own right until screened: visible to the receiving team."""

    REFERENCE_PREFIX = "RF"

    receiving_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    received_at = models.DateTimeField(default=timezone.now)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referrer_name = models.CharField(max_length=200)
    referrer_organisation = models.CharField(max_length=200)
    referrer_contact = models.CharField(max_length=200)
    # Who the referral is about, as the referrer gave it.
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    aliases = models.CharField(max_length=300, blank=True, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True, default="")
    area = models.CharField(max_length=100, blank=True, default="")
    reason = EncryptedTextField()
    concerns = models.JSONField(default=list, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    consent = models.CharField(max_length=12, choices=Consent.choices)
    lawful_basis = models.CharField(max_length=32, choices=LawfulBasis.choices)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING_SCREENING
    )
    decision_reason = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # The referrer said the possible matches shown were a different child.
    confirmed_different = models.BooleanField(default=False)
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["receiving_team", "status"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("youngpeople:referral-detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}-{self.pk:06d}"

    @property
    def subject_name(self) -> str:
        return f"{self.given_name} {self.family_name}"
