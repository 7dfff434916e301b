"""The write path for risk assessments and for versions of the screening tool."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.youngpeople.models import (
    IndicatorGroup,
    RiskAnswer,
    RiskAssessment,
    RiskBand,
    RiskIndicator,
    RiskTool,
    Timing,
    ToolStatus,
    YoungPerson,
)
from cairn.youngpeople.scoring import RULE_KINDS, Subject, UnknownIndicator, score
from cairn.youngpeople.services.common import audit_case, require_editor


def current_tool() -> RiskTool:
    tool = RiskTool.objects.filter(status=ToolStatus.PUBLISHED).order_by("-version").first()
    if tool is None:
        raise ValidationError("No version of the risk screening tool is in use.")
    return tool


def risk_assessment_create(
    *,
    actor: Actor,
    young_person: YoungPerson,
    assessed_on: date,
    answers: Mapping[str, str],
    override_band: str = "",
    override_rationale: str = "",
    notes: str = "",
    tool: RiskTool | None = None,
    external_id: str = "",
) -> RiskAssessment:
    """Score the answers with the tool in use (or the given version) and keep that version."""
    user = require_editor(actor, young_person)
    tool = tool or current_tool()
    errors: dict[str, str] = {}
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = "The assessment date must be today or in the past"
    if override_band and override_band not in RiskBand.values:
        errors["override_band"] = "Choose a band"
    if override_band and not override_rationale.strip():
        errors["override_rationale"] = "Explain why your judgement differs from the score"
    bad_timings = sorted(code for code, timing in answers.items() if timing not in Timing.values)
    if bad_timings:
        errors["answers"] = f"Unknown timing for: {', '.join(bad_timings)}"
    if errors:
        raise ValidationError(errors)
    indicators = {indicator.code: indicator for indicator in tool.indicators.all()}
    try:
        outcome = score(
            tool=tool,
            indicators=indicators,
            answers=answers,
            subject=Subject(
                age=young_person.age_on(assessed_on),
                learning_disability=young_person.learning_disability,
            ),
        )
    except UnknownIndicator as error:
        raise ValidationError({"answers": str(error)}) from error
    with transaction.atomic():
        assessment = RiskAssessment.objects.create(
            young_person=young_person,
            tool=tool,
            assessed_on=assessed_on,
            assessor=user,
            score=outcome.score,
            computed_band=outcome.computed_band,
            rule_notes=outcome.rule_notes,
            override_band=override_band,
            override_rationale=override_rationale.strip() if override_band else "",
            band=override_band or outcome.computed_band,
            next_review_due=assessed_on + timedelta(days=tool.review_interval_days),
            notes=notes,
            external_id=external_id,
        )
        RiskAnswer.objects.bulk_create(
            [
                RiskAnswer(assessment=assessment, indicator=indicators[code], timing=timing)
                for code, timing in answers.items()
            ]
        )
        audit_case(
            actor,
            young_person,
            Action.COLLECTION,
            f"Risk assessment: {assessment.get_band_display()}",
            assessment=assessment.pk,
        )
    return assessment


# Versions of the tool (reference data, administrators) ----------------------------------------


def _require_reference_admin(actor: Actor) -> None:
    if actor.is_system:
        return
    if actor.user is None or not actor.user.can(Perm.MANAGE_REFERENCE_DATA):
        raise PermissionDenied("Only administrators change reference data.")


def _audit_tool(actor: Actor, tool: RiskTool, summary: str) -> None:
    audit_record(
        actor=actor,
        action=Action.ADMINISTRATION,
        record_type=record_label(RiskTool),
        record_ids=[tool.pk],
        summary=summary,
    )


def risk_tool_new_draft(*, actor: Actor) -> RiskTool:
    """A draft copy of the version in use; there is at most one draft at a time."""
    _require_reference_admin(actor)
    existing = RiskTool.objects.filter(status=ToolStatus.DRAFT).first()
    if existing is not None:
        return existing
    source = current_tool()
    with transaction.atomic():
        version = (RiskTool.objects.aggregate(Max("version"))["version__max"] or 0) + 1
        draft = RiskTool.objects.create(
            name=source.name,
            version=version,
            source=source.source,
            bands=source.bands,
            rules=source.rules,
            review_interval_days=source.review_interval_days,
            created_by=actor.user,
        )
        RiskIndicator.objects.bulk_create(
            [
                RiskIndicator(
                    tool=draft,
                    code=indicator.code,
                    group=indicator.group,
                    label=indicator.label,
                    points=indicator.points,
                    points_current=indicator.points_current,
                    points_past=indicator.points_past,
                    points_both=indicator.points_both,
                    position=indicator.position,
                )
                for indicator in source.indicators.all()
            ]
        )
        _audit_tool(actor, draft, f"Started draft version {version} of {draft.name}")
    return draft


def _require_draft(tool: RiskTool) -> None:
    if tool.status != ToolStatus.DRAFT:
        raise ValidationError("Only a draft version can be changed; start a new draft.")


def _check_bands(bands: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for row in bands:
        if row.get("band") not in RiskBand.values:
            raise ValidationError({"bands": f"Unknown band {row.get('band')!r}"})
        try:
            minimum = int(row["min_score"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError({"bands": "Each band needs a whole-number minimum"}) from error
        cleaned.append({"band": row["band"], "min_score": minimum})
    cleaned.sort(key=lambda row: row["min_score"])
    if not cleaned or cleaned[0]["min_score"] != 0:
        raise ValidationError({"bands": "The lowest band must start at a score of 0"})
    bands_in_order = [row["band"] for row in cleaned]
    if len(set(bands_in_order)) != len(bands_in_order):
        raise ValidationError({"bands": "Each band may appear once"})
    if [RiskBand(band) for band in bands_in_order] != sorted(
        (RiskBand(band) for band in bands_in_order), key=lambda band: list(RiskBand).index(band)
    ):
        raise ValidationError({"bands": "Higher scores must give higher bands"})
    return cleaned


def _check_rules(rules: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    for rule in rules:
        if rule.get("kind") not in RULE_KINDS:
            raise ValidationError({"rules": f"Unknown kind of local rule {rule.get('kind')!r}"})
        band = rule.get("params", {}).get("band")
        if band not in RiskBand.values:
            raise ValidationError({"rules": f"Rule {rule.get('code')} names an unknown band"})
    return [dict(rule) for rule in rules]


def risk_tool_update(
    *,
    actor: Actor,
    tool: RiskTool,
    bands: Sequence[Mapping[str, Any]],
    rules: Sequence[Mapping[str, Any]],
    review_interval_days: int,
) -> RiskTool:
    _require_reference_admin(actor)
    _require_draft(tool)
    if not 7 <= review_interval_days <= 92:
        raise ValidationError(
            {"review_interval_days": "Reviews must fall due within 7 to 92 days (3 months)"}
        )
    with transaction.atomic():
        tool.bands = _check_bands(bands)
        tool.rules = _check_rules(rules)
        tool.review_interval_days = review_interval_days
        tool.save(update_fields=["bands", "rules", "review_interval_days"])
        _audit_tool(actor, tool, f"Changed bands and rules of draft version {tool.version}")
    return tool


def risk_indicator_save(
    *,
    actor: Actor,
    tool: RiskTool,
    code: str,
    group: str,
    label: str,
    points: int = 1,
    points_current: int = 5,
    points_past: int = 1,
    points_both: int = 6,
) -> RiskIndicator:
    """Add an indicator to a draft, or change the one with this code."""
    _require_reference_admin(actor)
    _require_draft(tool)
    if group not in IndicatorGroup.values:
        raise ValidationError({"group": "Choose the indicator's group"})
    if not label.strip():
        raise ValidationError({"label": "Enter the indicator's wording"})
    if any(value < 0 or value > 20 for value in (points, points_current, points_past, points_both)):
        raise ValidationError({"points": "Points must be between 0 and 20"})
    with transaction.atomic():
        indicator, created = RiskIndicator.objects.update_or_create(
            tool=tool,
            code=code,
            defaults={
                "group": group,
                "label": label.strip(),
                "points": points,
                "points_current": points_current,
                "points_past": points_past,
                "points_both": points_both,
            },
        )
        verb = "Added" if created else "Changed"
        _audit_tool(actor, tool, f"{verb} indicator {code} in draft version {tool.version}")
    return indicator


def risk_indicator_remove(*, actor: Actor, indicator: RiskIndicator) -> None:
    _require_reference_admin(actor)
    _require_draft(indicator.tool)
    with transaction.atomic():
        indicator.delete()
        _audit_tool(actor, indicator.tool, f"Removed indicator {indicator.code}")


def risk_tool_publish(*, actor: Actor, tool: RiskTool) -> RiskTool:
    """Put a draft into use; the version it replaces is retired but kept for its assessments."""
    _require_reference_admin(actor)
    _require_draft(tool)
    if not tool.indicators.exists():
        raise ValidationError("A version needs at least one indicator.")
    with transaction.atomic():
        RiskTool.objects.filter(status=ToolStatus.PUBLISHED).update(status=ToolStatus.RETIRED)
        tool.status = ToolStatus.PUBLISHED
        tool.published_at = timezone.now()
        tool.save(update_fields=["status", "published_at"])
        _audit_tool(actor, tool, f"Put version {tool.version} of {tool.name} into use")
    return tool
