"""Every page, as the role that uses it, passes axe-core's WCAG 2.2 AA checks with no CSP errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cairn.access import services as access_services
from cairn.access.actor import Actor
from cairn.access.models import Notification, OrganisationType, Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import OrganisationFactory, TeamFactory
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.browser

LABEL = "youngpeople.youngperson"


@dataclass
class World:
    """A small synthetic world: one team with records, another team's records, every role."""

    team: Team
    other_team: Team
    practitioner: User
    manager: User
    auditor: User
    admin: User
    record: YoungPerson
    restricted_record: YoungPerson
    grant_pk: int

    def user(self, role: str) -> User:
        user: User = getattr(self, role)
        return user


@pytest.fixture
def world(make_user: Callable[..., User]) -> World:
    team = TeamFactory(
        name="Exploitation Hub",
        organisation=OrganisationFactory(name="Synthetic Children's Charity"),
    )
    other_team = TeamFactory(
        name="Child Protection Unit",
        organisation=OrganisationFactory(
            name="Synthetic Police Force", organisation_type=OrganisationType.POLICE_FORCE
        ),
    )
    practitioner = make_user(Role.PRACTITIONER, team=team, first_name="Priya", last_name="Shah")
    manager = make_user(Role.MANAGER, team=team, first_name="Morgan", last_name="Lee")
    auditor = make_user(Role.AUDITOR, team=team, first_name="Alex", last_name="Okafor")
    admin = make_user(Role.ADMIN, team=team, first_name="Sam", last_name="Jones")
    record = YoungPersonFactory(
        holding_team=team, given_name="Jade", family_name="Testchild", key_worker=practitioner
    )
    YoungPersonFactory(holding_team=team, given_name="Kai", date_of_birth=None, estimated_age=14)
    YoungPersonFactory(holding_team=team, given_name="Lena", preferred_name="Lee")
    restricted_record = YoungPersonFactory(holding_team=other_team, given_name="Mia")
    broken_into = YoungPersonFactory(holding_team=other_team, given_name="Noor")

    actor = Actor(user=practitioner, ip_address="127.0.0.1")
    grant = access_services.break_glass_open(
        actor=actor,
        record=broken_into,
        reason="Missing overnight; the police force's duty desk is not answering.",
    )
    access_services.token_create(actor=actor, name="Reporting script", scope="read", days=30)
    Notification.objects.create(
        recipient=practitioner,
        title="Your record was shared",
        body="Synthetic Police Force can now see a record you hold.",
        url=record.get_absolute_url(),
        created_at=timezone.now(),
    )
    return World(
        team=team,
        other_team=other_team,
        practitioner=practitioner,
        manager=manager,
        auditor=auditor,
        admin=admin,
        record=record,
        restricted_record=restricted_record,
        grant_pk=grant.pk,
    )


def submit(button: str) -> Callable[[Page, World], None]:
    def press(page: Page, world: World) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        # Each message names what to do about its own field (the GOV.UK error pattern).
        expect(summary).not_to_contain_text("This field is required")
        first_link = summary.get_by_role("link").first
        target = page.locator(first_link.get_attribute("href") or "#missing")
        expect(target).to_be_visible()

    return press


def create_token(page: Page, world: World) -> None:
    page.get_by_label("Token name").fill("Case export")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#raw-token")).to_have_text(re.compile(r"^cairn_\w+_\S+$"))


@dataclass(frozen=True)
class Visit:
    name: str
    role: str
    path: Callable[[World], str]
    heading: str
    then: Callable[[Page, World], None] | None = None
    status: int = 200


VISITS = [
    Visit("home", "practitioner", lambda w: "/", "Cairn"),
    Visit("account", "practitioner", lambda w: "/account/", "Your account"),
    Visit("token form", "practitioner", lambda w: "/account/tokens/new/", "Create an API token"),
    Visit(
        "token form with errors",
        "practitioner",
        lambda w: "/account/tokens/new/",
        "Create an API token",
        submit("Create token"),
        400,
    ),
    Visit(
        "token created",
        "practitioner",
        lambda w: "/account/tokens/new/",
        "Your new API token",
        create_token,
    ),
    Visit("notifications", "practitioner", lambda w: "/notifications/", "Notifications"),
    Visit("young people", "practitioner", lambda w: "/young-people/", "Young people"),
    Visit(
        "young people search",
        "practitioner",
        lambda w: "/young-people/?name=Jade",
        "Young people",
    ),
    Visit(
        "young person form",
        "practitioner",
        lambda w: "/young-people/new/",
        "Add a young person",
    ),
    Visit(
        "young person form with errors",
        "practitioner",
        lambda w: "/young-people/new/",
        "Add a young person",
        submit("Save"),
        400,
    ),
    Visit("young person", "practitioner", lambda w: f"/young-people/{w.record.pk}/", "Jade"),
    Visit(
        "young person edit",
        "practitioner",
        lambda w: f"/young-people/{w.record.pk}/edit/",
        "Change Jade",
    ),
    Visit(
        "restricted record",
        "practitioner",
        lambda w: f"/young-people/{w.restricted_record.pk}/",
        "Restricted record",
        status=403,
    ),
    Visit(
        "break-glass form",
        "practitioner",
        lambda w: f"/access/records/{LABEL}/{w.restricted_record.pk}/break-glass/",
        "Break-glass access",
    ),
    Visit(
        "break-glass form with errors",
        "practitioner",
        lambda w: f"/access/records/{LABEL}/{w.restricted_record.pk}/break-glass/",
        "Break-glass access",
        submit("Open the record"),
        400,
    ),
    Visit(
        "share form",
        "practitioner",
        lambda w: f"/access/records/{LABEL}/{w.record.pk}/share/",
        "Share this record with another team",
    ),
    Visit(
        "share form with errors",
        "practitioner",
        lambda w: f"/access/records/{LABEL}/{w.record.pk}/share/",
        "Share this record with another team",
        submit("Share"),
        400,
    ),
    Visit(
        "break-glass reviews",
        "manager",
        lambda w: "/access/break-glass/",
        "Break-glass access by your teams",
    ),
    Visit(
        "break-glass review form",
        "manager",
        lambda w: f"/access/break-glass/{w.grant_pk}/review/",
        "Review break-glass access",
    ),
    Visit("audit search", "auditor", lambda w: "/audit/", "Audit trail"),
    Visit(
        "audit search results",
        "auditor",
        lambda w: f"/audit/?user={w.practitioner.username}",
        "Audit trail",
    ),
    Visit(
        "audit search with errors",
        "auditor",
        lambda w: "/audit/?date_from=2025-02-01&date_to=2025-01-01",
        "Audit trail",
        status=400,
    ),
    Visit(
        "who has seen this record",
        "auditor",
        lambda w: f"/audit/records/{LABEL}/{w.record.pk}/",
        "Who has seen or changed this record",
    ),
    Visit("users", "admin", lambda w: "/admin-area/users/", "Users"),
    Visit("add user", "admin", lambda w: "/admin-area/users/new/", "Add a user"),
    Visit(
        "add user with errors",
        "admin",
        lambda w: "/admin-area/users/new/",
        "Add a user",
        submit("Add user"),
        400,
    ),
    Visit(
        "change user",
        "admin",
        lambda w: f"/admin-area/users/{w.practitioner.pk}/",
        "Change",
    ),
    Visit(
        "organisations and teams",
        "admin",
        lambda w: "/admin-area/organisations/",
        "Organisations and teams",
    ),
    Visit(
        "team form",
        "admin",
        lambda w: f"/admin-area/organisations/{w.team.organisation_id}/teams/new/",
        "Add a team",
    ),
    Visit(
        "forbidden",
        "practitioner",
        lambda w: "/admin-area/users/",
        "You do not have access",
        status=403,
    ),
    Visit("not found", "practitioner", lambda w: "/no-such-page/", "Page not found", status=404),
]


@pytest.mark.parametrize("visit", VISITS, ids=[visit.name for visit in VISITS])
def test_page_passes_wcag_22_aa_without_csp_errors(
    visit: Visit,
    world: World,
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    sign_in_browser(world.user(visit.role))

    response = page.goto(visit.path(world))
    assert response is not None
    if visit.then is None:
        assert response.status == visit.status
    else:
        visit.then(page, world)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(visit.heading)
    assert_page_ok()
