"""Every page and API endpoint, tried by four clients: anonymous, another team, a same-team role
without the permission, and a permitted user. Refusals must change nothing and audit nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.access.models import (
    BreakGlassGrant,
    LawfulBasis,
    Notification,
    Organisation,
    PersonalAccessToken,
    RecordShare,
    Team,
    User,
)
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory, share_with_team
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

LABEL = "youngpeople.youngperson"


@dataclass
class World:
    team: Team
    other_team: Team
    third_team: Team
    young_person: YoungPerson
    elsewhere: YoungPerson
    users: dict[str, User]
    share: RecordShare
    grant: BreakGlassGrant
    notification: Notification
    token: PersonalAccessToken
    clients: dict[str, Client] = field(default_factory=dict)


@pytest.fixture
def world(team, other_team, make_user, sign_in) -> World:
    third_team = TeamFactory()
    users = {
        "practitioner": make_user(Role.PRACTITIONER, team=team),
        "manager": make_user(Role.MANAGER, team=team),
        "admin": make_user(Role.ADMIN, team=team),
        "auditor": make_user(Role.AUDITOR, team=team),
        "outsider": make_user(Role.PRACTITIONER, team=other_team),
        "outsider_manager": make_user(Role.MANAGER, team=other_team),
        "outsider_admin": make_user(Role.ADMIN, team=other_team),
    }
    young_person = YoungPersonFactory(holding_team=team, given_name="Ellie")
    elsewhere = YoungPersonFactory(holding_team=third_team, given_name="Noor")
    share = share_with_team(young_person, third_team, LawfulBasis.SAFEGUARDING)
    grant = BreakGlassGrant.objects.create(
        content_type=ContentType.objects.get_for_model(YoungPerson),
        object_id=elsewhere.pk,
        user=users["practitioner"],
        reason="Child missing tonight, holding team unreachable.",
        expires_at=timezone.now() + timedelta(hours=4),
    )
    notification = Notification.objects.create(
        recipient=users["practitioner"], title="Synthetic notice", url="/"
    )
    token = PersonalAccessToken.objects.create(
        user=users["practitioner"],
        name="Synthetic token",
        prefix="abcd1234",
        digest="0" * 64,
        scope="read",
        expires_at=timezone.now() + timedelta(days=30),
    )
    return World(
        team=team,
        other_team=other_team,
        third_team=third_team,
        young_person=young_person,
        elsewhere=elsewhere,
        users=users,
        share=share,
        grant=grant,
        notification=notification,
        token=token,
    )


def client_for(world: World, actor: str, sign_in: Callable[[User], Client]) -> Client:
    if actor == "anonymous":
        return Client()
    return sign_in(world.users[actor])


def snapshot() -> dict[str, Any]:
    """Everything a request could change, as plain values."""
    return {
        "young_people": list(
            YoungPerson.objects.order_by("pk").values_list(
                "pk", "given_name", "family_name", "date_of_birth", "version", "holding_team"
            )
        ),
        "shares": list(
            RecordShare.objects.order_by("pk").values_list("pk", "team", "user", "revoked_at")
        ),
        "grants": list(
            BreakGlassGrant.objects.order_by("pk").values_list("pk", "reviewed_at", "review_note")
        ),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "tokens": list(PersonalAccessToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        "users": list(User.objects.order_by("pk").values_list("pk", "roles", "is_active")),
        "memberships": sorted(User.teams.through.objects.values_list("user_id", "team_id")),
        "organisations": list(Organisation.objects.order_by("pk").values_list("pk", "name")),
        "teams": list(Team.objects.order_by("pk").values_list("pk", "name")),
        "totp": list(TOTPDevice.objects.order_by("pk").values_list("pk", flat=True)),
        "recovery_codes": list(StaticToken.objects.order_by("pk").values_list("pk", flat=True)),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", "action")),
    }


@dataclass(frozen=True)
class Row:
    """One URL and method, and what each of the four clients should get."""

    name: str
    method: str
    url: Callable[[World], str]
    expect: tuple[int, int, int, int]  # anonymous, other team, no permission, permitted
    other: str = "outsider"
    denied: str = "admin"
    permitted: str = "practitioner"
    data: Callable[[World], dict[str, Any]] | None = None


def yp(w: World) -> str:
    return f"/young-people/{w.young_person.pk}/"


def chart_node(w: World) -> str:
    return f"young_person:{w.young_person.pk}"


def yp_form(w: World) -> dict[str, Any]:
    return {
        "given_name": "Ellie",
        "family_name": "Changed",
        "date_of_birth": "2011-05-17",
        "gender": "female",
        "summary": "",
        "version": w.young_person.version,
    }


def new_user_form(w: World) -> dict[str, Any]:
    return {
        "username": "newstarter",
        "first_name": "New",
        "last_name": "Starter",
        "email": "newstarter@example.invalid",
        "organisation": w.team.organisation_id,
        "teams": [w.team.pk],
        "roles": [Role.PRACTITIONER.value],
        "password": "a-long-synthetic-passphrase",
    }


PAGES = [
    Row("health check", "get", lambda w: "/healthz", (200, 200, 200, 200)),
    # Signed-in, verified users are sent on from the sign-in, verify and enrol pages.
    Row("sign in", "get", lambda w: "/sign-in/", (200, 302, 302, 302)),
    Row("verify", "get", lambda w: "/sign-in/verify/", (302, 302, 302, 302)),
    Row("enrol", "get", lambda w: "/account/two-factor/", (302, 302, 302, 302)),
    Row("home", "get", lambda w: "/", (302, 200, 200, 200), denied="auditor"),
    Row("account", "get", lambda w: "/account/", (302, 200, 200, 200)),
    Row("notifications", "get", lambda w: "/notifications/", (302, 200, 200, 200)),
    Row("token form", "get", lambda w: "/account/tokens/new/", (302, 200, 403, 200)),
    Row(
        "share form",
        "get",
        lambda w: f"/access/records/{LABEL}/{w.young_person.pk}/share/",
        (302, 403, 403, 200),
    ),
    Row(
        "break-glass form",
        "get",
        lambda w: f"/access/records/{LABEL}/{w.young_person.pk}/break-glass/",
        (302, 403, 403, 200),
        other="outsider_admin",
        permitted="outsider",
    ),
    Row(
        "break-glass reviews",
        "get",
        lambda w: "/access/break-glass/",
        (302, 403, 403, 200),
        denied="practitioner",
        permitted="manager",
    ),
    Row(
        "break-glass review form",
        "get",
        lambda w: f"/access/break-glass/{w.grant.pk}/review/",
        (302, 404, 404, 200),
        other="outsider_manager",
        denied="practitioner",
        permitted="manager",
    ),
    Row(
        "users",
        "get",
        lambda w: "/admin-area/users/",
        (302, 403, 403, 200),
        denied="practitioner",
        permitted="admin",
    ),
    Row(
        "new user form",
        "get",
        lambda w: "/admin-area/users/new/",
        (302, 403, 403, 200),
        denied="practitioner",
        permitted="admin",
    ),
    Row(
        "change user form",
        "get",
        lambda w: f"/admin-area/users/{w.users['practitioner'].pk}/",
        (302, 403, 403, 200),
        denied="practitioner",
        permitted="admin",
    ),
    Row(
        "organisations",
        "get",
        lambda w: "/admin-area/organisations/",
        (302, 403, 403, 200),
        denied="practitioner",
        permitted="admin",
    ),
    Row(
        "new team form",
        "get",
        lambda w: f"/admin-area/organisations/{w.team.organisation_id}/teams/new/",
        (302, 403, 403, 200),
        denied="practitioner",
        permitted="admin",
    ),
    Row(
        "audit search",
        "get",
        lambda w: "/audit/?action=consultation",
        (302, 403, 403, 200),
        denied="practitioner",
        permitted="auditor",
    ),
    Row(
        "who has seen",
        "get",
        lambda w: f"/audit/records/{LABEL}/{w.young_person.pk}/",
        (302, 403, 403, 200),
    ),
    Row("young people", "get", lambda w: "/young-people/", (302, 200, 403, 200)),
    Row("new young person form", "get", lambda w: "/young-people/new/", (302, 200, 403, 200)),
    Row("young person", "get", yp, (302, 403, 403, 200)),
    Row("change young person form", "get", lambda w: yp(w) + "edit/", (302, 403, 403, 200)),
    # Network pages and the link chart; the network page and a link's records are tried with a
    # built graph in networks/tests/test_views.py.
    Row("networks", "get", lambda w: "/networks/", (302, 200, 403, 200)),
    Row(
        "link chart",
        "get",
        lambda w: f"/networks/chart/?node={chart_node(w)}",
        (302, 403, 403, 200),
    ),
    Row(
        "link chart data",
        "get",
        lambda w: f"/networks/chart/graph.json?node={chart_node(w)}",
        (302, 403, 403, 200),
    ),
    Row(
        "link chart export",
        "get",
        lambda w: f"/networks/chart/export.graphml?node={chart_node(w)}",
        (302, 403, 403, 200),
    ),
]

WRITES = [
    Row("sign out", "post", lambda w: "/sign-out/", (302, 302, 302, 302)),
    Row(
        "replace recovery codes",
        "post",
        lambda w: "/account/two-factor/recovery-codes/",
        (302, 200, 200, 200),
    ),
    Row(
        "create token",
        "post",
        lambda w: "/account/tokens/new/",
        (302, 200, 403, 200),
        data=lambda w: {"name": "Script", "scope": "read", "days": 30},
    ),
    Row(
        "revoke token",
        "post",
        lambda w: f"/account/tokens/{w.token.pk}/revoke/",
        (302, 404, 404, 302),
    ),
    Row(
        "mark notification read",
        "post",
        lambda w: f"/notifications/{w.notification.pk}/read/",
        (302, 404, 404, 302),
    ),
    Row(
        "share",
        "post",
        lambda w: f"/access/records/{LABEL}/{w.young_person.pk}/share/",
        (302, 403, 403, 302),
        data=lambda w: {
            "team": w.other_team.pk,
            "lawful_basis": LawfulBasis.SAFEGUARDING,
            "reason": "Joint safeguarding work",
        },
    ),
    Row(
        "stop sharing",
        "post",
        lambda w: f"/access/shares/{w.share.pk}/revoke/",
        (302, 403, 403, 302),
    ),
    Row(
        "break glass",
        "post",
        lambda w: f"/access/records/{LABEL}/{w.young_person.pk}/break-glass/",
        (302, 403, 403, 302),
        other="outsider_admin",
        permitted="outsider",
        data=lambda w: {"reason": "Child reported missing tonight; holding team unreachable."},
    ),
    Row(
        "review break glass",
        "post",
        lambda w: f"/access/break-glass/{w.grant.pk}/review/",
        (302, 404, 404, 302),
        other="outsider_manager",
        denied="practitioner",
        permitted="manager",
        data=lambda w: {"note": "Justified: child was missing."},
    ),
    Row(
        "create user",
        "post",
        lambda w: "/admin-area/users/new/",
        (302, 403, 403, 302),
        denied="practitioner",
        permitted="admin",
        data=new_user_form,
    ),
    Row(
        "change user",
        "post",
        lambda w: f"/admin-area/users/{w.users['practitioner'].pk}/",
        (302, 403, 403, 302),
        denied="practitioner",
        permitted="admin",
        data=lambda w: {
            "teams": [w.team.pk],
            "roles": ["practitioner", "analyst"],
            "is_active": "on",
        },
    ),
    Row(
        "reset two-factor",
        "post",
        lambda w: f"/admin-area/users/{w.users['practitioner'].pk}/reset-two-factor/",
        (302, 403, 403, 302),
        denied="practitioner",
        permitted="admin",
    ),
    Row(
        "create organisation",
        "post",
        lambda w: "/admin-area/organisations/",
        (302, 403, 403, 302),
        denied="practitioner",
        permitted="admin",
        data=lambda w: {"name": "Synthetic Health Trust", "organisation_type": "health"},
    ),
    Row(
        "create team",
        "post",
        lambda w: f"/admin-area/organisations/{w.team.organisation_id}/teams/new/",
        (302, 403, 403, 302),
        denied="practitioner",
        permitted="admin",
        data=lambda w: {"name": "Night Team"},
    ),
    # The other team's practitioner may create records, but only for their own team.
    Row(
        "create young person",
        "post",
        lambda w: "/young-people/new/",
        (302, 400, 403, 302),
        data=lambda w: {**yp_form(w), "family_name": "Newchild", "holding_team": w.team.pk},
    ),
    Row(
        "change young person", "post", lambda w: yp(w) + "edit/", (302, 403, 403, 302), data=yp_form
    ),
]

API = [
    Row("openapi", "get", lambda w: "/api/v1/openapi.json", (200, 200, 200, 200)),
    Row("me", "get", lambda w: "/api/v1/me", (401, 200, 200, 200)),
    Row("api young people", "get", lambda w: "/api/v1/young-people", (401, 200, 403, 200)),
    Row(
        "api young person",
        "get",
        lambda w: f"/api/v1/young-people/{w.young_person.pk}",
        (401, 403, 403, 200),
    ),
    Row(
        "api create young person",
        "post",
        lambda w: "/api/v1/young-people",
        (401, 403, 403, 201),
        data=lambda w: {
            "given_name": "Ria",
            "family_name": "Newchild",
            "date_of_birth": "2010-01-02",
            "holding_team_id": w.team.pk,
        },
    ),
    Row(
        "api change young person",
        "patch",
        lambda w: f"/api/v1/young-people/{w.young_person.pk}",
        (401, 403, 403, 200),
        data=lambda w: {"version": 1, "family_name": "Changed"},
    ),
    Row(
        "api audit search",
        "get",
        lambda w: "/api/v1/audit/entries",
        (401, 403, 403, 200),
        denied="practitioner",
        permitted="auditor",
    ),
]

ACTORS = ["anonymous", "other team", "no permission", "permitted"]
CASES = [
    pytest.param(row, column, id=f"{row.name} / {ACTORS[column]}")
    for row in [*PAGES, *WRITES, *API]
    for column in range(4)
]


@pytest.mark.parametrize(("row", "column"), CASES)
def test_each_client_gets_what_its_access_allows_and_refusals_change_nothing(
    row: Row, column: int, world: World, sign_in
):
    actor = ["anonymous", row.other, row.denied, row.permitted][column]
    client = client_for(world, actor, sign_in)
    url = row.url(world)
    data = row.data(world) if row.data else {}
    before = snapshot()

    if url.startswith("/api/"):
        response = getattr(client, row.method)(url, data, content_type="application/json")
    else:
        response = getattr(client, row.method)(url, data)

    expected = row.expect[column]
    assert response.status_code == expected, response.content[:500]
    if actor == "anonymous" and expected == 302:
        assert response["Location"].startswith("/sign-in/")
    if url.startswith("/api/") and expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
    refused = expected in {400, 401, 403, 404} or (actor == "anonymous" and expected == 302)
    if refused:
        assert snapshot() == before
    elif row.method != "get":
        assert snapshot() != before


def test_other_team_sees_only_the_restricted_stub_and_no_consultation_is_logged(world, sign_in):
    outsider = world.users["outsider"]

    page = sign_in(outsider).get(yp(world))
    api = sign_in(outsider).get(f"/api/v1/young-people/{world.young_person.pk}")

    body = page.content.decode()
    assert page.status_code == 403
    assert "Restricted record" in body and world.young_person.reference in body
    assert "Ellie" not in body and "Testchild" not in body
    assert api.status_code == 403
    assert api.json()["reference"] == world.young_person.reference
    assert "Ellie" not in api.content.decode()
    assert not AuditEntry.objects.filter(user=outsider, action=Action.CONSULTATION).exists()


def test_other_team_list_does_not_show_records_it_has_no_need_to_know(world, sign_in):
    response = sign_in(world.users["outsider"]).get("/young-people/team/")

    assert response.status_code == 200
    assert "Ellie" not in response.content.decode()
    assert "Open cases held by your teams (0)" in response.content.decode()


def test_administrator_in_the_holding_team_cannot_read_the_record(world, sign_in, make_user):
    admin = world.users["admin"]
    superuser = make_user(Role.ADMIN, team=world.team, is_superuser=True)

    for user in (admin, superuser):
        client = sign_in(user)
        page = client.get(yp(world))
        api = client.get(f"/api/v1/young-people/{world.young_person.pk}")
        listing = client.get("/api/v1/young-people")
        assert page.status_code == 403
        assert "Ellie" not in page.content.decode()
        assert api.status_code == 403
        assert listing.status_code == 403
    assert not AuditEntry.objects.filter(
        user__in=[admin, superuser], action=Action.CONSULTATION
    ).exists()


def test_notifications_page_shows_only_your_own(world, sign_in):
    response = sign_in(world.users["manager"]).get("/notifications/")

    assert response.status_code == 200
    assert "Synthetic notice" not in response.content.decode()


def test_other_teams_manager_does_not_see_break_glass_by_this_team(world, sign_in):
    theirs = sign_in(world.users["outsider_manager"]).get("/access/break-glass/")
    ours = sign_in(world.users["manager"]).get("/access/break-glass/")

    assert "holding team unreachable" not in theirs.content.decode()
    assert "holding team unreachable" in ours.content.decode()
