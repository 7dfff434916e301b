"""The chronology: one timeline of every event about a young person, filtered by type and date,
printable, and seen only by those with need-to-know."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople.models import (
    ActionStatus,
    CaseEvent,
    CaseEventKind,
    Contact,
    ContactKind,
    InterviewStatus,
    PlanAction,
    Referral,
    ReferralStatus,
    RiskAssessment,
    RiskBand,
    RiskTool,
    SafetyPlan,
)
from cairn.youngpeople.queries.chronology import chronology, chronology_kinds
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_missing import MissingEpisodeFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 12) -> datetime:
    """A moment in March 2025, local time."""
    return timezone.make_aware(datetime(2025, 3, day, hour))


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team, first_name="Priya", last_name="Shah")


@pytest.fixture
def young_person(team, practitioner):
    """One event of every kind, a day apart, from 1 to 12 March 2025."""
    child = YoungPersonFactory(holding_team=team, given_name="Jade", key_worker=practitioner)
    Referral.objects.create(
        receiving_team=team,
        received_at=at(1),
        referrer_name="Synthetic Teacher",
        referrer_organisation="Synthetic Academy",
        referrer_contact="teacher@example.invalid",
        given_name="Jade",
        family_name="Testchild",
        reason="Seen getting into cars.",
        urgency="urgent",
        consent="given",
        lawful_basis="owner",
        status=ReferralStatus.ACCEPTED,
        decision_reason="Meets the threshold.",
        decided_at=at(2),
        young_person=child,
    )
    CaseEvent.objects.create(
        young_person=child, kind=CaseEventKind.ALLOCATED, at=at(3), key_worker=practitioner
    )
    RiskAssessment.objects.create(
        young_person=child,
        tool=RiskTool.objects.first(),
        assessed_on=date(2025, 3, 4),
        score=12,
        computed_band=RiskBand.MODERATE,
        band=RiskBand.MODERATE,
        next_review_due=date(2025, 6, 4),
    )
    MissingEpisodeFactory(
        young_person=child,
        started_at=at(5),
        ended_at=at(6),
        reported_by="Synthetic care home",
        where_found="Synthetic Retail Park",
        interview_status=InterviewStatus.DONE,
        interview_offered_at=at(7),
        interview_done_at=at(8),
        interview_by="Synthetic RHI worker",
    )
    Contact.objects.create(
        young_person=child,
        happened_at=at(9),
        kind=ContactKind.VISIT,
        worker=practitioner,
        notes="Encrypted notes never shown here.",
    )
    plan = SafetyPlan.objects.create(
        young_person=child, summary="Plan.", review_on=date(2025, 4, 10), created_at=at(10)
    )
    PlanAction.objects.create(
        plan=plan,
        description="Change of school",
        due_on=date(2025, 3, 20),
        status=ActionStatus.DONE,
        completed_at=at(11),
    )
    CaseEvent.objects.create(young_person=child, kind=CaseEventKind.CLOSED, at=at(12))
    return child


EVERY_EVENT = [
    ("case", "Case closed"),
    ("plan", "Plan action done"),
    ("plan", "Safety plan made"),
    ("contact", "Face-to-face visit"),
    ("missing", "Return-home interview done"),
    ("missing", "Return-home interview offered"),
    ("missing", "Returned or found at Synthetic Retail Park"),
    ("missing", "Went missing"),
    ("assessment", "Risk assessment: Moderate"),
    ("case", "Allocated to Priya Shah"),
    ("referral", "Referral screened: Accepted and allocated"),
    ("referral", "Referral received from Synthetic Academy"),
]


def url(young_person, query: str = "") -> str:
    return f"/young-people/{young_person.pk}/chronology/{query}"


def test_the_chronology_combines_every_kind_of_event_newest_first(young_person):
    events = chronology(young_person)

    assert [(event.kind, event.title) for event in events] == EVERY_EVENT
    assert [event.at for event in events] == sorted((event.at for event in events), reverse=True)


def test_every_kind_of_event_can_be_chosen_in_the_filter():
    assert [kind for kind, _ in chronology_kinds()] == [
        "referral",
        "assessment",
        "missing",
        "contact",
        "plan",
        "case",
        "intelligence",
        "investigation",
    ]


def test_the_page_shows_the_timeline_with_links_to_each_events_page(
    young_person, practitioner, sign_in
):
    response = sign_in(practitioner).get(url(young_person))

    body = response.content.decode()
    assert response.status_code == 200
    assert "12 events, newest first." in body
    assert body.count('class="moj-timeline__item"') == 12
    positions = [body.index(title) for _, title in EVERY_EVENT]
    assert positions == sorted(positions)
    episode = young_person.missing_episodes.get()
    assert f'href="/young-people/{young_person.pk}/missing/{episode.pk}/">Went missing</a>' in body
    assert '<time datetime="2025-03-05T12:00:00+00:00">5 March 2025, 12:00</time>' in body
    assert "Encrypted notes never shown here." not in body
    entry = AuditEntry.objects.get(action=Action.CONSULTATION, summary="Viewed chronology")
    assert entry.record_ids == [str(young_person.pk)]


def test_filtering_by_type_shows_only_those_events(young_person, practitioner, sign_in):
    response = sign_in(practitioner).get(url(young_person, "?kind=missing&kind=contact"))

    body = response.content.decode()
    assert "5 events: missing episodes, contacts and visits, newest first." in body
    titles = [title for kind, title in EVERY_EVENT if kind in {"missing", "contact"}]
    assert all(title in body for title in titles)
    assert "Referral received" not in body and "Risk assessment:" not in body
    assert 'value="missing" class="govuk-checkboxes__input" id="id_kind_2" checked' in body


def test_filtering_by_dates_includes_both_ends_of_the_range(young_person, practitioner, sign_in):
    response = sign_in(practitioner).get(
        url(young_person, "?date_from=2025-03-04&date_to=2025-03-06")
    )

    body = response.content.decode()
    assert "3 events from 4 March 2025 up to 6 March 2025, newest first." in body
    assert [event.title for event, _ in response.context["events"]] == [
        "Returned or found at Synthetic Retail Park",
        "Went missing",
        "Risk assessment: Moderate",
    ]


def test_type_and_date_filters_combine(young_person):
    events = chronology(
        young_person, kinds=["case"], date_from=date(2025, 3, 10), date_to=date(2025, 3, 31)
    )

    assert [event.title for event in events] == ["Case closed"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=2025-03-06&date_to=2025-03-04", "The end of the range must be on or after"),
        ("?kind=gossip", "Select a valid choice"),
        ("?date_from=2025-02-30", "Enter a valid date"),
    ],
    ids=["range backwards", "unknown type", "no such day"],
)
def test_bad_filters_are_explained_with_a_400(young_person, practitioner, sign_in, query, message):
    response = sign_in(practitioner).get(url(young_person, query))

    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body


def test_htmx_gets_just_the_timeline_and_its_errors(young_person, practitioner, sign_in):
    client = sign_in(practitioner)

    partial = client.get(url(young_person, "?kind=plan"), headers={"HX-Request": "true"})
    refused = client.get(
        url(young_person, "?date_from=2025-03-06&date_to=2025-03-04"),
        headers={"HX-Request": "true"},
    )

    body = partial.content.decode()
    assert partial.status_code == 200
    assert "2 events: plans, newest first." in body
    assert "<html" not in body and "moj-sub-navigation" not in body
    assert "The end of the range must be on or after its start" in refused.content.decode()


def test_the_print_button_is_hidden_until_its_script_shows_it(young_person, practitioner, sign_in):
    body = sign_in(practitioner).get(url(young_person)).content.decode()

    assert (
        '<button type="button" class="govuk-button govuk-button--secondary '
        'govuk-!-display-none" data-module="govuk-button" data-cairn-print>Print</button>'
    ) in body
    assert 'class="cairn-chronology-filters"' in body


def test_a_young_person_with_no_events_yet_says_so(team, practitioner, sign_in):
    child = YoungPersonFactory(holding_team=team)

    body = sign_in(practitioner).get(url(child)).content.decode()

    assert "0 events, newest first." in body and "No events yet." in body


def test_another_teams_practitioner_sees_only_the_restricted_stub(
    young_person, other_team, make_user, sign_in
):
    outsider = make_user(Role.PRACTITIONER, team=other_team)

    response = sign_in(outsider).get(url(young_person))

    body = response.content.decode()
    assert response.status_code == 403
    assert "Restricted record" in body and young_person.reference in body
    assert "Jade" not in body and "Synthetic Retail Park" not in body
    assert not AuditEntry.objects.filter(user=outsider, action=Action.CONSULTATION).exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_same_team_roles_without_casework_are_refused(young_person, team, make_user, sign_in, role):
    user = make_user(role, team=team)

    response = sign_in(user).get(url(young_person))

    assert response.status_code == 403
    assert "Synthetic Retail Park" not in response.content.decode()
    assert not AuditEntry.objects.filter(user=user, action=Action.CONSULTATION).exists()


def test_anonymous_visitors_are_sent_to_sign_in(young_person, client):
    response = client.get(url(young_person))

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_a_date_range_counts_whole_days_in_local_time(young_person):
    # 00:30 on 21 July in London is 23:30 on 20 July in UTC: it belongs to 21 July.
    after_midnight = timezone.make_aware(datetime(2025, 7, 21, 0, 30))
    CaseEvent.objects.create(
        young_person=young_person, kind=CaseEventKind.REOPENED, at=after_midnight
    )

    on_the_20th = chronology(young_person, date_from=date(2025, 7, 20), date_to=date(2025, 7, 20))
    on_the_21st = chronology(young_person, date_from=date(2025, 7, 21), date_to=date(2025, 7, 21))

    assert on_the_20th == []
    assert [event.title for event in on_the_21st] == ["Case reopened"]
