"""Cairn's one settings module: every value comes from the environment through typed helpers."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent

_UNSAFE_SECRETS = {"", "changeme", "change-me", "secret", "django-insecure"}


def env_str(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name, "1" if default else "0").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def production_problems(*, debug: bool, secret_key: str, field_keys: list[str]) -> list[str]:
    """What makes a configuration unsafe to run outside demo or debug mode."""
    problems = []
    if debug:
        problems.append("CAIRN_DEBUG is on")
    if secret_key.lower() in _UNSAFE_SECRETS or secret_key.startswith("django-insecure"):
        problems.append("CAIRN_SECRET_KEY is missing or a default value")
    elif len(secret_key) < 32:
        problems.append("CAIRN_SECRET_KEY is shorter than 32 characters")
    if not field_keys:
        problems.append("CAIRN_FIELD_KEYS is missing")
    return problems


# Demo instances hold synthetic data only, show a banner and skip two-factor enrolment.
CAIRN_DEMO = env_bool("CAIRN_DEMO")
DEBUG = env_bool("CAIRN_DEBUG")
_relaxed = CAIRN_DEMO or DEBUG

SECRET_KEY = env_str("CAIRN_SECRET_KEY")
CAIRN_FIELD_KEYS = env_list("CAIRN_FIELD_KEYS")
if _relaxed:
    # Throwaway keys keep a debug process working; data encrypted with them dies with it.
    SECRET_KEY = SECRET_KEY or secrets.token_urlsafe(50)
    CAIRN_FIELD_KEYS = CAIRN_FIELD_KEYS or [Fernet.generate_key().decode()]
else:
    _problems = production_problems(debug=DEBUG, secret_key=SECRET_KEY, field_keys=CAIRN_FIELD_KEYS)
    if _problems:
        raise ImproperlyConfigured(
            "Cairn refuses to start: " + "; ".join(_problems) + ". See docs/deploy.md."
        )

ALLOWED_HOSTS = env_list("CAIRN_ALLOWED_HOSTS", "127.0.0.1,localhost" if _relaxed else "")
CSRF_TRUSTED_ORIGINS = env_list("CAIRN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "cairn.core",
    "cairn.access",
    "cairn.audit",
    "cairn.youngpeople",
    "cairn.intelligence",
    "cairn.linkage",
    "cairn.networks",
    "cairn.investigations",
    "cairn.world",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "cairn.core.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session limits, which tell the user why they were signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cairn.access.middleware.SessionLimitsMiddleware",
    "cairn.access.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cairn.urls"
FORM_RENDERER = "cairn.core.forms.GovukRenderer"
WSGI_APPLICATION = "cairn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cairn.core.context_processors.cairn",
            ],
        },
    }
]

_database_url = env_str("DATABASE_URL")
if not _database_url:
    # The embedded default: SQLite in the checkout's var/ folder (ignored by git).
    (REPO_DIR / "var").mkdir(exist_ok=True)
    _database_url = f"sqlite:///{REPO_DIR / 'var' / 'cairn.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers, so the audit hash chain never forks.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "access:sign-in"
LOGIN_REDIRECT_URL = "core:home"

# Lock-out: 5 failed sign-ins within 15 minutes (issue 2, section 4).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cairn.access.views.locked_out"
AXES_VERBOSE = False
# Lock the account, not the address: an office behind one NAT address must not be locked out
# together because one person mistyped.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions: 30 minutes idle, 12 hours absolute.
CAIRN_SESSION_IDLE = timedelta(minutes=30)
CAIRN_SESSION_ABSOLUTE = timedelta(hours=12)
SESSION_COOKIE_AGE = int(CAIRN_SESSION_ABSOLUTE.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
_https = env_bool("CAIRN_HTTPS", default=not _relaxed)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Two-factor authentication (TOTP) is required outside demo instances.
CAIRN_REQUIRE_2FA = env_bool("CAIRN_REQUIRE_2FA", default=not CAIRN_DEMO)
OTP_TOTP_ISSUER = "Cairn"

# Break-glass access lasts this long before it must be asked for again.
CAIRN_BREAK_GLASS_DURATION = timedelta(hours=int(env_str("CAIRN_BREAK_GLASS_HOURS", "4")))
# Entity resolution: link at or above the upper match probability, review from the lower.
CAIRN_LINK_UPPER = float(env_str("CAIRN_LINK_UPPER", "0.8"))
CAIRN_LINK_LOWER = float(env_str("CAIRN_LINK_LOWER", "0.5"))
# Link a report's person mentions in the background each time it is saved through the app.
CAIRN_LINK_ON_SAVE = env_bool("CAIRN_LINK_ON_SAVE", True)
# DuckDB's memory cap while resolving people in a re-link (it spills to disk beyond it).
CAIRN_LINK_MEMORY = env_str("CAIRN_LINK_MEMORY", "3GB")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = REPO_DIR / "var" / "static"
if _relaxed:
    # Served from the finders in demo and debug mode; the folder only stops WhiteNoise warning.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
_node = REPO_DIR / "node_modules"
STATICFILES_DIRS = [
    ("govuk", _node / "govuk-frontend" / "dist" / "govuk"),
    ("moj", _node / "@ministryofjustice" / "frontend" / "moj"),
    ("htmx", _node / "htmx.org" / "dist"),
    ("build", REPO_DIR / "frontend" / "build"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if _relaxed
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = _relaxed

TASKS = {
    "default": {
        "BACKEND": env_str("CAIRN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = env_str("CAIRN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("CAIRN_FROM_EMAIL", "cairn@localhost")

# Structured JSON logs; formatters never receive personal data (see core.middleware).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message"],
            "timestamp": True,
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("CAIRN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Splink narrates every training and scoring step at INFO; `cairn link run` prints its
        # own progress and summary, so only Splink's warnings reach the log.
        "splink": {"level": env_str("CAIRN_SPLINK_LOG_LEVEL", "WARNING")},
        # Levels a small world never shows (no two dates of birth one typo apart) cannot be
        # trained; the engine gives them a floor (`linkage/engine/training.py`), so Splink's
        # warning for each, in every training session, says nothing an operator can act on.
        "splink.internals.expectation_maximisation": {
            "level": env_str("CAIRN_SPLINK_LOG_LEVEL", "ERROR")
        },
        "sqlglot": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
