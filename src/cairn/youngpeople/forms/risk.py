"""Forms for risk assessments and for versions of the screening tool."""

from __future__ import annotations

from typing import Any

from django import forms

from cairn.core.forms import GovukForm
from cairn.youngpeople.models import IndicatorGroup, RiskBand, RiskIndicator, RiskTool, Timing

DATE = forms.DateInput(attrs={"type": "date"})
_PRESENT = [("", "Not present"), (Timing.PRESENT.value, "Present")]
_SIGNIFICANT = [
    ("", "Not present"),
    (Timing.CURRENT.value, "Current (last 6 months)"),
    (Timing.PAST.value, "6 to 12 months ago"),
    (Timing.BOTH.value, "Both"),
]


class AssessmentForm(GovukForm):
    """One field per indicator of the tool version in use, grouped as the tool groups them."""

    assessed_on = forms.DateField(label="Date of assessment", widget=DATE)
    override_band = forms.ChoiceField(
        label="Professional judgement (optional)",
        required=False,
        choices=[("", "Use the computed band"), *RiskBand.choices],
        help_text="Choose a band only if your judgement differs from the score.",
    )
    override_rationale = forms.CharField(
        label="Why your judgement differs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you choose a band. Kept encrypted.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, tool: RiskTool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tool = tool
        self.groups: list[tuple[str, list[str]]] = []
        indicators = list(tool.indicators.all())
        for group, label in IndicatorGroup.choices:
            names = []
            for indicator in (item for item in indicators if item.group == group):
                name = f"indicator_{indicator.code}"
                choices = _SIGNIFICANT if group == IndicatorGroup.SIGNIFICANT else _PRESENT
                self.fields[name] = forms.ChoiceField(
                    label=indicator.label, choices=choices, required=False
                )
                self.fields[name].widget.attrs["class"] = "govuk-select"
                names.append(name)
            self.groups.append((label, names))

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("indicator_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("indicator_") and value
        }

    def grouped_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[name] for name in names]) for label, names in self.groups]


class IndicatorForm(GovukForm):
    code = forms.SlugField(label="Code", max_length=60, help_text="Short, unique, for imports.")
    group = forms.ChoiceField(label="Group", choices=IndicatorGroup.choices)
    label = forms.CharField(label="Wording", max_length=300)
    points = forms.IntegerField(
        label="Points when present",
        min_value=0,
        max_value=20,
        initial=1,
        help_text="Vulnerabilities and moderate indicators.",
    )
    points_current = forms.IntegerField(
        label="Points if current",
        min_value=0,
        max_value=20,
        initial=5,
        help_text="Significant indicators, last 6 months.",
    )
    points_past = forms.IntegerField(
        label="Points if 6 to 12 months ago", min_value=0, max_value=20, initial=1
    )
    points_both = forms.IntegerField(label="Points if both", min_value=0, max_value=20, initial=6)

    @classmethod
    def for_indicator(cls, indicator: RiskIndicator) -> dict[str, Any]:
        return {
            "code": indicator.code,
            "group": indicator.group,
            "label": indicator.label,
            "points": indicator.points,
            "points_current": indicator.points_current,
            "points_past": indicator.points_past,
            "points_both": indicator.points_both,
        }


class ToolSettingsForm(GovukForm):
    """Band thresholds and the local rules' numbers for a draft version."""

    mild_from = forms.IntegerField(label="Mild from score", min_value=1, max_value=200)
    moderate_from = forms.IntegerField(label="Moderate from score", min_value=1, max_value=200)
    significant_from = forms.IntegerField(
        label="Significant from score", min_value=1, max_value=200
    )
    review_interval_days = forms.IntegerField(
        label="Review every (days)", min_value=7, max_value=92
    )

    def __init__(self, *args: Any, tool: RiskTool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tool = tool
        self.rule_fields: list[tuple[dict[str, Any], str]] = []
        for index, rule in enumerate(tool.rules):
            name = f"rule_{index}_enabled"
            self.fields[name] = forms.BooleanField(
                label=rule.get("description", rule["code"]), required=False
            )
            self.rule_fields.append((rule, name))
            self.initial.setdefault(name, rule.get("enabled", True))
            for param, value in rule.get("params", {}).items():
                if param == "band":
                    continue
                param_name = f"rule_{index}_{param}"
                self.fields[param_name] = forms.IntegerField(
                    label=f"{rule['code']}: {param.replace('_', ' ')}", min_value=0, max_value=25
                )
                self.initial.setdefault(param_name, value)
        thresholds = {row["band"]: row["min_score"] for row in tool.bands}
        self.initial.setdefault("mild_from", thresholds.get(RiskBand.MILD, 6))
        self.initial.setdefault("moderate_from", thresholds.get(RiskBand.MODERATE, 11))
        self.initial.setdefault("significant_from", thresholds.get(RiskBand.SIGNIFICANT, 16))
        self.initial.setdefault("review_interval_days", tool.review_interval_days)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        mild, moderate, significant = (
            cleaned.get("mild_from"),
            cleaned.get("moderate_from"),
            cleaned.get("significant_from"),
        )
        if None not in (mild, moderate, significant) and not mild < moderate < significant:  # type: ignore[operator]
            self.add_error("moderate_from", "Each band must start above the one below it")
        return cleaned

    def bands(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"band": RiskBand.NOT_AT_RISK.value, "min_score": 0},
            {"band": RiskBand.MILD.value, "min_score": data["mild_from"]},
            {"band": RiskBand.MODERATE.value, "min_score": data["moderate_from"]},
            {"band": RiskBand.SIGNIFICANT.value, "min_score": data["significant_from"]},
        ]

    def rules(self) -> list[dict[str, Any]]:
        rules = []
        for index, rule in enumerate(self.tool.rules):
            params = dict(rule.get("params", {}))
            for param in params:
                if param != "band":
                    params[param] = self.cleaned_data[f"rule_{index}_{param}"]
            rules.append(
                {**rule, "params": params, "enabled": self.cleaned_data[f"rule_{index}_enabled"]}
            )
        return rules
