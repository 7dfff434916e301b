"""The evidence matrix: suspects by incidents, and whether each rests only on the child.

A cell holds the evidence items naming both the suspect and the incident. Items obtained,
reviewed or served that stand independently of the child's account corroborate; independent
items only identified or requested are "sought" (issue 7, section 3). A pure function over the
ORM: the caller has opened the investigation through the access layer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models

from cairn.investigations.models import (
    EVIDENCE_IN_HAND,
    EVIDENCE_SOUGHT,
    EvidenceItem,
    Incident,
    Investigation,
    Suspect,
)


class Corroboration(models.TextChoices):
    """What the cells say, in words, so meaning never rests on colour."""

    CORROBORATED = "corroborated", "Independent corroboration"
    PARTLY = "partly", "Partly corroborated"
    SOUGHT = "sought", "Independent evidence sought"
    CHILD_ONLY = "child_only", "Rests on the child's account"
    NONE = "none", "No evidence"


@dataclass
class MatrixCell:
    suspect: Suspect
    incident: Incident
    alleged: bool
    items: list[EvidenceItem] = field(default_factory=list)

    @property
    def corroborated(self) -> bool:
        return any(item.is_independent and item.status in EVIDENCE_IN_HAND for item in self.items)

    @property
    def sought(self) -> bool:
        return any(item.is_independent and item.status in EVIDENCE_SOUGHT for item in self.items)

    @property
    def status(self) -> Corroboration:
        if self.corroborated:
            return Corroboration.CORROBORATED
        if self.sought:
            return Corroboration.SOUGHT
        if self.items:
            return Corroboration.CHILD_ONLY
        return Corroboration.NONE

    @property
    def relevant(self) -> bool:
        """The suspect is alleged to have been involved, or evidence ties them to it."""
        return self.alleged or bool(self.items)


@dataclass
class SuspectRow:
    suspect: Suspect
    cells: list[MatrixCell]
    # Items naming the suspect but no incident: shown, but they corroborate no cell.
    unplaced: list[EvidenceItem] = field(default_factory=list)

    @property
    def status(self) -> Corroboration:
        relevant = [cell for cell in self.cells if cell.relevant]
        corroborated = [cell for cell in relevant if cell.corroborated]
        if relevant and len(corroborated) == len(relevant):
            return Corroboration.CORROBORATED
        if corroborated:
            return Corroboration.PARTLY
        if any(cell.sought for cell in relevant):
            return Corroboration.SOUGHT
        if any(cell.items for cell in relevant) or self.unplaced:
            return Corroboration.CHILD_ONLY
        return Corroboration.NONE

    @property
    def independently_corroborated(self) -> bool:
        return self.status == Corroboration.CORROBORATED


@dataclass
class EvidenceMatrix:
    investigation: Investigation
    incidents: list[Incident]
    rows: list[SuspectRow]

    def row_for(self, suspect: Suspect) -> SuspectRow:
        return next(row for row in self.rows if row.suspect.pk == suspect.pk)

    def cell(self, suspect: Suspect, incident: Incident) -> MatrixCell:
        row = self.row_for(suspect)
        return next(cell for cell in row.cells if cell.incident.pk == incident.pk)


def evidence_matrix(investigation: Investigation) -> EvidenceMatrix:
    """Four queries whatever the size: suspects, incidents with their suspects, and items."""
    suspects = list(investigation.suspects.all())
    incidents = list(investigation.incidents.prefetch_related("suspects"))
    items = list(
        investigation.evidence_items.select_related("evidence_type").prefetch_related(
            "suspects", "incidents"
        )
    )
    by_pair: dict[tuple[int, int], list[EvidenceItem]] = defaultdict(list)
    unplaced: dict[int, list[EvidenceItem]] = defaultdict(list)
    for item in items:
        item_incidents = list(item.incidents.all())
        for suspect in item.suspects.all():
            if not item_incidents:
                unplaced[suspect.pk].append(item)
            for incident in item_incidents:
                by_pair[(suspect.pk, incident.pk)].append(item)
    alleged = {(s.pk, incident.pk) for incident in incidents for s in incident.suspects.all()}
    rows = [
        SuspectRow(
            suspect=suspect,
            cells=[
                MatrixCell(
                    suspect=suspect,
                    incident=incident,
                    alleged=(suspect.pk, incident.pk) in alleged,
                    items=by_pair.get((suspect.pk, incident.pk), []),
                )
                for incident in incidents
            ],
            unplaced=unplaced.get(suspect.pk, []),
        )
        for suspect in suspects
    ]
    return EvidenceMatrix(investigation=investigation, incidents=incidents, rows=rows)
