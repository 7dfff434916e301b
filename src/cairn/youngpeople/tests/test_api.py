"""The JSON API: personal access tokens, the OpenAPI document, problem details, optimistic
locking, validation, and consultation audit on every read."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import PersonalAccessToken
from cairn.access.permissions import Role
from cairn.access.services import token_create
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople import services
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team)


@pytest.fixture
def ellie(team):
    return YoungPersonFactory(holding_team=team, given_name="Ellie")


def new_token(user, scope: str = "read_write", days: int = 30) -> str:
    _token, raw = token_create(actor=Actor(user=user), name="Script", scope=scope, days=days)
    return raw


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and "detail" in body
    return body


# Tokens ---------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_only_as_a_digest(practitioner, sign_in):
    client = sign_in(practitioner)

    created = client.post("/account/tokens/new/", {"name": "Script", "scope": "read", "days": 7})

    token = PersonalAccessToken.objects.get(user=practitioner)
    raw = created.context["raw"]
    assert raw in created.content.decode()
    assert raw.startswith(f"cairn_{token.prefix}_")
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(PersonalAccessToken.objects.filter(pk=token.pk).values().get())
    assert raw not in client.get("/account/").content.decode()
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)


def test_a_token_reads_as_its_user(practitioner, ellie):
    response = Client().get("/api/v1/young-people", **bearer(new_token(practitioner, "read")))

    assert response.status_code == 200
    assert [person["given_name"] for person in response.json()] == ["Ellie"]


def test_an_expired_token_is_refused(practitioner):
    raw = new_token(practitioner)
    PersonalAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    body = assert_problem(Client().get("/api/v1/me", **bearer(raw)), 401)

    assert body["title"] == "Authentication required"


def test_a_revoked_token_is_refused(practitioner, sign_in):
    raw = new_token(practitioner)
    token = PersonalAccessToken.objects.get()
    sign_in(practitioner).post(f"/account/tokens/{token.pk}/revoke/")

    assert_problem(Client().get("/api/v1/me", **bearer(raw)), 401)


def test_a_deactivated_users_token_is_refused(practitioner):
    raw = new_token(practitioner)
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])

    assert_problem(Client().get("/api/v1/me", **bearer(raw)), 401)


def test_a_made_up_token_is_refused():
    assert_problem(Client().get("/api/v1/me", **bearer("cairn_00000000_guess")), 401)


def test_a_read_only_token_cannot_write(practitioner, ellie, team):
    raw = new_token(practitioner, "read")
    client = Client()

    created = client.post(
        "/api/v1/young-people",
        {
            "given_name": "Ria",
            "family_name": "New",
            "estimated_age": 14,
            "holding_team_id": team.pk,
        },
        content_type="application/json",
        **bearer(raw),
    )
    changed = client.patch(
        f"/api/v1/young-people/{ellie.pk}",
        {"version": 1, "given_name": "Changed"},
        content_type="application/json",
        **bearer(raw),
    )

    assert_problem(created, 403)
    assert_problem(changed, 403)
    assert YoungPerson.objects.count() == 1
    assert YoungPerson.objects.get().given_name == "Ellie"


def test_a_read_write_token_can_create_a_record(practitioner, team):
    response = Client().post(
        "/api/v1/young-people",
        {
            "given_name": "Ria",
            "family_name": "New",
            "estimated_age": 14,
            "holding_team_id": team.pk,
        },
        content_type="application/json",
        **bearer(new_token(practitioner)),
    )

    assert response.status_code == 201
    assert response.json()["reference"] == YoungPerson.objects.get().reference
    entry = AuditEntry.objects.get(action=Action.COLLECTION)
    assert (entry.user, entry.channel) == (practitioner, "api")


# The OpenAPI document and problem details -----------------------------------------------------


def test_the_openapi_document_lists_the_endpoints():
    response = Client().get("/api/v1/openapi.json")

    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/me",
        "/api/v1/young-people",
        "/api/v1/young-people/{pk}",
        "/api/v1/audit/entries",
    } <= set(document["paths"])
    assert set(document["paths"]["/api/v1/young-people/{pk}"]) == {"get", "patch"}


def test_every_operation_has_its_own_id_named_by_app_and_function():
    document = Client().get("/api/v1/openapi.json").json()

    ids = [
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    ]
    assert len(ids) == len(set(ids))
    assert document["paths"]["/api/v1/young-people/{pk}"]["get"]["operationId"].startswith(
        "youngpeople_"
    )


def test_a_missing_record_is_a_problem_document(practitioner, sign_in):
    body = assert_problem(sign_in(practitioner).get("/api/v1/young-people/999999"), 404)

    assert body["instance"] == "/api/v1/young-people/999999"


# Optimistic locking and validation ------------------------------------------------------------


def test_a_stale_patch_is_refused_with_409_and_changes_nothing(practitioner, ellie, sign_in):
    services.young_person_update(
        actor=Actor(user=practitioner), young_person=ellie, expected_version=1, given_name="Elle"
    )

    response = sign_in(practitioner).patch(
        f"/api/v1/young-people/{ellie.pk}",
        {"version": 1, "family_name": "Overwritten"},
        content_type="application/json",
    )

    body = assert_problem(response, 409)
    assert "Someone else changed this record" in body["detail"]
    ellie.refresh_from_db()
    assert (ellie.given_name, ellie.family_name, ellie.version) == ("Elle", "Testchild", 2)


def test_a_current_patch_saves_and_bumps_the_version(practitioner, ellie, sign_in):
    response = sign_in(practitioner).patch(
        f"/api/v1/young-people/{ellie.pk}",
        {"version": 1, "preferred_name": "Ells"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["preferred_name"], response.json()["version"]) == ("Ells", 2)


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        (
            {"date_of_birth": (date.today() + timedelta(days=2)).isoformat()},
            400,
            "Date of birth must be today or in the past",
        ),
        ({"date_of_birth": "1990-01-01"}, 400, "must be under 25"),
        ({"estimated_age": 25}, 400, "must be under 25"),
        ({"given_name": "   "}, 400, "Enter a given name"),
        ({"given_name": None}, 422, "given_name"),
    ],
    ids=["future date of birth", "born 1990", "estimated 25", "blank name", "missing name"],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    practitioner, team, sign_in, payload, status, message
):
    body = {
        "given_name": "Ria",
        "family_name": "New",
        "estimated_age": 14,
        "holding_team_id": team.pk,
    }
    body.update(payload)
    body = {key: value for key, value in body.items() if value is not None}

    response = sign_in(practitioner).post(
        "/api/v1/young-people", body, content_type="application/json"
    )

    problem = assert_problem(response, status)
    assert message in str(problem)
    assert not YoungPerson.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.COLLECTION).exists()


# Audit -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("door", ["token", "session"])
def test_every_api_read_of_a_record_is_a_consultation_on_the_api_channel(
    practitioner, ellie, sign_in, door
):
    if door == "token":
        client, headers = Client(), bearer(new_token(practitioner, "read"))
    else:
        client, headers = sign_in(practitioner), {}

    client.get(f"/api/v1/young-people/{ellie.pk}", **headers)
    client.get("/api/v1/young-people", **headers)

    entries = AuditEntry.objects.filter(action=Action.CONSULTATION, user=practitioner)
    assert [(e.channel, e.record_ids) for e in entries] == [
        ("api", [str(ellie.pk)]),
        ("api", [str(ellie.pk)]),
    ]
