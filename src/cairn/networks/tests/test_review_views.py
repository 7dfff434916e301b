"""Pairs waiting for review among a network's people: from its page, refused to outsiders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.audit.models import Action, AuditEntry
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity
from cairn.networks.tests.conftest import NIGHT, Graph, SignIn
from cairn.networks.tests.factories import resolved_report

pytestmark = pytest.mark.django_db


def _propose(graph: Graph, team: Team) -> MentionLink:
    """A "Tiger" seen alone (his own person for now) that the model thinks may be the Tiger in
    the network."""
    alone = PersonEntity.objects.create(display_name="Tiger")
    report = resolved_report(team, at=NIGHT + timedelta(days=3), people=[alone])
    mention = MentionLink.objects.get(entity=alone).mention
    tiger = MentionLink.objects.get(entity=graph.tiger, mention__report=graph.shared).mention
    assert report.pk == mention.report_id
    return MentionLink.objects.create(
        mention=mention,
        entity=graph.tiger,
        status=LinkStatus.PROPOSED,
        paired_with=tiger,
        match_probability=0.7,
    )


def test_the_network_page_leads_to_the_pairs_waiting_for_review_among_its_people(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, graph: Graph
) -> None:
    proposal = _propose(graph, team)
    client = sign_in(make_user(Role.ANALYST, team=team))
    network = graph.network
    page = client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    review = reverse("networks:review", args=[network.pk])
    assert f'href="{review}">1 pair to review</a>' in page
    queue = client.get(review).content.decode()
    assert f"Pairs to review for network {network.reference}" in queue
    assert reverse("linkage:review", args=[proposal.pk]) in queue
    assert AuditEntry.objects.filter(
        action=Action.CONSULTATION, detail__narrowed_to=f"network {network.reference}"
    ).exists()


def test_the_pairs_of_a_network_the_user_may_not_see_are_refused(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, graph: Graph
) -> None:
    _propose(graph, team)
    outsider = sign_in(make_user(Role.ANALYST, team=TeamFactory(name="Elsewhere")))
    response = outsider.get(reverse("networks:review", args=[graph.network.pk]))
    assert response.status_code == 403
    assert "Tiger" not in response.content.decode()
    assert outsider.get(reverse("networks:review", args=[999_999])).status_code == 404
