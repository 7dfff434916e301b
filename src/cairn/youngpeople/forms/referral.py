"""Forms for making a referral, checking for an existing record, and screening."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from cairn.access.models import LawfulBasis, Team, User
from cairn.core.forms import GovukForm
from cairn.youngpeople.forms.record import WorkerChoiceField
from cairn.youngpeople.models import (
    Consent,
    IndicatorGroup,
    RiskTool,
    ScreeningDecision,
    Urgency,
    YoungPerson,
)
from cairn.youngpeople.services import normalise_phone

DATE = forms.DateInput(attrs={"type": "date"})
# The value of the "none of these is this child" answer to the possible-duplicate question.
DIFFERENT = "different"
NEW_RECORD = "new"


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.organisation.name}: {obj.name}"


class IdentityForm(GovukForm):
    """Who the referral is about: also what the possible-duplicate check reads."""

    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    aliases = forms.CharField(
        label="Other names, aliases and nicknames",
        required=False,
        max_length=300,
        help_text="Separate them with commas.",
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        widget=DATE,
        help_text="Leave blank if not known, and give an estimated age instead.",
    )
    # The upper limit is the service's (a young person is under MAX_AGE), with its message.
    estimated_age = forms.IntegerField(
        label="Estimated age", required=False, min_value=0, max_value=120
    )
    phone = forms.CharField(label="Young person's phone number", required=False, max_length=30)

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data.get("phone", ""))
        except ValidationError as error:
            raise ValidationError(error.message_dict["phone"]) from error

    def check_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `possible_duplicates` taken from the cleaned form."""
        data = self.cleaned_data
        return {
            "given_name": data.get("given_name", "").strip(),
            "family_name": data.get("family_name", "").strip(),
            "aliases": data.get("aliases", ""),
            "date_of_birth": data.get("date_of_birth"),
            "estimated_age": data.get("estimated_age"),
            "phone": data.get("phone", ""),
        }


class DuplicateCheckForm(IdentityForm):
    """The possible-duplicate check accepts part of a name: it runs while the form is filled."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class ReferralForm(IdentityForm):
    receiving_team = TeamChoiceField(
        label="Team to refer to",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
    )
    referrer_name = forms.CharField(label="Your name", max_length=200)
    referrer_organisation = forms.CharField(label="Your organisation", max_length=200)
    referrer_contact = forms.CharField(
        label="How to contact you",
        max_length=200,
        help_text="A phone number or email address the receiving team can use.",
    )
    area = forms.CharField(label="Area where they live", required=False, max_length=100)
    reason = forms.CharField(
        label="Why are you referring them?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What has happened, who told you, and what worries you. Kept encrypted.",
    )
    concerns = forms.MultipleChoiceField(
        label="Concerns",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every indicator you know of.",
    )
    urgency = forms.ChoiceField(
        label="How urgent is this referral?", choices=Urgency.choices, widget=forms.RadioSelect
    )
    consent = forms.ChoiceField(
        label="Consent to the referral", choices=Consent.choices, widget=forms.RadioSelect
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing this information",
        choices=[("", "Choose a lawful basis")]
        + [choice for choice in LawfulBasis.choices if choice[0] != LawfulBasis.OWNER],
    )
    # Answered in the possible-duplicate section: a visible record's id, or DIFFERENT.
    existing_young_person = forms.CharField(required=False, widget=forms.HiddenInput)
    confirmed_different = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, tool: RiskTool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["receiving_team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = Team.objects.select_related("organisation").order_by(
            "organisation__name", "name"
        )
        self.indicators = list(tool.indicators.all())
        concerns = self.fields["concerns"]
        assert isinstance(concerns, forms.MultipleChoiceField)
        concerns.choices = [(indicator.code, indicator.label) for indicator in self.indicators]

    def concern_groups(self) -> list[tuple[str, list[Any]]]:
        """The concern checkboxes grouped as the risk tool groups its indicators."""
        group_of = {indicator.code: indicator.group for indicator in self.indicators}
        options = list(self["concerns"].subwidgets)
        return [
            (label, [option for option in options if group_of.get(option.data["value"]) == group])
            for group, label in IndicatorGroup.choices
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = (cleaned.get("existing_young_person") or "").strip()
        cleaned["existing_young_person"] = None
        if chosen == DIFFERENT:
            cleaned["confirmed_different"] = True
        elif chosen:
            if not chosen.isdigit():
                self.add_error("existing_young_person", "Choose one of the records shown")
            else:
                cleaned["existing_young_person"] = int(chosen)
        return cleaned


class ScreeningForm(GovukForm):
    decision = forms.ChoiceField(
        label="Screening decision", choices=ScreeningDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 4})
    )
    key_worker = WorkerChoiceField(
        label="Key worker",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose a key worker",
        help_text="A practitioner in the receiving team.",
    )
    record = forms.ChoiceField(
        label="Which record is this child?", required=False, widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args: Any,
        workers: QuerySet[User],
        records: list[YoungPerson],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        worker_field = self.fields["key_worker"]
        assert isinstance(worker_field, forms.ModelChoiceField)
        worker_field.queryset = workers
        self.records = {record.pk: record for record in records}
        record_field = self.fields["record"]
        assert isinstance(record_field, forms.ChoiceField)
        record_field.choices = [
            (NEW_RECORD, "Create a new record"),
            *(
                (str(record.pk), f"Attach to {record.full_name} ({record.reference})")
                for record in records
            ),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["young_person"] = None
        if cleaned.get("decision") == ScreeningDecision.ACCEPT:
            if not cleaned.get("key_worker"):
                self.add_error("key_worker", "Choose a key worker to allocate the case to")
            record = cleaned.get("record") or NEW_RECORD
            if record != NEW_RECORD:
                cleaned["young_person"] = self.records[int(record)]
        return cleaned
