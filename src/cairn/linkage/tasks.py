"""Background work for entity resolution, run by `make worker` through Django's tasks interface."""

from __future__ import annotations

from django_tasks import task

from cairn.access.actor import Actor


@task()
def link_report_task(report_id: int) -> dict[str, int]:
    """Link a new or edited report's person mentions against the existing entities."""
    from cairn.linkage.services import link_report

    return link_report(actor=Actor.system(), report_id=report_id).as_dict()
