"""Risk screening: scores answers against one version of the tool, then applies its local rules.

Pure functions over reference data (a RiskTool's indicators, bands and rules). The inputs are the
answers, the child's age and the learning-disability flag named by one local rule; nothing from
equality monitoring (ethnicity, religion, nationality) is ever read here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cairn.youngpeople.models.choices import RiskBand, band_rank
from cairn.youngpeople.models.risk import IndicatorGroup, RiskIndicator, RiskTool, Timing


class UnknownIndicator(ValueError):
    pass


@dataclass(frozen=True)
class Subject:
    """What the local rules may know about the child being assessed."""

    age: int | None
    learning_disability: bool = False


@dataclass
class Outcome:
    score: int
    computed_band: RiskBand
    rule_notes: list[str] = field(default_factory=list)
    significant_present: bool = False
    any_present: bool = False


def indicator_points(indicator: RiskIndicator, timing: str) -> int:
    if indicator.group == IndicatorGroup.SIGNIFICANT:
        by_timing = {
            Timing.CURRENT: indicator.points_current,
            Timing.PAST: indicator.points_past,
            Timing.BOTH: indicator.points_both,
            # "Present" without a timing is read as current: the stricter reading.
            Timing.PRESENT: indicator.points_current,
        }
        return by_timing[Timing(timing)]
    return indicator.points


def band_for_score(bands: Sequence[Mapping[str, Any]], score: int) -> RiskBand:
    chosen = RiskBand.NOT_AT_RISK
    for row in sorted(bands, key=lambda row: int(row["min_score"])):
        if score >= int(row["min_score"]):
            chosen = RiskBand(row["band"])
    return chosen


def _raise_to(outcome: Outcome, band: RiskBand, note: str) -> None:
    if band_rank(band) > band_rank(outcome.computed_band):
        outcome.computed_band = band
        outcome.rule_notes.append(note)


def _significant_at_or_under_age(
    outcome: Outcome, subject: Subject, params: Mapping[str, Any], description: str
) -> None:
    young_enough = subject.age is not None and subject.age <= int(params["max_age"])
    if outcome.significant_present and young_enough:
        _raise_to(outcome, RiskBand(params["band"]), description)


def _young_or_learning_disability_floor(
    outcome: Outcome, subject: Subject, params: Mapping[str, Any], description: str
) -> None:
    young = subject.age is not None and subject.age < int(params["under_age"])
    if outcome.any_present and (young or subject.learning_disability):
        _raise_to(outcome, RiskBand(params["band"]), description)


RuleKind = Callable[[Outcome, Subject, Mapping[str, Any], str], None]

# The kinds of local rule Cairn knows; a tool version chooses which apply and with what numbers.
RULE_KINDS: dict[str, RuleKind] = {
    "significant_indicator_at_or_under_age": _significant_at_or_under_age,
    "young_or_learning_disability_floor": _young_or_learning_disability_floor,
}


def score(
    *,
    tool: RiskTool,
    indicators: Mapping[str, RiskIndicator],
    answers: Mapping[str, str],
    subject: Subject,
) -> Outcome:
    """Score `answers` (indicator code → timing) with `tool`; raise UnknownIndicator if needed."""
    unknown = sorted(code for code in answers if code not in indicators)
    if unknown:
        raise UnknownIndicator(f"Unknown indicator for {tool}: {', '.join(unknown)}")
    total = 0
    significant = False
    for code, timing in answers.items():
        indicator = indicators[code]
        if indicator.group != IndicatorGroup.SIGNIFICANT and timing not in (
            Timing.PRESENT,
            Timing.CURRENT,
        ):
            raise UnknownIndicator(f"{indicator.label} is scored only as present")
        total += indicator_points(indicator, timing)
        significant = significant or indicator.group == IndicatorGroup.SIGNIFICANT
    outcome = Outcome(
        score=total,
        computed_band=band_for_score(tool.bands, total),
        significant_present=significant,
        any_present=bool(answers),
    )
    for rule in tool.rules:
        if not rule.get("enabled", True):
            continue
        kind = RULE_KINDS.get(rule["kind"])
        if kind is None:
            raise ValueError(f"{tool} names a local rule Cairn does not know: {rule['kind']}")
        kind(outcome, subject, rule.get("params", {}), rule.get("description", rule["code"]))
    return outcome
