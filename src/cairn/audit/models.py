"""The append-only, hash-chained audit log required by the Data Protection Act 2018 s.62."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    """What was done. The first six are the operations DPA 2018 s.62(1) requires to be logged."""

    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    # Security events, kept in the same chain so their order cannot be disputed.
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SIGN_OUT = "sign_out", "Signed out"
    TWO_FACTOR = "two_factor", "Two-factor change"
    BREAK_GLASS = "break_glass", "Break-glass access"
    ADMINISTRATION = "administration", "Administration"


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit entries are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries are never deleted.")


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        db_constraint=False,
    )
    username = models.CharField(max_length=150, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=16, default="web")
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    record_type = models.CharField(max_length=64, blank=True, default="", db_index=True)
    record_ids = models.JSONField(default=list, blank=True)
    summary = models.CharField(max_length=300, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)
    justification = models.TextField(blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit entries are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries are never deleted.")

    def canonical(self) -> dict[str, Any]:
        """The fields the hash covers, in a form that survives a database round trip."""
        return {
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "user_id": self.user_id,
            "username": self.username,
            "ip_address": self.ip_address or "",
            "channel": self.channel,
            "action": self.action,
            "record_type": self.record_type,
            "record_ids": [str(record_id) for record_id in self.record_ids],
            "summary": self.summary,
            "detail": self.detail,
            "justification": self.justification,
        }

    def compute_hash(self) -> str:
        payload = json.dumps(
            self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(f"{self.prev_hash}\n{payload}".encode()).hexdigest()
