"""The browser fixtures of core (Chromium, axe-core, CSP watch), plus this app's reference data,
which the live server's flush after each test takes away."""

from __future__ import annotations

import importlib

import pytest

from cairn.core.tests.browser.conftest import *  # noqa: F403
from cairn.core.tests.browser.conftest import _browser_settings, _reference_data  # noqa: F401


@pytest.fixture(autouse=True)
def _investigation_reference_data(transactional_db: None) -> None:
    from django.apps import apps as django_apps

    from cairn.investigations.models import EvidenceType

    if not EvidenceType.objects.exists():
        migration = importlib.import_module(
            "cairn.investigations.migrations.0002_evidence_and_outcome_types"
        )
        migration.create_reference_data(django_apps, None)
