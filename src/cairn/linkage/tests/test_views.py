"""The pages: who may see and decide what, what analysts see, and pinned query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import share_with_team
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence.models import ReportYoungPerson
from cairn.linkage import services
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity, ReviewDecision
from cairn.linkage.tests.factories import person_mention, use_scores
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
SYSTEM = Actor.system()


def _state() -> dict[str, list[dict[str, Any]]]:
    return {
        "entities": list(PersonEntity.objects.order_by("id").values()),
        "links": list(MentionLink.objects.order_by("id").values()),
        "decisions": list(ReviewDecision.objects.order_by("id").values()),
    }


@pytest.fixture
def linked(team: Team, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Tom and Thomas linked (same team); Tommy proposed against Thomas."""
    tom = person_mention(team, "tom", "Tom Smith", nickname="Tiger")
    thomas = person_mention(team, "thomas", "Thomas Smith")
    tommy = person_mention(team, "tommy", "Tommy Smith")
    use_scores(monkeypatch, {("tom", "thomas"): 0.99, ("thomas", "tommy"): 0.7})
    services.link_run(actor=SYSTEM)
    proposal = MentionLink.objects.get(status=LinkStatus.PROPOSED)
    entity = MentionLink.objects.get(mention=tom).entity
    link = MentionLink.objects.get(mention=thomas)
    return {
        "proposal": proposal,
        "entity": entity,
        "link": link,
        "tommy": tommy,
        "tom": tom,
        "thomas": thomas,
    }


def _urls(linked: dict[str, Any]) -> dict[str, str]:
    return {
        "queue": reverse("linkage:queue"),
        "review": reverse("linkage:review", args=[linked["proposal"].pk]),
        "person": reverse("linkage:person", args=[linked["entity"].pk]),
    }


def _consultations(user: User) -> int:
    return AuditEntry.objects.filter(user=user, action=Action.CONSULTATION).count()


def test_anonymous_visitors_are_sent_to_sign_in(linked: dict[str, Any]) -> None:
    before = _state()
    for url in _urls(linked).values():
        assert Client().get(url).status_code == 302
    review = reverse("linkage:review", args=[linked["proposal"].pk])
    assert Client().post(review, {"decision": "accept"}).status_code == 302
    unmerge = reverse("linkage:unmerge", args=[linked["link"].pk])
    assert Client().post(unmerge).status_code == 302
    assert _state() == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_roles_without_casework_are_refused_every_page(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, role: Role, linked: dict[str, Any]
) -> None:
    user = make_user(role, team=team)
    client = sign_in(user)
    before = _state()
    for url in _urls(linked).values():
        assert client.get(url).status_code == 403
    review = reverse("linkage:review", args=[linked["proposal"].pk])
    assert client.post(review, {"decision": "accept"}).status_code == 403
    unmerge = reverse("linkage:unmerge", args=[linked["link"].pk])
    assert client.post(unmerge).status_code == 403
    assert _state() == before
    assert _consultations(user) == 0


def test_another_team_sees_nothing_and_cannot_decide(
    make_user: Callable[..., User], sign_in: SignIn, other_team: Team, linked: dict[str, Any]
) -> None:
    outsider = make_user(Role.ANALYST, team=other_team)
    client = sign_in(outsider)
    before = _state()
    queue = client.get(reverse("linkage:queue"))
    assert queue.status_code == 200
    assert "No pairs you can see are waiting for review." in queue.content.decode()
    assert "Smith" not in queue.content.decode()
    for name in ("review", "person"):
        response = client.get(_urls(linked)[name])
        assert response.status_code == 403
        assert "Smith" not in response.content.decode()
    review = reverse("linkage:review", args=[linked["proposal"].pk])
    assert client.post(review, {"decision": "accept"}).status_code == 403
    unmerge = reverse("linkage:unmerge", args=[linked["link"].pk])
    assert client.post(unmerge).status_code == 403
    assert _state() == before
    assert _consultations(outsider) == 0


def test_the_analyst_sees_the_pair_and_why_the_model_proposed_it(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    analyst = make_user(Role.ANALYST, team=team)
    client = sign_in(analyst)
    queue = client.get(reverse("linkage:queue")).content.decode()
    assert "Thomas Smith" in queue and "Tommy Smith" in queue and "0.70" in queue
    page = client.get(_urls(linked)["review"]).content.decode()
    assert "Given name" in page and "+4.2" in page and "Points to the same person" in page
    assert "Phones" in page and "-1.5" in page and "Points to different people" in page
    assert "Source details" not in page  # source details are never shown here
    assert _consultations(analyst) == 2


def test_accepting_merges_and_the_decision_is_recorded(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    analyst = make_user(Role.ANALYST, team=team)
    response = sign_in(analyst).post(
        _urls(linked)["review"], {"decision": "accept", "reason": "Same tattoo"}
    )
    assert response.status_code == 302
    tommy_link = MentionLink.objects.get(mention=linked["tommy"])
    assert tommy_link.entity == linked["entity"]
    assert tommy_link.status == LinkStatus.ACCEPTED
    decision = ReviewDecision.objects.get()
    assert (decision.decision, decision.reason, decision.decided_by) == (
        "accept",
        "Same tattoo",
        analyst,
    )


def test_rejecting_keeps_them_apart(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    analyst = make_user(Role.ANALYST, team=team)
    response = sign_in(analyst).post(_urls(linked)["review"], {"decision": "reject"})
    assert response.status_code == 302
    assert ReviewDecision.objects.get().decision == "reject"
    assert not MentionLink.objects.filter(status=LinkStatus.PROPOSED).exists()
    assert MentionLink.objects.get(mention=linked["tommy"]).entity != linked["entity"]


def test_a_decision_without_an_answer_is_refused_with_a_message(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    before = _state()
    response = sign_in(make_user(Role.ANALYST, team=team)).post(_urls(linked)["review"], {})
    assert response.status_code == 400
    assert "Answer the question" in response.content.decode()
    assert _state() == before


def test_a_pair_half_shared_shows_restricted_and_cannot_be_decided(
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
    other_team: Team,
    linked: dict[str, Any],
) -> None:
    # Only Tommy's report is shared with the other team.
    share_with_team(linked["tommy"].report, other_team)
    client = sign_in(make_user(Role.ANALYST, team=other_team))
    before = _state()
    page = client.get(_urls(linked)["review"]).content.decode()
    assert "Restricted" in page and "Tommy Smith" in page and "Thomas Smith" not in page
    response = client.post(_urls(linked)["review"], {"decision": "accept"})
    assert response.status_code == 403
    assert _state() == before


def test_the_person_page_shows_mentions_aliases_dates_and_young_people(
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
    other_team: Team,
    linked: dict[str, Any],
) -> None:
    shared = YoungPersonFactory(holding_team=team)
    hidden = YoungPersonFactory(holding_team=other_team, given_name="Hiddenchild")
    for young_person in (shared, hidden):
        ReportYoungPerson.objects.create(report=linked["tom"].report, young_person=young_person)
    page = sign_in(make_user(Role.ANALYST, team=team)).get(_urls(linked)["person"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tom Smith, Tiger, Thomas Smith" in text
    assert "1 March 2026" in text
    assert shared.reference in text and "Hiddenchild" not in text
    assert "Linked automatically" in text and "+4.2" in text
    assert text.count("Unmerge<span") == 2


def test_the_person_page_hides_mentions_from_reports_not_shared(
    make_user: Callable[..., User], sign_in: SignIn, other_team: Team, linked: dict[str, Any]
) -> None:
    share_with_team(linked["tom"].report, other_team)
    page = sign_in(make_user(Role.ANALYST, team=other_team)).get(_urls(linked)["person"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tom Smith" in text and "Thomas Smith" not in text
    assert "1 in reports not shared with your team" in text
    assert text.count("Unmerge<span") == 1


def test_unmerge_splits_the_mention_off(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = client.post(reverse("linkage:unmerge", args=[linked["link"].pk]), {"reason": "No"})
    assert response.status_code == 302
    assert MentionLink.objects.get(pk=linked["link"].pk).entity != linked["entity"]
    assert ReviewDecision.objects.get().decision == "reject"


def test_the_person_page_shows_why_a_mention_was_unmerged(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    analyst = make_user(Role.ANALYST, team=team, first_name="Asha", last_name="Khan")
    client = sign_in(analyst)
    before = client.get(_urls(linked)["person"]).content.decode()
    assert 'for="reason-' in before  # the analyst can give the reason on the page
    assert "No analyst has decided about these links yet." in before
    client.post(
        reverse("linkage:unmerge", args=[linked["link"].pk]),
        {"reason": "Different date of birth on the PNC"},
    )
    page = client.get(_urls(linked)["person"]).content.decode()
    assert "Link history" in page
    assert "Decided: different people" in page
    assert "Different date of birth on the PNC" in page and "Asha Khan" in page


def test_an_undone_merge_shows_both_reasons(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    client.post(_urls(linked)["review"], {"decision": "accept", "reason": "Same tattoo"})
    tommy = MentionLink.objects.exclude(status=LinkStatus.PROPOSED).get(mention=linked["tommy"])
    client.post(reverse("linkage:unmerge", args=[tommy.pk]), {"reason": "Tattoo was a sticker"})
    page = client.get(_urls(linked)["person"]).content.decode()
    assert "Merged as the same person" in page and "Same tattoo" in page
    assert "Merge undone" in page and "Tattoo was a sticker" in page


def test_a_reason_about_a_report_not_shared_is_withheld(
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
    other_team: Team,
    linked: dict[str, Any],
) -> None:
    sign_in(make_user(Role.ANALYST, team=team)).post(
        reverse("linkage:unmerge", args=[linked["link"].pk]), {"reason": "Thomas is his brother"}
    )
    share_with_team(linked["thomas"].report, other_team)
    thomas_entity = MentionLink.objects.get(pk=linked["link"].pk).entity
    page = (
        sign_in(make_user(Role.ANALYST, team=other_team))
        .get(reverse("linkage:person", args=[thomas_entity.pk]))
        .content.decode()
    )
    assert "Decided: different people" in page
    assert "Thomas is his brother" not in page and "Withheld" in page
    assert "Tom Smith" not in page


@pytest.mark.parametrize("pairs", [1, 12])
def test_the_review_queue_makes_a_fixed_number_of_queries(
    pairs: int,
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    scores = {}
    for n in range(pairs):
        person_mention(team, f"a{n}", f"Ann{n} Lee")
        person_mention(team, f"b{n}", f"Anne{n} Lee")
        scores[(f"a{n}", f"b{n}")] = 0.7
    use_scores(monkeypatch, scores)
    services.link_run(actor=SYSTEM)
    client = sign_in(make_user(Role.ANALYST, team=team))
    # One query counts the pairs waiting; PostgreSQL takes the audit chain's advisory lock: one
    # query more.
    with django_assert_max_num_queries(17 if connection.vendor == "postgresql" else 16):
        response = client.get(reverse("linkage:queue"))
    assert response.content.decode().count("Review<span") == pairs


def _pairs_to_review(team: Team, monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    scores = {}
    for n in range(count):
        person_mention(team, f"a{n}", f"Ann{n} Lee")
        person_mention(team, f"b{n}", f"Anne{n} Lee")
        scores[(f"a{n}", f"b{n}")] = 0.6 + n / 100
    use_scores(monkeypatch, scores)
    services.link_run(actor=SYSTEM)


def test_the_queue_says_how_many_pairs_wait_and_pages_through_them(
    make_user: Callable[..., User],
    sign_in: SignIn,
    team: Team,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pairs_to_review(team, monkeypatch, 3)
    monkeypatch.setattr("cairn.linkage.queries.review.QUEUE_LIMIT", 2)
    client = sign_in(make_user(Role.ANALYST, team=team))
    first = client.get(reverse("linkage:queue")).content.decode()
    assert "3 pairs waiting, most likely first: 1 to 2" in first
    assert "Ann2 Lee" in first and "Ann1 Lee" in first and "Ann0 Lee" not in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(reverse("linkage:queue"), {"page": 2}).content.decode()
    assert "3 to 3" in second and "Ann0 Lee" in second and "Ann2 Lee" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_person_page_counts_the_pairs_waiting_for_them_and_the_queue_narrows_to_them(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, linked: dict[str, Any]
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    entity = linked["entity"]
    page = client.get(_urls(linked)["person"]).content.decode()
    assert f'href="/linkage/?person={entity.pk}">1 pair to review</a>' in page
    narrowed = client.get(reverse("linkage:queue"), {"person": entity.pk}).content.decode()
    assert f"Pairs to review for {entity.reference}" in narrowed
    assert "Tommy Smith" in narrowed and "1 pair waiting" in narrowed
    # Tommy's own entity: his mention is the one proposed to join the other.
    tommy = MentionLink.objects.exclude(status=LinkStatus.PROPOSED).get(mention=linked["tommy"])
    assert (
        "Tommy Smith"
        in client.get(reverse("linkage:queue"), {"person": tommy.entity_id}).content.decode()
    )
    nobody = client.get(reverse("linkage:queue"), {"person": 999_999}).content.decode()
    assert "No pairs you can see are waiting for review for PE-999999." in nobody


@pytest.mark.parametrize("person", ["tom", "0", "-3", "1.5", "\u0661", "9" * 30])
def test_a_person_that_is_not_an_entity_number_is_refused_with_a_message(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, person: str
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    response = client.get(reverse("linkage:queue"), {"person": person})
    assert response.status_code == 400
    assert "must be given by the number in their reference" in response.content.decode()
