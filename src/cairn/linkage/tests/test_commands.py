"""`cairn link run` and `cairn link export`."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cairn.access.models import Team
from cairn.audit.models import Action, AuditEntry
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity
from cairn.linkage.tests.factories import person_mention, use_scores
from cairn.networks.models import SourceNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentions(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    person_mention(team, "tom", "Tom Smith")
    person_mention(team, "thomas", "Thomas Smith")
    person_mention(team, "zed", "Zed Brown")
    use_scores(monkeypatch, {("tom", "thomas"): 0.98})


def test_run_shows_progress_and_a_summary(mentions: None) -> None:
    out, err = StringIO(), StringIO()
    call_command("link", "run", stdout=out, stderr=err)
    assert "Read 3 person mentions" in err.getvalue()
    assert "Scored 1 pairs" in err.getvalue()
    assert "Linked 3 mentions into 2 people" in out.getvalue()
    assert "2 new, 0 removed" in out.getvalue()
    # A second run changes nothing.
    out = StringIO()
    call_command("link", "run", stdout=out, stderr=StringIO())
    assert "0 new, 0 removed, 0 mentions moved" in out.getvalue()


def test_a_run_rebuilds_the_network_graph_from_the_new_people_unless_told_not_to(
    mentions: None,
) -> None:
    out = StringIO()
    call_command("link", "run", stdout=out, stderr=StringIO())
    people = set(PersonEntity.objects.values_list("pk", flat=True))
    in_graph = set(SourceNode.objects.filter(node_kind="person").values_list("node_id", flat=True))

    skipped = StringIO()
    call_command("link", "run", "--skip-network", stdout=skipped, stderr=StringIO())

    assert "Built " in out.getvalue() and in_graph == people
    assert "Built " not in skipped.getvalue()


def test_export_writes_mentions_and_entities(mentions: None, tmp_path: Path) -> None:
    call_command("link", "run", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("link", "export", "--out", str(tmp_path / "links"), stdout=out)
    assert "Wrote 3 mentions and 2 people" in out.getvalue()
    with (tmp_path / "links" / "mentions.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    by_external = {row["mention_external_id"]: row for row in rows}
    assert set(by_external) == {"tom", "thomas", "zed"}
    assert by_external["tom"]["entity_id"] == by_external["thomas"]["entity_id"]
    assert by_external["zed"]["entity_id"] != by_external["tom"]["entity_id"]
    assert by_external["thomas"]["match_probability"] == "0.980000"
    assert by_external["tom"]["match_probability"] == ""
    assert set(rows[0]) == {
        "mention_external_id",
        "mention_id",
        "entity_id",
        "match_probability",
        "status",
    }
    with (tmp_path / "links" / "entities.csv").open() as handle:
        entities = list(csv.DictReader(handle))
    assert len(entities) == 2
    tom_entity = next(e for e in entities if e["entity_id"] == by_external["tom"]["entity_id"])
    assert tom_entity["mentions"] == "2"
    assert tom_entity["first_seen"] == tom_entity["last_seen"] == "2026-03-01"
    assert tom_entity["reference"] == f"PE-{int(tom_entity['entity_id']):06d}"
    assert not MentionLink.objects.filter(status=LinkStatus.PROPOSED).exists()
    assert AuditEntry.objects.filter(action=Action.DISCLOSURE).get().detail["mentions"] == 3
