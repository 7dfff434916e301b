"""The simulator: reproducible bytes, valid packages, calibration and consistent ground truth."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import frictionless
import pytest

from cairn.world.generator import Generated, generate
from cairn.world.generator.scales import SCALES

# The shared autouse fixture that resets sign-in lock-outs touches the database.
pytestmark = pytest.mark.django_db


def _digest(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_gives_identical_bytes(tmp_path: Path, tiny_world: Generated) -> None:
    again = generate("tiny", 7, tmp_path / "again")
    assert _digest(again.out) == _digest(tiny_world.out)


def test_another_seed_gives_another_world(tmp_path: Path, tiny_world: Generated) -> None:
    other = generate("tiny", 8, tmp_path / "other")
    assert _digest(other.out)["young_people.csv"] != _digest(tiny_world.out)["young_people.csv"]


def test_bundle_and_truth_pass_frictionless_validation(tiny_world: Generated) -> None:
    for descriptor in (
        tiny_world.out / "datapackage.json",
        tiny_world.out / "truth" / "datapackage.json",
    ):
        report = frictionless.validate(str(descriptor))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_bundle_is_marked_synthetic(tiny_world: Generated) -> None:
    package = frictionless.Package(str(tiny_world.out / "datapackage.json"))
    assert package.custom["synthetic"] is True


def test_truth_is_not_a_bundle_resource(tiny_world: Generated) -> None:
    package = frictionless.Package(str(tiny_world.out / "datapackage.json"))
    assert not any(resource.path.startswith("truth") for resource in package.resources)


def test_local_world_matches_one_charitys_year_within_ten_percent(local_world: Generated) -> None:
    figures = {figure.name: figure for figure in local_world.figures}
    for name, target in [
        ("young people", 1_200),
        ("investigations", 137),
        ("investigations ending in conviction", 24),
        ("child abduction warning notices", 16),
    ]:
        assert abs(figures[name].generated - target) <= 0.1 * target, name
    victims = _rows(local_world.out / "investigation_victims.csv")
    ages = [int(row["age_at_offence"]) for row in victims]
    assert max(set(ages), key=ages.count) in {14, 15}
    young_people = _rows(local_world.out / "young_people.csv")
    assert len(young_people) == 1_200
    trials = _rows(local_world.out / "trials.csv")
    assert sum(row["result"].startswith("convicted") for row in trials) == 24


def test_local_world_has_messy_records(local_world: Generated) -> None:
    plates = [
        row["registration_as_written"]
        for row in _rows(local_world.out / "report_vehicle_mentions.csv")
    ]
    phones = [
        row["number_as_written"] for row in _rows(local_world.out / "report_phone_mentions.csv")
    ]
    people = _rows(local_world.out / "report_person_mentions.csv")
    assert any("?" in plate for plate in plates)
    assert any(phone.startswith("+44") for phone in phones) and any(
        " " in phone for phone in phones
    )
    assert any(row["nickname"] and not row["name_as_written"] for row in people)
    assert any(row["estimated_age"] and not row["date_of_birth"] for row in people)


def test_every_mention_maps_to_a_true_entity(tiny_world: Generated) -> None:
    truth = tiny_world.out / "truth"
    entities = {row["entity_id"] for row in _rows(truth / "entities.csv")}
    mapped = {
        (row["resource"], row["record_id"]): row["entity_id"]
        for row in _rows(truth / "mentions.csv")
    }
    for resource, key in [
        ("report_person_mentions", "mention_id"),
        ("report_phone_mentions", "mention_id"),
        ("report_vehicle_mentions", "mention_id"),
        ("report_location_mentions", "mention_id"),
        ("investigation_suspects", "suspect_id"),
        ("investigation_victims", "victim_id"),
        ("young_people", "young_person_id"),
    ]:
        for row in _rows(tiny_world.out / f"{resource}.csv"):
            assert mapped[(resource, row[key])] in entities


def test_every_network_has_two_offenders_and_a_child(local_world: Generated) -> None:
    members: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in _rows(local_world.out / "truth" / "network_members.csv"):
        members[row["network_id"]][row["member_type"]] += 1
    networks = _rows(local_world.out / "truth" / "networks.csv")
    assert networks
    for network in networks:
        assert members[network["network_id"]]["offender"] >= 2
        assert members[network["network_id"]]["child"] >= 1


def test_innocent_people_share_names_and_cars_with_offenders(local_world: Generated) -> None:
    entities = _rows(local_world.out / "truth" / "entities.csv")
    offenders = [row for row in entities if row["role"] == "offender"]
    innocent = [
        row for row in entities if row["role"] in {"relative", "namesake", "innocent_adult"}
    ]
    offender_names = {(row["given_name"], row["family_name"]) for row in offenders}
    offender_cars = {row["value"] for row in offenders if row["value"]}
    assert any((row["given_name"], row["family_name"]) in offender_names for row in innocent)
    assert any(row["value"] in offender_cars for row in innocent)
    assert {row["family_name"] for row in offenders} & {row["family_name"] for row in innocent}


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_every_scales_default_period_ends_in_the_past(scale: str) -> None:
    """A bundle with records dated after today is refused on loading."""
    chosen = SCALES[scale]
    assert chosen.start + timedelta(days=365 * chosen.years) < date.today()
