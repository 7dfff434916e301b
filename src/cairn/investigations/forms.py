"""GOV.UK forms for investigations: the investigation, its people, incidents, evidence and
outcomes. Choices of suspects and incidents are limited to the investigation's own."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from cairn.access.models import Team, User
from cairn.core.forms import GovukForm
from cairn.investigations.models import (
    AttritionReason,
    ChargingDecision,
    CourtResult,
    EvidenceSource,
    EvidenceStatus,
    EvidenceType,
    Incident,
    IndependenceOverride,
    Investigation,
    InvestigationOrigin,
    InvestigationStatus,
    KeyDateKind,
    Offence,
    OffenceCategory,
    OutcomeDecider,
    OutcomeType,
    Sex,
    Suspect,
    Victim,
    WitnessType,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YOUNG_PERSON_REFERENCE = re.compile(r"^\s*(?:YP-?)?0*(\d{1,9})\s*$", re.IGNORECASE)


def _blank(choices: Any, label: str = "Not recorded") -> list[tuple[str, str]]:
    return [("", label), *choices]


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class InvestigationForm(GovukForm):
    operation_name = forms.CharField(label="Operation name", max_length=100)
    offence_types = forms.MultipleChoiceField(
        label="Offences investigated",
        choices=OffenceCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    officer_in_charge = OfficerField(
        label="Officer in charge", queryset=User.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label="Status", choices=InvestigationStatus.choices, initial=InvestigationStatus.OPEN
    )
    origin = forms.ChoiceField(
        label="How it started", choices=_blank(InvestigationOrigin.choices), required=False
    )
    started_on = forms.DateField(label="Start date", widget=DATE)
    closed_on = forms.DateField(label="Closing date", widget=DATE, required=False)
    liaison_name = forms.CharField(
        label="Prosecution liaison: name", max_length=200, required=False
    )
    liaison_role = forms.CharField(label="Their role", max_length=200, required=False)
    liaison_email = forms.EmailField(label="Their email address", required=False)
    liaison_phone = forms.CharField(label="Their phone number", max_length=30, required=False)

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officer = self.fields["officer_in_charge"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = officers


class InvestigationFilterForm(GovukForm):
    """The investigation list's filters (a GET form: every field optional)."""

    q = forms.CharField(label="Operation name or reference", max_length=100, required=False)
    status = forms.ChoiceField(
        label="Status", choices=_blank(InvestigationStatus.choices, "Any"), required=False
    )
    offence = forms.ChoiceField(
        label="Offence investigated", choices=_blank(OffenceCategory.choices, "Any"), required=False
    )
    officer = OfficerField(
        label="Officer in charge", queryset=User.objects.none(), required=False, empty_label="Any"
    )
    closed = forms.BooleanField(label="Include closed investigations", required=False)

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = officers


class InvestigationCreateForm(InvestigationForm):
    team = forms.ModelChoiceField(label="Investigating team", queryset=Team.objects.none())

    field_order = ["team"]

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = teams
        if len(teams) == 1:
            team.initial = teams[0].pk


class KeyDateForm(GovukForm):
    kind = forms.ChoiceField(label="What the date is for", choices=KeyDateKind.choices)
    on = forms.DateField(label="Date", widget=DATE)
    note = forms.CharField(label="Note", max_length=300, required=False)


class YoungPersonReferenceField(forms.CharField):
    """A young person's record reference (YP-000123), as the key worker gives it."""

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        match = YOUNG_PERSON_REFERENCE.match(text)
        if match is None:
            raise forms.ValidationError("Enter a record reference like YP-000123")
        return int(match.group(1))


class VictimForm(GovukForm):
    name_as_recorded = forms.CharField(label="Name as recorded", max_length=200)
    young_person = YoungPersonReferenceField(
        label="Young person's record reference",
        required=False,
        help_text="For example YP-000123. You can link only records you are allowed to see.",
    )
    age_at_offence = forms.IntegerField(
        label="Age at the time of the offences", required=False, min_value=0, max_value=17
    )
    sex = forms.ChoiceField(label="Sex as recorded", choices=Sex.choices, initial=Sex.NOT_KNOWN)
    supports_prosecution = forms.NullBooleanField(
        label="Does the victim support police action?",
        required=False,
        widget=forms.Select(choices=[("unknown", "Not known"), ("true", "Yes"), ("false", "No")]),
    )
    withdrew_on = forms.DateField(label="Withdrew support on", widget=DATE, required=False)
    abe_interview_on = forms.DateField(
        label="Achieving Best Evidence (ABE) interview date", widget=DATE, required=False
    )


class VictimEditForm(VictimForm):
    """A victim's details as recorded; the link to a young person is made when adding them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["young_person"]


class SuspectForm(GovukForm):
    name_as_recorded = forms.CharField(label="Name as recorded", max_length=200)
    date_of_birth = forms.DateField(label="Date of birth", widget=DATE, required=False)
    estimated_age = forms.IntegerField(
        label="Estimated age",
        required=False,
        min_value=10,
        max_value=119,
        help_text="If the date of birth is not known.",
    )
    sex = forms.ChoiceField(label="Sex as recorded", choices=Sex.choices, initial=Sex.NOT_KNOWN)
    arrested_on = forms.DateField(label="Arrested on", widget=DATE, required=False)


class WitnessForm(GovukForm):
    witness_type = forms.ChoiceField(label="Kind of witness", choices=WitnessType.choices)
    name_as_recorded = forms.CharField(label="Name as recorded", max_length=200)
    young_person = YoungPersonReferenceField(
        label="Young person's record reference, if the witness is a young person",
        required=False,
        help_text="For example YP-000123. You can link only records you are allowed to see.",
    )
    statement_on = forms.DateField(label="Date of the statement", widget=DATE, required=False)


class WitnessEditForm(WitnessForm):
    """A witness's details as recorded; the link to a young person is made when adding them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["young_person"]


def _people(field: forms.Field, queryset: QuerySet[Any]) -> None:
    assert isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField)
    field.queryset = queryset


class IncidentForm(GovukForm):
    title = forms.CharField(label="What is alleged to have happened, in brief", max_length=200)
    occurred_from = forms.DateField(label="Date, or the first date of a range", widget=DATE)
    occurred_to = forms.DateField(
        label="Last date of the range", widget=DATE, required=False, help_text="If over days."
    )
    place = forms.CharField(label="Place", max_length=300, required=False)
    victims = forms.ModelMultipleChoiceField(
        label="Victims involved",
        queryset=Victim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    suspects = forms.ModelMultipleChoiceField(
        label="Suspects involved",
        queryset=Suspect.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["victims"], investigation.victims.all())
        _people(self.fields["suspects"], investigation.suspects.all())


class OffenceForm(GovukForm):
    incident = forms.ModelChoiceField(label="Incident", queryset=Incident.objects.none())
    category = forms.ChoiceField(label="Offence", choices=OffenceCategory.choices)
    suspect = forms.ModelChoiceField(
        label="Suspect", queryset=Suspect.objects.none(), required=False
    )

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["incident"], investigation.incidents.all())
        _people(self.fields["suspect"], investigation.suspects.all())


class OffenceEditForm(OffenceForm):
    """The offence and whom it is alleged against; it stays in its incident."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["incident"]


class EvidenceForm(GovukForm):
    evidence_type = forms.ModelChoiceField(
        label="Type of evidence", queryset=EvidenceType.objects.all()
    )
    source = forms.ChoiceField(
        label="Where it comes from",
        choices=EvidenceSource.choices,
        help_text="Evidence from the victim or another child rests on a child's account.",
    )
    status = forms.ChoiceField(
        label="Status", choices=EvidenceStatus.choices, initial=EvidenceStatus.IDENTIFIED
    )
    dated = forms.DateField(label="Date of the evidence", widget=DATE, required=False)
    shows = forms.CharField(label="What it shows", widget=forms.Textarea, required=False)
    suspects = forms.ModelMultipleChoiceField(
        label="Suspects it relates to",
        queryset=Suspect.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    incidents = forms.ModelMultipleChoiceField(
        label="Incidents it relates to",
        queryset=Incident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["suspects"], investigation.suspects.all())
        _people(self.fields["incidents"], investigation.incidents.all())


class EvidenceEditForm(EvidenceForm):
    """What an item is about; its type is fixed and its status has its own form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["evidence_type"]
        del self.fields["status"]


class EvidenceStatusForm(GovukForm):
    status = forms.ChoiceField(label="New status", choices=EvidenceStatus.choices)
    on = forms.DateField(label="Date of the change", widget=DATE, required=False)


class IndependenceForm(GovukForm):
    override = forms.ChoiceField(
        label="Does this item stand independently of the child's account?",
        choices=[
            (IndependenceOverride.NONE.value, "Use what its type and source say"),
            (IndependenceOverride.INDEPENDENT.value, "Yes, it is independent"),
            (IndependenceOverride.DEPENDENT.value, "No, it depends on the child's account"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea,
        required=False,
        help_text="Required when you override what its type and source say.",
    )


class OutcomeForm(GovukForm):
    suspect = forms.ModelChoiceField(label="Suspect", queryset=Suspect.objects.none())
    offence = forms.ModelChoiceField(
        label="Offence", queryset=Offence.objects.none(), required=False
    )
    outcome_type = forms.TypedChoiceField(label="Home Office outcome type", coerce=int, choices=())
    decided_on = forms.DateField(label="Outcome decided on", widget=DATE, required=False)
    decided_by = forms.ChoiceField(
        label="Decided by", choices=_blank(OutcomeDecider.choices), required=False
    )
    charging_decision = forms.ChoiceField(
        label="Charging decision", choices=_blank(ChargingDecision.choices, "None"), required=False
    )
    charging_decision_on = forms.DateField(
        label="Date of the charging decision", widget=DATE, required=False
    )
    court_result = forms.ChoiceField(
        label="Court result", choices=_blank(CourtResult.choices, "None yet"), required=False
    )
    court_result_on = forms.DateField(label="Date of the court result", widget=DATE, required=False)
    attrition_reason = forms.ChoiceField(
        label="If the case fell away, why",
        choices=_blank(AttritionReason.choices, "Not applicable"),
        required=False,
    )

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["suspect"], investigation.suspects.all())
        offence = self.fields["offence"]
        assert isinstance(offence, forms.ModelChoiceField)
        offence.queryset = Offence.objects.filter(
            incident__investigation=investigation
        ).select_related("incident")
        outcome = self.fields["outcome_type"]
        assert isinstance(outcome, forms.TypedChoiceField)
        outcome.choices = [(kind.number, str(kind)) for kind in OutcomeType.objects.all()]


class OutcomeEditForm(OutcomeForm):
    """An outcome's decision and results; its suspect and offence stay as recorded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["suspect"]
        del self.fields["offence"]


class SummaryForm(GovukForm):
    recipient = forms.CharField(
        label="Who the summary is for",
        max_length=200,
        help_text="For example: charging advice meeting with the Crown Prosecution Service.",
    )


class RemovalForm(GovukForm):
    reason = forms.CharField(
        label="Why are you removing it?",
        widget=forms.Textarea,
        help_text="For example: added to the wrong investigation. The reason is kept in the "
        "audit trail.",
        error_messages={"required": "Explain why this entry is being removed"},
    )
