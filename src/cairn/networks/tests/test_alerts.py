"""Alerts to key workers and analysts when new intelligence reaches a child's network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import Notification, RecordShare, Team
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence import services as intelligence
from cairn.intelligence.models import IntelligenceReport
from cairn.intelligence.tests.factories import PersonMentionFactory
from cairn.linkage.models import PersonEntity
from cairn.networks import services
from cairn.networks.models import AlertKind, NetworkAlert, NetworkNode
from cairn.networks.tasks import mentions_linked
from cairn.networks.tests.factories import resolved_report
from cairn.youngpeople.models import RiskBand
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_plans import RiskAssessmentFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system()
EVENING = datetime(2026, 2, 6, 21, 0, tzinfo=UTC)


def person(name: str) -> PersonEntity:
    return PersonEntity.objects.create(display_name=name)


@pytest.fixture
def world(team: Team, other_team: Team, make_user: Any) -> dict[str, Any]:
    """A girl at significant risk with Tiger and a phone; a boy at mild risk with Dee and Jay.
    Her key worker works in another team; the holding team has an analyst and a practitioner."""
    key_worker = make_user(Role.PRACTITIONER, team=other_team, email="kw@example.org")
    analyst = make_user(Role.ANALYST, team=team, email="analyst@example.org")
    colleague = make_user(Role.PRACTITIONER, team=team, email="colleague@example.org")
    outsider = make_user(Role.ANALYST, team=other_team, email="outsider@example.org")
    girl = YoungPersonFactory(holding_team=team, key_worker=key_worker)
    boy = YoungPersonFactory(holding_team=team, key_worker=colleague)
    RiskAssessmentFactory(young_person=girl, computed_band=RiskBand.SIGNIFICANT)
    RiskAssessmentFactory(young_person=boy, computed_band=RiskBand.MILD)
    tiger, dee, jay = person("Tiger"), person("Dee"), person("Jay")
    resolved_report(team, at=EVENING, people=[tiger], phones=["+447700900123"], young_people=[girl])
    resolved_report(team, at=EVENING, people=[dee, jay], young_people=[boy])
    services.network_rebuild(actor=SYSTEM)
    return {
        "team": team,
        "girl": girl,
        "boy": boy,
        "tiger": tiger,
        "dee": dee,
        "key_worker": key_worker,
        "analyst": analyst,
        "colleague": colleague,
        "outsider": outsider,
    }


def record_sighting(world: dict[str, Any]) -> IntelligenceReport:
    """The girl's holding team's analyst records a new man seen with her."""
    return intelligence.report_create(
        actor=Actor(user=world["analyst"]),
        owning_team=world["team"],
        reported_at=EVENING + timedelta(days=1),
        source_type="hotel_staff",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        narrative="A man was seen with her at the hotel.",
        young_people=[world["girl"]],
        people=[{"name_as_written": "Mo Brennan"}],
    )


def test_an_alert_fires_once_and_only_to_the_key_worker_and_the_teams_analysts(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    newcomer = person("Newcomer")
    new = resolved_report(
        world["team"], at=EVENING + timedelta(days=1), people=[world["tiger"], newcomer]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.network_update_for_report(actor=SYSTEM, report_id=new.pk)
        services.network_update_for_report(actor=SYSTEM, report_id=new.pk)
    again = resolved_report(
        world["team"], at=EVENING + timedelta(days=2), people=[world["tiger"], newcomer]
    )
    services.network_update_for_report(actor=SYSTEM, report_id=again.pk)

    [alert] = NetworkAlert.objects.all()
    assert (alert.kind, alert.node_kind, alert.node_id) == (
        AlertKind.LINKED,
        "person",
        newcomer.pk,
    )
    assert (alert.young_person_id, alert.report_id, alert.recipients) == (
        world["girl"].pk,
        new.pk,
        2,
    )
    notified = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == sorted([world["key_worker"].username, world["analyst"].username])
    girl = world["girl"]
    for notification in Notification.objects.all():
        assert girl.full_name in notification.title
        assert f"person {newcomer.reference}" in notification.body
        assert new.reference in notification.body
        assert "significant" in notification.body
    [entry] = AuditEntry.objects.filter(action=Action.DISCLOSURE, summary__startswith="Alerted")
    assert [str(i) for i in entry.record_ids] == [str(girl.pk)]


def test_a_recipient_who_may_not_open_the_record_is_told_its_reference_not_the_name(
    world: dict[str, Any],
) -> None:
    girl = world["girl"]
    RecordShare.objects.filter(object_id=girl.pk, team=world["team"]).update(
        revoked_at=timezone.now()
    )
    new = resolved_report(
        world["team"], at=EVENING + timedelta(days=1), people=[world["tiger"], person("New")]
    )
    services.network_update_for_report(actor=SYSTEM, report_id=new.pk)

    by_user = {n.recipient_id: n for n in Notification.objects.all()}
    assert girl.full_name in by_user[world["key_worker"].pk].title
    told = by_user[world["analyst"].pk]
    assert girl.full_name not in told.title + told.body
    assert girl.given_name not in told.title + told.body
    assert girl.reference in told.title
    assert told.url == ""


def test_a_report_joining_two_networks_alerts_as_a_join(world: dict[str, Any]) -> None:
    bridge = resolved_report(
        world["team"], at=EVENING + timedelta(days=1), people=[world["tiger"], world["dee"]]
    )
    services.network_update_for_report(actor=SYSTEM, report_id=bridge.pk)

    [alert] = NetworkAlert.objects.all()
    assert (alert.kind, alert.node_id, alert.young_person_id) == (
        AlertKind.JOINED,
        world["dee"].pk,
        world["girl"].pk,
    )
    assert NetworkNode.objects.get(node_kind="person", node_id=world["dee"].pk).network_id != (
        alert.network_id
    )
    assert Notification.objects.filter(body__contains="already in another network").count() == 2


def test_a_low_risk_young_persons_network_does_not_alert(world: dict[str, Any]) -> None:
    new = resolved_report(
        world["team"],
        at=EVENING + timedelta(days=1),
        people=[world["dee"], person("Stranger")],
        phones=["+447700900999"],
    )
    services.network_update_for_report(actor=SYSTEM, report_id=new.pk)

    assert not NetworkAlert.objects.exists()
    assert not Notification.objects.exists()


def test_the_alert_is_emailed_when_mail_is_configured_and_names_no_one(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    new = resolved_report(
        world["team"], at=EVENING + timedelta(days=1), people=[world["tiger"]], vehicles=["KX12ABC"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.network_update_for_report(actor=SYSTEM, report_id=new.pk)

    [message] = mail.outbox
    assert sorted(message.to) == ["analyst@example.org", "kw@example.org"]
    assert world["girl"].reference in message.subject
    assert "vehicle" in message.body
    assert world["girl"].family_name not in message.subject + message.body


def test_saving_a_report_with_linking_on_save_updates_the_network_and_alerts(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CAIRN_LINK_ON_SAVE = True
    with django_capture_on_commit_callbacks(execute=True):
        report = record_sighting(world)

    linked = NetworkAlert.objects.get(report_id=report.pk)
    assert linked.node_kind == "person"
    assert NetworkNode.objects.filter(node_kind="person", node_id=linked.node_id).exists()
    assert Notification.objects.filter(recipient=world["key_worker"]).count() == 1


def test_with_linking_on_save_off_saving_a_report_leaves_the_network_alone(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CAIRN_LINK_ON_SAVE = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_sighting(world)

    assert callbacks == []
    assert not NetworkAlert.objects.exists()


def test_the_queued_update_knows_whether_the_linking_job_has_placed_the_reports_people(
    world: dict[str, Any],
) -> None:
    report = resolved_report(world["team"], at=EVENING, people=[world["tiger"]])
    assert mentions_linked(report.pk)
    PersonMentionFactory(report=report, name_as_written="Not Yet Linked")
    assert not mentions_linked(report.pk)


def test_a_link_to_another_network_of_the_same_connected_group_does_not_alert(
    team: Team, make_user: Any
) -> None:
    """Two groups that only a busy takeaway joins: new intelligence about the other group is
    not news about this child, though some path joins the two networks."""
    key_worker = make_user(Role.PRACTITIONER, team=team)
    girl = YoungPersonFactory(holding_team=team, key_worker=key_worker)
    RiskAssessmentFactory(young_person=girl, computed_band=RiskBand.SIGNIFICANT)
    north = [person(name) for name in ("Tiger", "Smokey", "Ace", "Bo", "Cy", "Di")]
    south = [person(name) for name in ("Dee", "Jay", "Kay", "Lee", "Mo", "Ned")]
    for day in range(3):
        resolved_report(team, at=EVENING + timedelta(days=day), people=north, young_people=[girl])
        resolved_report(team, at=EVENING + timedelta(days=day), people=south)
    resolved_report(team, at=EVENING, people=north[:1], places=["Busy Takeaway"])
    resolved_report(team, at=EVENING, people=south[:1], places=["Busy Takeaway"])
    services.network_rebuild(actor=SYSTEM)
    member = {(m.node_kind, m.node_id): m for m in NetworkNode.objects.all()}
    girls, dees = member[("young_person", girl.pk)], member[("person", south[0].pk)]
    assert girls.network_id != dees.network_id
    assert girls.network.connected_group == dees.network.connected_group

    south_news = resolved_report(
        team, at=EVENING + timedelta(days=5), people=[south[1], person("Max")]
    )
    services.network_update_for_report(actor=SYSTEM, report_id=south_news.pk)
    north_news = resolved_report(
        team, at=EVENING + timedelta(days=6), people=[north[1], person("Rex")]
    )
    services.network_update_for_report(actor=SYSTEM, report_id=north_news.pk)

    assert list(NetworkAlert.objects.values_list("young_person_id", "report_id")) == [
        (girl.pk, north_news.pk)
    ]
