"""The link chart's filters: which node, which kinds, which dates, how well graded."""

from __future__ import annotations

from django import forms

from cairn.networks.analysis import Node
from cairn.networks.models import NodeKind
from cairn.networks.queries import (
    INTELLIGENCE_ASSESSMENTS,
    SOURCE_EVALUATIONS,
    ChartFilter,
    parse_node,
)

GRADING_CHOICES = [("", "Any grading")] + [
    (f"{s}{a}", f"{s}{a} or better") for s in SOURCE_EVALUATIONS for a in INTELLIGENCE_ASSESSMENTS
]


class WindowForm(forms.Form):
    """A date window, both ends optional and inclusive."""

    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date must be on or after the start date.")
        return data


class ChartForm(WindowForm):
    node = forms.CharField(widget=forms.HiddenInput)
    # Nodes the user expanded in the chart, so an export holds what they saw.
    expand = forms.CharField(required=False, widget=forms.HiddenInput)
    kinds = forms.MultipleChoiceField(
        label="Show",
        required=False,
        choices=NodeKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_grading = forms.ChoiceField(label="Grading", required=False, choices=GRADING_CHOICES)

    def _node(self, text: str) -> Node:
        try:
            return parse_node(text.strip())
        except ValueError as error:
            raise forms.ValidationError("Choose a person, young person or other node.") from error

    def clean_node(self) -> Node:
        return self._node(self.cleaned_data["node"])

    def clean_expand(self) -> list[Node]:
        text = self.cleaned_data["expand"]
        return [self._node(part) for part in text.split(",") if part.strip()]

    def centres(self) -> list[Node]:
        return list(dict.fromkeys([self.cleaned_data["node"], *self.cleaned_data["expand"]]))

    def chart_filter(self) -> ChartFilter:
        return ChartFilter(
            kinds=frozenset(self.cleaned_data["kinds"]),
            start=self.cleaned_data["start"],
            end=self.cleaned_data["end"],
            min_grading=self.cleaned_data["min_grading"],
        )
