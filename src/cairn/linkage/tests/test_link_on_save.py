"""Saving a report through the app links its person mentions once the transaction commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from cairn.access.actor import Actor
from cairn.access.permissions import Role
from cairn.intelligence import services as intelligence
from cairn.intelligence.models import IntelligenceReport
from cairn.linkage import services
from cairn.linkage.models import LinkStatus, MentionLink
from cairn.linkage.tests.factories import person_mention, use_scores
from cairn.world.generator import generate
from cairn.world.services import bundle_load

pytestmark = pytest.mark.django_db
WHEN = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)


@pytest.fixture
def ann(team, monkeypatch):
    """Ann Lee, already a person entity; a new mention of her would score 0.99."""
    person_mention(team, "ann", "Ann Lee")
    use_scores(monkeypatch, {("ann", "new"): 0.99})
    services.link_run(actor=Actor.system())


def _record(actor: Actor, team: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "actor": actor,
        "owning_team": team,
        "reported_at": WHEN,
        "source_type": "hotel_staff",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "narrative": "Ann Lee seen at the hotel.",
        "people": [{"name_as_written": "Ann Lee", "external_id": "new"}],
    }
    return intelligence.report_create(**(fields | overrides))


def _entity(external_id: str) -> int | None:
    link = (
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .filter(mention__external_id=external_id)
        .first()
    )
    return link.entity_id if link else None


def test_a_new_report_joins_the_existing_person_once_it_commits(
    ann, team, make_user, settings, django_capture_on_commit_callbacks
):
    settings.CAIRN_LINK_ON_SAVE = True
    analyst = Actor(user=make_user(Role.ANALYST, team=team))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _record(analyst, team)
        assert _entity("new") is None
    # Linking first, then the network update that builds on it.
    assert callbacks[0].__qualname__.split(".")[0] == "link_report_later"
    assert _entity("new") == _entity("ann")


def test_with_linking_on_save_off_a_new_report_waits_for_the_next_run(
    ann, team, make_user, settings, django_capture_on_commit_callbacks
):
    settings.CAIRN_LINK_ON_SAVE = False
    analyst = Actor(user=make_user(Role.ANALYST, team=team))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _record(analyst, team)
    assert callbacks == []
    assert _entity("new") is None


def test_an_edited_report_is_linked_again(
    ann, team, make_user, settings, django_capture_on_commit_callbacks
):
    analyst = Actor(user=make_user(Role.ANALYST, team=team))
    report = _record(analyst, team)
    assert _entity("new") is None
    settings.CAIRN_LINK_ON_SAVE = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        intelligence.report_update(
            actor=analyst, report=report, expected_version=report.version, narrative="Edited."
        )
    # Linking first, then the network update that builds on it.
    assert callbacks[0].__qualname__.split(".")[0] == "link_report_later"
    assert _entity("new") == _entity("ann")


def test_a_report_that_fails_validation_queues_nothing(
    ann, team, make_user, settings, django_capture_on_commit_callbacks
):
    settings.CAIRN_LINK_ON_SAVE = True
    analyst = Actor(user=make_user(Role.ANALYST, team=team))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        _record(analyst, team, source_evaluation="9")
    assert callbacks == []


@override_settings(CAIRN_DEMO=True, CAIRN_LINK_ON_SAVE=True)
def test_loading_a_bundle_queues_no_linking_per_report(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(
        intelligence.reports, "link_report_later", lambda *, report_id: queued.append(report_id)
    )
    bundle = generate("tiny", 7, tmp_path / "bundle").out
    with django_capture_on_commit_callbacks(execute=True):
        bundle_load(actor=Actor.system(), directory=bundle)
    assert IntelligenceReport.objects.exists()
    # `cairn world load` is followed by `cairn link run`, not by one job a report.
    assert queued == []
    assert not MentionLink.objects.exists()
