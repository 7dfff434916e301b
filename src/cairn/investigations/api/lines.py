"""API for an investigation's lines of enquiry: list, refresh, accept and dismiss."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Schema, Status

from cairn.access.actor import Actor
from cairn.investigations.api.common import open_investigation, router
from cairn.investigations.api.evidence import EvidenceOut, evidence_out
from cairn.investigations.enquiry.queries import LineView, line_for, lines_of_enquiry
from cairn.investigations.enquiry.services import (
    line_of_enquiry_accept,
    line_of_enquiry_dismiss,
    lines_of_enquiry_refresh,
)
from cairn.investigations.models import Investigation
from cairn.networks.api import NodeOut
from cairn.networks.queries import ChartNode


class LegOut(Schema):
    first: NodeOut
    second: NodeOut
    link_id: int
    report_ids: list[int]
    restricted_reports: int


class LineOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    subject: NodeOut
    suspect_id: int | None
    network_id: int | None
    basis: list[LegOut]
    reason: str
    evidence_item_id: int | None
    decided_at: datetime | None
    created_at: datetime


class DismissIn(Schema):
    reason: str


def _node(node: ChartNode) -> dict[str, Any]:
    return node.as_json()


def _line(item: LineView) -> dict[str, Any]:
    line = item.line
    return {
        "id": line.pk,
        "kind": line.kind,
        "kind_label": line.get_kind_display(),
        "status": line.status,
        "subject": _node(item.subject),
        "suspect_id": line.suspect_id,
        "network_id": item.network.pk if item.network else None,
        "basis": [
            {
                "first": _node(leg.first),
                "second": _node(leg.second),
                "link_id": leg.edge,
                "report_ids": [report.pk for report in leg.reports],
                "restricted_reports": leg.restricted_reports,
            }
            for leg in item.legs
        ],
        "reason": line.reason,
        "evidence_item_id": line.evidence_item_id,
        "decided_at": line.decided_at,
        "created_at": line.created_at,
    }


def _visible_line(actor: Actor, investigation: Investigation, line_pk: int) -> LineView:
    """A line the user may see; any other is not found, so nobody learns that it exists."""
    found = line_for(actor, investigation, line_pk)
    if found is None:
        raise Http404(f"No line of enquiry {line_pk}")
    return found


@router.get("/{int:pk}/lines-of-enquiry", response=list[LineOut])
def list_lines(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """The lines of enquiry you may see: open first, then accepted and dismissed."""
    actor, investigation = open_investigation(
        request, pk, "Viewed an investigation's lines of enquiry"
    )
    return [_line(item) for item in lines_of_enquiry(actor, investigation).all]


@router.post("/{int:pk}/lines-of-enquiry/refresh", response=list[LineOut])
def refresh_lines(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Bring the lines up to date with the network and the evidence; returns those you may see."""
    actor, investigation = open_investigation(
        request, pk, "Brought an investigation's lines of enquiry up to date"
    )
    lines_of_enquiry_refresh(actor, investigation=investigation)
    return [_line(item) for item in lines_of_enquiry(actor, investigation).all]


@router.post("/{int:pk}/lines-of-enquiry/{int:line_pk}/accept", response={201: EvidenceOut})
def accept_line(request: HttpRequest, pk: int, line_pk: int) -> Status[dict[str, Any]]:
    """Accept a line: it becomes an identified evidence item."""
    actor, investigation = open_investigation(request, pk, "Accepted a line of enquiry")
    item = line_of_enquiry_accept(actor, line=_visible_line(actor, investigation, line_pk).line)
    return Status(201, evidence_out(item))


@router.post("/{int:pk}/lines-of-enquiry/{int:line_pk}/dismiss", response=LineOut)
def dismiss_line(request: HttpRequest, pk: int, line_pk: int, payload: DismissIn) -> dict[str, Any]:
    """Dismiss a line with a reason; it is not suggested again."""
    actor, investigation = open_investigation(request, pk, "Dismissed a line of enquiry")
    line = line_of_enquiry_dismiss(
        actor, line=_visible_line(actor, investigation, line_pk).line, reason=payload.reason
    )
    return _line(_visible_line(actor, investigation, line.pk))
