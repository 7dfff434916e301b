"""Reads of intelligence reports, need-to-know first, every consultation audited."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.queries import list_records, open_record, scope
from cairn.intelligence.models import (
    EventMention,
    HandlingCode,
    IntelligenceReport,
    LocationMention,
    PersonMention,
    PhoneMention,
    VehicleMention,
)
from cairn.intelligence.normalise import NotNormalisable, normalise_phone
from cairn.youngpeople.models import YoungPerson

LIST_LIMIT = 100


def _reports() -> QuerySet[IntelligenceReport]:
    return IntelligenceReport.objects.select_related(
        "owning_team__organisation", "source_organisation", "recorded_by"
    )


def report_open(actor: Actor, pk: int, *, purpose: str) -> IntelligenceReport:
    return open_record(actor, _reports(), pk, purpose=purpose)


@dataclass(frozen=True)
class ReportSearch:
    text: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            key: str(value)
            for key, value in (
                ("text", self.text),
                ("date_from", self.date_from),
                ("date_to", self.date_to),
            )
            if value
        }


def _mentioning(text: str) -> Q:
    """Reports with a mention matching `text` (the narrative is encrypted, so never searched)."""
    phone_q = Q(number_as_written__icontains=text)
    with suppress(NotNormalisable):
        phone_q |= Q(e164=normalise_phone(text))
    compact = text.replace(" ", "").upper()
    subqueries = [
        PersonMention.objects.filter(
            Q(name_as_written__icontains=text)
            | Q(nickname__icontains=text)
            | Q(description__icontains=text)
            | Q(address__icontains=text)
        ),
        PhoneMention.objects.filter(phone_q),
        VehicleMention.objects.filter(
            Q(registration__icontains=compact) | Q(make__icontains=text) | Q(model__icontains=text)
        ),
        LocationMention.objects.filter(
            Q(venue_name__icontains=text) | Q(address__icontains=text) | Q(postcode__icontains=text)
        ),
        EventMention.objects.filter(what_happened__icontains=text),
    ]
    query = Q(pk__in=[])
    for subquery in subqueries:
        query |= Q(pk__in=subquery.values("report_id"))
    return query


def reports_search(
    actor: Actor, search: ReportSearch, *, limit: int = LIST_LIMIT
) -> Sequence[IntelligenceReport]:
    reports = _reports()
    if search.text.strip():
        reports = reports.filter(_mentioning(search.text.strip()))
    if search.date_from:
        reports = reports.filter(reported_at__date__gte=search.date_from)
    if search.date_to:
        reports = reports.filter(reported_at__date__lte=search.date_to)
    return list_records(
        actor,
        reports,
        purpose="Listed intelligence reports",
        search=search.as_dict() or None,
        limit=limit,
    )


def may_see_source(user: User | None, report: IntelligenceReport) -> bool:
    """Under handling code C only the roles its conditions allow learn who the source is."""
    if report.handling_code != HandlingCode.CONDITIONS:
        return True
    return user is not None and any(
        user.has_role(Role(role)) for role in report.source_roles if role in Role.values
    )


def linked_young_people(user: User | None, report: IntelligenceReport) -> QuerySet[YoungPerson]:
    """Only those the reader may know about."""
    return scope(user, report.young_people.all())


@dataclass
class ReportMentions:
    people: list[PersonMention]
    phones: list[PhoneMention]
    vehicles: list[VehicleMention]
    locations: list[LocationMention]
    events: list[EventMention]


def report_mentions(report: IntelligenceReport) -> ReportMentions:
    """The caller has opened the report through the access layer."""
    return ReportMentions(
        people=list(report.person_mentions.all()),
        phones=list(report.phone_mentions.select_related("person")),
        vehicles=list(report.vehicle_mentions.select_related("person")),
        locations=list(report.location_mentions.all()),
        events=list(report.event_mentions.select_related("subject", "location")),
    )
