"""A record of every bundle loaded into this instance, so a demo load is done once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LoadedBundle(models.Model):
    name = models.CharField(max_length=200)
    digest = models.CharField(max_length=64, db_index=True)
    synthetic = models.BooleanField()
    counts = models.JSONField(default=dict, blank=True)
    not_imported = models.JSONField(default=list, blank=True)
    loaded_by = models.CharField(max_length=150)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.loaded_at:%d %b %Y %H:%M})"
