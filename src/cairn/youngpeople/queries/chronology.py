"""One timeline per young person, assembled from every module that has events about them.

Each module registers a provider: a function from a young person to their events. Later modules
(intelligence, investigations, court, disruption) add theirs with `@chronology_provider`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cairn.youngpeople.models import ActionStatus, CaseEventKind, InterviewStatus, YoungPerson


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


def _url(name: str, *args: object) -> str:
    """A link to the event's page, or none if that page is not (yet) part of Cairn."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@chronology_provider("referral", "Referrals")
def _referrals(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for referral in young_person.referrals.all():
        url = _url("youngpeople:referral-detail", referral.pk)
        yield ChronologyEvent(
            at=referral.received_at,
            kind="referral",
            title=f"Referral received from {referral.referrer_organisation}",
            detail=f"Urgency: {referral.get_urgency_display()}",
            url=url,
        )
        if referral.decided_at:
            yield ChronologyEvent(
                at=referral.decided_at,
                kind="referral",
                title=f"Referral screened: {referral.get_status_display()}",
                detail=referral.decision_reason,
                url=url,
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
            url=_url("youngpeople:assessment-detail", young_person.pk, assessment.pk),
        )


@chronology_provider("missing", "Missing episodes")
def _missing(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for episode in young_person.missing_episodes.all():
        url = _url("youngpeople:missing-detail", young_person.pk, episode.pk)
        reference = (
            f"; police reference {episode.police_reference}" if episode.police_reference else ""
        )
        yield ChronologyEvent(
            at=episode.started_at,
            kind="missing",
            title=f"Went {episode.get_kind_display().lower()}",
            detail=f"Reported by {episode.reported_by}{reference}",
            url=url,
        )
        if episode.ended_at:
            where = f" at {episode.where_found}" if episode.where_found else ""
            yield ChronologyEvent(
                at=episode.ended_at,
                kind="missing",
                title=f"Returned or found{where}",
                detail=f"Who with: {episode.found_with}" if episode.found_with else "",
                url=url,
            )
        if episode.interview_offered_at:
            declined = episode.interview_status == InterviewStatus.DECLINED
            yield ChronologyEvent(
                at=episode.interview_offered_at,
                kind="missing",
                title="Return-home interview offered" + (" and declined" if declined else ""),
                url=url,
            )
        if episode.interview_status == InterviewStatus.DONE and episode.interview_done_at:
            yield ChronologyEvent(
                at=episode.interview_done_at,
                kind="missing",
                title="Return-home interview done",
                detail=f"By {episode.interview_by}",
                url=url,
            )


@chronology_provider("contact", "Contacts and visits")
def _contacts(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    url = _url("youngpeople:contact-list", young_person.pk)
    for contact in young_person.contacts.select_related("worker"):
        worker = contact.worker.display_name if contact.worker else ""
        yield ChronologyEvent(
            at=contact.happened_at,
            kind="contact",
            title=contact.get_kind_display(),
            detail=", ".join(part for part in (worker, contact.with_whom) if part),
            url=url,
        )


@chronology_provider("plan", "Plans")
def _plans(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    url = _url("youngpeople:plan", young_person.pk)
    for plan in young_person.safety_plans.select_related("created_by").prefetch_related("actions"):
        actions = plan.actions.all()
        by = f" by {plan.created_by.display_name}" if plan.created_by else ""
        yield ChronologyEvent(
            at=plan.created_at,
            kind="plan",
            title=f"Safety plan made{by}",
            detail=f"{len(actions)} actions; review by {plan.review_on:%d %b %Y}",
            url=url,
        )
        if plan.superseded_at:
            yield ChronologyEvent(
                at=plan.superseded_at, kind="plan", title="Safety plan replaced", url=url
            )
        for action in actions:
            if action.status == ActionStatus.DONE and action.completed_at:
                yield ChronologyEvent(
                    at=action.completed_at,
                    kind="plan",
                    title="Plan action done",
                    detail=action.description,
                    url=url,
                )
            elif action.status == ActionStatus.CANCELLED:
                yield ChronologyEvent(
                    at=action.updated_at,
                    kind="plan",
                    title="Plan action cancelled",
                    detail=action.description,
                    url=url,
                )


@chronology_provider("case", "Allocation and case status")
def _case_events(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    for event in young_person.case_events.select_related("key_worker"):
        title = event.get_kind_display()
        if event.kind == CaseEventKind.ALLOCATED:
            title = "Allocated to " + (
                event.key_worker.display_name if event.key_worker else "no one"
            )
        yield ChronologyEvent(at=event.at, kind="case", title=title, detail=event.note)
