"""Investigation events on each linked young person's chronology, without suspects' names."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cairn.investigations.models import ChargingDecision, CourtResult, KeyDateKind
from cairn.investigations.tests.factories import (
    InvestigationFactory,
    KeyDateFactory,
    OutcomeFactory,
    SuspectFactory,
    VictimFactory,
    WitnessFactory,
)
from cairn.youngpeople.queries.chronology import chronology, chronology_kinds
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def test_investigations_are_a_kind_of_chronology_event() -> None:
    assert ("investigation", "Investigations") in chronology_kinds()


def test_a_victims_chronology_shows_the_investigation_key_dates_charge_and_court_result() -> None:
    child = YoungPersonFactory()
    investigation = InvestigationFactory()
    VictimFactory(
        investigation=investigation, young_person=child, abe_interview_on=date(2025, 3, 3)
    )
    KeyDateFactory(investigation=investigation, kind=KeyDateKind.ARREST, on=date(2025, 4, 2))
    suspect = SuspectFactory(investigation=investigation, name_as_recorded="Synthetic Adult")
    OutcomeFactory(
        suspect=suspect,
        number=1,
        charging_decision=ChargingDecision.CHARGED,
        charging_decision_on=date(2025, 5, 1),
        court_result=CourtResult.CONVICTED,
        court_result_on=date(2025, 9, 1),
    )

    events = chronology(child, kinds=["investigation"])

    titles = [event.title for event in events]
    assert "Court result: convicted" in titles
    assert "Charging decision: charged or summonsed" in titles
    assert "Arrest" in titles
    assert "Achieving Best Evidence interview" in titles
    assert "Named as a victim in an investigation" in titles
    assert titles.index("Court result: convicted") < titles.index("Arrest")
    assert all(investigation.reference in event.detail for event in events)
    assert all("Synthetic Adult" not in f"{event.title} {event.detail}" for event in events)
    assert events[0].url == reverse("investigations:detail", args=[investigation.pk])


def test_a_witness_statement_appears_and_other_children_see_nothing() -> None:
    witness, bystander = YoungPersonFactory.create_batch(2)
    WitnessFactory(young_person=witness, statement_on=date(2025, 2, 2))
    assert [event.title for event in chronology(witness, kinds=["investigation"])] == [
        "Gave a witness statement"
    ]
    assert chronology(bystander, kinds=["investigation"]) == []
