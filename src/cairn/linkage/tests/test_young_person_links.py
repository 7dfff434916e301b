"""Young people's own records resolved to person entities: linked, shown, undone, respected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.linkage import services
from cairn.linkage.models import MentionLink, YoungPersonLink
from cairn.linkage.services import scoring
from cairn.linkage.tests.factories import EXPLANATION, mention_ids, person_mention
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


@pytest.fixture
def chloe(team: Team, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Two report mentions of Chloe Hart and her own record, which the model scores as her."""
    young_person = YoungPersonFactory(
        holding_team=team, given_name="Chloe", family_name="Hart", gender="female"
    )
    first = person_mention(team, "c1", "Chloe Hart", sex="female")
    second = person_mention(team, "c2", "Chloe Hart", sex="female")

    def scored(rows: pa.Table, **backend: str) -> services.Scores:
        ids = set(mention_ids(rows))
        pairs = [services.Pair(first.pk, second.pk, 0.99, list(EXPLANATION))]
        if str(-young_person.pk) in ids:
            pairs.append(services.Pair(-young_person.pk, first.pk, 0.97, list(EXPLANATION)))
        return services.Scores(pairs)

    monkeypatch.setattr(scoring, "score_pairs", scored)
    services.link_run(actor=SYSTEM)
    entity = MentionLink.objects.get(mention=first).entity
    return {"young_person": young_person, "entity": entity, "first": first}


def test_a_re_link_resolves_a_young_persons_own_record_to_the_person_in_the_reports(chloe):
    link = YoungPersonLink.objects.get(young_person=chloe["young_person"])
    assert link.entity == chloe["entity"]
    assert link.match_probability == 0.97
    assert not MentionLink.objects.filter(mention_id__lt=0).exists()


def test_the_person_page_shows_the_record_only_to_those_who_may_see_it(
    chloe, make_user: Callable[..., User], sign_in: Callable[[User], Client], team, other_team
):
    url = reverse("linkage:person", args=[chloe["entity"].pk])
    worker = make_user(Role.ANALYST, team=team)
    page = sign_in(worker).get(url).content.decode()
    assert chloe["young_person"].reference in page
    assert "Not this person" in page


def test_unlinking_needs_a_reason_and_later_runs_respect_it(
    chloe, make_user: Callable[..., User], sign_in: Callable[[User], Client], team
):
    link = YoungPersonLink.objects.get(young_person=chloe["young_person"])
    client = sign_in(make_user(Role.ANALYST, team=team))
    url = reverse("linkage:young_unlink", args=[link.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Enter why this record is not this person" in refused.content.decode()
    assert YoungPersonLink.objects.filter(rejected=False).count() == 1
    assert client.post(url, {"reason": "Different Chloe: checked with school"}).status_code == 302
    link.refresh_from_db()
    assert link.rejected and link.rejected_mentions
    entry = AuditEntry.objects.filter(action=Action.COMBINATION).latest("id")
    assert entry.detail["reason"] == "Different Chloe: checked with school"
    services.link_run(actor=SYSTEM)
    assert not YoungPersonLink.objects.filter(rejected=False).exists()


def test_another_team_cannot_unlink_a_record_it_may_not_see(
    chloe, make_user: Callable[..., User], sign_in: Callable[[User], Client], other_team
):
    link = YoungPersonLink.objects.get(young_person=chloe["young_person"])
    client = sign_in(make_user(Role.ANALYST, team=other_team))
    response = client.post(reverse("linkage:young_unlink", args=[link.pk]), {"reason": "x" * 30})
    assert response.status_code == 403
    link.refresh_from_db()
    assert not link.rejected


def test_anonymous_visitors_cannot_unlink(chloe):
    link = YoungPersonLink.objects.get(young_person=chloe["young_person"])
    response = Client().post(reverse("linkage:young_unlink", args=[link.pk]), {"reason": "No"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert not link.rejected
