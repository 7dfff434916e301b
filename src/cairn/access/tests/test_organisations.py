"""Administrators record each organisation's area, which entity resolution uses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cairn.access.models import Organisation
from cairn.access.permissions import Role

pytestmark = pytest.mark.django_db


def test_an_administrator_records_the_area_an_organisation_serves(make_user, sign_in):
    client = sign_in(make_user(Role.ADMIN))
    response = client.post(
        reverse("access:admin-organisation-list"),
        {
            "name": "Eastmoor Police (synthetic)",
            "organisation_type": "police_force",
            "area": " Eastmoor ",
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Eastmoor Police (synthetic)").area == "Eastmoor"
    page = client.get(reverse("access:admin-organisation-list")).content.decode()
    assert "Police force, Eastmoor" in page


def test_an_organisation_working_across_areas_leaves_the_area_blank(make_user, sign_in):
    client = sign_in(make_user(Role.ADMIN))
    client.post(
        reverse("access:admin-organisation-list"),
        {"name": "Harbourside Charity (synthetic)", "organisation_type": "childrens_charity"},
    )
    assert Organisation.objects.get(name="Harbourside Charity (synthetic)").area == ""
