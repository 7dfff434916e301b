"""Network ids across `cairn network rebuild`: a network that mostly stays keeps its id, page and
alerts; an id a rebuild retires leads on to the network its members went to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.intelligence.models import IntelligenceReport
from cairn.linkage.models import PersonEntity
from cairn.networks import services
from cairn.networks.analysis import Node
from cairn.networks.models import Network, NetworkAlert, NetworkNode, RetiredNetwork
from cairn.networks.services.continuity import continuity
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.models import RiskBand
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import RiskAssessmentFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system()
EVENING = datetime(2026, 2, 6, 21, 0, tzinfo=UTC)


def people(*numbers: int) -> list[Node]:
    return [("person", number) for number in numbers]


def test_a_network_that_grew_keeps_its_id() -> None:
    previous = dict.fromkeys(people(1, 2, 3), 7)

    carried = continuity(previous, {0: people(1, 2, 3, 4, 5, 6, 7, 8)})

    assert carried.kept == {0: 7}
    assert carried.retired == {}


def test_two_networks_joined_keep_the_id_of_the_one_sharing_most_members() -> None:
    previous = {**dict.fromkeys(people(1, 2), 7), **dict.fromkeys(people(3, 4, 5), 9)}

    carried = continuity(previous, {0: people(1, 2, 3, 4, 5)})

    assert carried.kept == {0: 9}
    assert carried.retired == {7: 0}


def test_on_a_tie_the_older_network_keeps_its_id() -> None:
    previous = {**dict.fromkeys(people(1, 2), 9), **dict.fromkeys(people(3, 4), 7)}

    assert continuity(previous, {0: people(1, 2, 3, 4)}).kept == {0: 7}


def test_a_network_split_in_two_stays_with_the_part_holding_most_of_it() -> None:
    previous = dict.fromkeys(people(1, 2, 3, 4, 5), 7)

    carried = continuity(previous, {0: people(1, 2), 1: people(3, 4, 5)})

    assert carried.kept == {1: 7}
    assert 0 not in carried.kept


def test_a_network_no_part_holds_most_of_is_retired_to_its_largest_part() -> None:
    previous = dict.fromkeys(people(1, 2, 3, 4, 5, 6, 7), 7)

    carried = continuity(previous, {0: people(1, 2), 1: people(3, 4, 5), 2: people(6, 7)})

    assert carried.kept == {}
    assert carried.retired == {7: 1}


def test_a_network_whose_members_all_went_is_retired_without_a_successor() -> None:
    carried = continuity(dict.fromkeys(people(1, 2), 7), {0: people(8, 9)})

    assert carried.kept == {}
    assert carried.retired == {7: None}


memberships = st.dictionaries(
    st.tuples(st.just("person"), st.integers(0, 30)), st.integers(1, 6), max_size=30
)
partitions = st.lists(st.integers(0, 30), max_size=31).map(
    lambda numbers: {index % 5: people(*numbers[index::5]) for index in range(5)}
)


@given(previous=memberships, members=partitions)
def test_no_old_id_is_kept_twice_and_every_old_id_is_kept_or_retired(
    previous: dict[Node, int], members: dict[int, list[Node]]
) -> None:
    carried = continuity(previous, members)

    kept = list(carried.kept.values())
    assert len(kept) == len(set(kept))
    assert set(kept) | set(carried.retired) == set(previous.values())
    assert not set(kept) & set(carried.retired)
    for number, old in carried.kept.items():
        inside = sum(1 for node in members[number] if previous.get(node) == old)
        assert 2 * inside > list(previous.values()).count(old)


@pytest.fixture
def network_of_girl(team: Team, make_user: Callable[..., User]) -> dict[str, object]:
    """A girl at significant risk with Tiger and Smokey; her key worker is in her team."""
    key_worker = make_user(Role.PRACTITIONER, team=team)
    girl = YoungPersonFactory(holding_team=team, key_worker=key_worker)
    RiskAssessmentFactory(young_person=girl, computed_band=RiskBand.SIGNIFICANT)
    tiger = PersonEntity.objects.create(display_name="Tiger")
    smokey = PersonEntity.objects.create(display_name="Smokey")
    resolved_report(team, at=EVENING, people=[tiger, smokey], young_people=[girl])
    services.network_rebuild(actor=SYSTEM)
    return {"girl": girl, "tiger": tiger, "network": Network.objects.get()}


def test_a_rebuild_keeps_the_id_of_a_network_whose_members_stay(
    team: Team, network_of_girl: dict[str, object]
) -> None:
    before = network_of_girl["network"]
    assert isinstance(before, Network)
    resolved_report(
        team,
        at=EVENING + timedelta(days=2),
        people=[network_of_girl["tiger"]],  # type: ignore[list-item]
        phones=["+447700900123"],
    )

    services.network_rebuild(actor=SYSTEM)

    after = Network.objects.get()
    assert after.pk == before.pk
    assert after.reference == before.reference
    assert after.nodes == 4
    assert not RetiredNetwork.objects.exists()


def test_a_rebuild_joining_two_networks_retires_the_smaller_and_moves_its_alerts(
    team: Team, network_of_girl: dict[str, object]
) -> None:
    girl_network = network_of_girl["network"]
    assert isinstance(girl_network, Network)
    dee = PersonEntity.objects.create(display_name="Dee")
    resolved_report(team, at=EVENING, people=[dee], phones=["+447700900456"])
    services.network_rebuild(actor=SYSTEM)
    small = NetworkNode.objects.get(node_kind="person", node_id=dee.pk).network
    assert small.pk != girl_network.pk
    assert Network.objects.get(pk=girl_network.pk).nodes == 3
    alert = NetworkAlert.objects.create(
        kind="linked",
        node_kind="person",
        node_id=dee.pk,
        young_person_id=network_of_girl["girl"].pk,  # type: ignore[attr-defined]
        report_id=0,
        network_id=small.pk,
    )
    resolved_report(
        team,
        at=EVENING + timedelta(days=3),
        people=[dee, network_of_girl["tiger"]],  # type: ignore[list-item]
    )

    services.network_rebuild(actor=SYSTEM)

    joined = Network.objects.get()
    assert joined.pk == girl_network.pk
    assert RetiredNetwork.objects.get(pk=small.pk).successor_id == joined.pk
    alert.refresh_from_db()
    assert alert.network_id == joined.pk


def test_the_page_of_a_retired_network_leads_on_to_the_network_that_carries_on(
    team: Team,
    network_of_girl: dict[str, object],
    make_user: Callable[..., User],
    sign_in: Callable[[User], object],
) -> None:
    dee = PersonEntity.objects.create(display_name="Dee")
    resolved_report(team, at=EVENING, people=[dee], phones=["+447700900456"])
    services.network_rebuild(actor=SYSTEM)
    small = NetworkNode.objects.get(node_kind="person", node_id=dee.pk).network_id
    resolved_report(
        team,
        at=EVENING + timedelta(days=3),
        people=[dee, network_of_girl["tiger"]],  # type: ignore[list-item]
    )
    services.network_rebuild(actor=SYSTEM)
    client = sign_in(make_user(Role.ANALYST, team=team))

    response = client.get(reverse("networks:detail", args=[small]))  # type: ignore[attr-defined]

    survivor = Network.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("networks:detail", args=[survivor.pk])
    gone = client.get(reverse("networks:detail", args=[survivor.pk + 1000]))  # type: ignore[attr-defined]
    assert gone.status_code == 404


def test_ids_are_never_reused_so_an_old_address_never_opens_another_network(
    team: Team, network_of_girl: dict[str, object]
) -> None:
    old = network_of_girl["network"]
    assert isinstance(old, Network)
    IntelligenceReport.objects.all().delete()
    services.network_rebuild(actor=SYSTEM)
    resolved_report(
        team,
        at=EVENING,
        people=[PersonEntity.objects.create(display_name="New")],
        phones=["+447700900999"],
    )

    services.network_rebuild(actor=SYSTEM)

    new = Network.objects.get()
    assert new.pk > old.pk
    assert RetiredNetwork.objects.get(pk=old.pk).successor_id is None
