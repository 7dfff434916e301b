"""The auditors' search form."""

from __future__ import annotations

from typing import Any

from django import forms

from cairn.audit.models import Action
from cairn.core.forms import GovukForm


class AuditSearchForm(GovukForm):
    user = forms.CharField(label="Username", required=False)
    record_type = forms.CharField(
        label="Record type", required=False, help_text="For example, youngpeople.youngperson"
    )
    record_id = forms.CharField(label="Record number", required=False)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *Action.choices]
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned
