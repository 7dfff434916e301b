"""The pages: who may see what, the capture form with its suggestions, and handling code C."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence.models import IntelligenceReport, PhoneMention, VehicleMention
from cairn.intelligence.tests.factories import IntelligenceReportFactory, PersonMentionFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
WITHHELD = "Source details withheld under handling conditions"


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reported_at": "2026-03-01T21:30",
        "source_type": "hotel_staff",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "narrative": "Tiger, 30s, silver Astra KX12 ?B?, phone 07700 900123",
        "action": "save",
    }
    for prefix in ("people", "phones", "vehicles", "locations", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {
        "people-0-name_as_written": "Tiger",
        "people-0-age_min": "30",
        "people-0-age_max": "39",
    }
    data.update(overrides)
    return data


def _consultations(user: User) -> int:
    return AuditEntry.objects.filter(user=user, action=Action.CONSULTATION).count()


def test_anonymous_visitors_are_sent_to_sign_in(team: Team) -> None:
    report = IntelligenceReportFactory(owning_team=team)
    for url in (
        reverse("intelligence:list"),
        reverse("intelligence:create"),
        reverse("intelligence:detail", args=[report.pk]),
    ):
        assert Client().get(url).status_code == 302
    response = Client().post(reverse("intelligence:suggestions"), {"narrative": "07700 900123"})
    assert response.status_code == 302
    assert Client().post(reverse("intelligence:create"), _form()).status_code == 302
    assert IntelligenceReport.objects.count() == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_roles_without_casework_are_refused_every_page(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, role: Role
) -> None:
    user = make_user(role, team=team)
    client = sign_in(user)
    report = IntelligenceReportFactory(owning_team=team)
    assert client.get(reverse("intelligence:list")).status_code == 403
    assert client.get(reverse("intelligence:create")).status_code == 403
    assert (
        client.post(reverse("intelligence:create"), _form(owning_team=team.pk)).status_code == 403
    )
    assert client.get(reverse("intelligence:detail", args=[report.pk])).status_code == 403
    assert client.post(reverse("intelligence:suggestions"), {"narrative": "x"}).status_code == 403
    assert IntelligenceReport.objects.count() == 1
    assert _consultations(user) == 0


def test_another_team_sees_only_the_restricted_stub_and_no_consultation_is_logged(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, other_team: Team
) -> None:
    outsider = make_user(Role.ANALYST, team=other_team)
    report = IntelligenceReportFactory(owning_team=team, narrative="Synthetic secret narrative")
    response = sign_in(outsider).get(reverse("intelligence:detail", args=[report.pk]))
    assert response.status_code == 403
    assert report.reference in response.content.decode()
    assert "secret narrative" not in response.content.decode()
    listed = sign_in(outsider).get(reverse("intelligence:list"))
    assert report.reference not in listed.content.decode()
    assert _consultations(outsider) == 0


def test_the_team_reads_the_report_and_the_reading_is_audited(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    analyst = make_user(Role.ANALYST, team=team)
    report = IntelligenceReportFactory(owning_team=team)
    PersonMentionFactory(report=report, name_as_written="Tiger")
    response = sign_in(analyst).get(reverse("intelligence:detail", args=[report.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "2B P" in page and "Tiger" in page and "Hotel staff" in page
    assert AuditEntry.objects.filter(
        user=analyst, action=Action.CONSULTATION, record_ids=[str(report.pk)]
    ).exists()


def test_handling_c_shows_conditions_to_all_and_the_source_only_to_allowed_roles(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    report = IntelligenceReportFactory(
        owning_team=team,
        handling_code="C",
        handling_conditions="Do not share with the hotel",
        source_roles=["investigator", "analyst"],
    )
    url = reverse("intelligence:detail", args=[report.pk])
    practitioner_page = sign_in(make_user(Role.PRACTITIONER, team=team)).get(url).content.decode()
    assert "Do not share with the hotel" in practitioner_page
    assert WITHHELD in practitioner_page
    assert "Hotel staff" not in practitioner_page
    investigator_page = sign_in(make_user(Role.INVESTIGATOR, team=team)).get(url).content.decode()
    assert "Do not share with the hotel" in investigator_page
    assert "Hotel staff" in investigator_page
    assert WITHHELD not in investigator_page


def test_search_finds_reports_by_what_they_mention_and_by_date(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, django_assert_max_num_queries: Any
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    tiger = IntelligenceReportFactory(owning_team=team)
    PersonMentionFactory(report=tiger, name_as_written="Tiger")
    other = IntelligenceReportFactory(owning_team=team)
    PersonMentionFactory(report=other, name_as_written="Bear", nickname="")
    for _ in range(5):
        IntelligenceReportFactory(owning_team=team)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("intelligence:list"), {"text": "tig"}).content.decode()
    assert tiger.reference in page and other.reference not in page
    page = client.get(reverse("intelligence:list"), {"date_from": "2027-01-01"}).content.decode()
    assert tiger.reference not in page
    assert client.get(reverse("intelligence:list"), {"date_from": "nonsense"}).status_code == 400
    PersonMentionFactory(report=other, name_as_written="", address="12 Quay Street")
    page = client.get(reverse("intelligence:list"), {"text": "quay st"}).content.decode()
    assert other.reference in page and tiger.reference not in page


def test_a_report_is_recorded_with_confirmed_suggestions_only(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = client.post(
        reverse("intelligence:create"),
        _form(owning_team=team.pk, confirm=["vehicle:KX12 ?B?"]),
    )
    assert response.status_code == 302
    report = IntelligenceReport.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert list(VehicleMention.objects.values_list("registration", flat=True)) == ["KX12?B?"]
    assert not PhoneMention.objects.exists()  # suggested, never confirmed
    assert report.person_mentions.get().given_name == "Tiger"


def test_without_javascript_the_find_button_lists_suggestions_to_confirm(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = client.post(
        reverse("intelligence:create"), _form(owning_team=team.pk, action="find")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="vehicle:KX12 ?B?"' in page and 'value="phone:07700 900123"' in page
    assert not IntelligenceReport.objects.exists()


def test_the_htmx_suggestions_come_from_the_request_body(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    assert (
        client.get(reverse("intelligence:suggestions"), {"narrative": "07700 900123"}).status_code
        == 405
    )
    response = client.post(reverse("intelligence:suggestions"), {"narrative": "phone 07700 900123"})
    assert "+447700900123" in response.content.decode()
    create_page = client.get(reverse("intelligence:create")).content.decode()
    assert 'hx-trigger="keyup changed delay:500ms"' in create_page
    assert f'hx-post="{reverse("intelligence:suggestions")}"' in create_page


def test_add_another_gives_one_more_row_and_saves_nothing(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = client.post(
        reverse("intelligence:create"), _form(owning_team=team.pk, action="add-phones")
    )
    assert response.status_code == 200
    assert 'name="phones-1-number_as_written"' in response.content.decode()
    assert not IntelligenceReport.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phones-0-number_as_written": "call me"}, "is not a phone number"),
        ({"vehicles-0-registration_as_written": "ABCD EFG"}, "is not a UK registration mark"),
        ({"source_evaluation": "A"}, "Source evaluation must be 1, 2 or 3"),
        ({"handling_code": "4"}, "Handling code must be P or C"),
        ({"handling_code": "C"}, "Enter the handling conditions"),
        (
            {"phones-0-number_as_written": "07700 900123", "phones-0-person": "3"},
            "Person 3 is not one of the people",
        ),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
    overrides: dict[str, str],
    message: str,
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = client.post(reverse("intelligence:create"), _form(owning_team=team.pk, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not IntelligenceReport.objects.exists()
