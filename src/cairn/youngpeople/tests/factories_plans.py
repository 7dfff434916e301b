"""Factories for safety plans, their actions, contacts, assessments and missing episodes
(synthetic data only), used by the plan, contact, record and caseload tests."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from cairn.youngpeople.models import (
    ActionStatus,
    Contact,
    ContactKind,
    MissingEpisode,
    PlanAction,
    RiskAssessment,
    RiskBand,
    RiskTool,
    SafetyPlan,
)
from cairn.youngpeople.tests.factories import YoungPersonFactory


class SafetyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyPlan

    young_person = factory.SubFactory(YoungPersonFactory)
    summary = "Synthetic plan: weekly visits; carers report late returns."
    review_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(SafetyPlanFactory)
    description = factory.Sequence(lambda n: f"Synthetic action {n}")
    owner_name = "Sam Carter, school safeguarding lead"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    status = ActionStatus.OPEN


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    young_person = factory.SubFactory(YoungPersonFactory)
    happened_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    kind = ContactKind.VISIT
    notes = "Synthetic contact notes."


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissingEpisode

    young_person = factory.SubFactory(YoungPersonFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    ended_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    reported_by = "Synthetic foster carer"


def _tool() -> RiskTool:
    tool, _ = RiskTool.objects.get_or_create(
        name="Synthetic screening tool",
        version=1,
        defaults={
            "source": "Test data",
            "status": "retired",
            "bands": [
                {"band": RiskBand.NOT_AT_RISK.value, "min_score": 0},
                {"band": RiskBand.MILD.value, "min_score": 6},
                {"band": RiskBand.MODERATE.value, "min_score": 11},
                {"band": RiskBand.SIGNIFICANT.value, "min_score": 16},
            ],
        },
    )
    return tool


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment stored as it stands (scoring is tested in test_risk_scoring.py)."""

    class Meta:
        model = RiskAssessment

    young_person = factory.SubFactory(YoungPersonFactory)
    tool = factory.LazyFunction(_tool)
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    score = 12
    computed_band = RiskBand.MODERATE
    band = factory.LazyAttribute(lambda assessment: assessment.computed_band)
    next_review_due = factory.LazyAttribute(
        lambda assessment: assessment.assessed_on + timedelta(days=91)
    )
