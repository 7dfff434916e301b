"""The case summary for a charging-advice meeting, as PDF (WeasyPrint), audited as a disclosure."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.access.queries import can_view
from cairn.audit.models import Action
from cairn.investigations.matrix import evidence_matrix
from cairn.investigations.models import Investigation
from cairn.investigations.queries import linked_people
from cairn.investigations.services.common import audit_investigation
from cairn.youngpeople.export import no_fetching


def case_summary_pdf(actor: Actor, *, investigation: Investigation, recipient: str) -> bytes:
    """The summary's PDF; the disclosure entry names who it is for."""
    user = actor.user
    if not actor.is_system and (
        user is None or not user.can(Perm.SHARE_RECORDS) or not can_view(user, investigation)
    ):
        raise PermissionDenied("You do not have permission to disclose this investigation.")
    recipient = (recipient or "").strip()
    if not recipient:
        raise ValidationError({"recipient": "Say who the summary is for"})
    from weasyprint import HTML

    items = investigation.evidence_items.select_related("evidence_type").prefetch_related(
        "suspects", "incidents"
    )
    html = render_to_string(
        "investigations/summary_pdf.html",
        {
            "investigation": investigation,
            "recipient": recipient,
            "generated_at": timezone.now(),
            "victims": linked_people(user, list(investigation.victims.all())),
            "suspects": investigation.suspects.all(),
            "incidents": investigation.incidents.prefetch_related("offences", "suspects"),
            "matrix": evidence_matrix(investigation),
            "evidence_items": items,
            "key_dates": investigation.key_dates.all(),
            "generated_by": user.display_name if user else "system",
        },
    )
    pdf: bytes = HTML(string=html, url_fetcher=no_fetching()).write_pdf()
    with transaction.atomic():
        audit_investigation(
            actor,
            investigation,
            Action.DISCLOSURE,
            "Exported the case summary (PDF)",
            recipient=recipient,
        )
    return pdf
