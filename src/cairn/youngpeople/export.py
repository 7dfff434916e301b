"""Subject access: everything Cairn holds about one young person, as JSON and as a PDF.

The export is a disclosure (Data Protection Act 2018 s.62): each one is written to the audit trail
with its format and the justification given. The caller has already opened the record through
the access layer, so only someone who may see the record gets here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Field, Model
from django.template.loader import render_to_string
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.access.queries import can_view, shares_for
from cairn.audit.models import Action, AuditEntry
from cairn.audit.services import audit_record, record_label
from cairn.youngpeople.models import (
    Alias,
    EqualityMonitoring,
    KeyContact,
    MissingEpisode,
    Placement,
    PlanAction,
    Referral,
    RiskAssessment,
    SafetyPlan,
    YoungPerson,
)
from cairn.youngpeople.models import Contact as ContactRecord
from cairn.youngpeople.queries.chronology import chronology
from cairn.youngpeople.services.record import EDITABLE_FIELDS

FORMATS = ("json", "pdf")
FORMAT_VERSION = "cairn-subject-access/1"

# Everything a worker can edit, then what Cairn keeps about the case itself.
RECORD_FIELDS = (
    *EDITABLE_FIELDS,
    "status",
    "closure_reason",
    "closed_at",
    "created_at",
    "updated_at",
    "external_id",
    "synthetic",
)


@dataclass
class Section:
    """One part of the export: a JSON key, a heading for the PDF, and its rows."""

    key: str
    title: str
    model: type[Model] | None
    rows: list[dict[str, Any]] = field(default_factory=list)


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


def _values(instance: Model, names: Iterable[str], **extra: Any) -> dict[str, Any]:
    return {**{name: getattr(instance, name) for name in names}, **extra}


def _user(user: Any) -> str | None:
    return user.display_name if user is not None else None


def _record(young_person: YoungPerson) -> dict[str, Any]:
    return _values(
        young_person,
        RECORD_FIELDS,
        reference=young_person.reference,
        holding_team=str(young_person.holding_team),
        key_worker=_user(young_person.key_worker),
    )


def _referrals(young_person: YoungPerson) -> list[dict[str, Any]]:
    names = (
        "received_at",
        "referrer_name",
        "referrer_organisation",
        "referrer_contact",
        "given_name",
        "family_name",
        "aliases",
        "date_of_birth",
        "estimated_age",
        "phone",
        "area",
        "reason",
        "concerns",
        "urgency",
        "consent",
        "lawful_basis",
        "status",
        "decision_reason",
        "decided_at",
        "external_id",
    )
    return [
        _values(
            referral,
            names,
            reference=referral.reference,
            receiving_team=str(referral.receiving_team),
            decided_by=_user(referral.decided_by),
        )
        for referral in young_person.referrals.select_related(
            "receiving_team__organisation", "decided_by"
        )
    ]


def _assessments(young_person: YoungPerson) -> list[dict[str, Any]]:
    names = (
        "assessed_on",
        "score",
        "computed_band",
        "rule_notes",
        "override_band",
        "override_rationale",
        "band",
        "next_review_due",
        "notes",
        "external_id",
    )
    assessments = young_person.risk_assessments.select_related("tool", "assessor").prefetch_related(
        "answers__indicator"
    )
    return [
        _values(
            assessment,
            names,
            tool=str(assessment.tool),
            assessor=_user(assessment.assessor),
            answers=[
                {
                    "indicator": answer.indicator.code,
                    "label": answer.indicator.label,
                    "timing": answer.timing,
                }
                for answer in assessment.answers.all()
            ],
        )
        for assessment in assessments
    ]


def _episodes(young_person: YoungPerson) -> list[dict[str, Any]]:
    names = (
        "kind",
        "started_at",
        "ended_at",
        "reported_by",
        "where_found",
        "found_with",
        "police_reference",
        "notes",
        "interview_status",
        "interview_offered_at",
        "interview_done_at",
        "interview_by",
        "interview_learned",
        "external_id",
    )
    return [
        _values(episode, names, recorded_by=_user(episode.recorded_by))
        for episode in young_person.missing_episodes.select_related("recorded_by")
    ]


def _plans(young_person: YoungPerson) -> list[dict[str, Any]]:
    plans = young_person.safety_plans.select_related("created_by").prefetch_related(
        "actions__owner"
    )
    return [
        _values(
            plan,
            ("summary", "review_on", "created_at", "superseded_at"),
            created_by=_user(plan.created_by),
            actions=[_action(action) for action in plan.actions.all()],
        )
        for plan in plans
    ]


def _action(action: PlanAction) -> dict[str, Any]:
    return _values(
        action,
        ("description", "due_on", "status", "completed_at"),
        owner=_user(action.owner) or action.owner_name,
    )


def _shares(records: Sequence[Model]) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        for share in shares_for(record):
            rows.append(
                {
                    "record": getattr(record, "reference", str(record)),
                    "shared_with": str(share.team) if share.team else _user(share.user),
                    "lawful_basis": share.lawful_basis,
                    "reason": share.reason,
                    "shared_by": _user(share.shared_by),
                    "shared_at": share.shared_at,
                    "revoked_at": share.revoked_at,
                }
            )
    return rows


def _audit_entries(
    young_person: YoungPerson, referrals: Sequence[Referral]
) -> list[dict[str, Any]]:
    """Entries naming the record or one of its referrals. record_ids is a JSON list of strings;
    its text contains '"<id>"' exactly when the list holds that id, on SQLite and PostgreSQL."""
    wanted = [(record_label(YoungPerson), young_person.pk)]
    wanted += [(record_label(Referral), referral.pk) for referral in referrals]
    entries: list[AuditEntry] = []
    for record_type, pk in wanted:
        entries += AuditEntry.objects.filter(
            record_type=record_type, record_ids__icontains=f'"{pk}"'
        )
    entries.sort(key=lambda entry: entry.pk)
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "by": entry.username,
            "channel": entry.channel,
            "record_type": entry.record_type,
            "summary": entry.summary,
            "justification": entry.justification,
        }
        for entry in entries
    ]


def _gather(young_person: YoungPerson) -> list[Section]:
    referrals = list(young_person.referrals.all())
    monitoring = EqualityMonitoring.objects.filter(young_person=young_person).first()
    return [
        Section("record", "The record", YoungPerson, [_record(young_person)]),
        Section(
            "aliases",
            "Other names",
            Alias,
            [_values(alias, ("name", "kind")) for alias in young_person.aliases.all()],
        ),
        Section(
            "placements",
            "Placements and addresses",
            Placement,
            [
                _values(item, ("placement_type", "address", "postcode", "started_on", "ended_on"))
                for item in young_person.placements.all()
            ],
        ),
        Section(
            "key_contacts",
            "Key contacts",
            KeyContact,
            [
                _values(item, ("name", "relationship", "phone", "notes"))
                for item in young_person.key_contacts.all()
            ],
        ),
        Section(
            "equality_monitoring",
            "Equality monitoring",
            EqualityMonitoring,
            [_values(monitoring, ("ethnicity", "religion", "nationality", "recorded_at"))]
            if monitoring
            else [],
        ),
        Section("referrals", "Referrals", Referral, _referrals(young_person)),
        Section("risk_assessments", "Risk assessments", RiskAssessment, _assessments(young_person)),
        Section("missing_episodes", "Missing episodes", MissingEpisode, _episodes(young_person)),
        Section("safety_plans", "Safety plans", SafetyPlan, _plans(young_person)),
        Section(
            "contacts",
            "Contacts and visits",
            ContactRecord,
            [
                _values(
                    contact,
                    ("happened_at", "kind", "with_whom", "notes"),
                    worker=_user(contact.worker),
                )
                for contact in young_person.contacts.select_related("worker")
            ],
        ),
        Section(
            "chronology",
            "Chronology",
            None,
            [
                {"at": event.at, "kind": event.kind, "title": event.title, "detail": event.detail}
                for event in chronology(young_person)
            ],
        ),
        Section(
            "shares", "Who the record is shared with", None, _shares([young_person, *referrals])
        ),
        Section(
            "audit_entries",
            "Who has collected, changed, consulted or disclosed it",
            None,
            _audit_entries(young_person, referrals),
        ),
    ]


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
            young_person=young_person, generated_at=timezone.now(), sections=_gather(young_person)
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


# The PDF ----------------------------------------------------------------------------------------


def _model_field(model: type[Model] | None, name: str) -> Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:  # a name the export added, such as "reference"
        return None
    return found if isinstance(found, Field) else None


def _label(model: type[Model] | None, name: str) -> str:
    model_field = _model_field(model, name)
    verbose = str(model_field.verbose_name) if model_field else name.replace("_", " ")
    return verbose[:1].upper() + verbose[1:]


def _shown(model: type[Model] | None, name: str, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return {"nested": [_pairs(None, item) for item in value]}
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    model_field = _model_field(model, name)
    choices = dict(model_field.choices or ()) if model_field else {}
    if value in choices:
        return str(choices[value])
    return str(value)


def _pairs(model: type[Model] | None, row: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(_label(model, name), _shown(model, name, value)) for name, value in row.items()]


def _no_fetching() -> Any:
    # Everything the PDF needs is in the HTML; it never reaches out to the network or the disk.
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=())


def render_pdf(export: SubjectAccessExport) -> bytes:
    from weasyprint import HTML

    sections = [
        {"title": section.title, "rows": [_pairs(section.model, row) for row in section.rows]}
        for section in export.sections
    ]
    html = render_to_string(
        "youngpeople/export/pdf.html",
        {
            "young_person": export.young_person,
            "generated_at": export.generated_at,
            "sections": sections,
        },
    )
    pdf: bytes = HTML(string=html, url_fetcher=_no_fetching()).write_pdf()
    return pdf
