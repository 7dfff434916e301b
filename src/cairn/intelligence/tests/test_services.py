"""The write path: recording, changing and linking reports, each audited in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.queries import can_view
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence import services
from cairn.intelligence.models import (
    EventMention,
    IntelligenceReport,
    PersonMention,
    PhoneMention,
    VehicleMention,
)
from cairn.intelligence.tests.factories import IntelligenceReportFactory
from cairn.youngpeople.queries.chronology import chronology
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
WHEN = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)


def _create(user: User, team: Team, **overrides: Any) -> IntelligenceReport:
    fields: dict[str, Any] = {
        "actor": Actor(user=user),
        "owning_team": team,
        "reported_at": WHEN,
        "source_type": "hotel_staff",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "narrative": "Tiger picked up two girls; silver Astra KX12 ?B?; phone 07700 900123.",
        "people": [{"name_as_written": "Tiger", "age_min": 30, "age_max": 39}],
        "phones": [{"number_as_written": "07700 900123", "person": 1}],
        "vehicles": [
            {
                "registration_as_written": "KX12 ?B?",
                "make": "Vauxhall",
                "model": "Astra",
                "person": 1,
            }
        ],
        "locations": [{"venue_type": "takeaway", "address": "Station Road", "postcode": "nm1 4ab"}],
        "events": [{"what_happened": "Picked up two girls", "subject": 1, "location": 1}],
    }
    fields.update(overrides)
    return services.report_create(**fields)


def test_a_report_is_recorded_with_normalised_mentions_and_one_collection_entry(
    make_user: Callable[..., User], team: Team
) -> None:
    user = make_user(Role.ANALYST, team=team)
    report = _create(user, team)
    assert report.reference.startswith("IR-")
    assert report.grading == "2B P"
    phone = PhoneMention.objects.get(report=report)
    assert phone.e164 == "+447700900123"
    assert phone.person == PersonMention.objects.get(report=report)
    vehicle = VehicleMention.objects.get(report=report)
    assert (vehicle.registration, vehicle.is_partial) == ("KX12?B?", True)
    assert report.location_mentions.get().postcode == "NM1 4AB"
    assert EventMention.objects.get(report=report).location is not None
    assert can_view(user, report)
    entry = AuditEntry.objects.filter(action=Action.COLLECTION).latest("id")
    assert entry.record_ids == [str(report.pk)]
    assert entry.detail["mentions"]["phones"] == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"source_evaluation": "A"}, "source_evaluation"),
        ({"intelligence_assessment": "4"}, "intelligence_assessment"),
        ({"handling_code": "3"}, "handling_code"),
        ({"handling_code": "C", "handling_conditions": ""}, "handling_conditions"),
        ({"phones": [{"number_as_written": "call me"}]}, "phones-0-number_as_written"),
        (
            {"vehicles": [{"registration_as_written": "ABCD EFG"}]},
            "vehicles-0-registration_as_written",
        ),
        ({"phones": [{"number_as_written": "07700 900123", "person": 5}]}, "phones-0-person"),
        ({"events": [{"what_happened": "Seen", "location": 2}]}, "events-0-location"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    make_user: Callable[..., User], team: Team, overrides: dict[str, Any], field: str
) -> None:
    user = make_user(Role.ANALYST, team=team)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        _create(user, team, **overrides)
    assert field in refused.value.message_dict
    assert not IntelligenceReport.objects.exists()
    assert not PersonMention.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_handling_c_defaults_its_source_roles_to_investigator_and_analyst(
    make_user: Callable[..., User], team: Team
) -> None:
    user = make_user(Role.ANALYST, team=team)
    report = _create(
        user, team, handling_code="C", handling_conditions="Do not disclose to the hotel"
    )
    assert report.source_roles == ["analyst", "investigator"]


def test_a_stale_edit_is_refused_and_a_current_one_audited_as_alteration(
    make_user: Callable[..., User], team: Team
) -> None:
    user = make_user(Role.ANALYST, team=team)
    report = _create(user, team)
    services.report_update(
        actor=Actor(user=user), report=report, expected_version=1, intelligence_assessment="A"
    )
    assert IntelligenceReport.objects.get(pk=report.pk).intelligence_assessment == "A"
    assert AuditEntry.objects.filter(action=Action.ALTERATION).latest("id").detail["fields"] == [
        "intelligence_assessment"
    ]
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.report_update(
            actor=Actor(user=user), report=report, expected_version=1, narrative="x"
        )
    assert IntelligenceReport.objects.get(pk=report.pk).version == 2


def test_only_young_people_the_user_can_see_can_be_linked(
    make_user: Callable[..., User], team: Team, other_team: Team
) -> None:
    user = make_user(Role.ANALYST, team=team)
    theirs = YoungPersonFactory(holding_team=other_team)
    with pytest.raises(ValidationError, match="is shared with you"):
        _create(user, team, young_people=[theirs])
    assert not IntelligenceReport.objects.exists()
    ours = YoungPersonFactory(holding_team=team)
    report = _create(user, team, young_people=[ours])
    assert list(report.young_people.all()) == [ours]
    combination = AuditEntry.objects.filter(action=Action.COMBINATION).latest("id")
    assert ours.reference in combination.summary


def test_linked_reports_appear_on_the_chronology_by_title_only(
    make_user: Callable[..., User], team: Team
) -> None:
    user = make_user(Role.ANALYST, team=team)
    young_person = YoungPersonFactory(holding_team=team)
    report = _create(user, team, handling_code="C", handling_conditions="Police only")
    services.report_link_young_person(
        actor=Actor(user=user), report=report, young_person=young_person
    )
    (event,) = chronology(young_person, kinds=["intelligence"])
    assert event.title == f"Intelligence report {report.reference} (graded 2B C)"
    assert event.detail == ""


def test_someone_without_edit_permission_cannot_record_or_link(
    make_user: Callable[..., User], team: Team
) -> None:
    auditor = make_user(Role.AUDITOR, team=team)
    with pytest.raises(PermissionDenied):
        _create(auditor, team)
    report = IntelligenceReportFactory(owning_team=team)
    with pytest.raises(PermissionDenied):
        services.report_link_young_person(
            actor=Actor(user=auditor),
            report=report,
            young_person=YoungPersonFactory(holding_team=team),
        )
