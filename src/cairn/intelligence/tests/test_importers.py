"""Importing a bundle's intelligence: ids kept, legacy grades kept as given, held by a team."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import override_settings

from cairn.access.actor import Actor
from cairn.access.queries import can_view
from cairn.access.tests.factories import UserFactory
from cairn.intelligence.models import (
    GradingSystem,
    IntelligenceReport,
    PersonMention,
    PhoneMention,
    VehicleMention,
)
from cairn.world.generator import generate
from cairn.world.services import bundle_load

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("tiny", 7, tmp_path_factory.mktemp("tiny") / "bundle").out


def _rows(bundle: Path, resource: str) -> list[dict[str, str]]:
    with (bundle / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@override_settings(CAIRN_DEMO=True)
def test_reports_and_mentions_load_with_their_bundle_ids_once(tiny_bundle: Path) -> None:
    result = bundle_load(actor=Actor.system(), directory=tiny_bundle)
    reports = _rows(tiny_bundle, "intelligence_reports")
    people = _rows(tiny_bundle, "report_person_mentions")
    assert "intelligence_reports" not in result.not_imported
    assert IntelligenceReport.objects.count() == len(reports)
    assert PersonMention.objects.count() == len(people)
    first = reports[0]
    report = IntelligenceReport.objects.get(external_id=first["report_id"])
    assert report.narrative == first["narrative"]
    assert report.owning_team.organisation.external_id
    assert PersonMention.objects.filter(
        external_id=people[0]["mention_id"], report__external_id=people[0]["report_id"]
    ).exists()
    housed = next(row for row in people if row["address_as_written"])
    assert (
        PersonMention.objects.get(external_id=housed["mention_id"]).address
        == housed["address_as_written"]
    )
    for phone in _rows(tiny_bundle, "report_phone_mentions"):
        mention = PhoneMention.objects.get(external_id=phone["mention_id"])
        if phone["person_mention_id"]:
            assert (
                mention.person is not None
                and mention.person.external_id == phone["person_mention_id"]
            )
    for vehicle in _rows(tiny_bundle, "report_vehicle_mentions"):
        mention = VehicleMention.objects.get(external_id=vehicle["mention_id"])
        assert mention.is_partial == (
            "?" in vehicle["registration_as_written"] and bool(mention.registration)
        )
    legacy = [row for row in reports if row["grading_system"] == "5x5x5"]
    for row in legacy:
        kept = IntelligenceReport.objects.get(external_id=row["report_id"])
        assert kept.grading_system == GradingSystem.FIVE_FIVE_FIVE
        assert (
            kept.legacy_source_evaluation,
            kept.legacy_intelligence_assessment,
            kept.legacy_handling_code,
        ) == (row["source_evaluation"], row["intelligence_assessment"], row["handling_code"])
        assert kept.source_evaluation == ""
    member = UserFactory(team=report.owning_team)
    assert can_view(member, report)
    counts = IntelligenceReport.objects.count(), PersonMention.objects.count()
    again = bundle_load(actor=Actor.system(), directory=tiny_bundle)
    assert again.created["intelligence_reports"] == 0
    assert (IntelligenceReport.objects.count(), PersonMention.objects.count()) == counts
