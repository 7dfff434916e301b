"""Loading bundles: refused by the wrong instance, rejected precisely if broken, never half done."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cairn.access.actor import Actor
from cairn.access.models import Organisation, Team
from cairn.audit.models import Action, AuditEntry
from cairn.world.importers import IN_BATCH, batches
from cairn.world.models import LoadedBundle
from cairn.world.services import BundleInvalid, BundleRefused, bundle_load

pytestmark = pytest.mark.django_db


def _copy(bundle: Path, into: Path) -> Path:
    target = into / "bundle"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(bundle, target)
    return target


def _edit(bundle: Path, resource: str, row: int, field: str, value: str) -> None:
    path = bundle / f"{resource}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[row - 1][field] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@override_settings(CAIRN_DEMO=True)
def test_organisations_and_teams_load_with_their_bundle_ids(tiny_bundle: Path) -> None:
    result = bundle_load(actor=Actor.system(), directory=tiny_bundle)
    police = Organisation.objects.get(name="Northmoor Police (synthetic)")
    assert police.external_id.startswith("OR")
    assert police.area == "Northmoor"
    assert Team.objects.get(organisation=police, name="Child Exploitation Team").external_id
    assert "intelligence_reports" not in result.not_imported
    assert "investigations" not in result.not_imported
    assert "trials" in result.not_imported
    entry = AuditEntry.objects.filter(action=Action.COLLECTION).latest("id")
    assert "Loaded bundle cairn-world-tiny-seed-7" in entry.summary


@override_settings(CAIRN_DEMO=True)
def test_loading_twice_does_not_duplicate(tiny_bundle: Path) -> None:
    bundle_load(actor=Actor.system(), directory=tiny_bundle)
    counts = (Organisation.objects.count(), Team.objects.count())
    again = bundle_load(actor=Actor.system(), directory=tiny_bundle)
    assert (Organisation.objects.count(), Team.objects.count()) == counts
    assert again.created["organisations"] == again.created["teams"] == 0


@override_settings(CAIRN_DEMO=False)
def test_synthetic_bundle_is_refused_by_a_real_instance(tiny_bundle: Path) -> None:
    with pytest.raises(BundleRefused, match="synthetic"):
        bundle_load(actor=Actor.system(), directory=tiny_bundle)
    assert not Organisation.objects.exists()


@override_settings(CAIRN_DEMO=True)
def test_real_bundle_is_refused_by_a_demo_instance(tiny_bundle: Path, tmp_path: Path) -> None:
    bundle = _copy(tiny_bundle, tmp_path)
    descriptor = bundle / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"synthetic": true', '"synthetic": false'))
    with pytest.raises(BundleRefused, match="real records"):
        bundle_load(actor=Actor.system(), directory=bundle)
    assert not Organisation.objects.exists()


BREAKAGES = [
    ("teams", "organisation_id", "OR9999999", "foreign"),
    ("young_people", "team_id", "TM9999999", "foreign"),
    ("young_people", "date_of_birth", "not a date", "type"),
    ("risk_assessments", "score", "high", "type"),
    ("organisations", "name", "", "required"),
    ("referrals", "referred_on", "", "required"),
]


@override_settings(CAIRN_DEMO=True)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(breakage=st.sampled_from(BREAKAGES), row=st.integers(min_value=1, max_value=5))
def test_a_broken_bundle_is_rejected_precisely_and_writes_nothing(
    tiny_bundle: Path, tmp_path: Path, breakage: tuple[str, str, str, str], row: int
) -> None:
    resource, field, value, kind = breakage
    bundle = _copy(tiny_bundle, tmp_path)
    _edit(bundle, resource, row, field, value)
    before = (
        Organisation.objects.count(),
        AuditEntry.objects.count(),
        LoadedBundle.objects.count(),
    )
    with pytest.raises(BundleInvalid) as raised:
        bundle_load(actor=Actor.system(), directory=bundle)
    located = [p for p in raised.value.problems if p.resource == resource and p.row == row]
    assert located, [str(p) for p in raised.value.problems]
    assert field in (located[0].field or "")
    assert kind in str(located[0]).lower()
    assert f"{resource}, row {row}, field {field}" in str(located[0])
    after = (Organisation.objects.count(), AuditEntry.objects.count(), LoadedBundle.objects.count())
    assert after == before


def test_ids_go_to_the_database_in_batches_under_its_limit_on_parameters() -> None:
    assert [len(batch) for batch in batches(range(12), size=5)] == [5, 5, 2]
    assert list(batches([])) == []
    assert IN_BATCH * 2 < 32_766  # SQLite's limit, with room for a query's other parameters
