"""API for an investigation's evidence matrix: suspects by incidents."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema

from cairn.investigations.api.common import open_investigation, router
from cairn.investigations.matrix import evidence_matrix


class CellOut(Schema):
    incident_id: int
    incident: str
    alleged: bool
    status: str
    corroborated: bool
    evidence_ids: list[int]


class MatrixRowOut(Schema):
    suspect_id: int
    suspect: str
    status: str
    independently_corroborated: bool
    cells: list[CellOut]
    unplaced_evidence_ids: list[int]


class MatrixOut(Schema):
    investigation_id: int
    rows: list[MatrixRowOut]


@router.get("/{int:pk}/matrix", response=MatrixOut)
def get_matrix(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Suspects by incidents: each cell's evidence and whether an item independent of the
    child's account is in hand; per suspect, independent corroboration."""
    _, investigation = open_investigation(request, pk, "Viewed investigation's evidence matrix")
    matrix = evidence_matrix(investigation)
    return {
        "investigation_id": investigation.pk,
        "rows": [
            {
                "suspect_id": row.suspect.pk,
                "suspect": row.suspect.name_as_recorded,
                "status": row.status,
                "independently_corroborated": row.independently_corroborated,
                "cells": [
                    {
                        "incident_id": cell.incident.pk,
                        "incident": cell.incident.title,
                        "alleged": cell.alleged,
                        "status": cell.status,
                        "corroborated": cell.corroborated,
                        "evidence_ids": [item.pk for item in cell.items],
                    }
                    for cell in row.cells
                ],
                "unplaced_evidence_ids": [item.pk for item in row.unplaced],
            }
            for row in matrix.rows
        ],
    }
