"""Phones, vehicles and places resolved by their normalised identifiers, and their pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import share_with_team
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence.models import LocationMention, PhoneMention, VehicleMention
from cairn.intelligence.tests.factories import IntelligenceReportFactory
from cairn.linkage import services
from cairn.linkage.models import LocationEntity, MentionLink, PhoneEntity, VehicleEntity
from cairn.linkage.queries import vehicle_candidates
from cairn.linkage.tests.factories import person_mention, use_scores

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


@pytest.fixture
def sightings(team: Team, other_team: Team, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    tiger = person_mention(team, "tiger", "Tiger Jones")
    first, second = tiger.report, IntelligenceReportFactory(owning_team=team)
    hidden = IntelligenceReportFactory(owning_team=other_team)
    for report, written in (
        (first, "07700 900123"),
        (second, "07700900123"),
        (hidden, "+44 7700 900123"),
    ):
        PhoneMention.objects.create(
            report=report,
            number_as_written=written,
            e164="+447700900123",
            person=tiger if report == first else None,
        )
    VehicleMention.objects.create(
        report=first,
        registration_as_written="KX12 ABC",
        registration="KX12ABC",
        person=tiger,
        make="Vauxhall",
        model="Astra",
        colour="silver",
    )
    VehicleMention.objects.create(
        report=second, registration_as_written="KX12 ?B?", registration="KX12?B?", is_partial=True
    )
    for report, venue in ((first, "Station Road Takeaway"), (second, "station road takeaway!")):
        LocationMention.objects.create(
            report=report, venue_name=venue, postcode="LS1 4AP", postcode_district="LS1"
        )
    use_scores(monkeypatch, {})
    services.link_run(actor=Actor.system())
    return {"tiger": tiger, "first": first, "second": second, "hidden": hidden}


def test_identifiers_resolve_by_normalised_value_and_partials_are_never_merged(
    sightings: dict[str, Any],
) -> None:
    assert list(PhoneEntity.objects.values_list("e164", flat=True)) == ["+447700900123"]
    assert list(VehicleEntity.objects.values_list("registration", flat=True)) == ["KX12ABC"]
    (place,) = LocationEntity.objects.all()
    assert place.key == "LS1 4AP|station road takeaway"
    assert [v.registration for v in vehicle_candidates("KX12?B?")] == ["KX12ABC"]
    assert not vehicle_candidates("KX12?C?").exists()


def test_the_phone_page_lists_visible_reports_and_counts_the_rest(
    sightings: dict[str, Any], make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    user = make_user(Role.ANALYST, team=team)
    phone = PhoneEntity.objects.get()
    response = sign_in(user).get(reverse("linkage:phone", args=[phone.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert sightings["first"].reference in text and sightings["second"].reference in text
    assert sightings["hidden"].reference not in text
    assert "Also mentioned in 1 report not shared with your team" in text
    assert "Tiger Jones" in text
    entry = AuditEntry.objects.filter(user=user, action=Action.CONSULTATION).get()
    assert entry.record_ids == sorted([str(sightings["first"].pk), str(sightings["second"].pk)])


@pytest.mark.parametrize("kind", ["phone", "vehicle", "location"])
def test_each_identifier_page_opens_the_link_chart_on_itself(
    kind: str,
    sightings: dict[str, Any],
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
) -> None:
    model = {"phone": PhoneEntity, "vehicle": VehicleEntity, "location": LocationEntity}[kind]
    entity = model.objects.get()
    text = (
        sign_in(make_user(Role.ANALYST, team=team))
        .get(reverse(f"linkage:{kind}", args=[entity.pk]))
        .content.decode()
    )
    assert f"{reverse('networks:chart')}?node={kind}%3A{entity.pk}" in text


def test_the_vehicle_page_shows_partial_marks_as_candidates(
    sightings: dict[str, Any], make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    vehicle = VehicleEntity.objects.get()
    text = (
        sign_in(make_user(Role.ANALYST, team=team))
        .get(reverse("linkage:vehicle", args=[vehicle.pk]))
        .content.decode()
    )
    assert "KX12 ABC silver Vauxhall Astra" in text
    assert "Partial registrations that could be this vehicle" in text
    assert "KX12 ?B?" in text


def test_the_person_page_links_to_phones_vehicles_and_places(
    sightings: dict[str, Any], make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    entity_id = MentionLink.objects.get(mention=sightings["tiger"]).entity_id
    text = (
        sign_in(make_user(Role.ANALYST, team=team))
        .get(reverse("linkage:person", args=[entity_id]))
        .content.decode()
    )
    assert reverse("linkage:phone", args=[PhoneEntity.objects.get().pk]) in text
    assert reverse("linkage:vehicle", args=[VehicleEntity.objects.get().pk]) in text
    assert reverse("linkage:location", args=[LocationEntity.objects.get().pk]) in text


def test_identifier_pages_authorization(
    sightings: dict[str, Any],
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
    other_team: Team,
) -> None:
    urls = [
        reverse("linkage:phone", args=[PhoneEntity.objects.get().pk]),
        reverse("linkage:vehicle", args=[VehicleEntity.objects.get().pk]),
        reverse("linkage:location", args=[LocationEntity.objects.get().pk]),
    ]
    outsider_team = Team.objects.create(organisation=team.organisation, name="Elsewhere")
    clients = {
        "anonymous": (Client(), 302),
        "admin": (sign_in(make_user(Role.ADMIN, team=team)), 403),
        "auditor": (sign_in(make_user(Role.AUDITOR, team=team)), 403),
        "other team": (sign_in(make_user(Role.ANALYST, team=outsider_team)), 403),
        "analyst": (sign_in(make_user(Role.ANALYST, team=team)), 200),
    }
    for who, (client, status) in clients.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == status, (who, url)
            if status == 403:
                assert "KX12" not in response.content.decode()
    missing = clients["analyst"][0].get(reverse("linkage:phone", args=[999]))
    assert missing.status_code == 404
    # The other team holds the hidden report mentioning the phone only.
    share_with_team(sightings["hidden"], outsider_team)
    other = clients["other team"][0]
    assert other.get(urls[0]).status_code == 200
    assert other.get(urls[1]).status_code == 403
