"""The safety plan page (actions, new plans, carry-over, earlier plans) and the contact log:
what key workers see, what they may change, and bad input refused with nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cairn.access.models import LawfulBasis
from cairn.access.permissions import Role
from cairn.access.tests.factories import share_with_team
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople.models import (
    ActionStatus,
    Contact,
    ContactKind,
    PlanAction,
    SafetyPlan,
)
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import (
    ContactFactory,
    PlanActionFactory,
    SafetyPlanFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team, first_name="Priya", last_name="Shah")


@pytest.fixture
def young_person(team, practitioner):
    return YoungPersonFactory(holding_team=team, given_name="Jade", key_worker=practitioner)


@pytest.fixture
def plan(young_person):
    return SafetyPlanFactory(young_person=young_person, summary="Weekly visits at the foster home.")


def _raw(model, field, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {field} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _alterations(young_person):
    return AuditEntry.objects.filter(
        action__in=[Action.ALTERATION, Action.COLLECTION],
        record_ids__icontains=f'"{young_person.pk}"',
    )


def _error_summary(response):
    body = response.content.decode()
    assert "There is a problem" in body
    return body


# The plan page ---------------------------------------------------------------------------------


def test_the_plan_page_shows_the_current_plan_its_actions_and_who_owns_them(
    young_person, plan, practitioner, sign_in
):
    PlanActionFactory(
        plan=plan,
        description="Visit weekly",
        owner=practitioner,
        owner_name="",
        due_on=TODAY() + timedelta(days=5),
    )
    PlanActionFactory(
        plan=plan,
        description="Tell school about the taxi pick-ups",
        owner_name="Sam Carter, school safeguarding lead",
        due_on=TODAY() - timedelta(days=2),
    )
    PlanActionFactory(
        plan=plan,
        description="Refer to the sexual health clinic",
        due_on=TODAY() - timedelta(days=9),
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
    )

    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/plan/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Weekly visits at the foster home." in body
    assert f'Review by</dt><dd class="govuk-summary-list__value">{plan.review_on:%-d %B %Y}' in body
    rows = {action.description: action for action in response.context["plan"].actions.all()}
    assert set(rows) == {
        "Visit weekly",
        "Tell school about the taxi pick-ups",
        "Refer to the sexual health clinic",
    }
    assert "Priya Shah" in body
    assert "Sam Carter, school safeguarding lead" in body and "(outside Cairn)" in body
    # Only the open action past its due date is overdue; the done one is not.
    assert body.count(">Overdue</strong>") == 1
    overdue_row = body.split(f'id="action-{rows["Tell school about the taxi pick-ups"].pk}"')[1]
    assert overdue_row.split("</tr>")[0].count("Overdue") == 1
    assert body.count("Mark done<") == 2
    entry = AuditEntry.objects.filter(action=Action.CONSULTATION).last()
    assert (entry.user, entry.summary) == (practitioner, "Viewed safety plan")


def test_a_plan_whose_review_date_has_passed_is_tagged_overdue(young_person, practitioner, sign_in):
    SafetyPlan.objects.create(
        young_person=young_person, summary="Old plan", review_on=TODAY() - timedelta(days=1)
    )

    body = sign_in(practitioner).get(f"/young-people/{young_person.pk}/plan/").content.decode()

    assert ">Overdue</strong>" in body


def test_without_a_plan_the_page_offers_to_make_one(young_person, practitioner, sign_in):
    body = sign_in(practitioner).get(f"/young-people/{young_person.pk}/plan/").content.decode()

    assert "No safety plan yet." in body
    assert f'href="/young-people/{young_person.pk}/plan/new/"' in body
    assert "Add an action" not in body


def test_the_plan_summary_is_encrypted_at_rest(young_person, plan):
    raw = _raw(SafetyPlan, "summary", plan.pk)

    assert "foster home" not in raw
    assert SafetyPlan.objects.get(pk=plan.pk).summary == "Weekly visits at the foster home."


# Action status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "shown"), [("done", "Action marked done"), ("cancelled", "Action marked cancelled")]
)
def test_an_action_is_marked_done_or_cancelled_and_the_change_is_audited(
    young_person, plan, practitioner, sign_in, status, shown
):
    action = PlanActionFactory(plan=plan, description="Visit weekly")
    client = sign_in(practitioner)

    response = client.post(
        f"/young-people/{young_person.pk}/plan/actions/{action.pk}/status/", {"status": status}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/young-people/{young_person.pk}/plan/"
    action.refresh_from_db()
    assert action.status == status
    assert (action.completed_at is not None) == (status == "done")
    entry = AuditEntry.objects.get(action=Action.ALTERATION)
    assert entry.summary == f"Plan action marked {status}"
    assert entry.detail == {"plan_action": action.pk}
    assert f"{shown}: Visit weekly" in client.get(response["Location"]).content.decode()


def test_a_done_action_can_be_reopened(young_person, plan, practitioner, sign_in):
    action = PlanActionFactory(plan=plan, status=ActionStatus.DONE, completed_at=timezone.now())

    sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/actions/{action.pk}/status/", {"status": "open"}
    )

    action.refresh_from_db()
    assert (action.status, action.completed_at) == (ActionStatus.OPEN, None)


def test_an_unknown_status_is_refused_with_a_message_and_nothing_changes(
    young_person, plan, practitioner, sign_in
):
    action = PlanActionFactory(plan=plan)

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/actions/{action.pk}/status/", {"status": "lost"}
    )

    assert response.status_code == 400
    body = _error_summary(response)
    assert f'href="#action-{action.pk}">Choose open, done or cancelled' in body
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert not AuditEntry.objects.filter(action=Action.ALTERATION).exists()


def test_actions_of_a_replaced_plan_cannot_be_changed(young_person, practitioner, sign_in):
    old = SafetyPlanFactory(young_person=young_person, superseded_at=timezone.now())
    action = PlanActionFactory(plan=old)
    SafetyPlanFactory(young_person=young_person)

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/actions/{action.pk}/status/", {"status": "done"}
    )

    assert response.status_code == 400
    assert "This plan has been replaced" in _error_summary(response)
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_an_action_of_another_young_persons_plan_is_not_found_through_this_case(
    team, young_person, practitioner, sign_in
):
    other_action = PlanActionFactory(plan__young_person=YoungPersonFactory(holding_team=team))

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/actions/{other_action.pk}/status/",
        {"status": "done"},
    )

    assert response.status_code == 404
    other_action.refresh_from_db()
    assert other_action.status == ActionStatus.OPEN


# Adding an action ------------------------------------------------------------------------------


def test_an_action_owned_by_a_team_member_is_added_to_the_current_plan(
    young_person, plan, practitioner, make_user, team, sign_in
):
    manager = make_user(Role.MANAGER, team=team, first_name="Morgan", last_name="Lee")
    due = TODAY() + timedelta(days=14)

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/actions/new/",
        {"description": "Strategy meeting", "owner": manager.pk, "due_on": due.isoformat()},
    )

    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert (action.plan, action.description, action.owner, action.due_on) == (
        plan,
        "Strategy meeting",
        manager,
        due,
    )
    assert _alterations(young_person).get().summary == "Added a plan action"


def test_an_action_can_be_owned_by_someone_outside_cairn(young_person, plan, practitioner, sign_in):
    sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/actions/new/",
        {
            "description": "Check attendance daily",
            "owner": "",
            "owner_name": "Sam Carter, school safeguarding lead",
            "due_on": TODAY().isoformat(),
        },
    )

    action = PlanAction.objects.get()
    assert (action.owner, action.owner_name) == (None, "Sam Carter, school safeguarding lead")


def test_the_owner_list_offers_only_the_holding_teams_caseworkers(
    young_person, plan, practitioner, make_user, team, other_team, sign_in
):
    colleague = make_user(Role.PRACTITIONER, team=team, first_name="Chris", last_name="Colleague")
    make_user(Role.ADMIN, team=team, first_name="Ada", last_name="Administrator")
    make_user(Role.PRACTITIONER, team=other_team, first_name="Olu", last_name="Outsider")

    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/plan/actions/new/")

    owners = list(response.context["form"].fields["owner"].queryset)
    assert owners == [colleague, practitioner]  # ordered by first name: Chris, Priya


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"due_on": ""}, "due_on", "Enter the due date"),
        ({"due_on": "31/02/2025"}, "due_on", "Enter a valid date"),
        ({"description": " "}, "description", "Describe what needs to be done"),
        (
            {"owner": "", "owner_name": ""},
            "owner_name",
            "Choose who will do it, or name someone outside Cairn",
        ),
        ({"owner_name": "Sam Carter"}, "owner_name", "not both"),
        ({"owner": "OTHER_TEAM"}, "owner", "Choose a member of the team holding the case"),
    ],
    ids=["no due date", "impossible date", "no description", "no owner", "two owners", "outsider"],
)
def test_a_bad_action_is_explained_and_nothing_is_saved(
    young_person, plan, practitioner, make_user, other_team, sign_in, data, field, message
):
    if data.get("owner") == "OTHER_TEAM":
        data = {"owner": make_user(Role.PRACTITIONER, team=other_team).pk}
    form = {
        "description": "Visit weekly",
        "owner": practitioner.pk,
        "owner_name": "",
        "due_on": TODAY().isoformat(),
        **data,
    }

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/actions/new/", form
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    _error_summary(response)
    assert not PlanAction.objects.exists()
    assert not _alterations(young_person).exists()


def test_adding_an_action_without_a_plan_asks_for_a_plan_first(young_person, practitioner, sign_in):
    client = sign_in(practitioner)

    response = client.get(f"/young-people/{young_person.pk}/plan/actions/new/")

    assert response["Location"] == f"/young-people/{young_person.pk}/plan/new/"
    assert "Make a safety plan first" in client.get(response["Location"]).content.decode()


# A new plan ------------------------------------------------------------------------------------


def test_a_first_plan_is_made_and_audited(young_person, practitioner, sign_in):
    review = TODAY() + timedelta(days=30)

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/new/",
        {"summary": "Keep her away from the takeaway on Hill Street.", "review_on": review},
    )

    assert response.status_code == 302
    plan = SafetyPlan.objects.get()
    assert (plan.summary, plan.review_on, plan.created_by, plan.superseded_at) == (
        "Keep her away from the takeaway on Hill Street.",
        review,
        practitioner,
        None,
    )
    entry = _alterations(young_person).get()
    assert (entry.action, entry.summary) == (Action.COLLECTION, "Made a safety plan")


def test_a_new_plan_carries_over_only_the_open_actions_when_asked(
    young_person, plan, practitioner, sign_in
):
    PlanActionFactory(plan=plan, description="Visit weekly", owner=practitioner, owner_name="")
    PlanActionFactory(plan=plan, description="Done already", status=ActionStatus.DONE)
    PlanActionFactory(plan=plan, description="Dropped", status=ActionStatus.CANCELLED)
    client = sign_in(practitioner)
    form_page = client.get(f"/young-people/{young_person.pk}/plan/new/").content.decode()
    assert "Carry over the 1 open action of the current plan" in form_page

    response = client.post(
        f"/young-people/{young_person.pk}/plan/new/",
        {"summary": "Revised plan", "review_on": TODAY() + timedelta(days=60), "carry_over": "on"},
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.superseded_at is not None
    new = SafetyPlan.objects.get(superseded_at__isnull=True)
    assert [(a.description, a.owner, a.status) for a in new.actions.all()] == [
        ("Visit weekly", practitioner, ActionStatus.OPEN)
    ]
    page = client.get(response["Location"]).content.decode()
    assert "with 1 action carried over" in page
    assert "Earlier plans" in page and "Weekly visits at the foster home." in page
    # The earlier plan's actions are shown without buttons to change them.
    assert page.count("Mark done<") == 1


def test_a_new_plan_without_carry_over_starts_with_no_actions(
    young_person, plan, practitioner, sign_in
):
    PlanActionFactory(plan=plan)

    sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/new/",
        {"summary": "Fresh start", "review_on": TODAY().isoformat()},
    )

    assert not SafetyPlan.objects.get(superseded_at__isnull=True).actions.exists()


def test_a_carried_over_owner_who_has_left_the_team_is_kept_by_name(
    young_person, plan, practitioner, make_user, team, other_team, sign_in
):
    leaver = make_user(Role.PRACTITIONER, team=team, first_name="Lee", last_name="Leaver")
    PlanActionFactory(plan=plan, owner=leaver, owner_name="")
    leaver.teams.set([other_team])

    sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/plan/new/",
        {"summary": "Revised", "review_on": TODAY().isoformat(), "carry_over": "on"},
    )

    carried = PlanAction.objects.get(plan__superseded_at__isnull=True)
    assert (carried.owner, carried.owner_name) == (None, "Lee Leaver")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"review_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
            "review_on",
            "The review date must be today or later",
        ),
        ({"review_on": ""}, "review_on", "Enter the review date"),
        ({"summary": "  "}, "summary", "Describe the plan"),
    ],
    ids=["review date in the past", "no review date", "no summary"],
)
def test_a_bad_plan_is_explained_and_the_current_plan_stays(
    young_person, plan, practitioner, sign_in, data, field, message
):
    form = {"summary": "Revised", "review_on": TODAY().isoformat(), **data}

    response = sign_in(practitioner).post(f"/young-people/{young_person.pk}/plan/new/", form)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    _error_summary(response)
    assert list(SafetyPlan.objects.all()) == [plan]
    plan.refresh_from_db()
    assert plan.superseded_at is None
    assert not _alterations(young_person).exists()


# The contact log -------------------------------------------------------------------------------


def test_the_contact_log_lists_contacts_newest_first_with_what_was_recorded(
    young_person, practitioner, sign_in
):
    now = timezone.now()
    ContactFactory(
        young_person=young_person,
        happened_at=now - timedelta(days=10),
        kind=ContactKind.PHONE,
        notes="Older call",
    )
    ContactFactory(
        young_person=young_person,
        happened_at=now - timedelta(days=1),
        kind=ContactKind.VISIT,
        worker=practitioner,
        with_whom="Foster carer",
        notes="Newest visit",
    )

    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/contacts/")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Newest visit") < body.index("Older call")
    assert "Face-to-face visit" in body and "Phone call" in body
    assert "Priya Shah" in body and "Foster carer" in body
    entry = AuditEntry.objects.filter(action=Action.CONSULTATION).last()
    assert (entry.user, entry.summary) == (practitioner, "Viewed contact log")


def test_the_contact_log_pages_after_fifty_contacts(young_person, practitioner, sign_in):
    for day in range(51):
        ContactFactory(young_person=young_person, happened_at=timezone.now() - timedelta(days=day))
    client = sign_in(practitioner)

    first = client.get(f"/young-people/{young_person.pk}/contacts/").content.decode()
    second = client.get(f"/young-people/{young_person.pk}/contacts/?page=2").content.decode()

    assert "1 to 50 of 51" in first and 'rel="next"' in first
    assert "51 to 51 of 51" in second and 'rel="prev"' in second


def test_a_contact_is_logged_with_encrypted_notes_and_audited(young_person, practitioner, sign_in):
    when = timezone.localtime() - timedelta(hours=2)

    response = sign_in(practitioner).post(
        f"/young-people/{young_person.pk}/contacts/new/",
        {
            "happened_at": when.strftime("%Y-%m-%dT%H:%M"),
            "kind": "visit",
            "with_whom": " Foster carer ",
            "notes": "Said she was collected by a taxi after school.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/young-people/{young_person.pk}/contacts/"
    contact = Contact.objects.get()
    assert (contact.kind, contact.worker, contact.with_whom) == (
        "visit",
        practitioner,
        "Foster carer",
    )
    assert contact.happened_at == when.replace(second=0, microsecond=0)
    assert "taxi" not in _raw(Contact, "notes", contact.pk)
    entry = _alterations(young_person).get()
    assert (entry.action, entry.summary, entry.detail) == (
        Action.COLLECTION,
        "Logged a contact",
        {"contact": contact.pk},
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"happened_at": (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")},
            "happened_at",
            "The contact must be now or in the past",
        ),
        ({"happened_at": ""}, "happened_at", "Enter the date and time of the contact"),
        ({"kind": "carrier_pigeon"}, "kind", "Choose the kind of contact from the list"),
        ({"kind": ""}, "kind", "Choose the kind of contact"),
    ],
    ids=["in the future", "no date", "unknown kind", "no kind"],
)
def test_a_bad_contact_is_explained_and_nothing_is_saved(
    young_person, practitioner, sign_in, data, field, message
):
    form = {
        "happened_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "kind": "phone",
        "notes": "Synthetic",
        **data,
    }

    response = sign_in(practitioner).post(f"/young-people/{young_person.pk}/contacts/new/", form)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    _error_summary(response)
    assert not Contact.objects.exists()
    assert not _alterations(young_person).exists()


def test_the_contact_form_starts_at_the_current_time(young_person, practitioner, sign_in):
    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/contacts/new/")

    now = timezone.localtime()
    assert f'value="{now:%Y-%m-%dT}' in response.content.decode()


# Who may see and change plans and contacts --------------------------------------------------------


def _endpoints(young_person, action):
    base = f"/young-people/{young_person.pk}"
    due = TODAY().isoformat()
    then = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    # The status change comes before the new plan that would replace the action's plan.
    return [
        ("get", f"{base}/plan/", None),
        ("post", f"{base}/plan/actions/{action.pk}/status/", {"status": "cancelled"}),
        ("get", f"{base}/plan/new/", None),
        ("post", f"{base}/plan/new/", {"summary": "Taken over", "review_on": due}),
        ("get", f"{base}/plan/actions/new/", None),
        (
            "post",
            f"{base}/plan/actions/new/",
            {"description": "Injected", "owner_name": "Someone", "due_on": due},
        ),
        ("get", f"{base}/contacts/", None),
        ("get", f"{base}/contacts/new/", None),
        ("post", f"{base}/contacts/new/", {"happened_at": then, "kind": "visit"}),
    ]


def _state(young_person):
    return (
        list(SafetyPlan.objects.values_list("pk", "superseded_at")),
        list(PlanAction.objects.values_list("pk", "status")),
        Contact.objects.count(),
        _alterations(young_person).count(),
    )


def _consulted(young_person, user):
    return AuditEntry.objects.filter(
        action=Action.CONSULTATION, user=user, record_ids__icontains=f'"{young_person.pk}"'
    ).exists()


@pytest.fixture
def case_with_action(young_person, plan):
    return young_person, PlanActionFactory(plan=plan)


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(case_with_action, client):
    young_person, action = case_with_action
    before = _state(young_person)

    for method, url, data in _endpoints(young_person, action):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/?next="), url

    assert _state(young_person) == before


def test_another_teams_practitioner_sees_only_the_stub_and_nothing_changes(
    case_with_action, make_user, other_team, sign_in
):
    young_person, action = case_with_action
    outsider = make_user(Role.PRACTITIONER, team=other_team)
    client = sign_in(outsider)
    before = _state(young_person)

    for method, url, data in _endpoints(young_person, action):
        response = getattr(client, method)(url, data or {})
        body = response.content.decode()
        assert response.status_code == 403, url
        assert "Restricted record" in body and young_person.reference in body, url
        assert "Jade" not in body and "foster home" not in body and "Synthetic action" not in body

    assert _state(young_person) == before
    assert not _consulted(young_person, outsider)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_same_team_administrators_and_auditors_are_refused_and_nothing_changes(
    case_with_action, make_user, team, sign_in, role
):
    young_person, action = case_with_action
    user = make_user(role, team=team)
    client = sign_in(user)
    before = _state(young_person)

    for method, url, data in _endpoints(young_person, action):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 403, url
        assert "Jade" not in response.content.decode(), url

    assert _state(young_person) == before
    assert not _consulted(young_person, user)


def test_the_holding_teams_practitioner_may_do_everything(case_with_action, practitioner, sign_in):
    young_person, action = case_with_action
    client = sign_in(practitioner)

    statuses = [
        getattr(client, method)(url, data or {}).status_code
        for method, url, data in _endpoints(young_person, action)
    ]

    assert statuses == [200, 302, 200, 302, 200, 302, 200, 200, 302]
    assert Contact.objects.count() == 1
    assert PlanAction.objects.get(pk=action.pk).status == ActionStatus.CANCELLED


def test_a_team_the_record_is_shared_with_may_read_the_plan_and_contacts(
    case_with_action, make_user, other_team, sign_in
):
    young_person, _ = case_with_action
    share_with_team(young_person, other_team, LawfulBasis.CONSENT)
    partner = make_user(Role.PRACTITIONER, team=other_team)
    client = sign_in(partner)

    plan_page = client.get(f"/young-people/{young_person.pk}/plan/")
    contacts_page = client.get(f"/young-people/{young_person.pk}/contacts/")

    assert (plan_page.status_code, contacts_page.status_code) == (200, 200)
    assert "Weekly visits at the foster home." in plan_page.content.decode()


def test_a_missing_case_is_not_found(practitioner, sign_in):
    assert sign_in(practitioner).get("/young-people/999999/plan/").status_code == 404
