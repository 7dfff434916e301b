"""Subject access, checked and audited: one export of everything held about a young person.

The export is a disclosure (Data Protection Act 2018 s.62): each one is written to the audit trail
with its format and the justification given. The caller has already opened the record through
the access layer, so only someone who may see the record gets here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.access.queries import can_view
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.youngpeople.export.sections import Section, gather
from cairn.youngpeople.models import YoungPerson

FORMATS = ("json", "pdf")
FORMAT_VERSION = "cairn-subject-access/1"


@dataclass
class SubjectAccessExport:
    young_person: YoungPerson
    generated_at: datetime
    sections: list[Section]

    def as_json(self) -> dict[str, Any]:
        record, *others = self.sections
        return {
            "format": FORMAT_VERSION,
            "reference": self.young_person.reference,
            "generated_at": self.generated_at,
            "synthetic": self.young_person.synthetic,
            "record": record.rows[0],
            **{section.key: section.rows for section in others},
        }


def subject_access_export(
    *, actor: Actor, young_person: YoungPerson, justification: str, file_format: str
) -> SubjectAccessExport:
    """Gather everything held about the young person and audit it as a disclosure."""
    user = actor.user
    if not actor.is_system and (
        user is None or not user.can(Perm.VIEW_PERSON_RECORDS) or not can_view(user, young_person)
    ):
        raise PermissionDenied("Only someone who may see this record can export it.")
    if file_format not in FORMATS:
        raise ValidationError({"format": "Choose JSON or PDF"})
    justification = justification.strip()
    if not justification:
        raise ValidationError(
            {"justification": "Enter the subject access request reference or reason"}
        )
    with transaction.atomic():
        export = SubjectAccessExport(
            young_person=young_person, generated_at=timezone.now(), sections=gather(young_person)
        )
        audit_record(
            actor=actor,
            action=Action.DISCLOSURE,
            record_type=record_label(YoungPerson),
            record_ids=[young_person.pk],
            summary=f"Subject access export ({file_format.upper()})",
            detail={
                "format": file_format,
                "counts": {section.key: len(section.rows) for section in export.sections},
            },
            justification=justification,
        )
    return export
