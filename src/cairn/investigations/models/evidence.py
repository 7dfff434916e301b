"""Evidence: the catalogue of types, the items sought and obtained, and lines of enquiry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.core.crypto import EncryptedTextField
from cairn.investigations.models.choices import (
    EvidenceSource,
    EvidenceStatus,
    IndependenceOverride,
    LineOfEnquiryKind,
    LineOfEnquiryStatus,
)
from cairn.investigations.models.investigation import Incident, Investigation, Suspect
from cairn.linkage.models import LocationEntity, PhoneEntity, VehicleEntity
from cairn.youngpeople.models import YoungPerson


class EvidenceType(models.Model):
    """Reference data: a kind of evidence and whether it rests on the child's own account by
    default (data migration 0002, citing issue 7 and the prosecution guidance)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True, default="")
    depends_on_child_account = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class EvidenceItem(models.Model):
    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="evidence_items"
    )
    evidence_type = models.ForeignKey(EvidenceType, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=EvidenceSource.choices)
    dated = models.DateField(null=True, blank=True)
    # What the item shows may repeat a disclosure: encrypted at rest.
    shows = EncryptedTextField(blank=True, default="")
    suspects = models.ManyToManyField(Suspect, blank=True, related_name="evidence_items")
    incidents = models.ManyToManyField(Incident, blank=True, related_name="evidence_items")
    status = models.CharField(
        max_length=20, choices=EvidenceStatus.choices, default=EvidenceStatus.IDENTIFIED
    )
    status_changed_on = models.DateField(null=True, blank=True)
    independence_override = models.CharField(
        max_length=12, choices=IndependenceOverride.choices, blank=True, default=""
    )
    override_reason = models.TextField(blank=True, default="")
    # What the item is about, so lines of enquiry can tell what is already covered.
    phone = models.ForeignKey(
        PhoneEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vehicle = models.ForeignKey(
        VehicleEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        LocationEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dated", "id"]

    def __str__(self) -> str:
        return f"{self.evidence_type.name} ({self.get_status_display()})"

    @property
    def derived_independent(self) -> bool:
        """Independent unless its type rests on the child's account or the child is its source."""
        return not (
            self.evidence_type.depends_on_child_account or self.source == EvidenceSource.CHILD
        )

    @property
    def is_independent(self) -> bool:
        if self.independence_override == IndependenceOverride.INDEPENDENT:
            return True
        if self.independence_override == IndependenceOverride.DEPENDENT:
            return False
        return self.derived_independent


class LineOfEnquiry(models.Model):
    """A next step suggested from the network and not yet covered by an evidence item."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="lines_of_enquiry"
    )
    suspect = models.ForeignKey(
        Suspect, on_delete=models.CASCADE, null=True, blank=True, related_name="lines_of_enquiry"
    )
    kind = models.CharField(max_length=20, choices=LineOfEnquiryKind.choices)
    subject_key = models.CharField(max_length=100)
    phone = models.ForeignKey(
        PhoneEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vehicle = models.ForeignKey(
        VehicleEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        LocationEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    basis = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=LineOfEnquiryStatus.choices, default=LineOfEnquiryStatus.OPEN
    )
    reason = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    evidence_item = models.ForeignKey(
        EvidenceItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name_plural = "lines of enquiry"
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "kind", "subject_key", "suspect"],
                name="investigations_line_of_enquiry_unique",
            ),
            # NULLs are distinct in a unique constraint: without this one, lines with no
            # suspect (young people, venues) could be stored twice.
            models.UniqueConstraint(
                fields=["investigation", "kind", "subject_key"],
                condition=models.Q(suspect__isnull=True),
                name="investigations_line_of_enquiry_unique_without_suspect",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_key}"
