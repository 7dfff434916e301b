"""The evidence matrix and outcome totals (issue 7, sections 3 and 5)."""

from __future__ import annotations

import pytest

from cairn.access.actor import Actor
from cairn.access.permissions import Role
from cairn.investigations.matrix import Corroboration, evidence_matrix
from cairn.investigations.models import EvidenceSource, EvidenceStatus, Investigation
from cairn.investigations.queries import outcome_totals
from cairn.investigations.services import evidence_add
from cairn.investigations.tests.factories import (
    EvidenceItemFactory,
    IncidentFactory,
    InvestigationFactory,
    OutcomeFactory,
    SuspectFactory,
    evidence_type,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    investigation = InvestigationFactory()
    suspect = SuspectFactory(investigation=investigation)
    incident = IncidentFactory(investigation=investigation, suspects=[suspect])
    EvidenceItemFactory(
        investigation=investigation,
        type_code="abe_interview",
        source=EvidenceSource.CHILD,
        suspects=[suspect],
        incidents=[incident],
    )
    return investigation, suspect, incident


def test_a_case_resting_only_on_the_abe_interview_shows_no_independent_corroboration(case):
    investigation, suspect, incident = case
    matrix = evidence_matrix(investigation)
    assert matrix.cell(suspect, incident).status == Corroboration.CHILD_ONLY
    assert matrix.row_for(suspect).status == Corroboration.CHILD_ONLY
    assert not matrix.row_for(suspect).independently_corroborated


def test_adding_anpr_evidence_for_that_suspect_and_incident_gives_independent_corroboration(
    case, make_user
):
    investigation, suspect, incident = case
    investigator = make_user(Role.INVESTIGATOR, team=investigation.team)
    evidence_add(
        Actor(user=investigator),
        investigation=investigation,
        evidence_type=evidence_type("anpr"),
        source=EvidenceSource.POLICE,
        status=EvidenceStatus.OBTAINED,
        suspects=[suspect],
        incidents=[incident],
    )
    matrix = evidence_matrix(investigation)
    assert matrix.cell(suspect, incident).status == Corroboration.CORROBORATED
    assert matrix.row_for(suspect).independently_corroborated


def test_independent_evidence_only_requested_is_sought_not_corroboration(case):
    investigation, suspect, incident = case
    EvidenceItemFactory(
        investigation=investigation,
        type_code="call_data",
        source=EvidenceSource.THIRD_PARTY,
        status=EvidenceStatus.REQUESTED,
        suspects=[suspect],
        incidents=[incident],
    )
    row = evidence_matrix(investigation).row_for(suspect)
    assert row.status == Corroboration.SOUGHT
    assert not row.independently_corroborated


def test_one_corroborated_incident_of_two_is_partly_corroborated(case):
    investigation, suspect, incident = case
    second = IncidentFactory(investigation=investigation, suspects=[suspect])
    EvidenceItemFactory(
        investigation=investigation,
        type_code="cctv",
        source=EvidenceSource.THIRD_PARTY,
        suspects=[suspect],
        incidents=[incident],
    )
    matrix = evidence_matrix(investigation)
    assert matrix.cell(suspect, second).status == Corroboration.NONE
    assert matrix.row_for(suspect).status == Corroboration.PARTLY


def test_the_matrix_costs_a_fixed_number_of_queries(case, django_assert_max_num_queries):
    investigation, _, incident = case
    for _ in range(5):
        more = SuspectFactory(investigation=investigation)
        EvidenceItemFactory(investigation=investigation, suspects=[more], incidents=[incident])
    investigation = Investigation.objects.get(pk=investigation.pk)
    with django_assert_max_num_queries(6):
        matrix = evidence_matrix(investigation)
        [row.status for row in matrix.rows]


def test_outcome_totals_exclude_not_yet_assigned():
    OutcomeFactory(number=0)
    OutcomeFactory(number=16)
    OutcomeFactory(number=16)
    OutcomeFactory(number=1)
    totals = {row.number: row.total for row in outcome_totals()}
    assert 0 not in totals
    assert totals[16] == 2
    assert totals[1] == 1
    assert sum(totals.values()) == 3


def test_outcome_totals_count_only_the_given_investigations():
    counted = OutcomeFactory(number=16)
    OutcomeFactory(number=16)
    totals = outcome_totals(Investigation.objects.filter(pk=counted.investigation_id))
    assert {row.number: row.total for row in totals}[16] == 1
