"""Network pages, the link chart and its exports: each shows only what the user may see."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import networkx as nx
import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.audit.models import Action, AuditEntry
from cairn.investigations.tests.factories import (
    IncidentFactory,
    InvestigationFactory,
    SuspectFactory,
    VictimFactory,
)
from cairn.linkage.models import PersonEntity
from cairn.networks import services
from cairn.networks.models import Edge, Network
from cairn.networks.tests.conftest import NIGHT, Graph, SignIn
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import MissingEpisodeFactory

pytestmark = pytest.mark.django_db


def chart_url(name: str, node: str, **query: str) -> str:
    params = "&".join(f"{key}={value}" for key, value in {"node": node, **query}.items())
    return f"{reverse(name)}?{params}"


def test_the_network_list_shows_only_networks_with_a_record_the_user_may_see(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    analyst = sign_in(make_user(Role.ANALYST, team=team))
    stranger = sign_in(make_user(Role.ANALYST, team=TeamFactory()))

    mine = analyst.get(reverse("networks:list")).content.decode()
    theirs = stranger.get(reverse("networks:list")).content.decode()

    assert graph.network.reference in mine
    assert "Networks (1)" in mine
    assert graph.network.reference not in theirs
    assert "No network draws on a record shared with your team." in theirs


def test_the_network_page_names_visible_members_and_reports_and_only_counts_the_rest(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    page = sign_in(make_user(Role.ANALYST, team=team)).get(
        reverse("networks:detail", args=[graph.network.pk])
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "Tiger" in text and "Ellie" in text and "+447700900123" in text
    assert reverse("linkage:person", args=[graph.tiger.pk]) in text
    assert graph.ellie.get_absolute_url() in text
    assert graph.shared.reference in text
    assert "Smokey" not in text and "ZZ99HID" not in text
    assert graph.hidden.reference not in text
    assert "2 more members come only from records not shared with your team." in text
    assert "1 more record not shared with your team." in text


@pytest.fixture
def together(team: Team, other_team: Team) -> Network:
    """Amy and Bea, both of `team`, go missing the same night and are seen at the Grill House
    hours apart with Tiger; Cara, held by `other_team`, is seen there too."""
    tiger = PersonEntity.objects.create(display_name="Tiger")
    amy = YoungPersonFactory(holding_team=team, given_name="Amy")
    bea = YoungPersonFactory(holding_team=team, given_name="Bea")
    cara = YoungPersonFactory(holding_team=other_team, given_name="Cara")
    for hours, young_person, holder in ((0, amy, team), (3, bea, team), (4, cara, other_team)):
        resolved_report(
            holder,
            at=NIGHT + timedelta(hours=hours),
            people=[tiger],
            places=["Grill House"],
            young_people=[young_person],
        )
    for young_person in (amy, bea):
        MissingEpisodeFactory(
            young_person=young_person, started_at=NIGHT, ended_at=NIGHT + timedelta(hours=12)
        )
    services.network_rebuild(actor=Actor.system())
    return Network.objects.get()


def test_the_network_page_finds_hotspots_and_young_people_together_in_the_chosen_window(
    together: Network, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    page = reverse("networks:detail", args=[together.pk])

    everything = client.get(page).content.decode()
    later = client.get(page, {"start": "2026-03-16"}).content.decode()

    assert "Missing at the same time" in everything
    assert "Seen at the same place within hours" in everything
    assert "Amy" in everything and "Bea" in everything
    assert "Grill House" in everything and "3 young people in 3 records" in everything
    assert "Cara" not in everything
    # Cara was at the Grill House within hours of Amy and of Bea: two pairs, counted only.
    assert "2 more involve a young person or place not shared with your team." in everything
    assert "Missing at the same time" not in later
    assert "No place or vehicle is named in a record with a young person." in later
    assert 'value="2026-03-16"' in later


def test_a_date_window_ending_before_it_starts_is_refused_with_a_message(
    together: Network, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    response = sign_in(make_user(Role.ANALYST, team=team)).get(
        reverse("networks:detail", args=[together.pk]),
        {"start": "2026-04-01", "end": "2026-03-01"},
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in text
    assert together.reference in text


def test_the_chart_json_never_names_or_identifies_a_restricted_node(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    response = sign_in(make_user(Role.ANALYST, team=team)).get(
        chart_url("networks:chart-json", f"person:{graph.tiger.pk}")
    )

    body = response.content.decode()
    data = response.json()
    restricted = [node for node in data["nodes"] if node["restricted"]]
    named = {node["label"] for node in data["nodes"] if not node["restricted"]}
    assert named == {"Tiger", "Ellie Testchild", "+447700900123"}
    assert len(restricted) == 2
    for node in restricted:
        assert node == {
            "id": node["id"],
            "kind": "restricted",
            "label": "Restricted",
            "url": "",
            "restricted": True,
        }
        assert node["id"].startswith("restricted-")
    assert "Smokey" not in body and "ZZ99HID" not in body
    assert f"person:{graph.smokey.pk}" not in body
    assert len(data["edges"]) == 4


def test_the_chart_filters_links_by_date_kind_and_grading(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    node = f"person:{graph.tiger.pk}"

    april = client.get(chart_url("networks:chart-json", node, start="2026-04-01")).json()
    phones = client.get(chart_url("networks:chart-json", node, kinds="phone")).json()
    best = client.get(chart_url("networks:chart-json", node, min_grading="1A")).json()

    assert len(april["edges"]) == 2
    assert [n["label"] for n in phones["nodes"]] == ["Tiger", "+447700900123"]
    assert len(best["edges"]) == 2 and all(e["grading"] == "1A" for e in best["edges"])


def test_another_team_cannot_chart_a_node_it_may_not_see(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn
) -> None:
    stranger = make_user(Role.ANALYST, team=TeamFactory())

    response = sign_in(stranger).get(chart_url("networks:chart-json", f"person:{graph.tiger.pk}"))

    assert response.status_code == 403
    assert "Tiger" not in response.content.decode()
    assert not AuditEntry.objects.filter(user=stranger, action=Action.CONSULTATION).exists()


def test_a_links_provenance_lists_the_shared_reports_and_counts_the_others(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team, other_team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    with_ellie = Edge.objects.get(first_kind="person", second_kind="young_person")
    with_smokey = Edge.objects.get(first_id=graph.tiger.pk, second_id=graph.smokey.pk)

    shown = client.get(reverse("networks:edge", args=[with_ellie.pk])).content.decode()
    counted = client.get(
        reverse("networks:edge", args=[with_smokey.pk]) + "?fragment=1"
    ).content.decode()

    assert graph.shared.reference in shown and "Ellie" in shown
    assert graph.hidden.reference not in counted and "Smokey" not in counted
    assert "1 more record not shared with your team." in counted
    assert "<html" not in counted


def test_exports_read_back_with_networkx_and_are_audited_as_disclosures(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    analyst = make_user(Role.ANALYST, team=team)
    client = sign_in(analyst)
    node = f"person:{graph.tiger.pk}"

    def export(fmt: str) -> bytes:
        response = client.get(f"{reverse('networks:chart-export', args=[fmt])}?node={node}")
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        return response.content

    from_graphml = nx.read_graphml(io.BytesIO(export("graphml")))
    from_gexf = nx.read_gexf(io.BytesIO(export("gexf")))
    rows = list(csv.reader(io.StringIO(export("csv").decode())))

    for read in (from_graphml, from_gexf):
        assert read.number_of_nodes() == 5 and read.number_of_edges() == 4
    labels = {data["label"] for _, data in from_graphml.nodes(data=True)}
    assert labels == {"Tiger", "Ellie Testchild", "+447700900123", "Restricted"}
    assert rows[0][:4] == ["Entity1 Type", "Entity1 ID", "Entity1 Label", "Link Type"]
    assert len(rows) == 5
    assert not any("Smokey" in cell or "ZZ99HID" in cell for row in rows for cell in row)
    disclosures = AuditEntry.objects.filter(user=analyst, action=Action.DISCLOSURE)
    assert sorted(entry.detail["format"] for entry in disclosures) == ["csv", "gexf", "graphml"]


def test_a_png_of_the_chart_is_recorded_as_a_disclosure_before_the_browser_draws_it(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    analyst = make_user(Role.ANALYST, team=team)
    client = sign_in(analyst)
    stranger = sign_in(make_user(Role.ANALYST, team=TeamFactory()))
    url = reverse("networks:chart-png")
    query = {"node": f"person:{graph.tiger.pk}", "start": "2026-01-01"}

    refused = stranger.post(url, query)
    not_by_get = client.get(url, query)
    recorded = client.post(url, query)

    assert refused.status_code == 403
    assert not_by_get.status_code == 405
    assert recorded.status_code == 204
    disclosures = AuditEntry.objects.filter(action=Action.DISCLOSURE)
    entry = disclosures.get()
    assert entry.user == analyst
    assert entry.detail["format"] == "png"
    assert entry.detail["centres"] == [f"person:{graph.tiger.pk}"]
    assert entry.detail["nodes"] == 5


def test_the_service_navigation_offers_networks_to_caseworkers_only(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    analyst = sign_in(make_user(Role.ANALYST, team=team)).get("/").content.decode()
    admin = sign_in(make_user(Role.ADMIN, team=team)).get("/").content.decode()

    assert 'href="/networks/"' in analyst
    assert 'href="/networks/"' not in admin


def test_every_network_url_refuses_who_it_should_and_refusals_change_nothing(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    node = f"person:{graph.tiger.pk}"
    edge = Edge.objects.get(first_kind="person", second_kind="young_person").pk
    # Anonymous, another team's analyst, an administrator of the team, the team's analyst.
    urls = {
        reverse("networks:list"): (302, 200, 403, 200),
        reverse("networks:detail", args=[graph.network.pk]): (302, 403, 403, 200),
        chart_url("networks:chart", node): (302, 403, 403, 200),
        chart_url("networks:chart-json", node): (302, 403, 403, 200),
        f"{reverse('networks:chart-export', args=['graphml'])}?node={node}": (302, 403, 403, 200),
        f"{reverse('networks:chart-export', args=['gexf'])}?node={node}": (302, 403, 403, 200),
        f"{reverse('networks:chart-export', args=['csv'])}?node={node}": (302, 403, 403, 200),
        reverse("networks:edge", args=[edge]): (302, 403, 403, 200),
    }
    clients = [
        Client(),
        sign_in(make_user(Role.ANALYST, team=TeamFactory())),
        sign_in(make_user(Role.ADMIN, team=team)),
        sign_in(make_user(Role.ANALYST, team=team)),
    ]
    for url, expected in urls.items():
        for client, status in zip(clients, expected, strict=True):
            before = list(AuditEntry.objects.values_list("pk", flat=True))
            response = client.get(url)
            assert response.status_code == status, (url, status)
            if status in {302, 403}:
                assert list(AuditEntry.objects.values_list("pk", flat=True)) == before
                assert "Tiger" not in response.content.decode()
            if status == 302:
                assert response["Location"].startswith("/sign-in/")
    missing = clients[3].get(reverse("networks:detail", args=[graph.network.pk + 99]))
    assert missing.status_code == 404
    unknown = clients[3].get(f"{reverse('networks:chart-export', args=['pdf'])}?node={node}")
    assert unknown.status_code == 404
    assert json.loads(clients[3].get(chart_url("networks:chart-json", "nonsense")).content)[
        "errors"
    ]


def test_the_chart_page_lists_the_same_nodes_and_links_in_tables_without_restricted_names(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    page = sign_in(make_user(Role.ANALYST, team=team)).get(
        chart_url("networks:chart", f"person:{graph.tiger.pk}")
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="chart-nodes"' in text and 'id="chart-edges"' in text
    assert text.count('href="/networks/links/') == 4
    assert text.count("govuk-tag--grey") == 4  # two restricted nodes, in each table
    assert "Smokey" not in text and "ZZ99HID" not in text
    assert 'data-node="person:' in text


def test_the_young_person_page_opens_the_link_chart_around_them(
    graph: Graph, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.PRACTITIONER, team=team))

    page = client.get(graph.ellie.get_absolute_url()).content.decode()
    chart = client.get(chart_url("networks:chart", f"young_person:{graph.ellie.pk}"))

    assert f"/networks/chart/?node=young_person%3A{graph.ellie.pk}" in page
    assert chart.status_code == 200
    assert "Tiger" in chart.content.decode()


def test_the_network_list_reads_in_a_fixed_number_of_queries(
    team: Team,
    make_user: Callable[..., User],
    sign_in: SignIn,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(5):
        tiger = PersonEntity.objects.create(display_name=f"Tiger {number}")
        resolved_report(team, at=NIGHT, people=[tiger], phones=[f"+44770090{number:04d}"])
    services.network_rebuild(actor=Actor.system())
    client = sign_in(make_user(Role.ANALYST, team=team))

    with django_assert_max_num_queries(15):
        response = client.get(reverse("networks:list"))

    assert "Networks (5)" in response.content.decode()


def test_two_visible_nodes_named_together_only_in_an_unshared_report_are_not_linked(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, other_team: Team
) -> None:
    tiger = PersonEntity.objects.create(display_name="Tiger")
    resolved_report(team, at=NIGHT, people=[tiger])
    resolved_report(team, at=NIGHT, phones=["+447700900999"])
    resolved_report(other_team, at=NIGHT, people=[tiger], phones=["+447700900999"])
    services.network_rebuild(actor=Actor.system())
    client = sign_in(make_user(Role.ANALYST, team=team))
    hidden_link = Edge.objects.get()

    chart = client.get(chart_url("networks:chart-json", f"person:{tiger.pk}")).json()
    provenance = client.get(reverse("networks:edge", args=[hidden_link.pk]))

    assert chart == {
        "nodes": [
            {
                "id": f"person:{tiger.pk}",
                "kind": "person",
                "label": "Tiger",
                "url": reverse("linkage:person", args=[tiger.pk]),
                "restricted": False,
            }
        ],
        "edges": [],
    }
    assert provenance.status_code == 403
    assert "+447700900999" not in provenance.content.decode()


def test_an_incidents_links_are_named_only_to_those_who_may_see_its_investigation(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    tiger = PersonEntity.objects.create(display_name="Tiger")
    girl = YoungPersonFactory(holding_team=team, given_name="Ellie")
    investigation = InvestigationFactory()
    IncidentFactory(
        investigation=investigation,
        title="Taken to the flat",
        suspects=[
            SuspectFactory(investigation=investigation, person=tiger, name_as_recorded="Tiger")
        ],
        victims=[VictimFactory(investigation=investigation, young_person=girl)],
    )
    services.network_rebuild(actor=Actor.system())
    link = Edge.objects.get()
    police = sign_in(make_user(Role.ANALYST, team=investigation.team))
    carers = sign_in(make_user(Role.ANALYST, team=team))

    police_chart = police.get(chart_url("networks:chart-json", f"person:{tiger.pk}")).json()
    police_records = police.get(reverse("networks:edge", args=[link.pk])).content.decode()
    carers_chart = carers.get(chart_url("networks:chart-json", f"young_person:{girl.pk}"))
    carers_records = carers.get(reverse("networks:edge", args=[link.pk])).content.decode()

    assert {node["label"] for node in police_chart["nodes"]} == {"Tiger", "Restricted"}
    assert investigation.reference in police_records and "Taken to the flat" in police_records
    assert "Tiger" not in carers_chart.content.decode()
    (only,) = carers_chart.json()["edges"]
    assert {only["source"], only["target"]} - {f"young_person:{girl.pk}"} == {
        next(n["id"] for n in carers_chart.json()["nodes"] if n["restricted"])
    }
    assert "1 investigation incident not shared with your team." in carers_records
    assert investigation.reference not in carers_records
