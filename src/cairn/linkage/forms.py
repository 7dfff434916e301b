"""Forms for analysts' decisions on proposed links and for unmerging."""

from __future__ import annotations

from django import forms

from cairn.core.forms import GovukForm
from cairn.linkage.models import Decision


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        widget=forms.RadioSelect,
        label="Are these mentions the same person?",
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason (optional)",
    )


class UnmergeForm(GovukForm):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason (optional)",
    )
