"""Entity-resolution pages in a browser: the review queue, a pair with its explanation (with
errors, then accepted), the person page and the phone, vehicle and place pages; axe, CSP and
reflow on every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.intelligence.models import LocationMention, PhoneMention, VehicleMention
from cairn.linkage import services
from cairn.linkage.models import LocationEntity, MentionLink, PhoneEntity, VehicleEntity
from cairn.linkage.tests.factories import person_mention, use_scores

pytestmark = pytest.mark.browser


def test_an_analyst_reviews_a_pair_and_reads_the_linked_person(
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    team = TeamFactory(name="Intelligence Unit")
    tiger = person_mention(team, "tiger", "Tiger Jones", nickname="Tiger")
    person_mention(team, "tigger", "Tigger Jones")
    PhoneMention.objects.create(
        report=tiger.report, number_as_written="07700 900123", e164="+447700900123", person=tiger
    )
    VehicleMention.objects.create(
        report=tiger.report,
        registration_as_written="KX12 ABC",
        registration="KX12ABC",
        make="Vauxhall",
        model="Astra",
        person=tiger,
    )
    LocationMention.objects.create(
        report=tiger.report, venue_name="Station Road Takeaway", postcode="LS1 4AP"
    )
    use_scores(monkeypatch, {("tiger", "tigger"): 0.7})
    services.link_run(actor=Actor.system())
    sign_in_browser(make_user(Role.ANALYST, team=team))

    page.goto("/linkage/")
    expect(page.get_by_role("heading", name="Pairs to review")).to_be_visible()
    assert_page_ok()

    # From the person page to the pairs waiting for that person.
    tiger_entity = MentionLink.objects.exclude(status="proposed").get(mention=tiger).entity_id
    page.goto(f"/linkage/people/{tiger_entity}/")
    page.get_by_role("link", name="1 pair to review").click()
    expect(
        page.get_by_role("heading", name=f"Pairs to review for PE-{tiger_entity:06d}")
    ).to_be_visible()
    assert_page_ok()

    page.get_by_role("link", name="Review pair 1").click()
    expect(page.get_by_role("heading", name="Are these the same person?")).to_be_visible()
    expect(page.get_by_role("cell", name="Points to the same person")).to_be_visible()
    assert_page_ok()

    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_page_ok()

    page.get_by_label("Same person").check()
    page.get_by_label("Reason (optional)").fill("Same phone in another report")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Your decision was saved.")).to_be_visible()

    entity_id = MentionLink.objects.get(mention=tiger).entity_id
    page.goto(f"/linkage/people/{entity_id}/")
    expect(page.get_by_role("heading", name="Tiger Jones")).to_be_visible()
    expect(page.get_by_text("Accepted by an analyst")).to_be_visible()
    assert_page_ok()

    for url, heading in (
        (f"/linkage/phones/{PhoneEntity.objects.get().pk}/", "+447700900123"),
        (f"/linkage/vehicles/{VehicleEntity.objects.get().pk}/", "KX12ABC"),
        (f"/linkage/locations/{LocationEntity.objects.get().pk}/", "Station Road Takeaway"),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_page_ok()
