"""Re-linking, thresholds, review decisions, incremental linking and unmerge."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cairn.access.actor import Actor
from cairn.access.permissions import Role
from cairn.access.tests.factories import OrganisationFactory
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence.models import LocationMention, PersonMention, PhoneMention, VehicleMention
from cairn.linkage import engine, services
from cairn.linkage.models import (
    Decision,
    LinkageModel,
    LinkStatus,
    MentionLink,
    PersonEntity,
    ReviewDecision,
)
from cairn.linkage.services import relink, scoring
from cairn.linkage.services.common import mentions_with_context
from cairn.linkage.tests.factories import person_mention, stored_population, use_scores
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


def entity_of(external_id: str) -> int:
    return (
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .get(mention__external_id=external_id)
        .entity_id
    )


def proposal(a: str, b: str) -> MentionLink:
    return MentionLink.objects.get(
        status=LinkStatus.PROPOSED,
        mention__external_id__in=[a, b],
        paired_with__external_id__in=[a, b],
    )


def state() -> dict[str, list[dict[str, Any]]]:
    """Everything the linkage app stores about who is who, for before/after comparisons."""
    return {
        "entities": list(PersonEntity.objects.order_by("id").values()),
        "links": list(MentionLink.objects.order_by("id").values()),
        "decisions": list(ReviewDecision.objects.order_by("id").values()),
    }


@pytest.fixture
def three(team, monkeypatch):
    """Tom and Thomas almost surely one man; Tommy perhaps; Zed a stranger."""
    for external_id, name in [
        ("tom", "Tom Smith"),
        ("thomas", "Thomas Smith"),
        ("tommy", "Tommy Smith"),
        ("zed", "Zed Brown"),
    ]:
        person_mention(team, external_id, name)
    use_scores(
        monkeypatch,
        {("tom", "thomas"): 0.99, ("thomas", "tommy"): 0.7, ("tom", "zed"): 0.2},
    )


def test_above_the_upper_threshold_links_between_proposes_below_does_nothing(three):
    summary = services.link_run(actor=SYSTEM)
    assert entity_of("tom") == entity_of("thomas")
    assert entity_of("tommy") != entity_of("tom")
    assert entity_of("zed") not in {entity_of("tom"), entity_of("tommy")}
    review = proposal("thomas", "tommy")
    assert review.match_probability == 0.7
    assert review.explanation[0]["comparison"] == "given_name"
    assert MentionLink.objects.filter(status=LinkStatus.PROPOSED).count() == 1
    assert (summary.entities, summary.proposed, summary.mentions) == (3, 1, 4)
    link = MentionLink.objects.get(mention__external_id="thomas", status=LinkStatus.AUTOMATIC)
    assert link.match_probability == 0.99
    assert PersonEntity.objects.get(pk=entity_of("tom")).display_name in {
        "Tom Smith",
        "Thomas Smith",
    }


def test_thresholds_come_from_settings(three, settings):
    settings.CAIRN_LINK_UPPER = 0.6
    services.link_run(actor=SYSTEM)
    assert entity_of("tommy") == entity_of("tom") == entity_of("thomas")
    assert not MentionLink.objects.filter(status=LinkStatus.PROPOSED).exists()


def test_the_run_is_audited_as_a_combination_with_its_reasons(three):
    services.link_run(actor=SYSTEM)
    entry = AuditEntry.objects.filter(action=Action.COMBINATION).latest("id")
    assert entry.summary == "Re-linked person mentions"
    assert entry.detail["changes"]["proposed"] == 1
    assert "link at 0.8" in entry.detail["reason"]
    assert len(entry.record_ids) == 4


def test_an_accepted_pair_survives_a_relink(three, make_user, team):
    analyst = make_user(Role.ANALYST, team=team)
    services.link_run(actor=SYSTEM)
    services.review_accept(
        actor=Actor(user=analyst), link=proposal("thomas", "tommy"), reason="Same tattoo"
    )
    assert entity_of("tommy") == entity_of("tom")
    decision = ReviewDecision.objects.get()
    assert (decision.decision, decision.decided_by, decision.reason) == (
        Decision.ACCEPT,
        analyst,
        "Same tattoo",
    )
    services.link_run(actor=SYSTEM)
    assert entity_of("tommy") == entity_of("tom") == entity_of("thomas")
    assert not MentionLink.objects.filter(status=LinkStatus.PROPOSED).exists()
    assert MentionLink.objects.get(mention__external_id="tommy").status == LinkStatus.ACCEPTED


def test_a_rejected_pair_is_never_linked_again_even_when_the_model_is_sure(
    team, make_user, monkeypatch
):
    for external_id, name in [("a", "Ann Lee"), ("b", "Anne Lee"), ("c", "Annie Lee")]:
        person_mention(team, external_id, name)
    use_scores(monkeypatch, {("a", "b"): 0.7, ("a", "c"): 0.99})
    services.link_run(actor=SYSTEM)
    analyst = make_user(Role.ANALYST, team=team)
    services.review_reject(actor=Actor(user=analyst), link=proposal("a", "b"), reason="Twins")
    assert not MentionLink.objects.filter(status=LinkStatus.PROPOSED).exists()
    # The model now scores the pair, and its link through a third mention, as certain.
    use_scores(monkeypatch, {("a", "b"): 0.999, ("a", "c"): 0.99, ("b", "c"): 0.98})
    services.link_run(actor=SYSTEM)
    assert entity_of("a") != entity_of("b")
    assert entity_of("a") == entity_of("c")
    assert not MentionLink.objects.filter(status=LinkStatus.PROPOSED).exists()


def test_unmerge_restores_the_previous_state_exactly(three, make_user, team):
    analyst = make_user(Role.ANALYST, team=team)
    services.link_run(actor=SYSTEM)
    before = state()
    services.review_accept(actor=Actor(user=analyst), link=proposal("thomas", "tommy"))
    assert state() != before
    merged = MentionLink.objects.get(mention__external_id="tommy")
    services.unmerge(actor=Actor(user=analyst), link=merged, reason="Accepted in error")
    assert state() == before
    entry = AuditEntry.objects.filter(action=Action.COMBINATION).latest("id")
    assert entry.summary == "Undid a merge of person mentions"
    assert entry.detail["reason"] == "Accepted in error"


def test_unmerging_an_automatic_link_keeps_the_mention_apart_in_later_runs(three, make_user, team):
    analyst = make_user(Role.ANALYST, team=team)
    services.link_run(actor=SYSTEM)
    link = MentionLink.objects.get(mention__external_id="thomas")
    services.unmerge(actor=Actor(user=analyst), link=link, reason="Different dates of birth")
    assert entity_of("thomas") != entity_of("tom")
    services.link_run(actor=SYSTEM)
    assert entity_of("thomas") != entity_of("tom")
    assert ReviewDecision.objects.get().decision == Decision.REJECT


def test_only_roles_that_change_records_decide(three, make_user, team):
    services.link_run(actor=SYSTEM)
    before = state()
    for role in (Role.AUDITOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.review_accept(
                actor=Actor(user=make_user(role, team=team)), link=proposal("thomas", "tommy")
            )
        with pytest.raises(PermissionDenied):
            services.link_run(actor=Actor(user=make_user(role, team=team)))
    assert state() == before


def test_a_new_mention_matching_nobody_becomes_a_person_of_its_own(three, team):
    services.link_run(actor=SYSTEM)
    report_id = person_mention(team, "nobody", "Nobody Known").report_id
    summary = services.link_report(actor=SYSTEM, report_id=report_id)
    assert summary.entities_created == 1
    entity = PersonEntity.objects.get(pk=entity_of("nobody"))
    assert entity.display_name == "Nobody Known"
    # Linking the report again (after an edit) replaces its links rather than adding more.
    services.link_report(actor=SYSTEM, report_id=report_id)
    assert MentionLink.objects.filter(mention__external_id="nobody").count() == 1
    assert PersonEntity.objects.count() == 4


def test_link_report_joins_a_sure_match_and_proposes_a_possible_one(team, monkeypatch):
    for external_id, name in [("a", "Ann Lee"), ("b", "Bea Lee")]:
        person_mention(team, external_id, name)
    use_scores(monkeypatch, {("a", "new"): 0.97, ("b", "new"): 0.6})
    services.link_run(actor=SYSTEM)
    new = person_mention(team, "new", "Ann Lee")
    summary = services.link_report(actor=SYSTEM, report_id=new.report_id)
    assert entity_of("new") == entity_of("a")
    assert proposal("b", "new").entity_id == entity_of("b")
    assert (summary.mentions_moved, summary.proposed) == (1, 1)


def test_built_mentions_carry_only_allowed_fields(team):
    mention = person_mention(
        team,
        "x",
        "Tiger Jones",
        nickname="Tiger",
        sex="male",
        age_min=30,
        age_max=39,
        description="Tall, scar on left cheek",
    )
    PhoneMention.objects.create(
        report=mention.report,
        number_as_written="07700 900123",
        e164="+447700900123",
        person=mention,
    )
    (built,) = [services.engine_mention(m) for m in mentions_with_context()]
    allowed = {
        "mention_id",
        "given_name",
        "family_name",
        "nicknames",
        "date_of_birth",
        "age_min",
        "age_max",
        "age_observed_on",
        "sex",
        "descriptors",
        "phones",
        "postcodes",
        "addresses",
        "vehicles",
        "associates",
        "places",
        "area",
        "record",
        "context",
        "extra",
    }
    assert {f.name for f in dataclasses.fields(built)} == allowed
    assert built.extra == {}
    assert built.phones == ["+447700900123"]
    assert (built.given_name, built.family_name, built.nicknames) == ("Tiger", "Jones", ["Tiger"])
    assert built.age_observed_on == dt.date(2026, 3, 1)
    # Of the free-text description only known physical descriptors reach the model.
    assert built.descriptors == ["scar on cheek", "tall"]
    assert "left" not in repr(built)
    for forbidden in ("ethnicity", "religion", "nationality"):
        assert forbidden not in engine.MATCHING_COLUMNS
        assert not hasattr(built, forbidden)


def test_the_real_engine_links_a_person_mentioned_twice(team):
    world = stored_population(team)
    summary = services.link_run(actor=SYSTEM)
    assert summary.pairs_scored > 0
    assert entity_of("M00000") == entity_of("M00002")
    people = {world["truth"][m] for m in world["created"]}
    assert len(people) <= summary.entities < len(world["created"])


def test_a_full_relink_keeps_its_trained_model_for_single_reports(team):
    stored_population(team)
    services.link_run(actor=SYSTEM)
    services.link_run(actor=SYSTEM)
    kept = LinkageModel.objects.get()
    assert kept.mentions == 80
    assert kept.settings["comparisons"] and kept.term_frequencies["given_name"]
    entry = AuditEntry.objects.filter(summary="Re-linked person mentions").latest("id")
    assert entry.detail["model_kept"] is True


def test_a_new_report_is_linked_with_the_kept_model_without_training(team, monkeypatch):
    world = stored_population(team)
    services.link_run(actor=SYSTEM)
    known = world["sources"]["M00000"]

    def no_training(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("link_report trained a model")

    monkeypatch.setattr(engine, "train", no_training)
    scored: list[int] = []
    score_new = scoring.score_new

    def counting(existing: Any, new: Any) -> list[services.Pair]:
        scored.append(len(existing))
        return score_new(existing, new)

    monkeypatch.setattr(scoring, "score_new", counting)
    again = person_mention(
        team, "again", f"{known.given_name} {known.family_name}", date_of_birth=known.date_of_birth
    )
    PhoneMention.objects.create(
        report=again.report, number_as_written="x", e164=known.phones[0], person=again
    )
    summary = services.link_report(actor=SYSTEM, report_id=again.report_id)
    assert entity_of("again") == entity_of("M00000")
    assert summary.mentions_moved == 1
    # Only the mentions sharing a blocking value were scored, not all 80.
    assert 0 < scored[0] < 40


def test_candidates_share_a_name_key_date_of_birth_or_phone_with_the_new_mention(team):
    tom = person_mention(team, "tom", "Tom Smith")
    thomas = person_mention(team, "thomas", "Thomas Jones")
    born = person_mention(team, "born", "Zed Brown", date_of_birth=dt.date(1990, 1, 2))
    phone = person_mention(team, "phone", "Ann Lee")
    PhoneMention.objects.create(
        report=phone.report, number_as_written="x", e164="+447700900123", person=phone
    )
    person_mention(team, "stranger", "Kayleigh Pollard")
    new = engine.PersonMention(
        mention_id="0",
        given_name="Tommy",
        family_name="Dyer",
        date_of_birth=dt.date(1990, 1, 2),
        phones=["+447700900123"],
    )
    found = services.candidate_ids([new], report_id=tom.report_id)
    assert found == {thomas.pk, born.pk, phone.pk}


def test_a_rejected_person_stays_apart_even_when_no_value_is_shared(team, monkeypatch):
    person_mention(team, "a", "Ann Lee")
    person_mention(team, "c", "", nickname="Nan")
    use_scores(monkeypatch, {("a", "c"): 0.99, ("a", "new"): 0.99})
    services.link_run(actor=SYSTEM)
    LinkageModel.objects.create(settings={}, mentions=2)  # candidates are looked up by value
    new = person_mention(team, "new", "Ann Lee")
    c = MentionLink.objects.get(mention__external_id="c").mention
    ReviewDecision.objects.create(first=c, second=new, decision=Decision.REJECT, reason="Twins")
    services.link_report(actor=SYSTEM, report_id=new.report_id)
    assert entity_of("a") == entity_of("c") != entity_of("new")


def test_a_report_is_linked_in_the_background_once_its_transaction_commits(
    three, team, django_capture_on_commit_callbacks
):
    from django.db import transaction

    services.link_run(actor=SYSTEM)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        report_id = person_mention(team, "late", "Late Comer").report_id
        services.link_report_later(report_id=report_id)
        assert not MentionLink.objects.filter(mention__external_id="late").exists()
    assert len(callbacks) == 1
    assert PersonEntity.objects.get(pk=entity_of("late")).display_name == "Late Comer"


def test_a_merge_changed_since_is_split_rather_than_rolled_back(team, make_user, monkeypatch):
    for external_id, name in [("a", "Ann Lee"), ("b", "Anne Lee"), ("c", "Annie Lee")]:
        person_mention(team, external_id, name)
    use_scores(monkeypatch, {("a", "b"): 0.75, ("b", "c"): 0.7})
    services.link_run(actor=SYSTEM)
    analyst = Actor(user=make_user(Role.ANALYST, team=team))
    services.review_accept(actor=analyst, link=proposal("a", "b"))
    services.review_accept(actor=analyst, link=proposal("b", "c"))
    assert entity_of("a") == entity_of("b") == entity_of("c")
    # Undoing the first merge now would orphan "c": "b" is split off instead.
    services.unmerge(actor=analyst, link=MentionLink.objects.get(mention__external_id="b"))
    assert entity_of("a") == entity_of("c") != entity_of("b")
    assert MentionLink.objects.exclude(status=LinkStatus.PROPOSED).count() == 3


def test_a_new_mention_that_contradicts_a_person_goes_to_review_however_sure_the_model(
    team, monkeypatch
):
    person_mention(team, "a", "Ann Lee", sex="female", description="female, 20s, glasses")
    use_scores(monkeypatch, {("a", "new"): 0.99})
    services.link_run(actor=SYSTEM)
    new = person_mention(team, "new", "Ann Lee", sex="male", description="male, 20s, beard")
    services.link_report(actor=SYSTEM, report_id=new.report_id)
    assert entity_of("a") != entity_of("new")
    assert proposal("a", "new").match_probability == 0.99


def test_an_accepted_pair_queues_the_graph_update_that_a_rebuild_would_make(
    three, make_user, team, settings, django_capture_on_commit_callbacks
):
    from cairn.networks import services as networks
    from cairn.networks.models import Edge, NetworkNode

    def graph() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
        edges = set(Edge.objects.values_list("first_kind", "first_id", "second_kind", "second_id"))
        members = set(NetworkNode.objects.values_list("node_kind", "node_id"))
        return edges, members

    def rebuilt() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
        networks.network_rebuild(actor=SYSTEM)
        return graph()

    settings.CAIRN_LINK_ON_SAVE = True
    services.link_run(actor=SYSTEM)
    networks.network_rebuild(actor=SYSTEM)
    tommy = entity_of("tommy")
    analyst = Actor(user=make_user(Role.ANALYST, team=team))

    with django_capture_on_commit_callbacks() as queued:
        services.review_accept(actor=analyst, link=proposal("thomas", "tommy"))
    moved = PersonMention.objects.filter(external_id__in=["tom", "thomas", "tommy"])
    for report_id in {mention.report_id for mention in moved}:
        networks.network_update_for_report(actor=SYSTEM, report_id=report_id)
    merged = graph()

    assert len(queued) == len({mention.report_id for mention in moved})
    assert ("person", tommy) not in merged[1]
    assert merged == rebuilt()


def test_a_re_link_reads_mentions_in_chunks_with_the_same_result(three, monkeypatch):
    from cairn.linkage.services import relink

    services.link_run(actor=SYSTEM)
    before = state()["links"]
    monkeypatch.setattr(relink, "READ_CHUNK", 1)

    summary = services.link_run(actor=SYSTEM)

    assert summary.mentions == 4 and summary.mentions_moved == 0
    assert [(row["mention_id"], row["entity_id"]) for row in state()["links"]] == [
        (row["mention_id"], row["entity_id"]) for row in before
    ]


def test_a_mention_is_placed_in_the_area_of_the_organisation_its_report_came_from(team):
    mention = person_mention(team, "x", "Tiger Jones")
    team.organisation.area = "Eastmoor"
    team.organisation.save()
    (built,) = [services.engine_mention(m) for m in mentions_with_context()]
    assert built.area == "Eastmoor"
    source = OrganisationFactory(area="Northmoor")
    mention.report.source_organisation = source
    mention.report.save()
    (built,) = [services.engine_mention(m) for m in mentions_with_context()]
    assert built.area == "Northmoor"


def test_a_young_persons_record_is_placed_in_the_area_of_the_team_holding_it(team):
    team.organisation.area = "Eastmoor"
    team.organisation.save()
    young_person = YoungPersonFactory(holding_team=team, area="somewhere else")
    assert services.young_person_engine_mention(young_person).area == "Eastmoor"


def test_where_a_person_is_said_to_live_is_compared_as_an_address(team):
    mention = person_mention(team, "x", "Tiger Jones")
    mention.address = "12 Quay Street, Northmoor"
    mention.save()
    (built,) = [services.engine_mention(m) for m in mentions_with_context()]
    assert built.addresses == ["12 Quay Street, Northmoor"]


def test_a_full_re_link_reads_each_mention_as_a_single_report_link_does(team):
    """`stored_mentions` (values, for the re-link) and `engine_mention` (model instances, for
    one report) give the engine the same row."""
    tiger = person_mention(team, "t", "Tiger Jones", description="male, about 30, beard")
    report = tiger.report
    other = PersonMention.objects.create(report=report, name_as_written="Ryan", given_name="Ryan")
    other.nickname = "Ryan"
    other.address = "12 Quay Street"
    other.save()
    PhoneMention.objects.create(
        report=report, number_as_written="07700 900123", e164="+447700900123", person=tiger
    )
    PhoneMention.objects.create(
        report=report, number_as_written="07700 900999", e164="+447700900999"
    )
    VehicleMention.objects.create(
        report=report, registration_as_written="KX12 ABC", registration="KX12ABC", person=tiger
    )
    VehicleMention.objects.create(
        report=report, registration_as_written="KX12 ?B?", registration="KX12?B?", is_partial=True
    )
    LocationMention.objects.create(report=report, venue_name="Station Road takeaway")
    LocationMention.objects.create(report=report, address="3 Mill Lane")
    person_mention(team, "alone", "Chloe Hart", sex="female")
    by_values = {row.mention_id: row for _, row in services.stored_mentions(chunk=2)}
    by_model = {
        row.mention_id: row for row in map(services.engine_mention, mentions_with_context())
    }
    assert by_values == by_model
    assert by_values[str(tiger.pk)].phones == ["+447700900123"]
    assert by_values[str(tiger.pk)].vehicles == ["KX12ABC"]
    assert by_values[str(other.pk)].associates == ["Tiger"]


def test_a_placement_by_context_is_explained_by_what_the_records_shared():
    placement = engine.Placement(
        ("7",),
        "3",
        7.5,
        1.25,
        ("nickname:leeds:big man", "person:12", "person:40", "vehicle:ab12cde"),
    )
    (reason,) = relink._placement_explanation(placement)
    assert reason["comparison"] == "context"
    assert reason["level"] == (
        "Placed by context: described the same way; known by the same street name ('Big Man'); "
        "seen with the same 2 people, 1 vehicle as in this person's other records "
        "(evidence 7.5 against 1.2 for the next candidate)"
    )
