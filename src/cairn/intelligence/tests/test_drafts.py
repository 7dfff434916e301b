"""A report drafted from a missing episode: where the young person was found and who with."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.access.tests.factories import TeamFactory
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence.drafts import names_in
from cairn.intelligence.models import IntelligenceReport
from cairn.youngpeople.models import MissingEpisode
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import MissingEpisodeFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


@pytest.fixture
def episode(team: Team) -> MissingEpisode:
    young_person = YoungPersonFactory(holding_team=team)
    return MissingEpisodeFactory(
        young_person=young_person, where_found="Grill House", found_with="Tiger and Smokey"
    )


def draft_url(episode: MissingEpisode) -> str:
    return f"{reverse('intelligence:create')}?missing_episode={episode.pk}"


@pytest.mark.parametrize(
    ("found_with", "names"),
    [
        ("Tiger and Smokey", ["Tiger", "Smokey"]),
        ("Dee, Jay; an older man / Kay & Lee", ["Dee", "Jay", "an older man", "Kay", "Lee"]),
        ("", []),
        ("Andy Anderson", ["Andy Anderson"]),
    ],
)
def test_each_name_the_episode_gives_becomes_a_person_row(
    found_with: str, names: list[str]
) -> None:
    assert names_in(found_with) == names


def test_the_episode_page_offers_to_share_where_they_were_found_as_intelligence(
    episode: MissingEpisode, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.PRACTITIONER, team=team))
    page = reverse("youngpeople:missing-detail", args=[episode.young_person_id, episode.pk])

    assert draft_url(episode) in client.get(page).content.decode()


def test_the_report_form_opens_filled_in_from_the_episode_and_saves_nothing(
    episode: MissingEpisode, make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    worker = make_user(Role.PRACTITIONER, team=team)

    page = sign_in(worker).get(draft_url(episode)).content.decode()

    assert episode.young_person.reference in page
    assert 'value="Tiger"' in page and 'value="Smokey"' in page
    assert 'value="Grill House"' in page
    assert "was found at Grill House with Tiger and Smokey" in page
    assert not IntelligenceReport.objects.exists()
    assert AuditEntry.objects.filter(
        user=worker, action=Action.CONSULTATION, summary__startswith="Drafted"
    ).exists()


def test_someone_who_may_not_see_the_young_person_gets_no_draft(
    episode: MissingEpisode, make_user: Callable[..., User], sign_in: SignIn
) -> None:
    stranger = make_user(Role.PRACTITIONER, team=TeamFactory())

    response = sign_in(stranger).get(draft_url(episode))

    assert response.status_code == 403
    assert "Tiger" not in response.content.decode()


def test_an_unknown_episode_is_not_found(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.PRACTITIONER, team=team))

    assert client.get(f"{reverse('intelligence:create')}?missing_episode=999").status_code == 404
    assert client.get(f"{reverse('intelligence:create')}?missing_episode=x").status_code == 404
