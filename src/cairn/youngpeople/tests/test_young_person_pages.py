"""Creating and changing a young person's record through the pages: validation, optimistic
locking and the list page's query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from cairn.access.actor import Actor
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople import services
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team)


def form_data(team, **changes):
    data = {
        "given_name": "Ria",
        "family_name": "Newchild",
        "preferred_name": "",
        "date_of_birth": "2012-03-04",
        "estimated_age": "",
        "gender": "female",
        "summary": "Referred by school.",
        "holding_team": team.pk,
    }
    data.update(changes)
    return data


def test_a_valid_record_is_created_shared_with_the_holding_team_and_logged(
    team, practitioner, sign_in
):
    response = sign_in(practitioner).post("/young-people/new/", form_data(team))

    young_person = YoungPerson.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/young-people/{young_person.pk}/"
    )
    assert young_person.summary == "Referred by school."
    assert AuditEntry.objects.get(action=Action.COLLECTION).record_ids == [str(young_person.pk)]
    assert sign_in(practitioner).get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "date_of_birth",
            "Date of birth must be today or in the past",
        ),
        ({"date_of_birth": "1995-01-01"}, "date_of_birth", "must be under 25"),
        ({"date_of_birth": "", "estimated_age": "25"}, "estimated_age", "must be under 25"),
        ({"given_name": ""}, "given_name", ""),
        ({"family_name": "   "}, "family_name", ""),
        (
            {"date_of_birth": "", "estimated_age": ""},
            "date_of_birth",
            "Enter a date of birth or an estimated age",
        ),
    ],
    ids=[
        "future date of birth",
        "over 25",
        "estimated 25",
        "no given name",
        "blank family name",
        "no date of birth or age",
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    team, practitioner, sign_in, changes, field, message
):
    response = sign_in(practitioner).post("/young-people/new/", form_data(team, **changes))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    body = response.content.decode()
    assert "There is a problem" in body
    assert all(escape(error) in body for error in errors[field])
    assert not YoungPerson.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.COLLECTION).exists()


def test_a_stale_edit_over_someone_elses_newer_one_is_refused(
    team, practitioner, make_user, sign_in
):
    young_person = YoungPersonFactory(holding_team=team, given_name="Ellie")
    colleague = make_user(Role.PRACTITIONER, team=team)
    client = sign_in(practitioner)
    client.get(f"/young-people/{young_person.pk}/edit/")  # opens the form at version 1
    services.young_person_update(
        actor=Actor(user=colleague),
        young_person=young_person,
        expected_version=1,
        given_name="Elle",
    )

    response = client.post(
        f"/young-people/{young_person.pk}/edit/",
        {**form_data(team, given_name="Ellie", family_name="Overwritten"), "version": 1},
    )

    assert response.status_code == 409
    assert "Someone else changed this record after you opened it" in response.content.decode()
    young_person.refresh_from_db()
    assert (young_person.given_name, young_person.family_name, young_person.version) == (
        "Elle",
        "Testchild",
        2,
    )
    assert AuditEntry.objects.filter(action=Action.ALTERATION).count() == 1


def test_a_current_edit_is_saved_and_logged_with_the_fields_changed(team, practitioner, sign_in):
    young_person = YoungPersonFactory(holding_team=team, given_name="Ellie")

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/edit/",
        {
            **form_data(
                team,
                given_name="Ellie",
                family_name="Testchild",
                date_of_birth="2011-05-17",
                summary="Synthetic summary text.",
                preferred_name="Ells",
            ),
            "version": 1,
        },
    )

    assert response.status_code == 302
    young_person.refresh_from_db()
    assert (young_person.preferred_name, young_person.version) == ("Ells", 2)
    entry = AuditEntry.objects.get(action=Action.ALTERATION)
    assert entry.detail == {"fields": ["preferred_name"]}


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_page_runs_a_fixed_number_of_queries(
    team, practitioner, sign_in, django_assert_max_num_queries, count
):
    for _ in range(count):
        YoungPersonFactory(holding_team=team, key_worker=practitioner)
    client = sign_in(practitioner)

    # PostgreSQL takes one more: the advisory lock that serialises writers to the audit chain.
    with django_assert_max_num_queries(18 if connection.vendor == "postgresql" else 16):
        response = client.get("/young-people/team/")

    assert f"Open cases held by your teams ({count})" in response.content.decode()
