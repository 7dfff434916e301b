"""The form for dismissing a line of enquiry."""

from __future__ import annotations

from django import forms

from cairn.core.forms import GovukForm


class DismissForm(GovukForm):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is this line of enquiry dismissed?",
    )
