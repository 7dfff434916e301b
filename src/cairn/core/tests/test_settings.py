"""Production refuses unsafe settings; secrets can come from *_FILE."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from cairn.settings import env_str, production_problems

GOOD_SECRET = "s" * 20 + "-synthetic-production-secret-" + "t" * 20
FIELD_KEY = Fernet.generate_key().decode()

# The shared autouse fixtures reset lock-outs in the database.
pytestmark = pytest.mark.django_db


def test_a_safe_production_configuration_has_no_problems():
    assert production_problems(debug=False, secret_key=GOOD_SECRET, field_keys=[FIELD_KEY]) == []


@pytest.mark.parametrize(
    ("debug", "secret_key", "field_keys", "problem"),
    [
        (True, GOOD_SECRET, [FIELD_KEY], "CAIRN_DEBUG is on"),
        (False, "", [FIELD_KEY], "CAIRN_SECRET_KEY is missing or a default value"),
        (False, "changeme", [FIELD_KEY], "CAIRN_SECRET_KEY is missing or a default value"),
        (False, "django-insecure-" + "x" * 40, [FIELD_KEY], "missing or a default value"),
        (False, "tooshort", [FIELD_KEY], "CAIRN_SECRET_KEY is shorter than 32 characters"),
        (False, GOOD_SECRET, [], "CAIRN_FIELD_KEYS is missing"),
    ],
)
def test_unsafe_settings_are_named(debug, secret_key, field_keys, problem):
    problems = production_problems(debug=debug, secret_key=secret_key, field_keys=field_keys)

    assert any(problem in found for found in problems), problems


def start_django(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    """Start Cairn's settings in a fresh interpreter with only `env` (no test variables)."""
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    script = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'cairn.settings'; "
        "django.setup(); from django.conf import settings; " + (code or "pass")
    )
    return subprocess.run(
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, timeout=60
    )


def test_cairn_refuses_to_start_without_secret_or_keys_outside_demo():
    started = start_django({})

    assert started.returncode != 0
    assert "Cairn refuses to start" in started.stderr
    assert "CAIRN_SECRET_KEY is missing or a default value" in started.stderr
    assert "CAIRN_FIELD_KEYS is missing" in started.stderr


def test_cairn_refuses_to_start_with_debug_on_and_a_default_secret():
    started = start_django({"CAIRN_DEBUG": "0", "CAIRN_SECRET_KEY": "changeme"})

    assert started.returncode != 0
    assert "CAIRN_SECRET_KEY is missing or a default value" in started.stderr


def test_production_starts_with_secure_cookies_and_hsts():
    started = start_django(
        {"CAIRN_SECRET_KEY": GOOD_SECRET, "CAIRN_FIELD_KEYS": FIELD_KEY},
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.CAIRN_REQUIRE_2FA)",
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["False", "True", "True", "31536000", "True"]


def test_secrets_are_read_from_files(tmp_path: Path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(GOOD_SECRET + "\n")
    keys_file = tmp_path / "keys"
    keys_file.write_text(FIELD_KEY + "\n")

    started = start_django(
        {"CAIRN_SECRET_KEY_FILE": str(secret_file), "CAIRN_FIELD_KEYS_FILE": str(keys_file)},
        "print(settings.SECRET_KEY); print(','.join(settings.CAIRN_FIELD_KEYS))",
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.splitlines() == [GOOD_SECRET, FIELD_KEY]


def test_a_file_variant_wins_over_the_plain_variable(tmp_path, monkeypatch):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-the-file\n")
    monkeypatch.setenv("CAIRN_EXAMPLE", "from-the-variable")
    monkeypatch.setenv("CAIRN_EXAMPLE_FILE", str(secret_file))

    assert env_str("CAIRN_EXAMPLE") == "from-the-file"
