"""API for risk assessments and the version of the screening tool in use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from cairn.youngpeople import services
from cairn.youngpeople.api.common import actor, open_case, require_casework, router
from cairn.youngpeople.models import (
    IndicatorGroup,
    RiskAssessment,
    RiskBand,
    RiskIndicator,
    RiskTool,
    Timing,
)


class IndicatorOut(Schema):
    code: str
    group: IndicatorGroup
    label: str
    points: int
    points_current: int
    points_past: int
    points_both: int


class BandOut(Schema):
    band: RiskBand
    min_score: int


class RuleOut(Schema):
    code: str
    kind: str
    description: str = ""
    enabled: bool = True
    params: dict[str, Any] = {}


class RiskToolOut(Schema):
    id: int
    name: str
    version: int
    source: str
    bands: list[BandOut]
    rules: list[RuleOut]
    review_interval_days: int
    published_at: datetime | None
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj: RiskTool) -> list[RiskIndicator]:
        return list(obj.indicators.all())


class AnswerOut(Schema):
    code: str
    label: str
    group: IndicatorGroup
    timing: Timing


class AssessmentOut(Schema):
    id: int
    assessed_on: date
    tool: str
    tool_version: int
    assessor: str | None
    score: int
    computed_band: RiskBand
    rule_notes: list[str]
    override_band: RiskBand | None
    override_rationale: str
    band: RiskBand
    next_review_due: date
    notes: str
    external_id: str

    @staticmethod
    def resolve_tool(obj: RiskAssessment) -> str:
        return obj.tool.name

    @staticmethod
    def resolve_tool_version(obj: RiskAssessment) -> int:
        return obj.tool.version

    @staticmethod
    def resolve_assessor(obj: RiskAssessment) -> str | None:
        return obj.assessor.display_name if obj.assessor else None

    @staticmethod
    def resolve_override_band(obj: RiskAssessment) -> str | None:
        return obj.override_band or None


class AssessmentDetailOut(AssessmentOut):
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj: RiskAssessment) -> list[dict[str, str]]:
        answers = obj.answers.select_related("indicator").order_by(
            "indicator__group", "indicator__position"
        )
        return [
            {
                "code": answer.indicator.code,
                "label": answer.indicator.label,
                "group": answer.indicator.group,
                "timing": answer.timing,
            }
            for answer in answers
        ]


class AssessmentIn(Schema):
    assessed_on: date
    answers: dict[str, Timing] = Field(
        description="Indicator code → timing: 'present' for vulnerabilities and moderate "
        "indicators; 'current', 'past' or 'both' for significant ones"
    )
    override_band: RiskBand | None = Field(
        None, description="Professional judgement; needs a rationale"
    )
    override_rationale: str = ""
    notes: str = ""


@router.get("/risk-tool", response=RiskToolOut, summary="The screening tool in use")
def risk_tool(request: HttpRequest) -> RiskTool:
    require_casework(request)
    return services.current_tool()


@router.get(
    "/{pk}/assessments", response=list[AssessmentOut], summary="A young person's risk assessments"
)
def list_assessments(request: HttpRequest, pk: int) -> list[RiskAssessment]:
    young_person = open_case(request, pk, "Viewed risk assessments through the API")
    return list(young_person.risk_assessments.select_related("tool", "assessor"))


@router.get(
    "/{pk}/assessments/{assessment_pk}",
    response=AssessmentDetailOut,
    summary="One risk assessment with its answers",
)
def get_assessment(request: HttpRequest, pk: int, assessment_pk: int) -> RiskAssessment:
    young_person = open_case(request, pk, "Viewed a risk assessment through the API")
    return get_object_or_404(
        RiskAssessment.objects.select_related("tool", "assessor"),
        pk=assessment_pk,
        young_person=young_person,
    )


@router.post(
    "/{pk}/assessments",
    response={201: AssessmentDetailOut},
    summary="Assess risk with the tool in use",
    description="The answers are scored with the tool in use and its local rules; an override "
    "of the computed band needs a written rationale, and both bands are kept.",
)
def create_assessment(request: HttpRequest, pk: int, payload: AssessmentIn) -> Status:
    young_person = open_case(request, pk, "Opened record to assess risk through the API")
    assessment = services.risk_assessment_create(
        actor=actor(request),
        young_person=young_person,
        assessed_on=payload.assessed_on,
        answers={code: Timing(timing).value for code, timing in payload.answers.items()},
        override_band=payload.override_band or "",
        override_rationale=payload.override_rationale,
        notes=payload.notes,
    )
    return Status(201, assessment)
