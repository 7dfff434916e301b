"""Importing the bundle's young-people resources: counts match the CSVs, bundle ids are kept,
scores come from the tool in use, the demo practitioner gets a caseload, and a second load of the
same bundle adds nothing."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import Organisation, Team
from cairn.access.permissions import Role
from cairn.access.queries import can_view
from cairn.access.tests.factories import UserFactory
from cairn.world.generator import generate
from cairn.world.services import BundleInvalid, bundle_load
from cairn.youngpeople.importers.common import DEMO_CASELOAD, INDICATOR_CODES
from cairn.youngpeople.models import (
    InterviewStatus,
    MissingEpisode,
    Referral,
    RiskAnswer,
    RiskAssessment,
    YoungPerson,
)
from cairn.youngpeople.models.choices import band_rank

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`cairn world generate --scale tiny`, once for this module."""
    return generate("tiny", 7, tmp_path_factory.mktemp("tiny") / "bundle").out


def _rows(bundle: Path, resource: str) -> list[dict[str, str]]:
    with (bundle / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _counts() -> tuple[int, ...]:
    return (
        YoungPerson.objects.count(),
        Referral.objects.count(),
        RiskAssessment.objects.count(),
        RiskAnswer.objects.count(),
        MissingEpisode.objects.count(),
        MissingEpisode.objects.exclude(interview_status=InterviewStatus.NOT_OFFERED).count(),
    )


@override_settings(CAIRN_DEMO=True)
def test_the_tiny_world_loads_with_counts_matching_the_csvs(tiny_bundle: Path) -> None:
    bundle_load(actor=Actor.system(), directory=tiny_bundle)

    assert _counts() == (
        len(_rows(tiny_bundle, "young_people")),
        len(_rows(tiny_bundle, "referrals")),
        len(_rows(tiny_bundle, "risk_assessments")),
        len(_rows(tiny_bundle, "risk_indicators")),
        len(_rows(tiny_bundle, "missing_episodes")),
        len(_rows(tiny_bundle, "return_home_interviews")),
    )
    assert not YoungPerson.objects.filter(synthetic=False).exists()
    assert not Referral.objects.filter(synthetic=False).exists()


@override_settings(CAIRN_DEMO=True)
def test_bundle_ids_are_kept_as_external_ids(tiny_bundle: Path) -> None:
    bundle_load(actor=Actor.system(), directory=tiny_bundle)

    first = _rows(tiny_bundle, "young_people")[0]
    person = YoungPerson.objects.get(external_id=first["young_person_id"])
    assert (person.given_name, person.family_name) == (first["given_name"], first["family_name"])
    assert person.holding_team.external_id == first["team_id"]
    assert {alias.name for alias in person.aliases.all()} == {
        name for name in first["aliases"].split("|") if name
    }
    assert set(Referral.objects.values_list("external_id", flat=True)) == {
        row["referral_id"] for row in _rows(tiny_bundle, "referrals")
    }
    assert set(RiskAssessment.objects.values_list("external_id", flat=True)) == {
        row["risk_assessment_id"] for row in _rows(tiny_bundle, "risk_assessments")
    }
    assert set(MissingEpisode.objects.values_list("external_id", flat=True)) == {
        row["missing_episode_id"] for row in _rows(tiny_bundle, "missing_episodes")
    }


@override_settings(CAIRN_DEMO=True)
def test_assessments_are_scored_by_the_tool_and_a_higher_source_band_is_an_imported_override(
    tiny_bundle: Path,
) -> None:
    bundle_load(actor=Actor.system(), directory=tiny_bundle)

    rows = {row["risk_assessment_id"]: row for row in _rows(tiny_bundle, "risk_assessments")}
    ticked = Counter(row["risk_assessment_id"] for row in _rows(tiny_bundle, "risk_indicators"))
    for assessment in RiskAssessment.objects.prefetch_related("answers"):
        row = rows[assessment.external_id]
        assert len(assessment.answers.all()) == ticked[assessment.external_id]
        # The band in force is the higher of the bundle's and Cairn's own (with its local
        # rules): an import never lowers a child's band.
        higher = max(row["band"], assessment.computed_band, key=band_rank)
        assert assessment.band == higher
        if band_rank(row["band"]) > band_rank(assessment.computed_band):
            assert (assessment.override_band, assessment.override_rationale) == (
                row["band"],
                "Imported",
            )
        else:
            assert (assessment.override_band, assessment.override_rationale) == ("", "")
    # Without local rules lifting a band, the tool's points are the bundle's points.
    unlifted = RiskAssessment.objects.filter(rule_notes=[])
    assert unlifted.exists()
    assert all(
        assessment.score == int(rows[assessment.external_id]["score"]) for assessment in unlifted
    )


@override_settings(CAIRN_DEMO=True)
def test_every_bundle_indicator_code_maps_to_the_tool_in_use(tiny_bundle: Path) -> None:
    bundle_load(actor=Actor.system(), directory=tiny_bundle)

    codes = {row["indicator"] for row in _rows(tiny_bundle, "risk_indicators")}
    held = set(RiskAnswer.objects.values_list("indicator__code", flat=True))
    assert held == {INDICATOR_CODES.get(code, code) for code in codes}


@override_settings(CAIRN_DEMO=True)
def test_return_home_interviews_are_kept_on_their_episodes(tiny_bundle: Path) -> None:
    bundle_load(actor=Actor.system(), directory=tiny_bundle)

    for row in _rows(tiny_bundle, "return_home_interviews")[:20]:
        episode = MissingEpisode.objects.get(
            external_id=next(
                item["missing_episode_id"]
                for item in _rows(tiny_bundle, "missing_episodes")
                if item["missing_episode_id"] == row["missing_episode_id"]
            )
        )
        if row["declined"] == "true":
            assert episode.interview_status == InterviewStatus.DECLINED
        elif row["completed_on"]:
            assert episode.interview_status == InterviewStatus.DONE
            assert (
                timezone.localtime(episode.interview_done_at).date().isoformat()
                >= row["completed_on"]
            )
        else:
            assert episode.interview_status == InterviewStatus.OFFERED
        assert episode.interview_offered_at >= episode.ended_at


@override_settings(CAIRN_DEMO=True)
def test_loading_the_same_bundle_again_adds_nothing(tiny_bundle: Path) -> None:
    bundle_load(actor=Actor.system(), directory=tiny_bundle)
    before = _counts()

    again = bundle_load(actor=Actor.system(), directory=tiny_bundle)

    assert _counts() == before
    assert {
        name: again.created[name]
        for name in (
            "young_people",
            "referrals",
            "risk_assessments",
            "risk_indicators",
            "missing_episodes",
            "return_home_interviews",
        )
    } == dict.fromkeys(
        (
            "young_people",
            "referrals",
            "risk_assessments",
            "risk_indicators",
            "missing_episodes",
            "return_home_interviews",
        ),
        0,
    )
    assert again.loaded.counts["young_people"] == before[0]


@override_settings(CAIRN_DEMO=True)
def test_the_demo_practitioner_gets_a_caseload_in_their_team(tiny_bundle: Path) -> None:
    charity = Organisation.objects.create(name="Harbourside Children's Charity (synthetic)")
    team = Team.objects.create(organisation=charity, name="Exploitation Service")
    practitioner = UserFactory(username="practitioner", roles=[Role.PRACTITIONER], team=team)

    bundle_load(actor=Actor.system(), directory=tiny_bundle)

    caseload = YoungPerson.objects.filter(key_worker=practitioner)
    held = YoungPerson.objects.filter(holding_team=team).count()
    assert caseload.count() == min(DEMO_CASELOAD, held) > 0
    assert all(can_view(practitioner, person) for person in caseload)
    assert all(person.case_events.filter(kind="allocated").exists() for person in caseload)


@override_settings(CAIRN_DEMO=True)
def test_an_unknown_indicator_refuses_the_bundle_and_nothing_is_saved(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(tiny_bundle, bundle)
    rows = _rows(bundle, "risk_indicators")
    rows[2]["indicator"] = "made_up_indicator"
    with (bundle / "risk_indicators.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    with pytest.raises(BundleInvalid) as refused:
        bundle_load(actor=Actor.system(), directory=bundle)

    assert [str(problem) for problem in refused.value.problems] == [
        "risk_indicators, row 3, field indicator: Unknown indicator for "
        "CSE screening tool (SERAF-derived), version 1: made_up_indicator"
    ]
    assert _counts() == (0, 0, 0, 0, 0, 0)
