"""API for the subject access export (JSON), audited as a disclosure with its justification."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query

from cairn.youngpeople.api.common import actor, open_case, router
from cairn.youngpeople.export import subject_access_export


@router.get(
    "/{pk}/export",
    response={200: dict[str, Any]},
    summary="Subject access export: everything held about the young person",
    description="Every section Cairn holds (record, aliases, placements, key contacts, equality "
    "monitoring, referrals, assessments with answers, missing episodes with interviews, plans, "
    "contacts, chronology, shares and the audit entries about the record). Each call is recorded "
    "in the audit trail as a disclosure with the justification given.",
)
def export(
    request: HttpRequest,
    pk: int,
    justification: str = Query(
        ..., min_length=1, description="Subject access request reference or reason"
    ),
) -> HttpResponse:
    young_person = open_case(request, pk, "Opened record for a subject access export (API)")
    data = subject_access_export(
        actor=actor(request),
        young_person=young_person,
        justification=justification,
        file_format="json",
    )
    return JsonResponse(data.as_json(), encoder=DjangoJSONEncoder)
