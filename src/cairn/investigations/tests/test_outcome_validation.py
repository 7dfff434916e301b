"""Outcome validation over many inputs: types 0 to 22 only, no court result before the charge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from cairn.access.actor import Actor
from cairn.investigations.models import ChargingDecision, CourtResult, Outcome
from cairn.investigations.services import outcome_record
from cairn.investigations.tests.factories import SuspectFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


@settings(max_examples=40, deadline=None)
@given(number=st.integers(min_value=-1000, max_value=1000))
def test_only_outcome_types_0_to_22_are_accepted(number: int) -> None:
    suspect = SuspectFactory()
    try:
        outcome_record(
            SYSTEM, investigation=suspect.investigation, suspect=suspect, outcome_type=number
        )
    except ValidationError as error:
        assert not 0 <= number <= 22
        assert "outcome_type" in error.message_dict
        assert not Outcome.objects.filter(suspect=suspect).exists()
    else:
        assert 0 <= number <= 22
        assert Outcome.objects.get(suspect=suspect).outcome_type.number == number


@settings(max_examples=40, deadline=None)
@given(
    charged_on=st.dates(min_value=date(2015, 1, 1), max_value=date(2024, 12, 31)),
    days_later=st.integers(min_value=-400, max_value=400),
)
def test_a_court_result_is_never_dated_before_the_charge(charged_on: date, days_later: int) -> None:
    suspect = SuspectFactory()
    result_on = charged_on + timedelta(days=days_later)
    try:
        outcome_record(
            SYSTEM,
            investigation=suspect.investigation,
            suspect=suspect,
            outcome_type=1,
            charging_decision=ChargingDecision.CHARGED,
            charging_decision_on=charged_on,
            court_result=CourtResult.ACQUITTED,
            court_result_on=result_on,
        )
    except ValidationError as error:
        assert result_on < charged_on
        assert "court_result_on" in error.message_dict
        assert not Outcome.objects.filter(suspect=suspect).exists()
    else:
        assert result_on >= charged_on
