"""A link chart of more than a thousand nodes in a browser: drawn for speed, its tables paged,
and its PNG audited as a disclosure before it is made (synthetic data)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.urls import get_resolver
from playwright.sync_api import Page, Route, expect

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.audit.models import Action, AuditEntry
from cairn.linkage.models import PersonEntity
from cairn.networks import services
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.browser

NIGHT = datetime(2026, 3, 14, 22, 0, tzinfo=UTC)
NODES = 1200


def synthetic_chart(centre: str) -> str:
    """The chart's JSON for `NODES` synthetic people, each linked to the centre or the last."""
    nodes = [{"id": centre, "kind": "young_person", "label": "Centre", "url": "#"}]
    nodes += [
        {
            "id": f"person:{900000 + n}",
            "kind": "person",
            "label": f"Synthetic person {n}",
            "url": "#",
        }
        for n in range(1, NODES)
    ]
    edges = [
        {
            "id": f"edge-{n}",
            "source": nodes[0 if n <= 200 else n - 1]["id"],
            "target": nodes[n]["id"],
            "count": 1,
            "first_seen": "2026-03-14",
            "last_seen": "2026-03-14",
            "grading": "2B",
            "provenance": "/networks/links/0/",
        }
        for n in range(1, NODES)
    ]
    for node in nodes:
        node["restricted"] = False
    return json.dumps({"nodes": nodes, "edges": edges})


def test_a_chart_of_over_a_thousand_nodes_lists_the_first_rows_and_its_png_is_audited(
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
    make_user: Callable[..., User],
) -> None:
    team = TeamFactory(name="Intelligence Unit")
    ellie = YoungPersonFactory(holding_team=team, given_name="Ellie")
    tiger = PersonEntity.objects.create(display_name="Tiger")
    resolved_report(team, at=NIGHT, people=[tiger], young_people=[ellie])
    services.network_rebuild(actor=Actor.system())
    analyst = make_user(Role.ANALYST, team=team)
    sign_in_browser(analyst)
    centre = f"young_person:{ellie.pk}"
    body = synthetic_chart(centre)

    def fulfil(route: Route) -> None:
        route.fulfill(body=body, content_type="application/json")

    page.route("**/networks/chart/graph.json*", fulfil)
    # The server's first request imports every URL module, seconds on a busy machine: do it now
    # rather than inside the page's load timeout.
    assert get_resolver().url_patterns
    page.goto(f"/networks/chart/?node={centre}")

    chart = page.locator("#link-chart")
    expect(chart).to_have_attribute("data-ready", "true", timeout=60_000)
    assert chart.get_attribute("data-renderer") in {"canvas", "webgl"}
    rows = page.locator("#chart-nodes tbody tr")
    expect(rows).to_have_count(201)
    expect(page.get_by_role("button", name=f"Show all {NODES} links")).to_have_count(0)
    assert_page_ok()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download PNG").click()
    assert download.value.suggested_filename == "link-chart.png"
    png = AuditEntry.objects.get(user=analyst, action=Action.DISCLOSURE)
    assert png.detail["format"] == "png"
    assert png.detail["centres"] == [centre]

    page.get_by_role("button", name=f"Show all {NODES} nodes").click()
    expect(rows).to_have_count(NODES, timeout=30_000)
