"""Forms for recording and finding intelligence reports (GOV.UK Design System styling)."""

from __future__ import annotations

from typing import Any

from django import forms

from cairn.access.models import Organisation, Team
from cairn.access.permissions import Role
from cairn.core.forms import GovukForm
from cairn.intelligence.models import (
    DEFAULT_SOURCE_ROLES,
    HandlingCode,
    IntelligenceAssessment,
    MentionRole,
    Sex,
    SourceEvaluation,
    SourceType,
    VenueType,
)

_BLANK = [("", "Select")]
_DATE = forms.DateInput(attrs={"type": "date"})


class ReportForm(GovukForm):
    owning_team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Recording team")
    reported_at = forms.DateTimeField(
        label="Date and time of the report",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    source_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label="Source organisation (optional)",
    )
    source_type = forms.ChoiceField(choices=_BLANK + SourceType.choices, label="Who is the source?")
    # Choice fields whose values the service checks, so anything outside 3x5x2 gets its message.
    source_evaluation = forms.CharField(
        label="Source evaluation",
        help_text="1 reliable, 2 untested, 3 not reliable",
        widget=forms.Select(choices=_BLANK + SourceEvaluation.choices),
        required=False,
    )
    intelligence_assessment = forms.CharField(
        label="Intelligence assessment",
        help_text="A known directly … E suspected to be false",
        widget=forms.Select(choices=_BLANK + IntelligenceAssessment.choices),
        required=False,
    )
    handling_code = forms.CharField(
        label="Handling code",
        widget=forms.Select(choices=_BLANK + HandlingCode.choices),
        required=False,
    )
    handling_conditions = forms.CharField(
        label="Handling conditions (required for handling code C)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    source_roles = forms.MultipleChoiceField(
        label="Under handling code C, who may see the source details?",
        choices=[
            (role.value, role.label) for role in Role if role not in {Role.ADMIN, Role.AUDITOR}
        ],
        initial=DEFAULT_SOURCE_ROLES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    narrative = forms.CharField(
        label="What was reported",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    young_people = forms.CharField(
        label="Young people this report is about (optional)",
        help_text="References separated by commas, for example YP-000012",
        required=False,
    )

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owning_team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teams if teams is not None else Team.objects.none()

    def young_person_ids(self) -> list[int]:
        """Ids from "YP-000012, 13"; a ValidationError names the one not understood."""
        ids = []
        for part in self.cleaned_data.get("young_people", "").split(","):
            part = part.strip().upper().removeprefix("YP-").removeprefix("YP")
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError({"young_people": f"“{part}” is not a reference"})
            ids.append(int(part))
        return ids


class ReportEditForm(ReportForm):
    """The report's own fields; mentions are recorded with the report."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["owning_team"]
        del self.fields["young_people"]


class LinkYoungPersonForm(GovukForm):
    young_person = forms.CharField(
        label="Link a young person", help_text="Their reference, for example YP-000012"
    )

    def clean_young_person(self) -> int:
        raw = self.cleaned_data["young_person"].strip().upper()
        number = raw.removeprefix("YP-").removeprefix("YP")
        if not number.isdigit():
            raise forms.ValidationError(f"“{raw}” is not a reference such as YP-000012")
        return int(number)


class MentionForm(GovukForm):
    """Every field optional: a row left blank is not a mention."""

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(value for value in data.values())


class PersonMentionForm(MentionForm):
    name_as_written = forms.CharField(label="Name as written", required=False)
    nickname = forms.CharField(label="Nickname or alias", required=False)
    role = forms.ChoiceField(
        label="Part in what was reported", choices=_BLANK + MentionRole.choices, required=False
    )
    sex = forms.ChoiceField(label="Sex", choices=_BLANK + Sex.choices, required=False)
    date_of_birth = forms.DateField(label="Date of birth", widget=_DATE, required=False)
    age_min = forms.IntegerField(label="Age from", min_value=0, max_value=120, required=False)
    age_max = forms.IntegerField(label="Age to", min_value=0, max_value=120, required=False)
    description = forms.CharField(label="Description", required=False)
    address = forms.CharField(
        label="Address (where they live or stay)", max_length=300, required=False
    )


class PhoneMentionForm(MentionForm):
    number_as_written = forms.CharField(label="Number as written", required=False)
    person = forms.IntegerField(label="Person number (optional)", min_value=1, required=False)


class VehicleMentionForm(MentionForm):
    registration_as_written = forms.CharField(
        label="Registration", help_text="Use ? for characters not read", required=False
    )
    make = forms.CharField(label="Make", required=False)
    model = forms.CharField(label="Model", required=False)
    colour = forms.CharField(label="Colour", required=False)
    person = forms.IntegerField(label="Person number (optional)", min_value=1, required=False)


class LocationMentionForm(MentionForm):
    venue_name = forms.CharField(label="Venue name", required=False)
    venue_type = forms.ChoiceField(
        label="Kind of place", choices=_BLANK + VenueType.choices, required=False
    )
    address = forms.CharField(label="Address", required=False)
    postcode = forms.CharField(label="Postcode", required=False)


class EventMentionForm(MentionForm):
    occurred_on = forms.DateField(label="Date", widget=_DATE, required=False)
    what_happened = forms.CharField(label="What happened", required=False)
    subject = forms.IntegerField(label="Person number (optional)", min_value=1, required=False)
    location = forms.IntegerField(label="Location number (optional)", min_value=1, required=False)


# (prefix, heading, form, positional fields referring to other rows, numbered from 1 on the page)
MENTION_KINDS: list[tuple[str, str, type[MentionForm]]] = [
    ("people", "People", PersonMentionForm),
    ("phones", "Phones", PhoneMentionForm),
    ("vehicles", "Vehicles", VehicleMentionForm),
    ("locations", "Locations", LocationMentionForm),
    ("events", "Events", EventMentionForm),
]
POSITION_FIELDS = {"person", "subject", "location"}
MentionFormSet = {
    prefix: forms.formset_factory(form, extra=0, min_num=1, validate_min=False)
    for prefix, _, form in MENTION_KINDS
}


class SearchForm(GovukForm):
    text = forms.CharField(label="Name, phone, registration or place mentioned", required=False)
    date_from = forms.DateField(label="Reported from", widget=_DATE, required=False)
    date_to = forms.DateField(label="Reported to", widget=_DATE, required=False)
