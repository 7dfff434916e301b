"""Background work for the network graph, run by `make worker` through Django's tasks interface."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import default_task_backend, task

from cairn.access.actor import Actor
from cairn.intelligence.models import PersonMention
from cairn.linkage.models import LinkStatus, MentionLink

# How long, and how often, the update waits for the report's linking job (see below).
LINK_WAIT = timedelta(seconds=30)
LINK_WAIT_ATTEMPTS = 10


def mentions_linked(report_id: int) -> bool:
    """Whether every person mention of the report has been placed with an entity."""
    mentions = set(PersonMention.objects.filter(report_id=report_id).values_list("pk", flat=True))
    placed = set(
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .filter(mention_id__in=mentions)
        .values_list("mention_id", flat=True)
    )
    return mentions <= placed


@task()
def network_update_for_report_task(report_id: int, attempt: int = 0) -> dict[str, int]:
    """Update the edges a new or edited report touches, after its mentions are linked.

    Saving a report queues its linking job, then this one. One worker takes jobs in the order
    they were queued, so the linking has finished; with several workers this job may start
    first, so it waits (re-queues itself, deferred) while the report's mentions are unlinked,
    rather than miss the people linking would add.
    """
    from cairn.networks.services import network_update_for_report

    waiting = attempt < LINK_WAIT_ATTEMPTS and default_task_backend.supports_defer
    if waiting and not mentions_linked(report_id):
        network_update_for_report_task.using(run_after=timezone.now() + LINK_WAIT).enqueue(
            report_id, attempt + 1
        )
        return {"edges_changed": 0, "nodes_added": 0, "waiting": 1}
    summary = network_update_for_report(actor=Actor.system(), report_id=report_id)
    return {"edges_changed": summary.edges_changed, "nodes_added": summary.nodes_added}


@task()
def network_update_for_record_task(kind: str, record_id: int) -> dict[str, int]:
    """Update the edges a new, changed or deleted missing episode, incident or young person's
    link to a person touches."""
    from cairn.networks.services import network_update_for_record

    summary = network_update_for_record(actor=Actor.system(), kind=kind, record_id=record_id)
    return {"edges_changed": summary.edges_changed, "nodes_added": summary.nodes_added}


@task()
def email_network_alerts(young_person_id: int, alert_ids: list[int]) -> int:
    """E-mail an alert to its recipients who have an address; it names no one, only references."""
    from cairn.networks.models import NetworkAlert
    from cairn.networks.services.alerts import alert_text, recipients_for
    from cairn.youngpeople.models import YoungPerson

    young_person = YoungPerson.objects.select_related("key_worker").get(pk=young_person_id)
    alerts = list(NetworkAlert.objects.filter(pk__in=alert_ids).order_by("pk"))
    addresses = [user.email for user in recipients_for(young_person) if user.email]
    if not alerts or not addresses:
        return 0
    text = alert_text(young_person, alerts)
    send_mail(
        subject=f"Cairn: {text.subject}",
        message="\n".join([*text.lines, "", "Open Cairn to see the network and the report."]),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=addresses,
    )
    return len(addresses)
