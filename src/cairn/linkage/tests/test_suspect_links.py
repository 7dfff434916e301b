"""Investigation suspects resolved to person entities: by a re-link, and when added."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pytest

from cairn.access.actor import Actor
from cairn.access.models import Team
from cairn.investigations.tests.factories import SuspectFactory
from cairn.linkage import engine, services
from cairn.linkage.models import LinkageModel, MentionLink, PersonEntity
from cairn.linkage.services import scoring
from cairn.linkage.tests.factories import EXPLANATION, mention_ids, person_mention

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


def _scores(monkeypatch: pytest.MonkeyPatch, probability: float) -> None:
    """The two Dean Carter mentions are one person; any suspect scores `probability` against
    the first of them."""

    def scored(rows: pa.Table, **backend: str) -> services.Scores:
        ids = sorted(int(i) for i in mention_ids(rows) if int(i) > 0)
        return services.Scores([services.Pair(ids[0], ids[1], 0.99, list(EXPLANATION))])

    def new_pairs(
        existing: Sequence[engine.PersonMention], new: Sequence[engine.PersonMention]
    ) -> list[services.Pair]:
        first = min(int(row.mention_id) for row in existing)
        return [
            services.Pair(int(row.mention_id), first, probability, list(EXPLANATION)) for row in new
        ]

    monkeypatch.setattr(scoring, "score_pairs", scored)
    monkeypatch.setattr(scoring, "score_new", new_pairs)


@pytest.fixture
def dean(team: Team) -> list[int]:
    return [
        person_mention(team, "d1", "Dean Carter", sex="male").pk,
        person_mention(team, "d2", "Dean Carter", sex="male").pk,
    ]


def _entity(mention_id: int) -> PersonEntity:
    return MentionLink.objects.exclude(status="proposed").get(mention_id=mention_id).entity


def test_a_re_link_resolves_a_suspect_to_the_person_the_reports_name(dean, monkeypatch):
    suspect = SuspectFactory(name_as_recorded="Dean Carter")
    _scores(monkeypatch, 0.95)
    summary = services.link_run(actor=SYSTEM)
    suspect.refresh_from_db()
    assert suspect.person == _entity(dean[0])
    assert summary.suspects_linked == 1


def test_a_suspect_scoring_below_the_upper_threshold_is_left_for_the_user_to_pick(
    dean, monkeypatch
):
    suspect = SuspectFactory(name_as_recorded="Dean Carter")
    _scores(monkeypatch, 0.6)
    services.link_run(actor=SYSTEM)
    suspect.refresh_from_db()
    assert suspect.person is None


def test_a_re_link_keeps_the_person_a_user_chose_for_a_suspect(dean, team, monkeypatch):
    other = person_mention(team, "o1", "Dean Cartwright", sex="male")
    _scores(monkeypatch, 0.95)
    services.link_run(actor=SYSTEM)
    chosen = _entity(other.pk)
    suspect = SuspectFactory(name_as_recorded="Dean Carter", person=chosen)
    services.link_run(actor=SYSTEM)
    suspect.refresh_from_db()
    assert suspect.person == chosen


def test_a_suspect_just_added_is_linked_at_once_with_the_kept_model(dean, monkeypatch):
    _scores(monkeypatch, 0.95)
    services.link_run(actor=SYSTEM)
    LinkageModel.objects.create(settings={}, mentions=2)
    suspect = SuspectFactory(name_as_recorded="Dean Carter")
    assert services.suspect_resolve(suspect) == _entity(dean[0])
    suspect.refresh_from_db()
    assert suspect.person == _entity(dean[0])


def test_a_suspect_added_on_an_investigation_is_linked_in_the_same_save_and_audited_so(
    dean, monkeypatch
):
    from cairn.audit.models import AuditEntry
    from cairn.investigations.services import suspect_add
    from cairn.investigations.tests.factories import InvestigationFactory

    _scores(monkeypatch, 0.95)
    services.link_run(actor=SYSTEM)
    LinkageModel.objects.create(settings={}, mentions=2)
    investigation = InvestigationFactory()

    suspect = suspect_add(SYSTEM, investigation=investigation, name_as_recorded="Dean Carter")

    suspect.refresh_from_db()
    assert suspect.person == _entity(dean[0])
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.detail["person"], entry.detail["resolved_by"]) == (
        "combination",
        suspect.person_id,
        "linkage",
    )


def test_a_suspect_is_not_linked_before_any_re_link_has_kept_a_model(dean, monkeypatch):
    _scores(monkeypatch, 0.95)
    suspect = SuspectFactory(name_as_recorded="Dean Carter")
    assert services.suspect_resolve(suspect) is None
    suspect.refresh_from_db()
    assert suspect.person is None


def test_a_suspect_known_only_by_a_street_name_is_compared_by_that_name_alone():
    suspect = SuspectFactory(
        name_as_recorded="Unknown male known as 'Shorty'", estimated_age=24, sex="male"
    )
    row = services.suspect_engine_mention(suspect)
    assert (row.given_name, row.family_name, list(row.nicknames)) == (None, None, ["Shorty"])
    # An estimated age is a guess, compared give or take five years.
    assert (row.age_min, row.age_max, row.sex) == (19, 29, "male")
    assert int(row.mention_id) <= -services.SUSPECT_IDS
