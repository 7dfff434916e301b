"""Missing episodes and the chronology in the browser: each page passes WCAG 2.2 AA with no CSP
errors, the chronology filters with and without scripts, and prints without the page's chrome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.youngpeople.models import CaseEvent, CaseEventKind, InterviewStatus, YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_missing import MissingEpisodeFactory

pytestmark = pytest.mark.browser


@dataclass
class World:
    team: Team
    practitioner: User
    record: YoungPerson
    returned_episode_pk: int
    missing_episode_pk: int


@pytest.fixture
def world(make_user: Callable[..., User]) -> World:
    team = TeamFactory(name="Exploitation Hub")
    practitioner = make_user(Role.PRACTITIONER, team=team, first_name="Priya", last_name="Shah")
    record = YoungPersonFactory(
        holding_team=team, given_name="Jade", family_name="Testchild", key_worker=practitioner
    )
    friend = YoungPersonFactory(holding_team=team, given_name="Kai", family_name="Otherchild")
    now = timezone.now()
    returned = MissingEpisodeFactory(
        young_person=record,
        started_at=now - timedelta(days=6),
        ended_at=now - timedelta(days=5),
        where_found="Synthetic Retail Park, Unit 4 and the car park behind it",
        found_with="Two older males in a silver car",
        police_reference="SYN/0001/25",
    )
    MissingEpisodeFactory(
        young_person=record,
        started_at=now - timedelta(days=30),
        ended_at=now - timedelta(days=29),
        interview_status=InterviewStatus.DONE,
        interview_offered_at=now - timedelta(days=28),
        interview_done_at=now - timedelta(days=27),
        interview_by="Synthetic independent worker",
    )
    still_missing = MissingEpisodeFactory(
        young_person=record, started_at=now - timedelta(hours=8), ended_at=None
    )
    MissingEpisodeFactory(
        young_person=friend, started_at=now - timedelta(days=6), ended_at=now - timedelta(days=5)
    )
    CaseEvent.objects.create(
        young_person=record,
        kind=CaseEventKind.ALLOCATED,
        key_worker=practitioner,
        at=now - timedelta(days=60),
    )
    return World(
        team=team,
        practitioner=practitioner,
        record=record,
        returned_episode_pk=returned.pk,
        missing_episode_pk=still_missing.pk,
    )


def open_page(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status


def expect_error_summary(page: Page) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    first_link = summary.get_by_role("link").first
    expect(page.locator(first_link.get_attribute("href") or "#missing")).to_be_visible()


def test_the_missing_episodes_page_with_repeat_overdue_and_co_missing_warnings(
    world: World,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(world.practitioner)

    open_page(page, f"/young-people/{world.record.pk}/missing/")

    expect(page.get_by_text("Repeat episodes: 3 in the last 90 days.")).to_be_visible()
    expect(page.locator(".govuk-tag--red", has_text="Overdue")).to_be_visible()
    expect(page.get_by_role("link", name="Kai Otherchild")).to_be_visible()
    assert_page_ok()


def test_the_new_episode_form_and_its_errors(
    world: World,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(world.practitioner)
    open_page(page, f"/young-people/{world.record.pk}/missing/new/")
    assert_page_ok()

    page.get_by_role("button", name="Save episode").click()

    expect_error_summary(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter when the episode started")
    assert_page_ok()


def test_recording_an_episode_with_the_date_and_time_pickers(
    world: World, page: Page, sign_in_browser: Callable[[User], None]
) -> None:
    sign_in_browser(world.practitioner)
    open_page(page, f"/young-people/{world.record.pk}/missing/new/")
    started = timezone.localtime(timezone.now() - timedelta(hours=20))

    page.get_by_label("Absent").check()
    page.get_by_label("When did it start?").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Who reported it?").fill("Synthetic school")
    page.get_by_role("button", name="Save episode").click()

    expect(
        page.get_by_role("heading", name=f"Absent from {started.day} {started:%B %Y, %H:%M}")
    ).to_be_visible()
    expect(page.get_by_text("Absent episode recorded.")).to_be_visible()


def test_an_episode_page_with_the_return_and_interview_forms(
    world: World,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(world.practitioner)
    open_page(page, f"/young-people/{world.record.pk}/missing/{world.returned_episode_pk}/")
    expect(page.get_by_text("within 72 hours of the young person's return")).to_be_visible()
    assert_page_ok()

    page.get_by_role("button", name="Save the interview").click()

    expect_error_summary(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose offered, done or declined")
    assert_page_ok()


def test_an_episode_still_going_on(
    world: World,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(world.practitioner)

    open_page(page, f"/young-people/{world.record.pk}/missing/{world.missing_episode_pk}/")

    expect(page.get_by_text("Record the young person's return first.")).to_be_visible()
    assert_page_ok()


def test_the_chronology_filters_in_place_and_prints_without_the_pages_chrome(
    world: World,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(world.practitioner)
    open_page(page, f"/young-people/{world.record.pk}/chronology/")
    expect(page.get_by_text("8 events, newest first.")).to_be_visible()
    assert_page_ok()

    page.get_by_label("Allocation and case status").check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_text("1 event: allocation and case status, newest first.")).to_be_visible()
    assert "kind=case" in page.url
    assert_page_ok()

    # Stand in for the print dialogue, which a headless browser cannot show.
    page.evaluate("() => { window.cairnPrinted = 0; window.print = () => window.cairnPrinted++; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.cairnPrinted") == 1

    page.emulate_media(media="print")
    for hidden in (".moj-header", ".moj-sub-navigation", ".cairn-chronology-filters"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator(".moj-timeline")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jade Testchild")


def test_the_chronology_filters_without_scripts_and_hides_the_print_button(
    world: World, browser: Browser, live_server: Any, sign_in: Callable[[User], Any]
) -> None:
    client = sign_in(world.practitioner)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        open_page(page, f"/young-people/{world.record.pk}/chronology/")
        expect(page.get_by_role("button", name="Print")).to_be_hidden()

        page.get_by_label("Missing episodes").check()
        page.get_by_label("To", exact=True).fill("2000-01-01")
        page.get_by_label("From", exact=True).fill("2001-01-01")
        page.get_by_role("button", name="Apply filters").click()

        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "The end of the range must be on or after its start"
        )
        page.get_by_label("From", exact=True).fill("")
        page.get_by_label("To", exact=True).fill("")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_text("7 events: missing episodes, newest first.")).to_be_visible()
    finally:
        context.close()
