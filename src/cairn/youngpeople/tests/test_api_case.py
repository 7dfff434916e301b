"""The case-work API: the authorization matrix on every endpoint, stale edits, bad input with
nothing saved, audited reads, and the OpenAPI document listing it all."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import LawfulBasis
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople import services
from cairn.youngpeople.models import (
    Alias,
    Contact,
    MissingEpisode,
    Referral,
    RiskAssessment,
    SafetyPlan,
    YoungPerson,
)
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/young-people"


@pytest.fixture
def practitioner(team, make_user):
    return make_user(Role.PRACTITIONER, team=team)


def _young_person(team, given_name: str, family_name: str = "Testchild") -> YoungPerson:
    # Through the service, so the phonetic name keys the searches use are made.
    return services.young_person_create(
        actor=Actor.system(),
        holding_team=team,
        synthetic=True,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date(2011, 5, 17),
    )


@pytest.fixture
def ellie(team):
    return _young_person(team, "Ellie")


@pytest.fixture
def episode(ellie, practitioner) -> MissingEpisode:
    now = timezone.now()
    return services.missing_episode_create(
        actor=Actor(user=practitioner),
        young_person=ellie,
        started_at=now - timedelta(days=2),
        ended_at=now - timedelta(days=1),
        reported_by="Carer",
    )


def _writes() -> tuple[int, ...]:
    return (
        Alias.objects.count(),
        RiskAssessment.objects.count(),
        MissingEpisode.objects.count(),
        SafetyPlan.objects.count(),
        Contact.objects.count(),
        Referral.objects.count(),
        AuditEntry.objects.exclude(action=Action.CONSULTATION).count(),
    )


def _assessment() -> dict[str, object]:
    return {"assessed_on": date.today().isoformat(), "answers": {"going_missing": "current"}}


def _episode() -> dict[str, object]:
    return {"started_at": (timezone.now() - timedelta(hours=5)).isoformat(), "reported_by": "Mum"}


def _plan() -> dict[str, object]:
    review_on = (date.today() + timedelta(days=20)).isoformat()
    return {
        "summary": "Safe at weekends",
        "review_on": review_on,
        "actions": [{"description": "Visit", "due_on": review_on, "owner_name": "Gran"}],
    }


def _contact() -> dict[str, object]:
    return {"happened_at": timezone.now().isoformat(), "kind": "visit", "notes": "Fine"}


READS = [
    "{pk}/placements",
    "{pk}/key-contacts",
    "{pk}/assessments",
    "{pk}/missing-episodes",
    "{pk}/co-missing",
    "{pk}/plans",
    "{pk}/contacts",
    "{pk}/chronology",
]
WRITES = [
    ("{pk}/aliases", {"name": "Elle"}),
    ("{pk}/assessments", _assessment()),
    ("{pk}/missing-episodes", _episode()),
    ("{pk}/plans", _plan()),
    ("{pk}/contacts", _contact()),
    ("{pk}/close", {"reason": "risk_reduced"}),
]


# The authorization matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("path", READS)
def test_anonymous_reads_are_refused_with_401(ellie, path):
    response = Client().get(f"{API}/{path.format(pk=ellie.pk)}")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("path", "payload"), WRITES)
def test_anonymous_writes_are_refused_with_401_and_nothing_changes(ellie, path, payload):
    before = _writes()

    response = Client().post(
        f"{API}/{path.format(pk=ellie.pk)}", payload, content_type="application/json"
    )

    assert response.status_code == 401
    assert _writes() == before


@pytest.mark.parametrize("path", READS)
def test_another_teams_practitioner_gets_a_restricted_problem_and_no_content(
    other_team, make_user, ellie, sign_in, path
):
    outsider = make_user(Role.PRACTITIONER, team=other_team)

    response = sign_in(outsider).get(f"{API}/{path.format(pk=ellie.pk)}")

    assert response.status_code == 403
    body = response.json()
    assert (body["title"], body["reference"]) == ("Restricted record", ellie.reference)
    assert "Ellie" not in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.CONSULTATION, user=outsider).exists()


@pytest.mark.parametrize(("path", "payload"), WRITES)
def test_another_teams_practitioner_cannot_write_and_nothing_changes(
    other_team, make_user, ellie, sign_in, path, payload
):
    client = sign_in(make_user(Role.PRACTITIONER, team=other_team))
    before = _writes()

    response = client.post(
        f"{API}/{path.format(pk=ellie.pk)}", payload, content_type="application/json"
    )

    assert response.status_code == 403
    assert _writes() == before
    ellie.refresh_from_db()
    assert ellie.is_open


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
@pytest.mark.parametrize("path", [*READS, "caseload", "team", "referrals", "risk-tool"])
def test_roles_without_casework_are_refused(team, make_user, ellie, sign_in, role, path):
    user = make_user(role, team=team)

    response = sign_in(user).get(f"{API}/{path.format(pk=ellie.pk)}")

    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not give access to person records."
    assert not AuditEntry.objects.filter(action=Action.CONSULTATION, user=user).exists()


@pytest.mark.parametrize("path", READS)
def test_the_holding_teams_practitioner_reads_and_it_is_audited(
    practitioner, ellie, episode, sign_in, path
):
    response = sign_in(practitioner).get(f"{API}/{path.format(pk=ellie.pk)}")

    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action=Action.CONSULTATION, user=practitioner).latest("id")
    assert (entry.channel, entry.record_ids) == ("api", [str(ellie.pk)])


@pytest.mark.parametrize(("path", "payload"), WRITES)
def test_the_holding_teams_practitioner_writes(practitioner, ellie, sign_in, path, payload):
    response = sign_in(practitioner).post(
        f"{API}/{path.format(pk=ellie.pk)}", payload, content_type="application/json"
    )

    assert response.status_code in (200, 201), response.content
    entry = AuditEntry.objects.exclude(action=Action.CONSULTATION).latest("id")
    assert (entry.user, entry.channel) == (practitioner, "api")


# The record -----------------------------------------------------------------------------------


def test_the_record_shows_the_extended_fields(practitioner, ellie, sign_in):
    services.alias_add(actor=Actor(user=practitioner), young_person=ellie, name="Elle")
    client = sign_in(practitioner)

    changed = client.patch(
        f"{API}/{ellie.pk}",
        {
            "version": 1,
            "phone": "07700 900123",
            "area": "NM6",
            "looked_after": "s31",
            "languages": "English, Polish",
            "learning_disability": True,
        },
        content_type="application/json",
    )
    record = client.get(f"{API}/{ellie.pk}").json()

    assert changed.status_code == 200
    assert (record["phone"], record["area"], record["looked_after"]) == (
        "+447700900123",
        "NM6",
        "s31",
    )
    assert (record["languages"], record["learning_disability"]) == ("English, Polish", True)
    assert [alias["name"] for alias in record["aliases"]] == ["Elle"]


def test_an_alias_is_added_and_removed(practitioner, ellie, sign_in):
    client = sign_in(practitioner)

    added = client.post(
        f"{API}/{ellie.pk}/aliases", {"name": "Ells", "kind": "nickname"}, "application/json"
    )
    removed = client.delete(f"{API}/{ellie.pk}/aliases/{added.json()['id']}")

    assert (added.status_code, removed.status_code) == (201, 204)
    assert not ellie.aliases.exists()


def test_allocation_closure_and_reopening(practitioner, ellie, sign_in):
    client = sign_in(practitioner)

    allocated = client.post(
        f"{API}/{ellie.pk}/allocate", {"key_worker_id": practitioner.pk}, "application/json"
    )
    caseload = client.get(f"{API}/caseload").json()
    closed = client.post(f"{API}/{ellie.pk}/close", {"reason": "moved_away"}, "application/json")
    reopened = client.post(f"{API}/{ellie.pk}/reopen", {"note": "Back"}, "application/json")

    assert allocated.json()["key_worker"] == practitioner.display_name
    assert [person["id"] for person in caseload] == [ellie.pk]
    assert closed.json()["status"] == "closed"
    assert reopened.json()["status"] == "open"


def test_reopening_needs_a_note_and_changes_nothing(practitioner, ellie, sign_in):
    services.young_person_close(
        actor=Actor(user=practitioner), young_person=ellie, reason="moved_away"
    )

    response = sign_in(practitioner).post(
        f"{API}/{ellie.pk}/reopen", {"note": " "}, "application/json"
    )

    assert response.status_code == 400
    assert "Explain why the case is reopening" in response.json()["detail"]
    ellie.refresh_from_db()
    assert not ellie.is_open


def test_search_finds_a_name_spelt_differently(practitioner, team, sign_in):
    _young_person(team, "Kayleigh", "Smith")

    response = sign_in(practitioner).get(f"{API}/search", {"name": "Kaylee"})

    assert [person["given_name"] for person in response.json()] == ["Kayleigh"]


# Referrals ------------------------------------------------------------------------------------


def _referral(team, **extra: object) -> dict[str, object]:
    return {
        "receiving_team_id": team.pk,
        "referrer_name": "Pat Teacher",
        "referrer_organisation": "Synthetic School",
        "referrer_contact": "01632 960000",
        "given_name": "Ellie",
        "family_name": "Testchild",
        "date_of_birth": "2011-05-17",
        "reason": "Older boyfriend",
        "urgency": "urgent",
        "consent": "given",
        "lawful_basis": LawfulBasis.SAFEGUARDING.value,
        **extra,
    }


def test_a_referral_shows_possible_duplicates_without_content_the_referrer_may_not_see(
    other_team, make_user, team, ellie, sign_in
):
    referrer = make_user(Role.PRACTITIONER, team=other_team)

    response = sign_in(referrer).post(f"{API}/referrals", _referral(team), "application/json")

    assert response.status_code == 201
    [match] = response.json()["possible_duplicates"]
    assert (match["reference"], match["held_by"], match["visible"]) == (
        ellie.reference,
        str(team),
        False,
    )
    assert match["young_person"] is None


def test_the_duplicate_check_shows_content_only_for_visible_records(practitioner, ellie, sign_in):
    response = sign_in(practitioner).get(
        f"{API}/referrals/duplicates",
        {"given_name": "Elly", "family_name": "Testchild", "date_of_birth": "2011-05-17"},
    )

    [match] = response.json()
    assert match["visible"] is True
    assert match["young_person"]["given_name"] == "Ellie"


def test_the_receiving_team_lists_opens_and_screens_a_referral(practitioner, team, sign_in):
    client = sign_in(practitioner)
    created = client.post(f"{API}/referrals", _referral(team, given_name="Ria"), "application/json")
    pk = created.json()["referral"]["id"]

    waiting = client.get(f"{API}/referrals").json()
    opened = client.get(f"{API}/referrals/{pk}").json()
    screened = client.post(
        f"{API}/referrals/{pk}/screen",
        {"decision": "accepted", "reason": "Meets threshold"},
        "application/json",
    )

    assert [referral["id"] for referral in waiting] == [pk]
    assert opened["reason"] == "Older boyfriend"
    assert screened.json()["status"] == "accepted"
    assert YoungPerson.objects.filter(given_name="Ria").exists()


def test_screening_twice_is_refused(practitioner, team, sign_in):
    client = sign_in(practitioner)
    pk = client.post(f"{API}/referrals", _referral(team), "application/json").json()["referral"][
        "id"
    ]
    decision = {"decision": "nfa", "reason": "Elsewhere"}
    client.post(f"{API}/referrals/{pk}/screen", decision, "application/json")

    again = client.post(f"{API}/referrals/{pk}/screen", decision, "application/json")

    assert again.status_code == 400
    assert "already been screened" in again.json()["detail"]


# Risk -----------------------------------------------------------------------------------------


def test_the_risk_tool_in_use_is_listed_with_indicators_bands_and_rules(practitioner, sign_in):
    tool = sign_in(practitioner).get(f"{API}/risk-tool").json()

    assert tool["version"] == 1
    assert [band["min_score"] for band in tool["bands"]] == [0, 6, 11, 16]
    assert {"going_missing", "low_self_esteem"} <= {item["code"] for item in tool["indicators"]}
    assert {rule["kind"] for rule in tool["rules"]} >= {"significant_indicator_at_or_under_age"}


def test_an_assessment_is_scored_and_an_override_keeps_both_bands(practitioner, ellie, sign_in):
    response = sign_in(practitioner).post(
        f"{API}/{ellie.pk}/assessments",
        {
            "assessed_on": date.today().isoformat(),
            "answers": {"staying_out_late": "present"},
            "override_band": "moderate",
            "override_rationale": "Seen with older men last week",
        },
        "application/json",
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["score"], body["computed_band"], body["band"]) == (1, "not_at_risk", "moderate")
    assert body["answers"][0]["code"] == "staying_out_late"


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"answers": {"made_up": "present"}}, 400, "Unknown indicator"),
        ({"override_band": "significant"}, 400, "Explain why your judgement differs"),
        ({"answers": {"going_missing": "sometimes"}}, 422, "answers"),
        ({"assessed_on": "not a date"}, 422, "assessed_on"),
    ],
    ids=["unknown indicator", "override without rationale", "bad timing", "bad date"],
)
def test_bad_assessments_are_refused_and_nothing_is_saved(
    practitioner, ellie, sign_in, payload, status, message
):
    client = sign_in(practitioner)
    before = _writes()

    response = client.post(
        f"{API}/{ellie.pk}/assessments", {**_assessment(), **payload}, "application/json"
    )

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert message in str(response.json())
    assert _writes() == before


# Missing episodes -----------------------------------------------------------------------------


def test_a_stale_episode_update_is_refused_with_409(practitioner, ellie, episode, sign_in):
    services.missing_episode_update(
        actor=Actor(user=practitioner), episode=episode, expected_version=1, where_found="Park"
    )

    response = sign_in(practitioner).patch(
        f"{API}/{ellie.pk}/missing-episodes/{episode.pk}",
        {"version": 1, "where_found": "Station"},
        "application/json",
    )

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    episode.refresh_from_db()
    assert (episode.where_found, episode.version) == ("Park", 2)


def test_an_episode_ending_before_it_started_is_refused(practitioner, ellie, episode, sign_in):
    response = sign_in(practitioner).patch(
        f"{API}/{ellie.pk}/missing-episodes/{episode.pk}",
        {"version": 1, "ended_at": (episode.started_at - timedelta(hours=1)).isoformat()},
        "application/json",
    )

    assert response.status_code == 400
    assert "The return must be after the start" in response.json()["detail"]
    episode.refresh_from_db()
    assert episode.version == 1


def test_the_return_home_interview_is_recorded(practitioner, ellie, episode, sign_in):
    offered = episode.ended_at + timedelta(hours=2)

    response = sign_in(practitioner).post(
        f"{API}/{ellie.pk}/missing-episodes/{episode.pk}/return-interview",
        {"status": "declined", "offered_at": offered.isoformat(), "version": 1},
        "application/json",
    )

    assert response.status_code == 200
    assert response.json()["interview_status"] == "declined"


def test_co_missing_shows_only_children_the_user_may_see(
    practitioner, team, other_team, ellie, episode, sign_in
):
    actor = Actor.system()
    for holder, name in ((team, "Visible"), (other_team, "Hidden")):
        child = YoungPersonFactory(holding_team=holder, given_name=name)
        services.missing_episode_create(
            actor=actor,
            young_person=child,
            started_at=episode.started_at,
            ended_at=episode.ended_at,
            reported_by="Carer",
        )

    response = sign_in(practitioner).get(f"{API}/{ellie.pk}/co-missing")

    assert [item["other_name"].split()[0] for item in response.json()] == ["Visible"]
    assert "Hidden" not in response.content.decode()


# Plans, contacts, chronology ------------------------------------------------------------------


def test_a_plan_action_is_marked_done_and_shows_on_the_chronology(practitioner, ellie, sign_in):
    client = sign_in(practitioner)
    plan = client.post(f"{API}/{ellie.pk}/plans", _plan(), "application/json").json()

    done = client.post(
        f"{API}/{ellie.pk}/actions/{plan['actions'][0]['id']}/status",
        {"status": "done"},
        "application/json",
    )
    events = client.get(f"{API}/{ellie.pk}/chronology", {"kind": "plan"}).json()

    assert done.json()["status"] == "done"
    assert {event["kind"] for event in events} == {"plan"}
    assert any(event["title"] == "Plan action done" for event in events)


def test_the_chronology_refuses_an_unknown_kind(practitioner, ellie, sign_in):
    response = sign_in(practitioner).get(f"{API}/{ellie.pk}/chronology", {"kind": "gossip"})

    assert response.status_code == 400
    assert "Unknown kind gossip" in response.json()["detail"]


def test_a_contact_in_the_future_is_refused_and_not_saved(practitioner, ellie, sign_in):
    future = (timezone.now() + timedelta(days=1)).isoformat()

    response = sign_in(practitioner).post(
        f"{API}/{ellie.pk}/contacts", {**_contact(), "happened_at": future}, "application/json"
    )

    assert response.status_code == 400
    assert not Contact.objects.exists()


# The OpenAPI document -------------------------------------------------------------------------


def test_the_openapi_document_lists_every_case_endpoint_with_schemas():
    document = Client().get("/api/v1/openapi.json").json()

    expected = {
        f"{API}/caseload": {"get"},
        f"{API}/team": {"get"},
        f"{API}/search": {"get"},
        f"{API}/{{pk}}/aliases": {"post"},
        f"{API}/{{pk}}/aliases/{{alias_pk}}": {"delete"},
        f"{API}/{{pk}}/placements": {"get", "post"},
        f"{API}/{{pk}}/key-contacts": {"get", "post"},
        f"{API}/{{pk}}/allocate": {"post"},
        f"{API}/{{pk}}/close": {"post"},
        f"{API}/{{pk}}/reopen": {"post"},
        f"{API}/referrals": {"get", "post"},
        f"{API}/referrals/duplicates": {"get"},
        f"{API}/referrals/{{pk}}": {"get"},
        f"{API}/referrals/{{pk}}/screen": {"post"},
        f"{API}/risk-tool": {"get"},
        f"{API}/{{pk}}/assessments": {"get", "post"},
        f"{API}/{{pk}}/assessments/{{assessment_pk}}": {"get"},
        f"{API}/{{pk}}/missing-episodes": {"get", "post"},
        f"{API}/{{pk}}/missing-episodes/{{episode_pk}}": {"get", "patch"},
        f"{API}/{{pk}}/missing-episodes/{{episode_pk}}/return-interview": {"post"},
        f"{API}/{{pk}}/co-missing": {"get"},
        f"{API}/{{pk}}/plans": {"get", "post"},
        f"{API}/{{pk}}/plans/{{plan_pk}}/actions": {"post"},
        f"{API}/{{pk}}/actions/{{action_pk}}/status": {"post"},
        f"{API}/{{pk}}/contacts": {"get", "post"},
        f"{API}/{{pk}}/chronology": {"get"},
        f"{API}/{{pk}}/export": {"get"},
    }
    paths = document["paths"]
    assert {path: set(paths.get(path, {})) for path in expected} == expected
    schemas = document["components"]["schemas"]
    assert {"AssessmentIn", "AssessmentDetailOut", "EpisodePatch", "ReferralIn"} <= set(schemas)
