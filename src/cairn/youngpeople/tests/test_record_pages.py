"""The young person's record pages: create, overview, change (optimistic locking), aliases,
placements, key contacts, equality monitoring (kept apart from every score, match and search),
allocation, closure and reopening — and who may use each page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople import services
from cairn.youngpeople.models import (
    Alias,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    EqualityMonitoring,
    KeyContact,
    Placement,
    PlacementType,
    YoungPerson,
)
from cairn.youngpeople.queries import Search, young_people_search
from cairn.youngpeople.queries.referral import possible_duplicates
from cairn.youngpeople.services.record import refresh_name_keys
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import RiskAssessmentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team, first_name="Priya", last_name="Shah")


@pytest.fixture
def young_person(team):
    return YoungPersonFactory(holding_team=team, given_name="Jade", family_name="Testchild")


def _changes(young_person):
    return AuditEntry.objects.filter(
        action__in=[Action.ALTERATION, Action.COLLECTION],
        record_ids__icontains=f'"{young_person.pk}"',
    )


def _record_form(young_person, **changes):
    data = {
        "given_name": young_person.given_name,
        "family_name": young_person.family_name,
        "preferred_name": young_person.preferred_name,
        "date_of_birth": young_person.date_of_birth.isoformat()
        if young_person.date_of_birth
        else "",
        "estimated_age": young_person.estimated_age or "",
        "gender": young_person.gender,
        "phone": young_person.phone,
        "area": young_person.area,
        "summary": young_person.summary,
        "version": young_person.version,
    }
    data.update(changes)
    return data


def _new_record(team, **changes):
    data = {
        "given_name": "Kayleigh",
        "family_name": "Newchild",
        "date_of_birth": "2011-02-03",
        "gender": "female",
        "holding_team": team.pk,
        "aliases": "Kayz, Kay-Kay , ",
        "phone": "07700 900123",
        "area": "Northside",
    }
    data.update(changes)
    return data


# Creating a record -------------------------------------------------------------------------------


def test_a_record_is_created_with_its_aliases_and_a_normalised_phone_number(
    team, practitioner, sign_in
):
    client = sign_in(practitioner)

    response = client.post("/young-people/new/", _new_record(team))

    young_person = YoungPerson.objects.get()
    assert response["Location"] == f"/young-people/{young_person.pk}/"
    assert young_person.phone == "+447700900123"
    assert sorted(young_person.aliases.values_list("name", flat=True)) == ["Kay-Kay", "Kayz"]
    assert young_person.holding_team == team and young_person.status == CaseStatus.OPEN
    assert CaseEvent.objects.get().kind == CaseEventKind.OPENED
    page = client.get(response["Location"]).content.decode()
    assert f"Record {young_person.reference} was created." in page
    assert "Kayz" in page and "Kay-Kay" in page and "+447700900123" in page


@pytest.mark.parametrize("phone", ["not a phone", "0770"], ids=["letters", "too short"])
def test_a_bad_phone_number_is_refused_and_nothing_is_saved(team, practitioner, sign_in, phone):
    response = sign_in(practitioner).post("/young-people/new/", _new_record(team, phone=phone))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["phone"]
    assert "is not a" in errors["phone"][0] and phone in errors["phone"][0]
    assert "There is a problem" in response.content.decode()
    assert not YoungPerson.objects.exists() and not Alias.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.COLLECTION).exists()


def test_a_record_cannot_be_created_for_a_team_the_user_is_not_in(
    team, other_team, practitioner, sign_in
):
    response = sign_in(practitioner).post(
        "/young-people/new/", _new_record(team, holding_team=other_team.pk)
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["holding_team"]
    assert not YoungPerson.objects.exists()


# The overview -------------------------------------------------------------------------------------


def test_the_overview_shows_what_is_recorded_about_the_young_person(
    young_person, practitioner, sign_in
):
    young_person.key_worker = practitioner
    young_person.phone = "+447700900123"
    young_person.save()
    actor = Actor(user=practitioner)
    services.alias_add(actor=actor, young_person=young_person, name="Jaybee", kind="nickname")
    services.placement_add(
        actor=actor,
        young_person=young_person,
        placement_type=PlacementType.FOSTER_CARE,
        started_on=date(2024, 1, 10),
        address="1 Synthetic Road",
        postcode="zz1 1zz",
    )
    services.key_contact_add(
        actor=actor, young_person=young_person, name="Aunt Bea", relationship="Aunt"
    )
    RiskAssessmentFactory(young_person=young_person, band="significant")

    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Jade Testchild" in body and young_person.reference in body
    assert "Jaybee" in body and "(nickname)" in body
    assert "17 May 2011" in body and "+447700900123" in body
    assert "Foster care" in body and "1 Synthetic Road" in body and "ZZ1 1ZZ" in body
    assert "Aunt Bea" in body and "Aunt" in body
    assert ">Significant</strong>" in body
    assert "Priya Shah" in body
    assert "Equality monitoring" in body and "Not recorded." in body
    entry = AuditEntry.objects.filter(action=Action.CONSULTATION).last()
    assert (entry.user, entry.summary) == (practitioner, "Viewed record")


def test_a_closed_case_offers_reopening_instead_of_closure(young_person, practitioner, sign_in):
    services.young_person_close(
        actor=Actor(user=practitioner), young_person=young_person, reason="moved_away"
    )

    body = sign_in(practitioner).get(f"/young-people/{young_person.pk}/").content.decode()

    assert "Reopen the case" in body and "Close the case" not in body
    assert "Closed: Moved out of the area" in body


# Changing the record ------------------------------------------------------------------------------


def test_the_change_form_starts_from_the_record_and_its_version(
    young_person, practitioner, sign_in
):
    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/edit/")

    body = response.content.decode()
    assert 'name="version" value="1"' in body
    # Date pickers need ISO dates, or the browser shows them empty.
    assert 'name="date_of_birth" value="2011-05-17"' in body
    assert 'value="Jade"' in body


def test_a_change_normalises_the_phone_number_and_bumps_the_version(
    young_person, practitioner, sign_in
):
    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/edit/", _record_form(young_person, phone="07700900456")
    )

    assert response.status_code == 302
    young_person.refresh_from_db()
    assert (young_person.phone, young_person.version) == ("+447700900456", 2)
    assert _changes(young_person).get().detail == {"fields": ["phone"]}


def test_a_stale_edit_is_refused_and_the_page_shows_the_saved_record(
    young_person, practitioner, make_user, team, sign_in
):
    colleague = make_user(Role.PRACTITIONER, team=team)
    services.young_person_update(
        actor=Actor(user=colleague), young_person=young_person, expected_version=1, area="Eastside"
    )

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/edit/",
        _record_form(young_person, given_name="Overwritten", area="Westside", version=1),
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this record after you opened it" in body
    # The heading names the record as saved, not as the refused edit would have made it.
    assert "Change Jade Testchild" in body and "Change Overwritten" not in body
    young_person.refresh_from_db()
    assert (young_person.given_name, young_person.area, young_person.version) == (
        "Jade",
        "Eastside",
        2,
    )


def test_a_bad_phone_number_on_change_is_refused_and_nothing_is_saved(
    young_person, practitioner, sign_in
):
    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/edit/",
        _record_form(young_person, phone="call me", area="Changed"),
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["phone"]
    young_person.refresh_from_db()
    assert (young_person.area, young_person.version) == ("", 1)
    assert not _changes(young_person).exists()


# Aliases -----------------------------------------------------------------------------------------


def test_an_alias_is_added_and_makes_the_record_findable_by_it(young_person, practitioner, sign_in):
    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/aliases/new/", {"name": " Kayley ", "kind": "alias"}
    )

    assert response.status_code == 302
    assert list(young_person.aliases.values_list("name", "kind")) == [("Kayley", "alias")]
    found = young_people_search(Actor(user=practitioner), Search(name="Kayleigh"))
    assert found == [young_person]
    assert _changes(young_person).get().summary == "Added an alias"


def test_an_alias_is_removed_and_no_longer_finds_the_record(young_person, practitioner, sign_in):
    alias = services.alias_add(
        actor=Actor(user=practitioner), young_person=young_person, name="Kayley"
    )
    client = sign_in(practitioner)

    refused = client.get(f"/young-people/{young_person.pk}/aliases/{alias.pk}/remove/")
    response = client.post(f"/young-people/{young_person.pk}/aliases/{alias.pk}/remove/")

    assert refused.status_code == 405
    assert response.status_code == 302
    assert not Alias.objects.exists()
    assert young_people_search(Actor(user=practitioner), Search(name="Kayleigh")) == []
    assert "Alias Kayley removed." in client.get(response["Location"]).content.decode()


def test_an_alias_of_another_young_person_cannot_be_removed_through_this_one(
    team, young_person, practitioner, sign_in
):
    other = YoungPersonFactory(holding_team=team)
    alias = services.alias_add(actor=Actor(user=practitioner), young_person=other, name="Zed")

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/aliases/{alias.pk}/remove/"
    )

    assert response.status_code == 404
    assert Alias.objects.filter(pk=alias.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"name": "", "kind": "alias"}, "name"), ({"name": "Kay", "kind": "codename"}, "kind")],
    ids=["no name", "unknown kind"],
)
def test_a_bad_alias_is_refused_and_nothing_is_saved(
    young_person, practitioner, sign_in, data, field
):
    response = sign_in(practitioner).post(f"/young-people/{young_person.pk}/aliases/new/", data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not Alias.objects.exists()


# Placements --------------------------------------------------------------------------------------


def test_a_new_current_placement_ends_the_previous_one(young_person, practitioner, sign_in):
    services.placement_add(
        actor=Actor(user=practitioner),
        young_person=young_person,
        placement_type=PlacementType.FAMILY_HOME,
        started_on=date(2020, 1, 1),
    )
    moved = TODAY() - timedelta(days=3)

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/placements/new/",
        {
            "placement_type": "childrens_home",
            "started_on": moved.isoformat(),
            "address": "2 Synthetic Lane",
            "postcode": "zz2 2zz",
        },
    )

    assert response.status_code == 302
    placements = list(
        young_person.placements.values_list("placement_type", "started_on", "ended_on")
    )
    assert placements == [
        ("childrens_home", moved, None),
        ("family_home", date(2020, 1, 1), moved),
    ]


def test_a_past_placement_added_later_does_not_end_the_current_one(
    young_person, practitioner, sign_in
):
    services.placement_add(
        actor=Actor(user=practitioner),
        young_person=young_person,
        placement_type=PlacementType.FOSTER_CARE,
        started_on=date(2023, 1, 1),
    )

    sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/placements/new/",
        {"placement_type": "family_home", "started_on": "2021-01-01", "ended_on": "2022-12-31"},
    )

    current = young_person.placements.get(placement_type="foster_care")
    assert current.ended_on is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"ended_on": "2019-12-31"}, "ended_on", "on or after the start date"),
        (
            {"started_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "started_on",
            "today or in the past",
        ),
        ({"started_on": ""}, "started_on", "Enter from"),
    ],
    ids=["ends before it starts", "starts in the future", "no start"],
)
def test_a_bad_placement_is_explained_and_nothing_is_saved(
    young_person, practitioner, sign_in, data, field, message
):
    form = {"placement_type": "foster_care", "started_on": "2020-01-01", **data}

    response = sign_in(practitioner).post(f"/young-people/{young_person.pk}/placements/new/", form)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert not Placement.objects.exists()
    assert not _changes(young_person).exists()


# Key contacts ------------------------------------------------------------------------------------


def test_a_key_contact_is_added_with_a_normalised_phone_number(young_person, practitioner, sign_in):
    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/key-contacts/new/",
        {"name": "Bea Aunt", "relationship": "Aunt", "phone": "07700 900789", "notes": "Safe"},
    )

    assert response.status_code == 302
    contact = KeyContact.objects.get()
    assert (contact.name, contact.relationship, contact.phone, contact.notes) == (
        "Bea Aunt",
        "Aunt",
        "+447700900789",
        "Safe",
    )
    assert _changes(young_person).get().summary == "Added a key contact"


def test_a_key_contact_with_a_bad_phone_number_is_refused(young_person, practitioner, sign_in):
    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/key-contacts/new/",
        {"name": "Bea Aunt", "relationship": "Aunt", "phone": "not a number"},
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["phone"]
    assert not KeyContact.objects.exists()


# Equality monitoring ---------------------------------------------------------------------------


def test_equality_monitoring_is_recorded_and_shown_again_for_change(
    young_person, practitioner, sign_in
):
    client = sign_in(practitioner)

    response = client.post(
        f"/young-people/{young_person.pk}/equality-monitoring/",
        {"ethnicity": "Synthetic ethnicity A", "religion": "", "nationality": "British"},
    )

    assert response.status_code == 302
    record = EqualityMonitoring.objects.get(young_person=young_person)
    assert (record.ethnicity, record.nationality) == ("Synthetic ethnicity A", "British")
    form_page = client.get(f"/young-people/{young_person.pk}/equality-monitoring/")
    assert 'value="Synthetic ethnicity A"' in form_page.content.decode()
    overview = client.get(f"/young-people/{young_person.pk}/").content.decode()
    assert "Recorded." in overview and "Synthetic ethnicity A" not in overview


def _everything_that_ranks_or_matches(practitioner, people):
    """Search ranking, duplicate matches and risk scores, with the SQL they ran."""
    actor = Actor(user=practitioner)
    with CaptureQueriesContext(connection) as queries:
        ranking = [
            person.pk
            for person in young_people_search(actor, Search(name="Kayleigh", include_closed=True))
        ]
        matches = [
            (match.reference, match.reasons)
            for match in possible_duplicates(
                actor,
                given_name="Kayleigh",
                family_name="Smith",
                date_of_birth=date(2011, 2, 3),
                today=TODAY(),
            )
        ]
        tool = services.current_tool()
        codes = list(tool.indicators.values_list("code", "group"))
        answers = {
            code: ("current" if group == "significant" else "present") for code, group in codes[::3]
        }
        scores = [
            (assessment.score, assessment.computed_band, assessment.rule_notes)
            for assessment in (
                services.risk_assessment_create(
                    actor=actor, young_person=person, assessed_on=TODAY(), answers=answers
                )
                for person in people
            )
        ]
    return (ranking, matches, scores), [query["sql"] for query in queries.captured_queries]


def test_equality_monitoring_never_changes_search_duplicate_matches_or_risk_scores(
    team, practitioner
):
    people = [
        YoungPersonFactory(
            holding_team=team,
            given_name=given,
            family_name=family,
            date_of_birth=date(2011, 2, 3),
            key_worker=practitioner,
        )
        for given, family in [("Kaylee", "Smith"), ("Kayleigh", "Smyth"), ("Kayla", "Smith")]
    ]
    for person in people:
        refresh_name_keys(person)  # the factory skips the service that keeps these
    before, _ = _everything_that_ranks_or_matches(practitioner, people)

    actor = Actor(user=practitioner)
    for index, person in enumerate(people):
        services.equality_monitoring_set(
            actor=actor,
            young_person=person,
            ethnicity=f"Synthetic ethnicity {index}",
            religion=f"Synthetic religion {2 - index}",
            nationality="Synthetic nationality",
        )
    after, sql = _everything_that_ranks_or_matches(practitioner, people)

    assert before == after
    assert before[0] and before[1] and before[2]  # each check found something to compare
    assert not [query for query in sql if EqualityMonitoring._meta.db_table in query]


# Allocation ------------------------------------------------------------------------------------


def test_only_caseworkers_of_the_holding_team_are_offered_as_key_worker(
    young_person, practitioner, make_user, team, other_team, sign_in
):
    manager = make_user(Role.MANAGER, team=team, first_name="Morgan", last_name="Lee")
    make_user(Role.AUDITOR, team=team, first_name="Alex", last_name="Auditor")
    make_user(Role.ADMIN, team=team, first_name="Ada", last_name="Admin")
    make_user(Role.PRACTITIONER, team=other_team, first_name="Olu", last_name="Outsider")
    make_user(Role.PRACTITIONER, team=team, first_name="Ina", last_name="Active", is_active=False)

    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/allocate/")

    assert list(response.context["form"].fields["key_worker"].queryset) == [manager, practitioner]


def test_allocation_records_a_case_event_and_an_audit_entry(
    young_person, practitioner, make_user, team, sign_in
):
    colleague = make_user(Role.PRACTITIONER, team=team, first_name="Chris", last_name="Colleague")

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/allocate/",
        {"key_worker": colleague.pk, "note": "Priya is on leave"},
    )

    assert response.status_code == 302
    young_person.refresh_from_db()
    assert young_person.key_worker == colleague
    event = CaseEvent.objects.get(kind=CaseEventKind.ALLOCATED)
    assert (event.by, event.key_worker, event.note) == (
        practitioner,
        colleague,
        "Priya is on leave",
    )
    assert _changes(young_person).get().summary == "Allocated to Chris Colleague"


def test_a_key_worker_outside_the_holding_team_is_refused(
    young_person, practitioner, make_user, other_team, sign_in
):
    outsider = make_user(Role.PRACTITIONER, team=other_team)

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/allocate/", {"key_worker": outsider.pk}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["key_worker"]
    young_person.refresh_from_db()
    assert young_person.key_worker is None
    assert not CaseEvent.objects.filter(kind=CaseEventKind.ALLOCATED).exists()


# Closure and reopening -------------------------------------------------------------------------


def test_a_case_is_closed_with_a_reason_and_reopened_with_a_note(
    young_person, practitioner, sign_in
):
    client = sign_in(practitioner)

    closed = client.post(
        f"/young-people/{young_person.pk}/close/", {"reason": "moved_away", "note": "To Leeds"}
    )
    young_person.refresh_from_db()
    assert closed.status_code == 302
    assert (young_person.status, young_person.closure_reason) == ("closed", "moved_away")
    assert young_person.closed_at is not None

    reopened = client.post(
        f"/young-people/{young_person.pk}/reopen/", {"note": "Returned to the area"}
    )
    young_person.refresh_from_db()
    assert reopened.status_code == 302
    assert (young_person.status, young_person.closure_reason, young_person.closed_at) == (
        "open",
        "",
        None,
    )

    events = list(young_person.case_events.order_by("at", "id").values_list("kind", "by", "note"))
    assert events == [
        ("closed", practitioner.pk, "Moved out of the area. To Leeds"),
        ("reopened", practitioner.pk, "Returned to the area"),
    ]
    summaries = list(_changes(young_person).order_by("id").values_list("summary", "detail"))
    assert summaries == [
        ("Closed the case", {"reason": "moved_away"}),
        ("Reopened the case", {}),
    ]


@pytest.mark.parametrize(
    ("url", "data", "field", "message"),
    [
        ("close", {"reason": ""}, "reason", "Answer the question"),
        ("close", {"reason": "bored"}, "reason", "Select a valid choice"),
        ("close", {"reason": "other", "note": " "}, "note", "Explain why the case is closing"),
        ("reopen", {"note": ""}, "note", "Answer the question"),
    ],
    ids=["no reason", "unknown reason", "other without a note", "reopen without a note"],
)
def test_closure_and_reopening_need_their_reasons(
    young_person, practitioner, sign_in, url, data, field, message
):
    if url == "reopen":
        services.young_person_close(
            actor=Actor(user=practitioner), young_person=young_person, reason="moved_away"
        )
    status_before = YoungPerson.objects.get(pk=young_person.pk).status
    events_before = CaseEvent.objects.count()

    response = sign_in(practitioner).post(f"/young-people/{young_person.pk}/{url}/", data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert YoungPerson.objects.get(pk=young_person.pk).status == status_before
    assert CaseEvent.objects.count() == events_before


def test_closing_a_closed_case_is_refused(young_person, practitioner, sign_in):
    services.young_person_close(
        actor=Actor(user=practitioner), young_person=young_person, reason="moved_away"
    )

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/close/", {"reason": "declined"}
    )

    assert response.status_code == 400
    assert "This case is already closed." in response.content.decode()
    young_person.refresh_from_db()
    assert young_person.closure_reason == "moved_away"


# Who may use the record pages --------------------------------------------------------------------


def _endpoints(young_person, alias):
    base = f"/young-people/{young_person.pk}"
    return [
        ("get", f"{base}/", None),
        ("get", f"{base}/edit/", None),
        ("post", f"{base}/edit/", _record_form(young_person, given_name="Taken")),
        ("get", f"{base}/aliases/new/", None),
        ("post", f"{base}/aliases/new/", {"name": "Injected", "kind": "alias"}),
        ("post", f"{base}/aliases/{alias.pk}/remove/", {}),
        ("get", f"{base}/placements/new/", None),
        (
            "post",
            f"{base}/placements/new/",
            {"placement_type": "secure", "started_on": "2020-01-01"},
        ),
        ("get", f"{base}/key-contacts/new/", None),
        ("post", f"{base}/key-contacts/new/", {"name": "Injected", "relationship": "None"}),
        ("get", f"{base}/equality-monitoring/", None),
        ("post", f"{base}/equality-monitoring/", {"ethnicity": "Injected"}),
        ("get", f"{base}/allocate/", None),
        ("post", f"{base}/allocate/", {"key_worker": ""}),
        ("get", f"{base}/close/", None),
        ("post", f"{base}/close/", {"reason": "declined"}),
        ("get", f"{base}/reopen/", None),
        ("post", f"{base}/reopen/", {"note": "Injected"}),
    ]


def _state(young_person):
    return (
        list(
            YoungPerson.objects.filter(pk=young_person.pk).values_list(
                "given_name", "version", "key_worker", "status"
            )
        ),
        list(Alias.objects.values_list("pk", "name")),
        Placement.objects.count(),
        KeyContact.objects.count(),
        EqualityMonitoring.objects.count(),
        CaseEvent.objects.count(),
        _changes(young_person).count(),
    )


@pytest.fixture
def case_with_alias(young_person, practitioner):
    young_person.key_worker = practitioner
    young_person.save()
    alias = services.alias_add(actor=Actor.system(), young_person=young_person, name="Jaybird")
    return young_person, alias


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(case_with_alias, client):
    young_person, alias = case_with_alias
    before = _state(young_person)

    for method, url, data in [
        ("get", "/young-people/new/", None),
        *_endpoints(young_person, alias),
    ]:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/?next="), url

    assert _state(young_person) == before


def test_another_teams_practitioner_sees_only_the_stub_and_nothing_changes(
    case_with_alias, make_user, other_team, sign_in
):
    young_person, alias = case_with_alias
    outsider = make_user(Role.PRACTITIONER, team=other_team)
    client = sign_in(outsider)
    before = _state(young_person)

    for method, url, data in _endpoints(young_person, alias):
        response = getattr(client, method)(url, data or {})
        body = response.content.decode()
        assert response.status_code == 403, url
        assert "Restricted record" in body and young_person.reference in body, url
        assert "Jade" not in body and "Jaybird" not in body, url

    assert _state(young_person) == before
    assert not AuditEntry.objects.filter(
        action=Action.CONSULTATION, user=outsider, record_ids__icontains=f'"{young_person.pk}"'
    ).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_same_team_administrators_and_auditors_are_refused_and_nothing_changes(
    case_with_alias, make_user, team, sign_in, role
):
    young_person, alias = case_with_alias
    user = make_user(role, team=team)
    client = sign_in(user)
    before = _state(young_person)

    for method, url, data in [
        ("get", "/young-people/new/", None),
        ("post", "/young-people/new/", _new_record(team)),
        *_endpoints(young_person, alias),
    ]:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 403, url
        assert "Jade" not in response.content.decode(), url

    assert _state(young_person) == before
    assert YoungPerson.objects.count() == 1
    assert not AuditEntry.objects.filter(action=Action.CONSULTATION, user=user).exists()


def test_the_holding_teams_practitioner_may_use_every_record_page(
    case_with_alias, practitioner, sign_in
):
    young_person, alias = case_with_alias
    client = sign_in(practitioner)

    statuses = {
        (method, url): getattr(client, method)(url, data or {}).status_code
        for method, url, data in _endpoints(young_person, alias)
    }

    assert {key: status for key, status in statuses.items() if status not in (200, 302)} == {}
    young_person.refresh_from_db()
    assert (young_person.given_name, young_person.status) == ("Taken", "open")
    assert list(young_person.aliases.values_list("name", flat=True)) == ["Injected"]
    assert list(young_person.case_events.order_by("id").values_list("kind", flat=True)) == [
        "allocated",
        "closed",
        "reopened",
    ]
