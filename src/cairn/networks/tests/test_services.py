"""Building, updating and exporting the network graph from stored records."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cairn.access.actor import Actor
from cairn.access.models import Team
from cairn.access.permissions import Role
from cairn.audit.models import AuditEntry
from cairn.intelligence.models import PersonMention
from cairn.investigations.tests.factories import (
    IncidentFactory,
    InvestigationFactory,
    SuspectFactory,
    VictimFactory,
)
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity, PhoneEntity
from cairn.networks import services
from cairn.networks.analysis import NetworkGraph, Structure, build_graph
from cairn.networks.analysis.records import EdgeFacts
from cairn.networks.models import Edge, Network, NetworkNode, SourceNode
from cairn.networks.services.rebuild import _store_structure
from cairn.networks.tests.factories import edge_table, place, resolved_report
from cairn.youngpeople.models import EqualityMonitoring, RiskBand
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import MissingEpisodeFactory, RiskAssessmentFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system()
EVENING = datetime(2026, 2, 6, 21, 0, tzinfo=UTC)


def person(name: str) -> PersonEntity:
    return PersonEntity.objects.create(display_name=name)


def edge(a: Any, b: Any) -> Edge:
    first, second = sorted([a, b])
    return Edge.objects.get(
        first_kind=first[0], first_id=first[1], second_kind=second[0], second_id=second[1]
    )


@pytest.fixture
def world(team: Team) -> dict[str, Any]:
    """North: Tiger and Smokey with a girl at the Grill House in KX12ABC.
    South: Dee and Jay at the Station Hotel with another phone."""
    tiger, smokey, dee, jay = person("Tiger"), person("Smokey"), person("Dee"), person("Jay")
    girl, boy = YoungPersonFactory(holding_team=team), YoungPersonFactory(holding_team=team)
    RiskAssessmentFactory(young_person=girl, computed_band=RiskBand.SIGNIFICANT)
    first = resolved_report(
        team,
        at=EVENING,
        people=[tiger, smokey],
        phones=["+447700900123"],
        places=["Grill House"],
        young_people=[girl],
        grading=("2", "C"),
    )
    second = resolved_report(
        team,
        at=EVENING + timedelta(days=4),
        people=[tiger, smokey],
        vehicles=["KX12ABC"],
        young_people=[girl],
        grading=("1", "B"),
    )
    third = resolved_report(
        team,
        at=EVENING + timedelta(days=1),
        people=[dee, jay],
        phones=["+447700900456"],
        places=["Station Hotel"],
        young_people=[boy],
    )
    return {
        "tiger": tiger,
        "smokey": smokey,
        "dee": dee,
        "jay": jay,
        "girl": girl,
        "boy": boy,
        "reports": [first, second, third],
    }


def test_a_rebuild_connects_everything_resolved_from_the_same_report(world: dict[str, Any]) -> None:
    first, second, _ = world["reports"]

    summary = services.network_rebuild(actor=SYSTEM)

    tigers = edge(("person", world["tiger"].pk), ("person", world["smokey"].pk))
    assert tigers.report_ids == [first.pk, second.pk]
    assert (tigers.count, tigers.best_grading) == (2, "1B")
    assert (tigers.first_seen, tigers.last_seen) == (first.reported_at, second.reported_at)
    grill_house = place("Grill House")
    assert edge(("young_person", world["girl"].pk), ("location", grill_house.pk)).count == 1
    assert not Edge.objects.filter(first_kind="person", first_id=world["tiger"].pk).filter(
        second_kind="person", second_id=world["dee"].pk
    )
    assert summary.networks == 2
    assert SourceNode.objects.filter(source_kind="report", source_id=first.pk).count() == 5


def test_equality_monitoring_is_never_read_and_never_changes_a_network_rank(
    world: dict[str, Any],
) -> None:
    services.network_rebuild(actor=SYSTEM, now=EVENING)
    before = list(Network.objects.order_by("rank").values_list("rank", "score", "young_people"))
    for index, child in enumerate([world["girl"], world["boy"]]):
        EqualityMonitoring.objects.create(
            young_person=child,
            ethnicity=f"Synthetic ethnicity {index}",
            religion=f"Synthetic religion {index}",
            nationality="Synthetic nationality",
        )

    with CaptureQueriesContext(connection) as queries:
        services.network_rebuild(actor=SYSTEM, now=EVENING)

    after = list(Network.objects.order_by("rank").values_list("rank", "score", "young_people"))
    assert before == after
    assert len(before) == 2
    table = EqualityMonitoring._meta.db_table
    assert not [query for query in queries.captured_queries if table in query["sql"]]


def test_a_rebuild_ranks_the_network_of_the_child_at_significant_risk_first(
    world: dict[str, Any],
) -> None:
    services.network_rebuild(actor=SYSTEM, now=EVENING + timedelta(days=10))

    top, second = Network.objects.order_by("rank")
    members = NetworkNode.objects.filter(network=top)
    assert {(m.node_kind, m.node_id) for m in members if m.node_kind == "young_person"} == {
        ("young_person", world["girl"].pk)
    }
    assert (top.young_people, top.adults, top.nodes) == (1, 2, 6)
    assert top.score > second.score
    assert top.last_seen == world["reports"][1].reported_at
    audit = AuditEntry.objects.filter(record_type="networks.edge").latest("id")
    assert audit.action == "combination"


def test_a_missing_episode_found_at_a_known_place_links_the_child_to_it(
    world: dict[str, Any],
) -> None:
    episode = MissingEpisodeFactory(young_person=world["boy"], where_found="Grill house.")

    services.network_rebuild(actor=SYSTEM)

    found = edge(("young_person", world["boy"].pk), ("location", place("Grill House").pk))
    assert (found.missing_episode_ids, found.report_ids) == ([episode.pk], [])


def test_an_incremental_update_equals_a_rebuild_for_the_affected_part(
    world: dict[str, Any], team: Team
) -> None:
    services.network_rebuild(actor=SYSTEM)
    newcomer = person("Newcomer")
    new = resolved_report(
        team,
        at=EVENING + timedelta(days=6),
        people=[world["smokey"], world["dee"], newcomer],
        places=["Grill House"],
        grading=("1", "A"),
    )
    first = world["reports"][0]
    dropped = PersonMention.objects.filter(report=first).first()
    assert dropped is not None
    MentionLink.objects.filter(mention=dropped).delete()

    joined = services.network_update_for_report(actor=SYSTEM, report_id=new.pk)
    services.network_update_for_report(actor=SYSTEM, report_id=first.pk)
    updated = edge_table()
    top = Network.objects.get(rank=1)
    placed = NetworkNode.objects.get(node_kind="person", node_id=newcomer.pk)
    services.network_rebuild(actor=SYSTEM)

    assert updated == edge_table()
    assert joined.joins_networks
    assert joined.nodes_added == 1
    assert placed.network_id == top.pk
    assert (top.nodes, top.adults) == (7, 3)


def test_a_new_missing_episode_updates_the_graph_as_a_rebuild_would(
    world: dict[str, Any],
) -> None:
    services.network_rebuild(actor=SYSTEM)
    episode = MissingEpisodeFactory(young_person=world["boy"], where_found="Station Hotel")

    summary = services.network_update_for_record(
        actor=SYSTEM, kind="missing_episode", record_id=episode.pk
    )
    updated = edge_table()
    services.network_rebuild(actor=SYSTEM)

    assert updated == edge_table()
    assert summary.edges_changed == 1
    found = edge(("young_person", world["boy"].pk), ("location", place("Station Hotel").pk))
    third = world["reports"][2]
    assert (found.count, found.report_ids, found.missing_episode_ids) == (
        2,
        [third.pk],
        [episode.pk],
    )
    assert (found.first_seen, found.last_seen) == (third.reported_at, episode.ended_at)


def test_a_deleted_report_takes_its_edges_with_it(world: dict[str, Any]) -> None:
    services.network_rebuild(actor=SYSTEM)
    third = world["reports"][2]
    third_id = third.pk
    third.delete()

    services.network_update_for_report(actor=SYSTEM, report_id=third_id)

    assert not Edge.objects.filter(first_kind="person", first_id=world["dee"].pk).exists()
    assert not SourceNode.objects.filter(source_kind="report", source_id=third_id).exists()


def test_a_role_that_cannot_edit_records_cannot_rebuild_and_nothing_changes(
    world: dict[str, Any], make_user: Any
) -> None:
    auditor = make_user(Role.AUDITOR)

    with pytest.raises(PermissionDenied):
        services.network_rebuild(actor=Actor(user=auditor))

    assert not Edge.objects.exists()
    assert not Network.objects.exists()


def test_export_writes_each_entity_with_its_network_and_community(
    world: dict[str, Any], tmp_path: Path
) -> None:
    call_command("network", "rebuild")
    call_command("network", "export", "--out", str(tmp_path))

    with (tmp_path / "entity_network.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_node = {(row["kind"], int(row["entity_id"])): row for row in rows}
    tiger = by_node[("person", world["tiger"].pk)]
    smokey = by_node[("person", world["smokey"].pk)]
    dee = by_node[("person", world["dee"].pk)]
    assert tiger["network_id"] == smokey["network_id"] != dee["network_id"]
    assert tiger["community_id"] == smokey["community_id"]
    phone = PhoneEntity.objects.get(e164="+447700900123")
    assert by_node[("phone", phone.pk)]["external_id"] == "+447700900123"
    assert by_node[("young_person", world["girl"].pk)]["network_id"] == tiger["network_id"]
    assert len(rows) == NetworkNode.objects.count() == 11
    assert AuditEntry.objects.filter(action="disclosure", record_type="networks.networknode")


def test_mention_links_still_proposed_do_not_make_edges(team: Team) -> None:
    tiger, stranger = person("Tiger"), person("Stranger")
    report = resolved_report(team, at=EVENING, people=[tiger, stranger])
    MentionLink.objects.filter(entity=stranger).update(status=LinkStatus.PROPOSED)

    services.network_rebuild(actor=SYSTEM)

    assert not Edge.objects.exists()
    assert SourceNode.objects.filter(source_id=report.pk).count() == 1


def grill_incident(team: Team) -> tuple[Any, Any, Any, Any]:
    """Tiger is a suspect, and a girl of `team` a victim, of an incident at the Grill House;
    a second suspect is not linked to any person."""
    tiger, girl, grill = person("Tiger"), YoungPersonFactory(holding_team=team), place("Grill")
    investigation = InvestigationFactory()
    incident = IncidentFactory(
        investigation=investigation,
        occurred_from=EVENING.date(),
        location=grill,
        suspects=[
            SuspectFactory(investigation=investigation, person=tiger),
            SuspectFactory(investigation=investigation),
        ],
        victims=[VictimFactory(investigation=investigation, young_person=girl)],
    )
    return incident, tiger, girl, grill


def test_an_incident_links_its_suspects_to_its_victims_and_its_place(team: Team) -> None:
    incident, tiger, girl, grill = grill_incident(team)

    summary = services.network_rebuild(actor=SYSTEM)

    suspect_victim = edge(("person", tiger.pk), ("young_person", girl.pk))
    assert suspect_victim.incident_ids == [incident.pk]
    assert suspect_victim.report_ids == [] and suspect_victim.missing_episode_ids == []
    assert suspect_victim.first_seen == datetime.combine(EVENING.date(), time.min, UTC)
    assert edge(("person", tiger.pk), ("location", grill.pk)).count == 1
    assert summary.nodes == 3 and summary.edges == 3
    assert Network.objects.get().young_people == 1


def test_an_edited_incident_updates_the_graph_as_a_rebuild_would(team: Team) -> None:
    incident = grill_incident(team)[0]
    incident.location = None
    incident.save(update_fields=["location"])
    services.network_rebuild(actor=SYSTEM)
    incident.location = place("Grill")
    incident.save(update_fields=["location"])

    services.network_update_for_record(actor=SYSTEM, kind="incident", record_id=incident.pk)
    updated = edge_table()
    services.network_rebuild(actor=SYSTEM)

    assert updated == edge_table()
    assert len(updated) == 3


def test_recording_a_missing_episode_in_the_app_brings_the_graph_up_to_date(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from cairn.youngpeople.services import missing_episode_create

    services.network_rebuild(actor=SYSTEM)
    settings.CAIRN_LINK_ON_SAVE = True
    started = datetime.now(tz=UTC) - timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        missing_episode_create(
            actor=SYSTEM,
            young_person=world["boy"],
            started_at=started,
            ended_at=started + timedelta(hours=9),
            reported_by="Carer (synthetic)",
            where_found="Grill house",
        )

    found = edge(("young_person", world["boy"].pk), ("location", place("Grill House").pk))
    assert len(found.missing_episode_ids) == 1


def test_with_updates_on_save_off_recording_an_episode_leaves_the_graph_to_the_next_rebuild(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from cairn.youngpeople.services import missing_episode_create

    services.network_rebuild(actor=SYSTEM)
    settings.CAIRN_LINK_ON_SAVE = False
    started = datetime.now(tz=UTC) - timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        missing_episode_create(
            actor=SYSTEM,
            young_person=world["boy"],
            started_at=started,
            reported_by="Carer (synthetic)",
            where_found="Grill house",
        )

    assert not any(found.missing_episode_ids for found in Edge.objects.all())


def test_adding_an_incident_in_the_app_links_its_suspect_and_victim_in_the_graph(
    team: Team, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from cairn.investigations.services import incident_add

    incident, tiger, girl, _ = grill_incident(team)
    services.network_rebuild(actor=SYSTEM)
    settings.CAIRN_LINK_ON_SAVE = True

    with django_capture_on_commit_callbacks(execute=True):
        second = incident_add(
            SYSTEM,
            investigation=incident.investigation,
            title="Second incident (synthetic)",
            occurred_from=EVENING.date() + timedelta(days=3),
            victims=list(incident.victims.all()),
            suspects=list(incident.suspects.all()),
        )

    linked = edge(("person", tiger.pk), ("young_person", girl.pk))
    assert linked.incident_ids == [incident.pk, second.pk]


@pytest.mark.django_db
def test_a_community_reached_only_as_the_far_end_of_its_links_is_still_dated() -> None:
    """Leiden can leave one node as its own community whose only link is to another."""
    seen = datetime(2026, 3, 1, tzinfo=UTC)
    edges = {(("person", 1), ("person", 2)): EdgeFacts(first_seen=seen, last_seen=seen, count=1)}
    graph: NetworkGraph = build_graph(edges)
    structure = Structure(network=[0, 0], community=[0, 1], pagerank=[0.5, 0.5], betweenness=[0, 0])
    assert _store_structure(graph, structure, edges, seen, {}) == (2, 1)
    assert {(n.first_seen, n.last_seen) for n in Network.objects.all()} == {(seen, seen)}
