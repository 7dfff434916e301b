"""Forms for missing and absent episodes, the return, the return-home interview, and the
chronology's filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from cairn.core.forms import GovukForm
from cairn.youngpeople.models import EpisodeKind, InterviewStatus


def _date_time_input() -> forms.DateTimeInput:
    # The browser's own date and time picker; the value is "YYYY-MM-DDTHH:MM", in local time.
    return forms.DateTimeInput(
        attrs={"type": "datetime-local", "class": "govuk-input--width-20"},
        format="%Y-%m-%dT%H:%M",
    )


def _date_time(label: str, *, missing: str = "", help_text: str = "") -> forms.DateTimeField:
    """Required when `missing` (the message for an empty answer) is given."""
    messages = {"invalid": "Enter a real date and time"}
    if missing:
        messages["required"] = missing
    return forms.DateTimeField(
        label=label,
        required=bool(missing),
        help_text=help_text,
        widget=_date_time_input(),
        error_messages=messages,
    )


def _text(label: str, *, max_length: int, missing: str = "") -> forms.CharField:
    messages = {"required": missing} if missing else {}
    return forms.CharField(
        label=label, max_length=max_length, required=bool(missing), error_messages=messages
    )


def _notes(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EpisodeForm(GovukForm):
    """A new missing or absent episode."""

    kind = forms.ChoiceField(
        label="Was the young person missing or absent?",
        choices=EpisodeKind.choices,
        widget=forms.RadioSelect,
        help_text="Missing: whereabouts unknown. Absent: not where they should be, but known.",
        error_messages={"required": "Choose missing or absent"},
    )
    started_at = _date_time("When did it start?", missing="Enter when the episode started")
    ended_at = _date_time(
        "When did they return or were they found? (optional)",
        help_text="Leave blank while they are still missing.",
    )
    reported_by = _text("Who reported it?", max_length=200, missing="Enter who reported it")
    where_found = _text("Where were they found? (optional)", max_length=200)
    found_with = _text("Who were they with? (optional)", max_length=300)
    police_reference = _text("Police reference (optional)", max_length=50)
    notes = _notes("Notes (optional)", "Kept encrypted.")


class ReturnForm(GovukForm):
    """The return: when, where and with whom the young person was found."""

    ended_at = _date_time(
        "When did they return or were they found?",
        help_text="Leave blank while they are still missing.",
    )
    where_found = _text("Where were they found? (optional)", max_length=200)
    found_with = _text("Who were they with? (optional)", max_length=300)
    police_reference = _text("Police reference (optional)", max_length=50)
    version = forms.IntegerField(widget=forms.HiddenInput)

    FIELDS = ("ended_at", "where_found", "found_with", "police_reference")


_INTERVIEW_CHOICES = [
    (value, label)
    for value, label in InterviewStatus.choices
    if value != InterviewStatus.NOT_OFFERED
]


class InterviewForm(GovukForm):
    """The return-home interview. Field names are the service's, so its errors land on them."""

    status = forms.ChoiceField(
        label="Return-home interview",
        choices=_INTERVIEW_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose offered, done or declined"},
    )
    offered_at = _date_time(
        "When was it offered?",
        missing="Enter when the interview was offered",
        help_text="It must be offered within 72 hours of the young person's return.",
    )
    done_at = _date_time("When did it take place? (if done)")
    interviewer = _text("Who did the interview? (if done)", max_length=200)
    learned = _notes("What was learned (optional)", "Kept encrypted.")
    interview_version = forms.IntegerField(widget=forms.HiddenInput)


class ChronologyFilterForm(GovukForm):
    """Which kinds of event, between which dates. Empty means everything."""

    kind = forms.MultipleChoiceField(
        label="Type of event", required=False, widget=forms.CheckboxSelectMultiple
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end of the range must be on or after its start")
        return cleaned


def same_minute(first: datetime | None, second: datetime | None) -> bool:
    """The date-time inputs carry minutes only, so an unchanged time reads back without seconds."""
    if first is None or second is None:
        return first is second
    return first.replace(second=0, microsecond=0) == second.replace(second=0, microsecond=0)
