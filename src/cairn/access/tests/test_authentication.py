"""Signing in: password rules, lock-out, two-factor, session limits, headers, cookies, CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.access import services
from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.tests.factories import PASSWORD
from cairn.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def sign_in_with_password(client: Client, username: str, password: str = PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


# Passwords ------------------------------------------------------------------------------------


def new_user(team, password: str, **overrides) -> User:
    admin = User.objects.create(username="ada", roles=[Role.ADMIN.value])
    return services.user_create(
        actor=Actor(user=admin),
        username="newstarter",
        first_name="New",
        last_name="Starter",
        email="newstarter@example.invalid",
        organisation=team.organisation,
        teams=[team],
        roles=[Role.PRACTITIONER.value],
        password=password,
        **overrides,
    )


def test_passwords_are_hashed_with_argon2(team, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS

    user = new_user(team, "a-long-synthetic-passphrase")

    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-synthetic-passphrase")


def test_a_password_shorter_than_12_characters_is_refused(team):
    with pytest.raises(ValidationError) as refused:
        new_user(team, "Sh0rt-pass!")

    assert "at least 12 characters" in str(refused.value.message_dict["password"])
    assert not User.objects.filter(username="newstarter").exists()


def test_the_new_user_page_explains_a_short_password(team, make_user, sign_in):
    admin = make_user(Role.ADMIN, team=team)

    response = sign_in(admin).post(
        "/admin-area/users/new/",
        {
            "username": "newstarter",
            "first_name": "New",
            "last_name": "Starter",
            "email": "newstarter@example.invalid",
            "organisation": team.organisation_id,
            "teams": [team.pk],
            "roles": ["practitioner"],
            "password": "Sh0rt-pass!",
        },
    )

    assert response.status_code == 400
    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode()
    )
    assert not User.objects.filter(username="newstarter").exists()


# Lock-out -------------------------------------------------------------------------------------


def test_five_failed_sign_ins_lock_the_account_even_against_the_right_password(team, make_user):
    user = make_user(team=team)
    client = Client()

    for _ in range(5):
        sign_in_with_password(client, user.username, "wrong-password-123")
    sixth = sign_in_with_password(client, user.username, PASSWORD)

    assert sixth.status_code == 403
    assert "Your account is locked" in sixth.content.decode()
    assert not is_signed_in(client)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    # The fifth failure locks the account; each later attempt is logged as refused too.
    assert actions[:5] == [Action.SIGN_IN_FAILED] * 4 + [Action.LOCKED_OUT]
    assert Action.SIGN_IN not in actions
    locked = AuditEntry.objects.filter(action=Action.LOCKED_OUT).first()
    assert locked.detail == {"username_tried": user.username}


def test_four_failed_sign_ins_do_not_lock_the_account(team, make_user):
    user = make_user(team=team)
    client = Client()

    for _ in range(4):
        sign_in_with_password(client, user.username, "wrong-password-123")
    fifth = sign_in_with_password(client, user.username, PASSWORD)

    assert fifth.status_code == 302
    assert is_signed_in(client)
    assert not AuditEntry.objects.filter(action=Action.LOCKED_OUT).exists()


# Two-factor -----------------------------------------------------------------------------------


def test_a_user_without_an_authenticator_is_sent_to_enrol_from_any_page(team, make_user):
    user = make_user(team=team)
    client = Client()
    sign_in_with_password(client, user.username)

    for path in ("/", "/young-people/", "/account/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/account/two-factor/"


def test_a_user_with_an_authenticator_is_sent_to_verify_and_the_api_refuses_them(team, make_user):
    user = make_user(team=team)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    sign_in_with_password(client, user.username)

    page = client.get("/young-people/")
    api = client.get("/api/v1/me")

    assert page.status_code == 302 and page["Location"] == "/sign-in/verify/"
    assert api.status_code == 401
    assert api["Content-Type"] == "application/problem+json"


def code_now(device: TOTPDevice, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
    return str(totp.token()).zfill(device.digits)


def a_wrong_code(device: TOTPDevice) -> str:
    """A code outside every time step the device would accept now."""
    valid = {code_now(device, drift) for drift in range(-3, 4)}
    return next(code for code in ("123456", "654321", "111111", "222222") if code not in valid)


def test_the_right_code_verifies_and_returns_to_the_page_asked_for(team, make_user):
    user = make_user(team=team)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    sign_in_with_password(client, user.username)
    client.get("/young-people/")

    response = client.post("/sign-in/verify/", {"code": code_now(device)})

    assert response.status_code == 302 and response["Location"] == "/young-people/"
    assert client.get("/young-people/").status_code == 200
    assert AuditEntry.objects.filter(
        action=Action.TWO_FACTOR, summary="Verified second factor"
    ).exists()


def test_a_wrong_code_shows_an_error_and_is_logged(team, make_user):
    user = make_user(team=team)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    wrong = a_wrong_code(device)
    client = Client()
    sign_in_with_password(client, user.username)

    response = client.post("/sign-in/verify/", {"code": wrong})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert AuditEntry.objects.filter(
        action=Action.SIGN_IN_FAILED, user=user, summary="Wrong two-factor code"
    ).exists()
    assert client.get("/young-people/")["Location"] == "/sign-in/verify/"


def test_a_recovery_code_works_once(team, make_user):
    user = make_user(team=team)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345")

    first = Client()
    sign_in_with_password(first, user.username)
    used = first.post("/sign-in/verify/", {"code": "abcd 2345"})
    second = Client()
    sign_in_with_password(second, user.username)
    reused = second.post("/sign-in/verify/", {"code": "abcd2345"})

    assert used.status_code == 302
    assert first.get("/young-people/").status_code == 200
    assert reused.status_code == 400
    assert second.get("/young-people/").status_code == 302
    assert not StaticToken.objects.exists()


def test_enrolment_confirms_the_app_and_shows_ten_recovery_codes(team, make_user):
    user = make_user(team=team)
    client = Client()
    sign_in_with_password(client, user.username)
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = client.post("/account/two-factor/", {"code": code_now(device)})

    assert response.status_code == 200
    codes = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert client.get("/young-people/").status_code == 200


def test_a_demo_instance_does_not_require_two_factor(team, make_user, settings):
    settings.CAIRN_REQUIRE_2FA = False
    user = make_user(team=team)
    client = Client()
    sign_in_with_password(client, user.username)

    assert client.get("/young-people/").status_code == 200
    assert client.get("/api/v1/me").json()["username"] == user.username


# Session limits -------------------------------------------------------------------------------


def age_session(client: Client, **ago: timedelta) -> None:
    session = client.session
    now = timezone.now()
    for key, delta in ago.items():
        session[f"cairn_{key}"] = (now - delta).timestamp()
    session.save()


@pytest.mark.parametrize(
    ("last_seen", "signed_in_at"),
    [
        pytest.param(timedelta(minutes=31), timedelta(hours=1), id="idle for 31 minutes"),
        pytest.param(timedelta(minutes=1), timedelta(hours=12, minutes=1), id="12 hours old"),
    ],
)
def test_an_idle_or_old_session_is_signed_out(team, make_user, sign_in, last_seen, signed_in_at):
    client = sign_in(make_user(team=team))
    client.get("/")
    age_session(client, last_seen=last_seen, signed_in_at=signed_in_at)

    response = client.get("/young-people/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert not is_signed_in(client)
    told = client.get(response["Location"]).content.decode()
    assert "You were signed out to protect the data in Cairn." in told
    assert client.get("/api/v1/me").status_code == 401


def test_an_active_session_within_its_limits_continues(team, make_user, sign_in):
    client = sign_in(make_user(team=team))
    client.get("/")
    age_session(client, last_seen=timedelta(minutes=29), signed_in_at=timedelta(hours=11))

    assert client.get("/young-people/").status_code == 200
    assert client.get("/young-people/").status_code == 200
    assert is_signed_in(client)


# Headers, cookies and CSRF --------------------------------------------------------------------


def test_every_page_sends_the_security_headers(team, make_user, sign_in):
    for response in (Client().get("/sign-in/"), sign_in(make_user(team=team)).get("/")):
        csp = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_are_http_only_and_same_site(team, make_user):
    user = make_user(team=team)
    client = Client()
    client.get("/sign-in/")

    response = sign_in_with_password(client, user.username)

    session_cookie = response.cookies["sessionid"]
    csrf_cookie = client.cookies["csrftoken"]
    assert session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
    assert csrf_cookie["httponly"] and csrf_cookie["samesite"] == "Lax"


def test_a_form_post_without_a_csrf_token_is_refused(team, make_user):
    user = make_user(Role.ADMIN, team=team)
    client = Client(enforce_csrf_checks=True)

    sign_in_refused = sign_in_with_password(client, user.username)
    assert sign_in_refused.status_code == 403
    assert not is_signed_in(client)

    client.get("/sign-in/")
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/sign-in/", {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302


def test_a_signed_in_form_post_without_a_csrf_token_changes_nothing(team, make_user, sign_in):
    from cairn.access.models import Organisation

    client = sign_in(make_user(Role.ADMIN, team=team))
    client.handler.enforce_csrf_checks = True
    before = Organisation.objects.count()

    response = client.post(
        "/admin-area/organisations/", {"name": "Synthetic Trust", "organisation_type": "health"}
    )

    assert response.status_code == 403
    assert Organisation.objects.count() == before
