"""Fixtures shared by every app's tests: users in teams, and clients signed in with 2FA."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory, UserFactory

# One Chromium and one axe for the whole run, whichever apps' browser tests are collected.
pytest_plugins = ["cairn.core.tests.browser.session"]

_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that touch no database `no_database`, before `-m` selects: CI's second
    run, on PostgreSQL, leaves them out (the first run, on SQLite, has run them)."""
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") is None and not _DATABASE_FIXTURES & uses:
            item.add_marker(pytest.mark.no_database)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Argon2 at production cost takes ~0.3 s per user; tests that check hashing restore it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reset_lockouts(settings: object) -> None:
    from axes.utils import reset

    reset()


@pytest.fixture
def team() -> Team:
    return TeamFactory()


@pytest.fixture
def other_team() -> Team:
    return TeamFactory()


@pytest.fixture
def make_user() -> Callable[..., User]:
    def make(*roles: Role, team: Team | None = None, **fields: object) -> User:
        return UserFactory(
            roles=[role.value for role in (roles or (Role.PRACTITIONER,))], team=team, **fields
        )

    return make


@pytest.fixture
def sign_in() -> Callable[[User], Client]:
    """A client signed in as `user` with a verified second factor, as after a real sign-in."""

    def signed_in(user: User) -> Client:
        client = Client()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return signed_in
