"""Forms for the young person's record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from cairn.access.models import Team, User
from cairn.core.forms import GovukForm
from cairn.youngpeople.models import (
    AliasKind,
    ClosureReason,
    EducationStatus,
    Gender,
    LookedAfterStatus,
    PlacementType,
    RiskBand,
)

# A date picker's value must be ISO (yyyy-mm-dd) whatever the locale's display format,
# or the browser shows the field empty.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YoungPersonForm(GovukForm):
    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    preferred_name = forms.CharField(label="Preferred name", max_length=100, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        widget=DATE,
        help_text="Leave blank if not known, and give an estimated age instead.",
    )
    estimated_age = forms.IntegerField(
        label="Estimated age", required=False, min_value=0, max_value=30
    )
    gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, required=False, initial=Gender.NOT_KNOWN
    )
    phone = forms.CharField(label="Young person's phone number", required=False, max_length=30)
    area = forms.CharField(label="Area", required=False, max_length=100)
    looked_after = forms.ChoiceField(
        label="Looked-after status",
        choices=LookedAfterStatus.choices,
        required=False,
        initial=LookedAfterStatus.NOT_KNOWN,
    )
    responsible_authority = forms.CharField(
        label="Responsible local authority", required=False, max_length=200
    )
    education_status = forms.ChoiceField(
        label="Education",
        choices=EducationStatus.choices,
        required=False,
        initial=EducationStatus.NOT_KNOWN,
    )
    communication_needs = forms.CharField(
        label="Communication needs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How best to talk with them; these matter if they give evidence.",
    )
    languages = forms.CharField(label="Languages", required=False, max_length=200)
    disabilities = forms.CharField(
        label="Disabilities", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    learning_disability = forms.BooleanField(label="Has a learning disability", required=False)
    summary = forms.CharField(
        label="Summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Kept encrypted. Record facts and their source.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Left unanswered, these are recorded as "not known" rather than refused.
    _NOT_KNOWN_DEFAULTS = {
        "gender": Gender.NOT_KNOWN,
        "looked_after": LookedAfterStatus.NOT_KNOWN,
        "education_status": EducationStatus.NOT_KNOWN,
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, default in self._NOT_KNOWN_DEFAULTS.items():
            if not cleaned.get(name):
                cleaned[name] = default.value
        return cleaned


class YoungPersonCreateForm(YoungPersonForm):
    holding_team = forms.ModelChoiceField(label="Holding team", queryset=Team.objects.none())
    aliases = forms.CharField(
        label="Aliases and nicknames",
        required=False,
        max_length=300,
        help_text="Separate them with commas.",
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["holding_team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teams
        if teams.count() == 1:
            field.initial = teams.first()


class SearchForm(GovukForm):
    name = forms.CharField(
        label="Name or alias",
        required=False,
        max_length=100,
        help_text="Spelling need not be exact.",
    )
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DATE)
    area = forms.CharField(label="Area", required=False, max_length=100)
    band = forms.ChoiceField(
        label="Risk band", required=False, choices=[("", "Any band"), *RiskBand.choices]
    )
    include_closed = forms.BooleanField(label="Include closed cases", required=False)


class AliasForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind of name", choices=AliasKind.choices)


class PlacementForm(GovukForm):
    placement_type = forms.ChoiceField(label="Placement", choices=PlacementType.choices)
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    started_on = forms.DateField(label="From", widget=DATE)
    ended_on = forms.DateField(label="Until", required=False, widget=DATE)


class KeyContactForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200)
    relationship = forms.CharField(label="Relationship to the young person", max_length=100)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EqualityForm(GovukForm):
    ethnicity = forms.CharField(label="Ethnicity", required=False, max_length=100)
    religion = forms.CharField(label="Religion", required=False, max_length=100)
    nationality = forms.CharField(label="Nationality", required=False, max_length=100)


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class AllocateForm(GovukForm):
    key_worker = WorkerChoiceField(
        label="Key worker", queryset=User.objects.none(), required=False, empty_label="No one"
    )
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["key_worker"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = workers


class CloseForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why is the case closing?", choices=ClosureReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(GovukForm):
    note = forms.CharField(
        label="Why is the case reopening?", widget=forms.Textarea(attrs={"rows": 3})
    )
