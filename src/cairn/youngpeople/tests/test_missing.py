"""Missing and absent episodes: recording them, the return and the return-home interview, repeat
episodes, children missing together, and who may see any of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from cairn.access.actor import Actor
from cairn.access.permissions import Role
from cairn.access.tests.factories import share_with_team
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople import services
from cairn.youngpeople.models import InterviewStatus, MissingEpisode
from cairn.youngpeople.queries.missing import co_missing, interview_overdue
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_missing import MissingEpisodeFactory

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team)


@pytest.fixture
def young_person(team, practitioner):
    return YoungPersonFactory(
        holding_team=team, given_name="Jade", family_name="Testchild", key_worker=practitioner
    )


def ago(**delta: float):
    return timezone.now() - timedelta(**delta)


def local(moment) -> str:
    return timezone.localtime(moment).strftime(LOCAL)


def list_url(young_person) -> str:
    return f"/young-people/{young_person.pk}/missing/"


def detail_url(episode) -> str:
    return f"/young-people/{episode.young_person_id}/missing/{episode.pk}/"


def collections() -> int:
    return AuditEntry.objects.filter(action=Action.COLLECTION).count()


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_each_episode_with_where_found_who_with_and_police_reference(
    young_person, practitioner, sign_in
):
    MissingEpisodeFactory(
        young_person=young_person,
        started_at=ago(days=5, hours=6),
        ended_at=ago(days=3),
        where_found="Synthetic Retail Park",
        found_with="Two older males",
        police_reference="SYN/0001/25",
    )
    MissingEpisodeFactory(young_person=young_person, started_at=ago(hours=5), ended_at=None)

    response = sign_in(practitioner).get(list_url(young_person))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Synthetic Retail Park" in body and "Two older males" in body
    assert "SYN/0001/25" in body
    assert "2 days 6 hours" in body
    assert "Still missing" in body and "5 hours so far" in body


@pytest.mark.parametrize(
    ("returned_hours_ago", "overdue"), [(71, False), (73, True)], ids=["71 hours", "73 hours"]
)
def test_an_interview_not_offered_within_72_hours_of_the_return_is_overdue(
    young_person, practitioner, sign_in, returned_hours_ago, overdue
):
    episode = MissingEpisodeFactory(
        young_person=young_person,
        started_at=ago(hours=returned_hours_ago + 10),
        ended_at=ago(hours=returned_hours_ago),
    )

    body = sign_in(practitioner).get(list_url(young_person)).content.decode()

    assert interview_overdue(episode) is overdue
    assert ('<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in body) is overdue
    assert ("1 return-home interview not offered within 72 hours" in body) is overdue
    assert ("offer by" in body) is not overdue


def test_an_interview_offered_in_time_is_never_overdue_and_one_offered_late_says_so(
    young_person, practitioner, sign_in
):
    returned = ago(days=10)
    MissingEpisodeFactory(
        young_person=young_person,
        started_at=returned - timedelta(hours=5),
        ended_at=returned,
        interview_status=InterviewStatus.DONE,
        interview_offered_at=returned + timedelta(hours=24),
    )
    late = MissingEpisodeFactory(
        young_person=young_person,
        started_at=returned - timedelta(days=5),
        ended_at=returned - timedelta(days=4),
        interview_status=InterviewStatus.OFFERED,
        interview_offered_at=returned,
    )

    body = sign_in(practitioner).get(list_url(young_person)).content.decode()

    assert 'govuk-tag--red">Overdue' not in body
    assert body.count("Offered late") == 1
    assert not interview_overdue(late)


def test_a_child_still_missing_has_no_interview_due_yet(young_person):
    episode = MissingEpisodeFactory(
        young_person=young_person, started_at=ago(days=9), ended_at=None
    )

    assert not interview_overdue(episode, now=timezone.now() + timedelta(days=30))


@pytest.mark.parametrize(("recent", "warned"), [(2, False), (3, True)])
def test_three_episodes_in_ninety_days_are_flagged_as_repeat_episodes(
    young_person, practitioner, sign_in, recent, warned
):
    for number in range(recent):
        MissingEpisodeFactory(
            young_person=young_person, started_at=ago(days=10 * number + 2), ended_at=None
        )
    MissingEpisodeFactory(young_person=young_person, started_at=ago(days=120))

    body = sign_in(practitioner).get(list_url(young_person)).content.decode()

    assert ("Repeat episodes: 3 in the last 90 days." in body) is warned


# --- Children missing together --------------------------------------------------------------


@pytest.fixture
def friend(team):
    return YoungPersonFactory(holding_team=team, given_name="Kai", family_name="Otherchild")


def test_children_missing_at_overlapping_times_are_found_together(young_person, friend):
    ours = MissingEpisodeFactory(
        young_person=young_person, started_at=ago(days=4), ended_at=ago(days=3)
    )
    theirs = MissingEpisodeFactory(
        young_person=friend, started_at=ago(days=3, hours=6), ended_at=ago(days=2)
    )
    MissingEpisodeFactory(young_person=friend, started_at=ago(days=20), ended_at=ago(days=19))

    together = co_missing(young_person.key_worker, young_person)

    assert [(item.episode, item.other, item.reason) for item in together] == [
        (ours, theirs, "missing at the same time")
    ]


def test_a_child_still_missing_overlaps_anyone_missing_since(young_person, friend):
    MissingEpisodeFactory(young_person=young_person, started_at=ago(days=2), ended_at=None)
    theirs = MissingEpisodeFactory(young_person=friend, started_at=ago(hours=3), ended_at=None)

    together = co_missing(young_person.key_worker, young_person)

    assert [item.other for item in together] == [theirs]


def test_children_found_at_the_same_place_within_a_day_are_found_together(young_person, friend):
    MissingEpisodeFactory(
        young_person=young_person,
        started_at=ago(days=6),
        ended_at=ago(days=5),
        where_found="Synthetic Hotel, Station Road",
    )
    theirs = MissingEpisodeFactory(
        young_person=friend,
        started_at=ago(days=4, hours=23),
        ended_at=ago(days=4, hours=2),
        where_found="SYNTHETIC HOTEL, Station Road",
    )

    together = co_missing(young_person.key_worker, young_person)

    assert [(item.other, item.reason) for item in together] == [
        (theirs, "found at Synthetic Hotel, Station Road within a day")
    ]


def test_children_found_at_the_same_place_more_than_a_day_apart_are_not(young_person, friend):
    MissingEpisodeFactory(
        young_person=young_person,
        started_at=ago(days=8),
        ended_at=ago(days=7),
        where_found="Synthetic Hotel",
    )
    MissingEpisodeFactory(
        young_person=friend,
        started_at=ago(days=5, hours=23),
        ended_at=ago(days=5, hours=22),
        where_found="Synthetic Hotel",
    )

    assert co_missing(young_person.key_worker, young_person) == []


def test_the_page_names_the_other_child_with_a_link_and_audits_showing_them(
    young_person, friend, practitioner, sign_in
):
    MissingEpisodeFactory(young_person=young_person, started_at=ago(days=4), ended_at=ago(days=3))
    MissingEpisodeFactory(young_person=friend, started_at=ago(days=4), ended_at=ago(days=3))

    body = sign_in(practitioner).get(list_url(young_person)).content.decode()

    assert f'href="/young-people/{friend.pk}/">Kai Otherchild</a>' in body
    assert "Missing at the same time" in body
    entry = AuditEntry.objects.get(summary=f"Shown as missing with {young_person.reference}")
    assert (entry.user, entry.record_ids) == (practitioner, [str(friend.pk)])


def test_a_co_missing_child_outside_need_to_know_is_never_named_or_counted(
    young_person, other_team, practitioner, sign_in
):
    stranger = YoungPersonFactory(holding_team=other_team, given_name="Mia", family_name="Hidden")
    MissingEpisodeFactory(young_person=young_person, started_at=ago(days=4), ended_at=ago(days=3))
    MissingEpisodeFactory(
        young_person=stranger, started_at=ago(days=4), ended_at=ago(days=3), where_found="X"
    )

    response = sign_in(practitioner).get(list_url(young_person))

    body = response.content.decode()
    assert co_missing(practitioner, young_person) == []
    assert response.context["together"] == []
    assert "Mia" not in body and "Hidden" not in body and stranger.reference not in body
    assert "None found among the young people you may see." in body
    assert not AuditEntry.objects.filter(record_ids__icontains=f'"{stranger.pk}"').exists()


def test_sharing_the_other_child_with_the_team_brings_them_into_view(
    young_person, other_team, team, practitioner
):
    other = YoungPersonFactory(holding_team=other_team, given_name="Noor")
    MissingEpisodeFactory(young_person=young_person, started_at=ago(days=4), ended_at=ago(days=3))
    MissingEpisodeFactory(young_person=other, started_at=ago(days=4), ended_at=ago(days=3))
    share_with_team(other, team, basis="consent")

    assert [item.other.young_person for item in co_missing(practitioner, young_person)] == [other]


# --- Recording a new episode ----------------------------------------------------------------


def episode_data(**changes):
    data = {
        "kind": "missing",
        "started_at": local(ago(hours=30)),
        "ended_at": local(ago(hours=2)),
        "reported_by": "Synthetic residential home",
        "where_found": "Synthetic Park",
        "found_with": "An older male",
        "police_reference": "SYN/0002/25",
        "notes": "Returned with a new phone.",
    }
    data.update(changes)
    return data


def test_a_new_episode_is_saved_with_encrypted_notes_and_logged(
    young_person, practitioner, sign_in
):
    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/missing/new/", episode_data()
    )

    episode = MissingEpisode.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(episode)
    assert (episode.where_found, episode.police_reference, episode.recorded_by) == (
        "Synthetic Park",
        "SYN/0002/25",
        practitioner,
    )
    assert episode.notes == "Returned with a new phone."
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM youngpeople_missingepisode")
        assert "new phone" not in cursor.fetchone()[0]
    entry = AuditEntry.objects.get(action=Action.COLLECTION)
    assert entry.record_ids == [str(young_person.pk)]


def test_the_new_episode_form_uses_date_and_time_inputs(young_person, practitioner, sign_in):
    body = sign_in(practitioner).get(f"/young-people/{young_person.pk}/missing/new/")
    html = body.content.decode()

    assert 'type="datetime-local" name="started_at"' in html
    assert 'class="govuk-input govuk-input--width-20"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"started_at": local(ago(hours=2)), "ended_at": local(ago(hours=5))},
            "ended_at",
            "The return must be after the start",
        ),
        (
            {"started_at": local(timezone.now() + timedelta(hours=3)), "ended_at": ""},
            "started_at",
            "The start must be now or in the past",
        ),
        ({"started_at": ""}, "started_at", "Enter when the episode started"),
        ({"started_at": "yesterday"}, "started_at", "Enter a real date and time"),
        ({"reported_by": "  "}, "reported_by", "Enter who reported it"),
        ({"kind": "runaway"}, "kind", "Select a valid choice"),
    ],
    ids=["end before start", "start in the future", "no start", "no date", "no reporter", "kind"],
)
def test_bad_episode_input_is_explained_and_nothing_is_saved(
    young_person, practitioner, sign_in, changes, field, message
):
    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/missing/new/", episode_data(**changes)
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    body = response.content.decode()
    assert "There is a problem" in body and escape(errors[field][0]) in body
    assert not MissingEpisode.objects.exists()
    assert collections() == 0


# --- The return -----------------------------------------------------------------------------


def test_recording_the_return_saves_it_and_logs_the_fields_changed(
    young_person, practitioner, sign_in
):
    episode = MissingEpisodeFactory(
        young_person=young_person, started_at=ago(days=1), ended_at=None
    )
    returned = ago(hours=3)

    response = sign_in(practitioner).post(
        detail_url(episode),
        {
            "form": "return",
            "ended_at": local(returned),
            "where_found": "Synthetic Services, M6",
            "found_with": "",
            "police_reference": "",
            "version": 1,
        },
    )

    assert response.status_code == 302 and response["Location"] == detail_url(episode)
    episode.refresh_from_db()
    assert local(episode.ended_at) == local(returned)
    assert (episode.where_found, episode.version) == ("Synthetic Services, M6", 2)
    entry = AuditEntry.objects.get(action=Action.ALTERATION)
    assert entry.detail["fields"] == ["ended_at", "where_found"]


def test_a_return_before_the_start_is_refused(young_person, practitioner, sign_in):
    episode = MissingEpisodeFactory(
        young_person=young_person, started_at=ago(days=1), ended_at=None
    )

    response = sign_in(practitioner).post(
        detail_url(episode),
        {"form": "return", "ended_at": local(ago(days=2)), "version": 1},
    )

    assert response.status_code == 400
    assert "The return must be after the start" in response.content.decode()
    episode.refresh_from_db()
    assert (episode.ended_at, episode.version) == (None, 1)
    assert not AuditEntry.objects.filter(action=Action.ALTERATION).exists()


def test_a_stale_return_over_someone_elses_newer_one_is_refused(
    young_person, practitioner, make_user, team, sign_in
):
    episode = MissingEpisodeFactory(
        young_person=young_person, started_at=ago(days=1), ended_at=None
    )
    colleague = make_user(Role.PRACTITIONER, team=team)
    services.missing_episode_update(
        actor=Actor(user=colleague), episode=episode, expected_version=1, where_found="Home"
    )

    response = sign_in(practitioner).post(
        detail_url(episode),
        {"form": "return", "ended_at": local(ago(hours=1)), "where_found": "Park", "version": 1},
    )

    assert response.status_code == 409
    assert "Someone else changed this episode after you opened it" in response.content.decode()
    episode.refresh_from_db()
    assert (episode.ended_at, episode.where_found, episode.version) == (None, "Home", 2)
    assert AuditEntry.objects.filter(action=Action.ALTERATION).count() == 1


# --- The return-home interview --------------------------------------------------------------


def interview_data(episode, **changes):
    data = {
        "form": "interview",
        "status": "done",
        "offered_at": local(episode.ended_at + timedelta(hours=2)),
        "done_at": local(episode.ended_at + timedelta(hours=10)),
        "interviewer": "Synthetic independent worker",
        "learned": "Met an older male at the retail park.",
        "interview_version": episode.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def returned_episode(young_person):
    return MissingEpisodeFactory(
        young_person=young_person, started_at=ago(days=5), ended_at=ago(days=4)
    )


def test_a_done_interview_is_recorded_encrypted_and_logged(returned_episode, practitioner, sign_in):
    client = sign_in(practitioner)
    response = client.post(detail_url(returned_episode), interview_data(returned_episode))

    assert response.status_code == 302
    returned_episode.refresh_from_db()
    assert returned_episode.interview_status == InterviewStatus.DONE
    assert returned_episode.interview_by == "Synthetic independent worker"
    assert returned_episode.interview_learned == "Met an older male at the retail park."
    assert returned_episode.version == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT interview_learned FROM youngpeople_missingepisode")
        assert "retail park" not in cursor.fetchone()[0]
    entry = AuditEntry.objects.get(action=Action.COLLECTION)
    assert entry.summary == "Return-home interview: done"
    page = client.get(detail_url(returned_episode)).content.decode()
    assert "Met an older male at the retail park." in page


def test_the_interview_form_says_it_must_be_offered_within_72_hours(
    returned_episode, practitioner, sign_in
):
    body = sign_in(practitioner).get(detail_url(returned_episode)).content.decode()

    assert "It must be offered within 72 hours of the young person&#x27;s return." in body
    due = timezone.localtime(returned_episode.ended_at + timedelta(hours=72))
    assert f"Offer the interview by {due:%-d %B %Y, %H:%M}" in body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"offered_at": "BEFORE"}, "offered_at", "offered after the young person returns"),
        ({"interviewer": ""}, "interviewer", "Enter who did the interview"),
        ({"done_at": ""}, "done_at", "Enter when the interview took place"),
        ({"done_at": "FUTURE"}, "done_at", "The interview time must be now or in the past"),
        ({"offered_at": ""}, "offered_at", "Enter when the interview was offered"),
        ({"status": "not_offered"}, "status", "Select a valid choice"),
    ],
    ids=[
        "offered before return",
        "done without interviewer",
        "done without a time",
        "done in the future",
        "no offer",
        "not offered",
    ],
)
def test_bad_interview_input_is_explained_and_nothing_is_saved(
    returned_episode, practitioner, sign_in, changes, field, message
):
    if changes.get("offered_at") == "BEFORE":
        changes["offered_at"] = local(returned_episode.ended_at - timedelta(hours=2))
    if changes.get("done_at") == "FUTURE":
        changes["done_at"] = local(timezone.now() + timedelta(hours=2))

    response = sign_in(practitioner).post(
        detail_url(returned_episode), interview_data(returned_episode, **changes)
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert "There is a problem" in response.content.decode()
    returned_episode.refresh_from_db()
    assert (returned_episode.interview_status, returned_episode.version) == ("not_offered", 1)
    assert collections() == 0


def test_no_interview_is_recorded_while_the_child_is_still_missing(
    young_person, practitioner, sign_in
):
    episode = MissingEpisodeFactory(
        young_person=young_person, started_at=ago(days=1), ended_at=None
    )

    response = sign_in(practitioner).post(
        detail_url(episode),
        {
            "form": "interview",
            "status": "offered",
            "offered_at": local(ago(hours=1)),
            "interview_version": 1,
        },
    )

    assert response.status_code == 400
    assert "Record the young person&#x27;s return before the interview" in response.content.decode()
    episode.refresh_from_db()
    assert episode.interview_status == InterviewStatus.NOT_OFFERED


def test_a_stale_interview_over_someone_elses_newer_change_is_refused(
    returned_episode, practitioner, sign_in
):
    data = interview_data(returned_episode)
    services.missing_episode_update(
        actor=Actor(user=practitioner),
        episode=returned_episode,
        expected_version=1,
        police_reference="SYN/9",
    )

    response = sign_in(practitioner).post(detail_url(returned_episode), data)

    assert response.status_code == 409
    assert "Someone else changed this episode after you opened it" in response.content.decode()
    returned_episode.refresh_from_db()
    assert (returned_episode.interview_status, returned_episode.version) == ("not_offered", 2)


# --- Who may see and change episodes --------------------------------------------------------


def _pages(young_person, episode):
    return [
        ("get", list_url(young_person), {}),
        ("get", f"/young-people/{young_person.pk}/missing/new/", {}),
        ("post", f"/young-people/{young_person.pk}/missing/new/", episode_data()),
        ("get", detail_url(episode), {}),
        ("post", detail_url(episode), {"form": "return", "where_found": "Park", "version": 1}),
        ("post", detail_url(episode), interview_data(episode)),
    ]


PAGE_IDS = ["list", "new form", "new", "detail", "return", "interview"]


@pytest.mark.parametrize("page", range(6), ids=PAGE_IDS)
def test_anonymous_visitors_are_sent_to_sign_in(young_person, client, page):
    episode = MissingEpisodeFactory(young_person=young_person)
    method, url, data = _pages(young_person, episode)[page]

    response = getattr(client, method)(url, data)

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert MissingEpisode.objects.get() == episode and episode.version == 1


@pytest.mark.parametrize("page", range(6), ids=PAGE_IDS)
def test_another_teams_practitioner_sees_only_the_restricted_stub(
    young_person, other_team, make_user, sign_in, page
):
    episode = MissingEpisodeFactory(young_person=young_person, where_found="Synthetic Park")
    outsider = make_user(Role.PRACTITIONER, team=other_team)
    method, url, data = _pages(young_person, episode)[page]

    response = getattr(sign_in(outsider), method)(url, data)

    body = response.content.decode()
    assert response.status_code == 403
    assert "Restricted record" in body and young_person.reference in body
    assert "Jade" not in body and "Synthetic Park" not in body
    episode.refresh_from_db()
    assert (MissingEpisode.objects.count(), episode.version) == (1, 1)
    assert not AuditEntry.objects.filter(user=outsider, action=Action.CONSULTATION).exists()
    assert collections() == 0


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
@pytest.mark.parametrize("page", range(6), ids=PAGE_IDS)
def test_same_team_roles_without_casework_are_refused(
    young_person, team, make_user, sign_in, role, page
):
    episode = MissingEpisodeFactory(young_person=young_person, where_found="Synthetic Park")
    user = make_user(role, team=team)
    method, url, data = _pages(young_person, episode)[page]

    response = getattr(sign_in(user), method)(url, data)

    assert response.status_code == 403
    assert "Synthetic Park" not in response.content.decode()
    episode.refresh_from_db()
    assert (MissingEpisode.objects.count(), episode.version) == (1, 1)
    assert not AuditEntry.objects.filter(user=user, action=Action.CONSULTATION).exists()


@pytest.mark.parametrize("page", range(6), ids=PAGE_IDS)
def test_the_key_worker_may_use_every_page(young_person, practitioner, sign_in, page):
    episode = MissingEpisodeFactory(young_person=young_person)
    method, url, data = _pages(young_person, episode)[page]

    response = getattr(sign_in(practitioner), method)(url, data)

    assert response.status_code == (200 if method == "get" else 302)
    entry = AuditEntry.objects.filter(user=practitioner, action=Action.CONSULTATION).first()
    assert entry is not None and entry.record_ids == [str(young_person.pk)]


def test_an_episode_of_another_child_is_not_found_under_this_one(
    young_person, friend, practitioner, sign_in
):
    theirs = MissingEpisodeFactory(young_person=friend)

    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/missing/{theirs.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_page_runs_a_fixed_number_of_queries(
    young_person, friend, practitioner, sign_in, django_assert_max_num_queries, count
):
    for number in range(count):
        start = ago(days=3 * number + 1)
        MissingEpisodeFactory(
            young_person=young_person, started_at=start, ended_at=start + timedelta(hours=5)
        )
        MissingEpisodeFactory(
            young_person=friend, started_at=start, ended_at=start + timedelta(hours=4)
        )
    client = sign_in(practitioner)

    with django_assert_max_num_queries(25 if connection.vendor == "postgresql" else 23):
        response = client.get(list_url(young_person))

    assert len(response.context["together"]) == count
    assert len(response.context["rows"]) == count
