"""One timeline per young person, assembled from every module that has events about them.

Each module registers a provider: a function from a young person to their events. Later modules
(intelligence, investigations, court, disruption) add theirs with `@chronology_provider`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from cairn.youngpeople.models import InterviewStatus, YoungPerson


@dataclass(frozen=True)
class ChronologyEvent:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""


Provider = Callable[[YoungPerson], Iterable[ChronologyEvent]]
_PROVIDERS: dict[str, tuple[str, Provider]] = {}


def chronology_provider(kind: str, label: str) -> Callable[[Provider], Provider]:
    """Register a source of chronology events of one kind, with its label for the filter."""

    def register(provider: Provider) -> Provider:
        _PROVIDERS[kind] = (label, provider)
        return provider

    return register


def chronology_kinds() -> list[tuple[str, str]]:
    return [(kind, label) for kind, (label, _) in _PROVIDERS.items()]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def chronology(
    young_person: YoungPerson,
    *,
    kinds: Iterable[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[ChronologyEvent]:
    """Newest first. The caller has already opened the record through the access layer."""
    wanted = set(kinds) or set(_PROVIDERS)
    events = [
        event
        for kind, (_, provider) in _PROVIDERS.items()
        if kind in wanted
        for event in provider(young_person)
    ]
    if date_from is not None:
        events = [event for event in events if event.at >= _start_of(date_from)]
    if date_to is not None:
        events = [event for event in events if event.at < _start_of(date_to) + _ONE_DAY]
    return sorted(events, key=lambda event: event.at, reverse=True)


_ONE_DAY = timedelta(days=1)


@chronology_provider("referral", "Referrals")
def _referrals(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for referral in young_person.referrals.all():
        yield ChronologyEvent(
            at=referral.received_at,
            kind="referral",
            title=f"Referral received from {referral.referrer_organisation}",
            detail=f"Urgency: {referral.get_urgency_display()}",
            url=reverse("youngpeople:referral-detail", args=[referral.pk]),
        )
        if referral.decided_at:
            yield ChronologyEvent(
                at=referral.decided_at,
                kind="referral",
                title=f"Referral screened: {referral.get_status_display()}",
                detail=referral.decision_reason,
            )


@chronology_provider("assessment", "Risk assessments")
def _assessments(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for assessment in young_person.risk_assessments.all():
        detail = f"Score {assessment.score}, computed band {assessment.get_computed_band_display()}"
        if assessment.override_band:
            detail += f"; professional judgement {assessment.get_override_band_display()}"
        yield ChronologyEvent(
            at=_start_of(assessment.assessed_on),
            kind="assessment",
            title=f"Risk assessment: {assessment.get_band_display()}",
            detail=detail,
            url=reverse("youngpeople:assessment-detail", args=[young_person.pk, assessment.pk]),
        )


@chronology_provider("missing", "Missing episodes")
def _missing(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for episode in young_person.missing_episodes.all():
        url = reverse("youngpeople:missing-detail", args=[young_person.pk, episode.pk])
        yield ChronologyEvent(
            at=episode.started_at,
            kind="missing",
            title=f"Went {episode.get_kind_display().lower()}",
            detail=f"Reported by {episode.reported_by}",
            url=url,
        )
        if episode.ended_at:
            where = f" at {episode.where_found}" if episode.where_found else ""
            yield ChronologyEvent(
                at=episode.ended_at, kind="missing", title=f"Returned or found{where}", url=url
            )
        if episode.interview_status == InterviewStatus.DONE and episode.interview_done_at:
            yield ChronologyEvent(
                at=episode.interview_done_at,
                kind="missing",
                title="Return-home interview done",
                detail=f"By {episode.interview_by}",
                url=url,
            )
        elif episode.interview_status == InterviewStatus.DECLINED and episode.interview_offered_at:
            yield ChronologyEvent(
                at=episode.interview_offered_at,
                kind="missing",
                title="Return-home interview declined",
                url=url,
            )


@chronology_provider("contact", "Contacts and visits")
def _contacts(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for contact in young_person.contacts.select_related("worker"):
        worker = contact.worker.display_name if contact.worker else ""
        yield ChronologyEvent(
            at=contact.happened_at,
            kind="contact",
            title=contact.get_kind_display(),
            detail=", ".join(part for part in (worker, contact.with_whom) if part),
        )


@chronology_provider("plan", "Plans")
def _plans(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for plan in young_person.safety_plans.prefetch_related("actions"):
        yield ChronologyEvent(
            at=plan.created_at,
            kind="plan",
            title="Safety plan made",
            detail=f"{plan.actions.count()} actions; review by {plan.review_on:%d %b %Y}",
        )
        for action in plan.actions.all():
            if action.completed_at:
                yield ChronologyEvent(
                    at=action.completed_at,
                    kind="plan",
                    title="Plan action done",
                    detail=action.description,
                )


@chronology_provider("case", "Allocation and case status")
def _case_events(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for event in young_person.case_events.select_related("key_worker"):
        title = event.get_kind_display()
        if event.kind == "allocated":
            title = "Allocated to " + (
                event.key_worker.display_name if event.key_worker else "no one"
            )
        yield ChronologyEvent(at=event.at, kind="case", title=title, detail=event.note)
