"""A small graph of reports, people and a young person the network page tests share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.intelligence.models import IntelligenceReport
from cairn.linkage.models import PersonEntity
from cairn.networks import services
from cairn.networks.models import Network
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

NIGHT = datetime(2026, 3, 14, 22, 0, tzinfo=UTC)
SignIn = Callable[[User], Client]


@dataclass
class Graph:
    tiger: PersonEntity
    smokey: PersonEntity
    ellie: YoungPerson
    shared: IntelligenceReport
    hidden: IntelligenceReport
    network: Network


@pytest.fixture
def graph(team: Team, other_team: Team) -> Graph:
    """Tiger is named with Ellie in a report of `team`, and with Smokey and a car in a report
    only `other_team` holds."""
    tiger = PersonEntity.objects.create(display_name="Tiger")
    smokey = PersonEntity.objects.create(display_name="Smokey Hidden")
    ellie = YoungPersonFactory(holding_team=team, given_name="Ellie")
    shared = resolved_report(
        team, at=NIGHT, people=[tiger], phones=["+447700900123"], young_people=[ellie]
    )
    hidden = resolved_report(
        other_team,
        at=NIGHT + timedelta(days=30),
        people=[tiger, smokey],
        vehicles=["ZZ99HID"],
        grading=("1", "A"),
    )
    services.network_rebuild(actor=Actor.system())
    return Graph(tiger, smokey, ellie, shared, hidden, Network.objects.get())
