"""API for an investigation's evidence items: the list, and adding one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema, Status

from cairn.investigations import services
from cairn.investigations.api.common import (
    entity_named,
    on_investigation,
    open_investigation,
    router,
)
from cairn.investigations.models import EvidenceItem, EvidenceStatus, EvidenceType
from cairn.linkage.models import LocationEntity, PhoneEntity, VehicleEntity


class EvidenceOut(Schema):
    id: int
    evidence_type: str
    evidence_type_name: str
    source: str
    dated: date | None
    shows: str
    status: str
    independent: bool
    independence_override: str
    override_reason: str
    suspect_ids: list[int]
    incident_ids: list[int]
    phone_id: int | None
    vehicle_id: int | None
    location_id: int | None
    external_id: str


class EvidenceIn(Schema):
    evidence_type: str
    source: str
    status: str = EvidenceStatus.IDENTIFIED
    dated: date | None = None
    shows: str = ""
    suspect_ids: list[int] = []
    incident_ids: list[int] = []
    independence_override: str = ""
    override_reason: str = ""
    phone_id: int | None = None
    vehicle_id: int | None = None
    location_id: int | None = None


def evidence_out(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "evidence_type": item.evidence_type.code,
        "evidence_type_name": item.evidence_type.name,
        "source": item.source,
        "dated": item.dated,
        "shows": item.shows,
        "status": item.status,
        "independent": item.is_independent,
        "independence_override": item.independence_override,
        "override_reason": item.override_reason,
        "suspect_ids": [suspect.pk for suspect in item.suspects.all()],
        "incident_ids": [incident.pk for incident in item.incidents.all()],
        "phone_id": item.phone_id,
        "vehicle_id": item.vehicle_id,
        "location_id": item.location_id,
        "external_id": item.external_id,
    }


@router.get("/{int:pk}/evidence", response=list[EvidenceOut])
def list_evidence(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    _, investigation = open_investigation(request, pk, "Viewed investigation's evidence")
    items = investigation.evidence_items.select_related("evidence_type").prefetch_related(
        "suspects", "incidents"
    )
    return [evidence_out(item) for item in items]


@router.post("/{int:pk}/evidence", response={201: EvidenceOut})
def add_evidence(request: HttpRequest, pk: int, payload: EvidenceIn) -> Status[dict[str, Any]]:
    actor, investigation = open_investigation(request, pk, "Added evidence to an investigation")
    evidence_type = EvidenceType.objects.filter(code=payload.evidence_type).first()
    if evidence_type is None:
        raise ValidationError({"evidence_type": "Choose a type from the evidence catalogue"})
    item = services.evidence_add(
        actor,
        investigation=investigation,
        evidence_type=evidence_type,
        source=payload.source,
        status=payload.status,
        dated=payload.dated,
        shows=payload.shows,
        suspects=on_investigation(investigation.suspects.all(), payload.suspect_ids, "suspects"),
        incidents=on_investigation(
            investigation.incidents.all(), payload.incident_ids, "incidents"
        ),
        independence_override=payload.independence_override,
        override_reason=payload.override_reason,
        phone=entity_named(PhoneEntity, payload.phone_id, "phone_id"),
        vehicle=entity_named(VehicleEntity, payload.vehicle_id, "vehicle_id"),
        location=entity_named(LocationEntity, payload.location_id, "location_id"),
    )
    return Status(201, evidence_out(item))
