"""Work queues: my caseload, the team view and search — the values each row shows, who may see
which records, spelling-tolerant names, and a fixed number of queries whatever the caseload."""

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
from cairn.youngpeople.models import ActionStatus, CaseStatus, RiskBand, YoungPerson
from cairn.youngpeople.services.record import refresh_name_keys
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import (
    ContactFactory,
    MissingEpisodeFactory,
    PlanActionFactory,
    RiskAssessmentFactory,
    SafetyPlanFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team, first_name="Priya", last_name="Shah")


def person(team, given_name="Jade", family_name="Testchild", aliases=(), **fields):
    """A young person whose phonetic name keys are kept, as the service keeps them."""
    young_person = YoungPersonFactory(
        holding_team=team, given_name=given_name, family_name=family_name, **fields
    )
    for alias in aliases:
        young_person.aliases.create(name=alias)
    refresh_name_keys(young_person)
    return young_person


def full_case(team, key_worker, **fields):
    """A case with something in every column of the caseload."""
    young_person = person(team, key_worker=key_worker, **fields)
    RiskAssessmentFactory(young_person=young_person, band=RiskBand.SIGNIFICANT)
    ContactFactory(young_person=young_person)
    plan = SafetyPlanFactory(young_person=young_person)
    PlanActionFactory(plan=plan, due_on=TODAY() - timedelta(days=1))
    MissingEpisodeFactory(young_person=young_person)
    return young_person


def row_of(body, young_person):
    """The caseload table row of one young person, as HTML."""
    start = body.index(f'href="/young-people/{young_person.pk}/"')
    return body[start : body.index("</tr>", start)]


# My caseload --------------------------------------------------------------------------------------


def test_my_caseload_shows_band_last_contact_review_overdue_actions_and_recent_missing(
    team, practitioner, sign_in
):
    young_person = person(team, key_worker=practitioner)
    # The latest assessment sets the band and the next review; an older one does not.
    RiskAssessmentFactory(
        young_person=young_person,
        assessed_on=TODAY() - timedelta(days=200),
        band=RiskBand.MILD,
        next_review_due=TODAY() - timedelta(days=109),
    )
    RiskAssessmentFactory(
        young_person=young_person,
        assessed_on=TODAY() - timedelta(days=100),
        band=RiskBand.SIGNIFICANT,
        next_review_due=TODAY() - timedelta(days=9),
    )
    ContactFactory(young_person=young_person, happened_at=timezone.now() - timedelta(days=40))
    latest_contact = ContactFactory(
        young_person=young_person, happened_at=timezone.now() - timedelta(days=2)
    )
    old_plan = SafetyPlanFactory(young_person=young_person, superseded_at=timezone.now())
    PlanActionFactory(plan=old_plan, due_on=TODAY() - timedelta(days=30))  # replaced: not counted
    plan = SafetyPlanFactory(young_person=young_person)
    PlanActionFactory(plan=plan, due_on=TODAY() - timedelta(days=3))
    PlanActionFactory(plan=plan, due_on=TODAY() - timedelta(days=1))
    PlanActionFactory(plan=plan, due_on=TODAY() - timedelta(days=5), status=ActionStatus.DONE)
    PlanActionFactory(plan=plan, due_on=TODAY() + timedelta(days=5))
    MissingEpisodeFactory(young_person=young_person)
    MissingEpisodeFactory(young_person=young_person, started_at=timezone.now() - timedelta(days=8))
    MissingEpisodeFactory(young_person=young_person, started_at=timezone.now() - timedelta(days=45))

    response = sign_in(practitioner).get("/young-people/")

    assert response.status_code == 200
    [case] = response.context["cases"]
    assert (case.risk_band, case.next_review_due) == ("significant", TODAY() - timedelta(days=9))
    assert case.last_contact_at == latest_contact.happened_at
    assert (case.overdue_actions, case.recent_missing) == (2, 2)
    row = row_of(response.content.decode(), young_person)
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="govuk-table__cell')[1:]]
    assert ">Significant</strong>" in cells[0]
    assert f"{timezone.localtime(latest_contact.happened_at):%-d %b %Y}" in cells[1]
    assert ">Overdue</strong>" in cells[2]
    assert f"{TODAY() - timedelta(days=9):%-d %b %Y}" in cells[2]
    assert ">2</strong>" in cells[3]
    assert cells[4].endswith(">2")
    assert "1 risk review overdue or never done." in response.content.decode()


def test_a_case_never_assessed_needs_an_assessment_and_shows_no_activity(
    team, practitioner, sign_in
):
    young_person = person(team, key_worker=practitioner)

    response = sign_in(practitioner).get("/young-people/")

    row = row_of(response.content.decode(), young_person)
    assert ">Not assessed</strong>" in row and ">Assessment needed</strong>" in row
    [case] = response.context["cases"]
    assert (case.last_contact_at, case.overdue_actions, case.recent_missing) == (None, 0, 0)


def test_a_review_due_in_future_is_not_overdue(team, practitioner, sign_in):
    young_person = person(team, key_worker=practitioner)
    RiskAssessmentFactory(young_person=young_person, next_review_due=TODAY() + timedelta(days=1))

    response = sign_in(practitioner).get("/young-people/")

    assert "Overdue" not in row_of(response.content.decode(), young_person)
    assert "overdue or never done" not in response.content.decode()


def test_my_caseload_holds_only_my_open_cases(team, practitioner, make_user, sign_in):
    colleague = make_user(Role.PRACTITIONER, team=team)
    mine = person(team, given_name="Mine", key_worker=practitioner)
    person(team, given_name="Theirs", key_worker=colleague)
    person(team, given_name="Nobodys")
    closed = person(team, given_name="Closed", key_worker=practitioner)
    services.young_person_close(
        actor=Actor(user=practitioner), young_person=closed, reason="moved_away"
    )

    response = sign_in(practitioner).get("/young-people/")

    assert list(response.context["cases"]) == [mine]
    assert "My caseload (1)" in response.content.decode()
    entry = AuditEntry.objects.filter(action=Action.CONSULTATION).last()
    assert (entry.summary, entry.record_ids) == ("Viewed caseload", [str(mine.pk)])


def test_a_case_allocated_to_me_but_no_longer_shared_with_me_leaves_my_caseload(
    team, other_team, practitioner, sign_in
):
    # Moved to another team: the old key worker keeps no sight of it.
    young_person = person(other_team, key_worker=practitioner)

    response = sign_in(practitioner).get("/young-people/")

    assert list(response.context["cases"]) == []
    assert young_person.full_name not in response.content.decode()


# The team view -----------------------------------------------------------------------------------


def test_the_team_view_counts_unallocated_cases_and_overdue_reviews(
    team, other_team, practitioner, make_user, sign_in
):
    manager = make_user(Role.MANAGER, team=team)
    reviewed = person(team, given_name="Reviewed", key_worker=practitioner)
    RiskAssessmentFactory(young_person=reviewed, next_review_due=TODAY() + timedelta(days=20))
    overdue = person(team, given_name="Overdue", key_worker=practitioner)
    RiskAssessmentFactory(young_person=overdue, next_review_due=TODAY() - timedelta(days=1))
    unallocated = person(team, given_name="Unallocated")
    RiskAssessmentFactory(young_person=unallocated, next_review_due=TODAY() + timedelta(days=20))
    never = person(team, given_name="Never")
    closed = person(team, given_name="Closed")
    services.young_person_close(actor=Actor(user=manager), young_person=closed, reason="declined")
    person(other_team, given_name="Elsewhere")

    response = sign_in(manager).get("/young-people/team/")

    context = response.context
    assert set(context["cases"]) == {reviewed, overdue, unallocated, never}
    assert set(context["unallocated"]) == {unallocated, never}
    assert set(context["overdue"]) == {overdue, never}
    body = response.content.decode()
    assert "2</span><br>open cases without a key worker" in body
    assert "2</span><br>risk reviews overdue or never done" in body
    assert "Risk reviews overdue (2)" in body and "Open cases held by your teams (4)" in body
    assert "Elsewhere" not in body and "Closed Testchild" not in body
    assert "Not allocated" in row_of(body.split("Open cases held")[-1], never)


# Search ------------------------------------------------------------------------------------------


@pytest.fixture
def searchable(team):
    return {
        "kaylee": person(team, given_name="Kaylee", family_name="Brown", area="Northside"),
        "alias": person(team, given_name="Jade", family_name="Green", aliases=["Kayley"]),
        "muhammad": person(
            team, given_name="Muhammad", family_name="Khan", date_of_birth=date(2010, 8, 9)
        ),
        "ria": person(team, given_name="Ria", family_name="Patel", area="Southside"),
    }


def search(client, **params):
    return client.get("/young-people/search/", params)


def found(response):
    return [young_person.given_name for young_person in response.context["results"]]


def test_a_name_search_finds_spelling_variants_and_aliases(searchable, practitioner, sign_in):
    client = sign_in(practitioner)

    kayleigh = search(client, name="Kayleigh")
    mohammed = search(client, name="Mohammed")

    assert found(kayleigh) == ["Kaylee", "Jade"]  # Jade is known as Kayley
    assert found(mohammed) == ["Muhammad"]
    assert "Kaylee Brown" in kayleigh.content.decode()


def test_a_record_found_by_a_close_alias_ranks_above_a_name_that_only_sounds_alike(
    team, practitioner, sign_in
):
    # "Kelly" sounds like "Kayleigh" (the same phonetic key) but is spelt further from it.
    person(team, given_name="Kelly", family_name="Adams")
    by_alias = person(team, given_name="Jade", family_name="Zephyr", aliases=["Kayleigh"])

    response = search(sign_in(practitioner), name="Kayleigh")

    assert found(response) == ["Jade", "Kelly"]
    assert response.context["results"][0] == by_alias


def test_search_by_date_of_birth_area_and_band(searchable, practitioner, sign_in):
    RiskAssessmentFactory(young_person=searchable["ria"], band=RiskBand.MODERATE)
    RiskAssessmentFactory(young_person=searchable["kaylee"], band=RiskBand.MILD)
    client = sign_in(practitioner)

    assert found(search(client, date_of_birth="2010-08-09")) == ["Muhammad"]
    assert found(search(client, area="north")) == ["Kaylee"]
    assert found(search(client, band="moderate")) == ["Ria"]
    assert found(search(client, name="Kayleigh", band="mild")) == ["Kaylee"]


def test_closed_cases_are_found_only_when_asked_for(searchable, practitioner, sign_in):
    services.young_person_close(
        actor=Actor(user=practitioner), young_person=searchable["ria"], reason="aged_out"
    )
    client = sign_in(practitioner)

    assert found(search(client, name="Ria")) == []
    assert found(search(client, name="Ria", include_closed="on")) == ["Ria"]


def test_search_never_shows_records_the_user_may_not_see(
    searchable, other_team, make_user, sign_in
):
    outsider = make_user(Role.PRACTITIONER, team=other_team)
    person(other_team, given_name="Kayla", family_name="Other")

    response = search(sign_in(outsider), name="Kayleigh")

    assert found(response) == ["Kayla"]
    assert "Kaylee" not in response.content.decode()


def test_a_search_is_audited_with_its_terms_and_the_records_shown(
    searchable, practitioner, sign_in
):
    search(sign_in(practitioner), name="Mohammed", include_closed="on")

    entry = AuditEntry.objects.filter(action=Action.CONSULTATION).last()
    assert entry.summary == "Searched young people"
    assert entry.record_ids == [str(searchable["muhammad"].pk)]
    assert entry.detail == {"search": {"name": "Mohammed", "include_closed": "yes"}}


def test_the_htmx_search_returns_only_the_results_fragment(searchable, practitioner, sign_in):
    response = sign_in(practitioner).get(
        "/young-people/search/", {"name": "Kayleigh"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="cairn-table-scroll"')
    assert "<html" not in body and "<form" not in body and "moj-sub-navigation" not in body
    assert "Matching young people you may see (2)" in body and "Kaylee Brown" in body


def test_restoring_the_search_page_from_history_returns_the_whole_page(
    searchable, practitioner, sign_in
):
    response = sign_in(practitioner).get(
        "/young-people/search/",
        {"name": "Kayleigh"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    body = response.content.decode()
    assert "<html" in body and "<form" in body and "Kaylee Brown" in body


def test_the_search_page_without_terms_explains_itself_and_lists_no_one(
    searchable, practitioner, sign_in
):
    response = sign_in(practitioner).get("/young-people/search/")

    assert response.status_code == 200
    assert response.context["results"] is None
    assert "Your search is recorded in the audit trail." in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.CONSULTATION).exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [({"date_of_birth": "2010-13-45"}, "date_of_birth"), ({"band": "extreme"}, "band")],
    ids=["impossible date", "unknown band"],
)
def test_bad_search_terms_are_explained(searchable, practitioner, sign_in, params, field):
    response = sign_in(practitioner).get("/young-people/search/", params)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert "There is a problem" in response.content.decode()
    assert response.context["results"] is None


# Who may use the queues ---------------------------------------------------------------------------

QUEUES = ["/young-people/", "/young-people/team/", "/young-people/search/?name=Jade"]


@pytest.mark.parametrize("url", QUEUES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
@pytest.mark.parametrize("url", QUEUES)
def test_administrators_and_auditors_are_refused_the_queues(
    team, searchable, make_user, sign_in, role, url
):
    user = make_user(role, team=team)

    response = sign_in(user).get(url)

    assert response.status_code == 403
    assert "Testchild" not in response.content.decode() and "Green" not in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.CONSULTATION).exists()


@pytest.mark.parametrize("url", QUEUES)
def test_another_teams_practitioner_sees_none_of_this_teams_cases(
    team, other_team, practitioner, make_user, sign_in, url
):
    full_case(team, practitioner, given_name="Jade", family_name="Hidden")
    outsider = make_user(Role.PRACTITIONER, team=other_team)

    response = sign_in(outsider).get(url)

    assert response.status_code == 200
    assert "Hidden" not in response.content.decode()


# Query counts ---------------------------------------------------------------------------------

# PostgreSQL takes one more: the advisory lock that serialises writers to the audit chain.
# Session, user, 2FA device, teams, the cases (one query, every column a subquery), the audit
# entry (savepoint, chain head, insert), then the page's own extras (referrals, notifications).
PINNED = {"/young-people/": 11, "/young-people/team/": 12, "/young-people/search/?name=Jade": 12}


@pytest.mark.parametrize("url", list(PINNED))
def test_the_queues_run_the_same_number_of_queries_for_3_and_30_cases(
    team, practitioner, sign_in, url
):
    client = sign_in(practitioner)
    counts = []
    for size in (3, 30):
        while YoungPerson.objects.count() < size:
            full_case(team, practitioner)
        client.get(url)  # the first request of a session warms caches; count the second
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        shown = response.context.get("cases", response.context.get("results"))
        assert len(shown) == size
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= PINNED[url] + (1 if connection.vendor == "postgresql" else 0)
    assert YoungPerson.objects.filter(status=CaseStatus.OPEN).count() == 30
