"""The sections of a subject access export: every part of a young person's record, as rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from cairn.access.queries import shares_for
from cairn.audit.models import AuditEntry
from cairn.audit.services import record_label
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


def gather(young_person: YoungPerson) -> list[Section]:
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
