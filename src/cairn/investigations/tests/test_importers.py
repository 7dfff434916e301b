"""Importing the bundle's investigation resources from the `tiny` world: counts match the CSVs,
bundle ids are kept, each investigation is its team's, outcomes carry their type and court
result, and a second load of the same bundle adds nothing."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from cairn.access.actor import Actor
from cairn.access.models import Team
from cairn.access.permissions import Role
from cairn.access.queries import can_view
from cairn.access.tests.factories import UserFactory
from cairn.investigations.models import (
    ChargingDecision,
    CourtResult,
    EvidenceItem,
    Investigation,
    InvestigationStatus,
    Outcome,
    Suspect,
    Victim,
    Witness,
)
from cairn.investigations.queries import outcome_totals
from cairn.investigations.reference import BUNDLE_EVIDENCE_TYPES
from cairn.world.generator import generate
from cairn.world.services import bundle_load
from cairn.youngpeople.models import YoungPerson

SYSTEM = Actor.system()


def _rows(bundle: Path, resource: str) -> list[dict[str, str]]:
    with (bundle / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def tiny(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
) -> Iterator[Path]:
    """`cairn world generate --scale tiny` loaded once for this module, rolled back after."""
    bundle = generate("tiny", 7, tmp_path_factory.mktemp("tiny") / "bundle").out
    with django_db_blocker.unblock(), override_settings(CAIRN_DEMO=True), transaction.atomic():  # type: ignore[attr-defined]
        bundle_load(actor=SYSTEM, directory=bundle)
        yield bundle
        transaction.set_rollback(True)


def _counts() -> tuple[int, ...]:
    return (
        Investigation.objects.count(),
        Suspect.objects.count(),
        Victim.objects.count(),
        Witness.objects.count(),
        EvidenceItem.objects.count(),
        Outcome.objects.count(),
    )


@pytest.mark.django_db
def test_the_tiny_worlds_investigations_load_with_counts_matching_the_csvs(tiny: Path) -> None:
    assert _counts() == tuple(
        len(_rows(tiny, resource))
        for resource in (
            "investigations",
            "investigation_suspects",
            "investigation_victims",
            "investigation_witnesses",
            "evidence_items",
            "investigation_outcomes",
        )
    )


@pytest.mark.django_db
def test_bundle_ids_are_kept_and_people_are_on_their_investigation(tiny: Path) -> None:
    first = _rows(tiny, "investigations")[0]
    investigation = Investigation.objects.get(external_id=first["investigation_id"])
    assert investigation.operation_name == first["operation_name"]
    assert investigation.offence_types == [first["offence_category"]]
    assert str(investigation.started_on) == first["opened_on"]
    expected = InvestigationStatus.CLOSED if first["closed_on"] else InvestigationStatus.OPEN
    assert investigation.status == expected
    assert investigation.synthetic
    suspects = [
        r
        for r in _rows(tiny, "investigation_suspects")
        if r["investigation_id"] == first["investigation_id"]
    ]
    assert sorted(investigation.suspects.values_list("external_id", flat=True)) == sorted(
        row["suspect_id"] for row in suspects
    )
    for row in _rows(tiny, "investigation_victims"):
        victim = Victim.objects.get(external_id=row["victim_id"])
        assert victim.young_person == YoungPerson.objects.get(external_id=row["young_person_id"])
        assert victim.investigation.external_id == row["investigation_id"]


@pytest.mark.django_db
def test_an_investigation_is_held_by_its_team(tiny: Path) -> None:
    row = _rows(tiny, "investigations")[0]
    investigation = Investigation.objects.get(external_id=row["investigation_id"])
    team = Team.objects.get(external_id=row["team_id"])
    assert investigation.team == team
    assert can_view(UserFactory(roles=[Role.INVESTIGATOR.value], team=team), investigation)
    assert not can_view(UserFactory(roles=[Role.INVESTIGATOR.value]), investigation)


@pytest.mark.django_db
def test_evidence_items_keep_their_type_and_status(tiny: Path) -> None:
    for row in _rows(tiny, "evidence_items"):
        item = EvidenceItem.objects.get(external_id=row["evidence_id"])
        assert item.evidence_type.code == BUNDLE_EVIDENCE_TYPES[row["evidence_type"]]
        assert item.status == row["status"]
        assert item.shows == row["description"]
    abe = EvidenceItem.objects.filter(evidence_type__code="abe_interview").first()
    assert abe is not None and not abe.is_independent


@pytest.mark.django_db
def test_outcomes_carry_their_type_charge_and_court_result(tiny: Path) -> None:
    rows = _rows(tiny, "investigation_outcomes")
    by_type = Counter(int(row["outcome_type"]) for row in rows)
    totals = {total.number: total.total for total in outcome_totals()}
    assert {number: count for number, count in totals.items() if count} == dict(by_type)
    charged = Outcome.objects.filter(outcome_type__number=1)
    assert charged.exists()
    assert set(charged.values_list("charging_decision", flat=True)) == {ChargingDecision.CHARGED}
    verdicts = {
        row["suspect_id"]: row["verdict"]
        for row in _rows(tiny, "trial_defendants")
        if row["verdict"] in ("convicted", "acquitted")
    }
    assert verdicts
    for outcome in charged.select_related("suspect"):
        if outcome.suspect.external_id in verdicts:
            assert outcome.court_result == CourtResult(verdicts[outcome.suspect.external_id])
    withdrawn = Outcome.objects.filter(outcome_type__number=16).first()
    assert withdrawn is None or withdrawn.attrition_reason == "victim_withdrawal"


@pytest.mark.django_db
def test_loading_the_same_bundle_again_adds_nothing(tiny: Path) -> None:
    before = _counts()
    with override_settings(CAIRN_DEMO=True):
        again = bundle_load(actor=SYSTEM, directory=tiny)
    assert _counts() == before
    assert again.created["investigations"] == again.created["evidence_items"] == 0
    assert "investigations" not in again.not_imported
