"""Importers for risk assessments and their indicators, scored by the tool in use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from cairn.world.importers import ImportContext, Row, RowProblem, batches, importer
from cairn.youngpeople.importers.common import (
    BATCH,
    IMPORTED,
    INDICATOR_CODES,
    SIGNIFICANT_TIMINGS,
    audit_import,
    existing_ids,
    start_of_day,
)
from cairn.youngpeople.models import (
    IndicatorGroup,
    RiskAnswer,
    RiskAssessment,
    RiskIndicator,
    RiskTool,
    Timing,
    YoungPerson,
)
from cairn.youngpeople.models.choices import band_rank
from cairn.youngpeople.scoring import Subject, UnknownIndicator, score
from cairn.youngpeople.services.risk import current_tool

# Risk assessments -------------------------------------------------------------------------------


def _tool_code(bundle_code: str) -> str:
    return INDICATOR_CODES.get(bundle_code, bundle_code)


def _timing(indicator: RiskIndicator, bundle_timing: str) -> str:
    if indicator.group == IndicatorGroup.SIGNIFICANT:
        return SIGNIFICANT_TIMINGS.get(bundle_timing, Timing.CURRENT)
    return Timing.PRESENT


def _check_indicators(rows: Iterable[Row]) -> Iterator[RowProblem]:
    try:
        tool = current_tool()
    except ValidationError as error:
        yield 0, "indicator", " ".join(error.messages)
        return
    known = set(tool.indicators.values_list("code", flat=True))
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        code = _tool_code(row["indicator"])
        if code not in known:
            yield number, "indicator", f"Unknown indicator for {tool}: {row['indicator']}"
        key = (row["risk_assessment_id"], code)
        if key in seen:
            yield number, "indicator", f"The same indicator repeats row {seen[key]}"
        seen.setdefault(key, number)


def _score_into(
    assessment: RiskAssessment,
    *,
    tool: RiskTool,
    indicators: Mapping[str, RiskIndicator],
    answers: Mapping[str, str],
    person: YoungPerson,
    bundle_band: str,
) -> None:
    """Compute with the scoring service. A higher band recorded by the source service is kept as
    a professional override ("Imported"); a lower one is not, so an import never lowers the band
    that Cairn's own scoring and local rules give a child."""
    try:
        outcome = score(
            tool=tool,
            indicators=indicators,
            answers=answers,
            subject=Subject(
                age=person.age_on(assessment.assessed_on),
                learning_disability=person.learning_disability,
            ),
        )
    except UnknownIndicator as error:  # the check has already refused such bundles
        raise ValidationError({"indicator": str(error)}) from error
    assessment.score = outcome.score
    assessment.computed_band = outcome.computed_band
    assessment.rule_notes = outcome.rule_notes
    differs = bool(bundle_band) and band_rank(bundle_band) > band_rank(outcome.computed_band)
    assessment.override_band = bundle_band if differs else ""
    assessment.override_rationale = IMPORTED if differs else ""
    assessment.band = bundle_band if differs else outcome.computed_band


@importer("risk_assessments", order=50)
def import_risk_assessments(context: ImportContext, rows: Iterable[Row]) -> int:
    """Each assessment is scored with the tool in use; `risk_indicators` then adds its answers
    and scores it again."""
    people_ids = context.ids.get("young_people", {})
    loaded = context.ids.setdefault("risk_assessments", {})
    rows = list(rows)
    existing = existing_ids(RiskAssessment, (row["risk_assessment_id"] for _, row in rows))
    new_rows = [row for _, row in rows if row["risk_assessment_id"] not in existing]
    for _, row in rows:
        if row["risk_assessment_id"] in existing:
            loaded[row["risk_assessment_id"]] = existing[row["risk_assessment_id"]]
    if not new_rows:
        return 0
    tool = current_tool()
    indicators = {indicator.code: indicator for indicator in tool.indicators.all()}
    people = YoungPerson.objects.in_bulk([people_ids[row["young_person_id"]] for row in new_rows])
    assessments: list[RiskAssessment] = []
    for row in new_rows:
        person = people[people_ids[row["young_person_id"]]]
        assessed_on = date.fromisoformat(row["assessed_on"])
        assessment = RiskAssessment(
            young_person=person,
            tool=tool,
            assessed_on=assessed_on,
            next_review_due=assessed_on + timedelta(days=tool.review_interval_days),
            external_id=row["risk_assessment_id"],
            created_at=start_of_day(assessed_on),
        )
        _score_into(
            assessment,
            tool=tool,
            indicators=indicators,
            answers={},
            person=person,
            bundle_band=row["band"],
        )
        assessments.append(assessment)
    RiskAssessment.objects.bulk_create(assessments, batch_size=BATCH)
    for assessment in assessments:
        loaded[assessment.external_id] = assessment.pk
    audit_import(
        context,
        (assessment.young_person_id for assessment in assessments),
        f"Imported {len(assessments)} risk assessments from a bundle",
    )
    return len(assessments)


@importer("risk_indicators", order=55, check=_check_indicators)
def import_risk_indicators(context: ImportContext, rows: Iterable[Row]) -> int:
    assessment_ids = context.ids.get("risk_assessments", {})
    loaded = context.ids.setdefault("risk_indicators", {})
    by_assessment: dict[int, list[dict[str, str]]] = defaultdict(list)
    for _, row in rows:
        by_assessment[assessment_ids[row["risk_assessment_id"]]].append(row)
    answered: set[int] = set()
    tool_ids: set[int] = set()
    for batch in batches(by_assessment):
        answered.update(
            RiskAnswer.objects.filter(assessment_id__in=batch)
            .values_list("assessment_id", flat=True)
            .distinct()
        )
        tool_ids.update(
            RiskAssessment.objects.filter(pk__in=batch).values_list("tool_id", flat=True)
        )
    tools = {tool.pk: tool for tool in RiskTool.objects.filter(pk__in=tool_ids)}
    indicators_of = {
        tool_id: {indicator.code: indicator for indicator in tool.indicators.all()}
        for tool_id, tool in tools.items()
    }
    assessments = RiskAssessment.objects.select_related("young_person").in_bulk(
        [pk for pk in by_assessment if pk not in answered]
    )
    answers: list[RiskAnswer] = []
    answer_rows: list[str] = []
    for pk, assessment in assessments.items():
        indicators = indicators_of[assessment.tool_id]
        chosen: dict[str, str] = {}
        for row in by_assessment[pk]:
            indicator = indicators[_tool_code(row["indicator"])]
            chosen[indicator.code] = _timing(indicator, row["timing"])
            answers.append(
                RiskAnswer(
                    assessment=assessment, indicator=indicator, timing=chosen[indicator.code]
                )
            )
            answer_rows.append(row["risk_indicator_id"])
        _score_into(
            assessment,
            tool=tools[assessment.tool_id],
            indicators=indicators,
            answers=chosen,
            person=assessment.young_person,
            bundle_band=assessment.override_band or assessment.band,
        )
    RiskAnswer.objects.bulk_create(answers, batch_size=BATCH)
    RiskAssessment.objects.bulk_update(
        list(assessments.values()),
        ["score", "computed_band", "rule_notes", "override_band", "override_rationale", "band"],
        batch_size=BATCH,
    )
    for row_id, answer in zip(answer_rows, answers, strict=True):
        loaded[row_id] = answer.pk
    if answered:
        # Loaded before: each ticked indicator is the answer already held for it.
        held = {
            (assessment_id, code): pk
            for batch in batches(answered)
            for pk, assessment_id, code in RiskAnswer.objects.filter(
                assessment_id__in=batch
            ).values_list("pk", "assessment_id", "indicator__code")
        }
        for pk in answered:
            for row in by_assessment[pk]:
                key = (pk, _tool_code(row["indicator"]))
                if key in held:
                    loaded[row["risk_indicator_id"]] = held[key]
    audit_import(
        context,
        (assessment.young_person_id for assessment in assessments.values()),
        f"Imported the answers of {len(assessments)} risk assessments from a bundle",
    )
    return len(answers)
