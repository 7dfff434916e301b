"""The analytics on a small hand-made world with two known networks (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from cairn.networks import analysis
from cairn.networks.analysis import (
    LOCATION,
    PERSON,
    PHONE,
    REPORT,
    VEHICLE,
    YOUNG_PERSON,
    Episode,
    SourceRecord,
)

# The shared autouse fixtures reset sign-in lock-outs in the database.
pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
_ids = count(1)


def report(*nodes: tuple[str, int], days: int = 0, grading: str = "2B") -> SourceRecord:
    return SourceRecord(
        kind=REPORT,
        id=next(_ids),
        at=START + timedelta(days=days),
        nodes=frozenset(nodes),
        grading=grading,
    )


def two_networks() -> list[SourceRecord]:
    """North: adults 1-3 with children 10 and 11 at the takeaway (100) in car 200.
    South: adults 4-6 with child 12 at the hotel (101) in car 201. Both once at the park (102)."""
    north = [(PERSON, 1), (PERSON, 2), (PERSON, 3), (YOUNG_PERSON, 10), (YOUNG_PERSON, 11)]
    south = [(PERSON, 4), (PERSON, 5), (PERSON, 6), (YOUNG_PERSON, 12)]
    records = []
    for day in range(6):
        records.append(report(north[day % 3], north[(day + 1) % 3], (LOCATION, 100), days=day))
        records.append(report(north[day % 3], north[3 + day % 2], (VEHICLE, 200), days=day))
        records.append(report(south[day % 3], south[(day + 1) % 3], (LOCATION, 101), days=day))
        records.append(report(south[day % 3], south[3], (VEHICLE, 201), (PHONE, 300), days=day))
    records.append(report((PERSON, 1), (LOCATION, 102), days=7, grading="1A"))
    records.append(report((PERSON, 4), (LOCATION, 102), days=8, grading="3E"))
    return records


def test_every_pair_in_a_record_is_an_edge_with_its_reports_dates_count_and_best_grading() -> None:
    first = report((PERSON, 1), (PERSON, 2), (LOCATION, 100), days=0, grading="2C")
    second = report((PERSON, 1), (PERSON, 2), days=3, grading="1B")
    legacy = report((PERSON, 2), (PERSON, 1), days=5, grading="")

    edges = analysis.edges_from([first, second, legacy])

    assert set(edges) == {
        ((LOCATION, 100), (PERSON, 1)),
        ((LOCATION, 100), (PERSON, 2)),
        ((PERSON, 1), (PERSON, 2)),
    }
    pair = edges[((PERSON, 1), (PERSON, 2))]
    assert pair.report_ids == sorted([first.id, second.id, legacy.id])
    assert (pair.count, pair.best_grading) == (3, "1B")
    assert (pair.first_seen, pair.last_seen) == (first.at, legacy.at)


def test_a_date_window_keeps_only_the_records_inside_it() -> None:
    records = [report((PERSON, 1), (PERSON, 2), days=0), report((PERSON, 1), (PERSON, 3), days=9)]

    edges = analysis.edges_from(records, start=date(2026, 1, 10), end=date(2026, 1, 31))

    assert list(edges) == [((PERSON, 1), (PERSON, 3))]


def test_the_graph_of_the_hand_made_world_is_one_network_joined_at_the_park() -> None:
    graph = analysis.build_graph(analysis.edges_from(two_networks()))
    structure = analysis.analyse(graph)

    assert len(graph.nodes) == 15
    assert set(structure.network) == {0}


def test_leiden_recovers_the_two_networks_and_keeps_the_park_with_one_of_them() -> None:
    graph = analysis.build_graph(analysis.edges_from(two_networks()))
    position = graph.index()

    structure = analysis.analyse(graph)

    def community(*nodes: tuple[str, int]) -> set[int]:
        return {structure.community[position[n]] for n in nodes}

    north = community((PERSON, 1), (PERSON, 2), (PERSON, 3), (YOUNG_PERSON, 10), (YOUNG_PERSON, 11))
    south = community((PERSON, 4), (PERSON, 5), (PERSON, 6), (YOUNG_PERSON, 12), (PHONE, 300))
    assert len(north) == 1
    assert len(south) == 1
    assert north != south
    assert community((LOCATION, 102)) <= north | south


def test_the_same_graph_always_gives_the_same_communities() -> None:
    graph = analysis.build_graph(analysis.edges_from(two_networks()))

    assert analysis.analyse(graph).community == analysis.analyse(graph).community


def test_organisers_linking_the_networks_rank_highest_in_betweenness() -> None:
    graph = analysis.build_graph(analysis.edges_from(two_networks()))
    structure = analysis.analyse(graph)
    position = graph.index()

    broker = max(range(len(graph.nodes)), key=lambda v: structure.betweenness[v])

    assert graph.nodes[broker] in {(PERSON, 1), (PERSON, 4), (LOCATION, 102)}
    assert sum(structure.pagerank) > 0.99
    assert structure.pagerank[position[(PERSON, 1)]] > structure.pagerank[position[(LOCATION, 102)]]


def test_hotspots_rank_places_and_cars_by_the_distinct_young_people_seen_there() -> None:
    records = [
        report((YOUNG_PERSON, 10), (LOCATION, 100), days=0),
        report((YOUNG_PERSON, 11), (LOCATION, 100), (VEHICLE, 200), days=1),
        report((YOUNG_PERSON, 11), (LOCATION, 100), days=2),
        report((YOUNG_PERSON, 12), (LOCATION, 101), days=3),
        report((YOUNG_PERSON, 12), (YOUNG_PERSON, 13), (LOCATION, 101), days=30),
        report((PERSON, 1), (LOCATION, 102), days=4),
    ]

    everything = analysis.hotspots(records)
    january_first_week = analysis.hotspots(records, start=date(2026, 1, 5), end=date(2026, 1, 11))

    assert [(h.node, h.young_people, h.records) for h in everything] == [
        ((LOCATION, 100), 2, 3),
        ((LOCATION, 101), 2, 2),
        ((VEHICLE, 200), 1, 1),
    ]
    assert [(h.node, h.young_people) for h in january_first_week][:2] == [
        ((LOCATION, 100), 2),
        ((LOCATION, 101), 1),
    ]


def test_children_missing_at_overlapping_times_are_paired_once() -> None:
    evening = START
    episodes = [
        Episode(1, young_person=10, started_at=evening, ended_at=evening + timedelta(hours=10)),
        Episode(2, young_person=11, started_at=evening + timedelta(hours=2), ended_at=None),
        Episode(3, young_person=12, started_at=evening + timedelta(days=2), ended_at=None),
        Episode(4, young_person=10, started_at=evening + timedelta(days=5), ended_at=None),
    ]

    found = analysis.missing_together(episodes)

    assert [(c.young_people, c.at, c.sources) for c in found] == [
        (
            (10, 11),
            evening + timedelta(hours=2),
            (("missing_episode", 1), ("missing_episode", 2)),
        ),
        ((11, 12), evening + timedelta(days=2), (("missing_episode", 2), ("missing_episode", 3))),
    ]


def test_children_who_went_missing_and_came_back_at_the_same_times_are_paired() -> None:
    back = START + timedelta(hours=12)
    episodes = [
        Episode(8, young_person=21, started_at=START, ended_at=back),
        Episode(7, young_person=20, started_at=START, ended_at=back),
    ]

    found = analysis.missing_together(episodes)

    assert [(c.young_people, c.at, c.sources) for c in found] == [
        ((20, 21), START, (("missing_episode", 7), ("missing_episode", 8)))
    ]


def test_children_seen_at_the_same_place_within_hours_are_paired_but_not_days_apart() -> None:
    near = report((YOUNG_PERSON, 10), (LOCATION, 100))
    soon = SourceRecord(
        kind=REPORT,
        id=next(_ids),
        at=near.at + timedelta(hours=3),
        nodes=frozenset({(YOUNG_PERSON, 11), (LOCATION, 100)}),
    )
    later = report((YOUNG_PERSON, 12), (LOCATION, 100), days=3)
    elsewhere = report((YOUNG_PERSON, 13), (LOCATION, 101))

    found = analysis.seen_together([near, soon, later, elsewhere], hours=6)

    assert [(c.young_people, c.place, c.at) for c in found] == [
        ((10, 11), (LOCATION, 100), near.at)
    ]
    assert found[0].sources == tuple(sorted([(REPORT, near.id), (REPORT, soon.id)]))


def test_a_network_ranks_higher_with_children_at_higher_risk_more_adults_and_recent_records() -> (
    None
):
    now = START + timedelta(days=10)
    base = analysis.network_score(bands=["moderate"], adults=3, last_seen=now, now=now)

    assert analysis.network_score(bands=["significant"], adults=3, last_seen=now, now=now) > base
    assert analysis.network_score(bands=["moderate"], adults=5, last_seen=now, now=now) > base
    older = analysis.network_score(
        bands=["moderate"], adults=3, last_seen=now - timedelta(days=180), now=now
    )
    assert older == base / 2


def test_the_analysis_names_nodes_and_records_as_the_models_do() -> None:
    from cairn.networks.models import NodeKind, SourceKind

    kinds = {YOUNG_PERSON, PERSON, PHONE, VEHICLE, LOCATION, analysis.EVENT}
    assert kinds == set(NodeKind.values)
    assert {
        REPORT,
        analysis.MISSING_EPISODE,
        analysis.INCIDENT,
        analysis.YOUNG_PERSON_LINK,
        analysis.CASE_RECORD,
    } == set(SourceKind.values)
