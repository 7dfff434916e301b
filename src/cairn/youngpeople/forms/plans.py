"""Forms for the safety plan, its actions, and the contact and visit log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from cairn.access.models import User
from cairn.core.forms import GovukForm
from cairn.youngpeople.forms.record import DATE, WorkerChoiceField
from cairn.youngpeople.models import ActionStatus, ContactKind

# The browser's own date-and-time picker; Django parses its ISO value.
DATE_TIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "govuk-input--width-20"}, format="%Y-%m-%dT%H:%M"
)


class SafetyPlanForm(GovukForm):
    summary = forms.CharField(
        label="What is the plan?",
        error_messages={"required": "Describe the plan"},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="How the young person will be kept safe, and by whom. Kept encrypted.",
    )
    review_on = forms.DateField(
        label="Review date", widget=DATE, error_messages={"required": "Enter the review date"}
    )
    carry_over = forms.BooleanField(
        label="Carry over the open actions of the current plan", required=False
    )

    def __init__(self, *args: Any, open_actions: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if open_actions:
            label = (
                f"Carry over the {open_actions} open action{'s' if open_actions != 1 else ''} "
                "of the current plan"
            )
            # The bound field was made (and its label copied) while styling the form.
            self.fields["carry_over"].label = self["carry_over"].label = label
        else:
            del self.fields["carry_over"]


class PlanActionForm(GovukForm):
    description = forms.CharField(
        label="What needs to be done?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe what needs to be done"},
    )
    owner = WorkerChoiceField(
        label="Who will do it?",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone outside Cairn (name them below)",
        help_text="A member of the team holding the case.",
        error_messages={"invalid_choice": "Choose a member of the team holding the case"},
    )
    owner_name = forms.CharField(
        label="Name and role of someone outside Cairn",
        required=False,
        max_length=200,
        help_text="For example: Sam Carter, school safeguarding lead.",
    )
    due_on = forms.DateField(
        label="Due date", widget=DATE, error_messages={"required": "Enter the due date"}
    )

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        owner, owner_name = cleaned.get("owner"), (cleaned.get("owner_name") or "").strip()
        if "owner" in self.errors:
            return cleaned
        if owner is None and not owner_name:
            self.add_error("owner_name", "Choose who will do it, or name someone outside Cairn")
        elif owner is not None and owner_name:
            self.add_error(
                "owner_name", "Choose a member of the team or name someone outside Cairn, not both"
            )
        cleaned["owner_name"] = owner_name
        return cleaned


class ActionStatusForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        error_messages={"invalid_choice": "Choose open, done or cancelled"},
    )


class ContactForm(GovukForm):
    happened_at = forms.DateTimeField(
        label="When was it?",
        widget=DATE_TIME,
        help_text="Date and time, now or in the past.",
        error_messages={"required": "Enter the date and time of the contact"},
    )
    kind = forms.ChoiceField(
        label="What kind of contact?",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of contact",
            "invalid_choice": "Choose the kind of contact from the list",
        },
    )
    with_whom = forms.CharField(
        label="Who else was there?",
        required=False,
        max_length=200,
        help_text="For example: foster carer, social worker. Leave blank if no one else.",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Kept encrypted. Record what was said and seen, and its source.",
    )
