"""The subject access export form: the justification every disclosure is logged with."""

from __future__ import annotations

from django import forms

from cairn.core.forms import GovukForm


class ExportForm(GovukForm):
    justification = forms.CharField(
        label="Subject access request reference or reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the reference of the request from the young person or their "
        "representative. It is recorded in the audit trail with the download.",
    )
