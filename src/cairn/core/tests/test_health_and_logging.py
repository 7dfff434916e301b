"""The health check, and the request log that must never carry personal data."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from cairn.access.permissions import Role
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_without_personal_data():
    YoungPersonFactory(given_name="Ellie")

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "cairn.request"]


def test_the_request_log_names_the_route_not_the_path_or_search(team, make_user, sign_in, caplog):
    young_person = YoungPersonFactory(holding_team=team, given_name="Ellie")
    client = sign_in(make_user(Role.PRACTITIONER, team=team))

    with caplog.at_level(logging.INFO, logger="cairn.request"):
        client.get("/young-people/", {"name": "Ellie"})
        client.get(f"/young-people/{young_person.pk}/")

    listing, detail = request_lines(caplog)
    assert (listing.route, listing.status, listing.method) == ("youngpeople:list", 200, "GET")
    assert (detail.route, detail.status) == ("youngpeople:detail", 200)
    for line in (listing, detail):
        everything = json.dumps(line.__dict__, default=str)
        assert "Ellie" not in everything
        assert "/young-people/" not in everything
        assert young_person.reference not in everything


def test_an_unknown_address_is_logged_as_unresolved(caplog):
    with caplog.at_level(logging.INFO, logger="cairn.request"):
        Client().get("/no-such-page/?name=Ellie")

    [line] = request_lines(caplog)
    assert line.route == "unresolved" and line.status == 404
    assert "Ellie" not in json.dumps(line.__dict__, default=str)
