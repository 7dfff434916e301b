"""The young person's case pages in a browser: the safety plan, the contact log, the record's
own forms and the work queues pass axe-core's WCAG 2.2 AA checks, with no CSP errors, and reflow;
and a key worker can make a plan, add and complete an action and log a visit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import OrganisationFactory, TeamFactory
from cairn.youngpeople import services
from cairn.youngpeople.models import ActionStatus, Contact, PlanAction, SafetyPlan, YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import (
    ContactFactory,
    PlanActionFactory,
    RiskAssessmentFactory,
    SafetyPlanFactory,
)

pytestmark = pytest.mark.browser


@dataclass
class Case:
    team: Team
    practitioner: User
    record: YoungPerson
    no_plan: YoungPerson
    restricted: YoungPerson


@pytest.fixture
def case(make_user: Callable[..., User]) -> Case:
    team = TeamFactory(
        name="Exploitation Hub",
        organisation=OrganisationFactory(name="Synthetic Children's Charity"),
    )
    other_team = TeamFactory(name="Another Hub")
    practitioner = make_user(Role.PRACTITIONER, team=team, first_name="Priya", last_name="Shah")
    record = YoungPersonFactory(
        holding_team=team, given_name="Jade", family_name="Testchild", key_worker=practitioner
    )
    today = timezone.localdate()
    RiskAssessmentFactory(young_person=record, next_review_due=today - timedelta(days=2))
    earlier = SafetyPlanFactory(
        young_person=record, summary="First plan.", superseded_at=timezone.now()
    )
    PlanActionFactory(plan=earlier, description="Meet the school nurse")
    plan = SafetyPlanFactory(
        young_person=record,
        summary="Weekly visits at the foster home.\nCarers report late returns the same night.",
    )
    PlanActionFactory(
        plan=plan,
        description="Visit weekly",
        owner=practitioner,
        owner_name="",
        due_on=today - timedelta(days=1),
    )
    PlanActionFactory(
        plan=plan,
        description="Tell school about the taxi pick-ups",
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
    )
    ContactFactory(
        young_person=record,
        worker=practitioner,
        with_whom="Foster carer",
        notes="Said she was collected by a taxi after school; did not know the driver.",
    )
    ContactFactory(young_person=record, kind="phone", notes="")
    no_plan = YoungPersonFactory(holding_team=team, given_name="Kai", key_worker=practitioner)
    services.alias_add(actor=Actor(user=practitioner), young_person=record, name="Kayley")
    return Case(
        team=team,
        practitioner=practitioner,
        record=record,
        no_plan=no_plan,
        restricted=YoungPersonFactory(holding_team=other_team, given_name="Mia"),
    )


def submit_empty(button: str) -> Callable[[Page], None]:
    def press(page: Page) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        expect(summary).not_to_contain_text("This field is required")
        first_link = summary.get_by_role("link").first
        expect(page.locator(first_link.get_attribute("href") or "#missing")).to_be_visible()

    return press


def clear_and_submit(field: str, button: str) -> Callable[[Page], None]:
    def press(page: Page) -> None:
        page.get_by_label(field).fill("")
        submit_empty(button)(page)

    return press


@dataclass(frozen=True)
class Visit:
    name: str
    path: Callable[[Case], str]
    heading: str
    then: Callable[[Page], None] | None = None
    status: int = 200


def _case(suffix: str) -> Callable[[Case], str]:
    return lambda case: f"/young-people/{case.record.pk}/{suffix}"


VISITS = [
    Visit("safety plan", _case("plan/"), "Jade Testchild"),
    Visit("no safety plan", lambda case: f"/young-people/{case.no_plan.pk}/plan/", "Kai"),
    Visit("new plan form", _case("plan/new/"), "Jade Testchild"),
    Visit(
        "new plan form with errors",
        _case("plan/new/"),
        "Jade Testchild",
        clear_and_submit("What is the plan?", "Save"),
    ),
    Visit("action form", _case("plan/actions/new/"), "Jade Testchild"),
    Visit("action form with errors", _case("plan/actions/new/"), "Jade", submit_empty("Save")),
    Visit("contact log", _case("contacts/"), "Jade Testchild"),
    Visit("contact form", _case("contacts/new/"), "Jade Testchild"),
    Visit(
        "contact form with errors",
        _case("contacts/new/"),
        "Jade Testchild",
        submit_empty("Save"),
    ),
    Visit("alias form", _case("aliases/new/"), "Jade Testchild"),
    Visit("placement form", _case("placements/new/"), "Jade Testchild"),
    Visit("placement form with errors", _case("placements/new/"), "Jade", submit_empty("Save")),
    Visit("key contact form", _case("key-contacts/new/"), "Jade Testchild"),
    Visit("equality monitoring form", _case("equality-monitoring/"), "Jade Testchild"),
    Visit("allocation form", _case("allocate/"), "Jade Testchild"),
    Visit("closure form", _case("close/"), "Jade Testchild"),
    Visit("closure form with errors", _case("close/"), "Jade", submit_empty("Save")),
    Visit("reopening form", _case("reopen/"), "Jade Testchild"),
    Visit("my caseload", lambda case: "/young-people/", "Young people"),
    Visit("team view", lambda case: "/young-people/team/", "Young people"),
    Visit(
        "search results",
        lambda case: "/young-people/search/?name=Kayleigh&include_closed=on",
        "Young people",
    ),
    Visit(
        "restricted safety plan",
        lambda case: f"/young-people/{case.restricted.pk}/plan/",
        "Restricted record",
        status=403,
    ),
]


@pytest.mark.parametrize("visit", VISITS, ids=[visit.name for visit in VISITS])
def test_case_page_passes_wcag_22_aa_without_csp_errors(
    visit: Visit,
    case: Case,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(case.practitioner)

    response = page.goto(visit.path(case))
    assert response is not None
    if visit.then is None:
        assert response.status == visit.status
    else:
        visit.then(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(visit.heading)
    assert_page_ok()


def test_a_key_worker_makes_a_plan_adds_and_completes_an_action_and_logs_a_visit(
    case: Case,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(case.practitioner)
    young_person = case.no_plan
    page.goto(f"/young-people/{young_person.pk}/")

    page.get_by_role("link", name="Safety plan").click()
    page.get_by_role("link", name="Make a safety plan").click()
    page.get_by_label("What is the plan?").fill("Weekly visits; a trusted adult at school.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Safety plan saved.")

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What needs to be done?").fill("Arrange a strategy meeting")
    page.get_by_label("Who will do it?").select_option(label="Priya Shah")
    page.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Action added to the safety plan.")
    row = page.get_by_role("row", name=re.compile("Arrange a strategy meeting"))
    expect(row).to_contain_text("Priya Shah")
    expect(row).to_contain_text("Open")

    row.get_by_role("button", name=re.compile("^Mark done")).click()
    expect(page.get_by_role("alert")).to_contain_text("Action marked done")
    expect(page.get_by_role("row", name=re.compile("Arrange a strategy meeting"))).to_contain_text(
        "Done"
    )
    assert_page_ok()

    page.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Log a contact or visit").click()
    page.get_by_label("Face-to-face visit").check()
    page.get_by_label("Who else was there?").fill("Foster carer")
    page.get_by_label("Notes").fill("Talked about the new plan.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("logged")
    expect(page.get_by_role("table")).to_contain_text("Talked about the new plan.")
    assert_page_ok()

    plan = SafetyPlan.objects.get(young_person=young_person)
    assert PlanAction.objects.get(plan=plan).status == ActionStatus.DONE
    assert Contact.objects.get(young_person=young_person).worker == case.practitioner


def test_search_updates_the_results_in_place(
    case: Case,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(case.practitioner)
    page.goto("/young-people/search/")
    page.get_by_label("Name or alias").fill("Kayleigh")

    with page.expect_request(lambda request: request.headers.get("hx-request") == "true"):
        page.get_by_role("button", name="Search").click()

    results = page.locator("#search-results")
    expect(results).to_contain_text("Matching young people you may see (1)")
    expect(results).to_contain_text("Jade Testchild")
    expect(page).to_have_url(re.compile(r"/young-people/search/\?name=Kayleigh"))
    # Only the results were swapped: the form keeps its answer and the page has one heading.
    expect(page.get_by_label("Name or alias")).to_have_value("Kayleigh")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_page_ok()
