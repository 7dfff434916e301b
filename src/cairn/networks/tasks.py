"""Background work for the network graph, run by `make worker` through Django's tasks interface."""

from __future__ import annotations

from django_tasks import task

from cairn.access.actor import Actor


@task()
def network_update_for_report_task(report_id: int) -> dict[str, int]:
    """Update the edges a new or edited report touches (after its mentions are linked)."""
    from cairn.networks.services import network_update_for_report

    summary = network_update_for_report(actor=Actor.system(), report_id=report_id)
    return {"edges_changed": summary.edges_changed, "nodes_added": summary.nodes_added}
