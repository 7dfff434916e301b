"""Forms for young people's records."""

from __future__ import annotations

from typing import Any

from django import forms

from cairn.access.models import Team
from cairn.core.forms import GovukForm
from cairn.youngpeople.models import Gender


class YoungPersonForm(GovukForm):
    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    preferred_name = forms.CharField(label="Preferred name", max_length=100, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank if not known, and give an estimated age instead.",
    )
    estimated_age = forms.IntegerField(
        label="Estimated age", required=False, min_value=0, max_value=30
    )
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices)
    summary = forms.CharField(
        label="Summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Kept encrypted. Record facts and their source.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        missing = not cleaned.get("date_of_birth") and cleaned.get("estimated_age") is None
        if missing and "date_of_birth" not in self.errors:
            self.add_error("date_of_birth", "Enter a date of birth or an estimated age")
        return cleaned


class YoungPersonCreateForm(YoungPersonForm):
    holding_team = forms.ModelChoiceField(label="Holding team", queryset=Team.objects.none())

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["holding_team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teams
        if teams.count() == 1:
            field.initial = teams.first()


class SearchForm(GovukForm):
    name = forms.CharField(label="Name", required=False, max_length=100)
