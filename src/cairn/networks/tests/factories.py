"""A synthetic report with resolved mentions, as the linkage app leaves it (synthetic only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cairn.access.models import Team
from cairn.intelligence.models import (
    IntelligenceReport,
    LocationMention,
    PhoneMention,
    ReportYoungPerson,
    VehicleMention,
)
from cairn.intelligence.tests.factories import IntelligenceReportFactory, PersonMentionFactory
from cairn.linkage.models import (
    LinkStatus,
    LocationEntity,
    MentionLink,
    PersonEntity,
    PhoneEntity,
    VehicleEntity,
    location_key,
)
from cairn.networks.models import Edge
from cairn.youngpeople.models import YoungPerson


def place(name: str) -> LocationEntity:
    key = location_key(postcode="", venue_name=name, address="")
    return LocationEntity.objects.get_or_create(key=key, defaults={"label": name})[0]


def resolved_report(
    team: Team,
    *,
    at: datetime,
    people: Sequence[PersonEntity] = (),
    phones: Sequence[str] = (),
    vehicles: Sequence[str] = (),
    places: Sequence[str] = (),
    young_people: Sequence[YoungPerson] = (),
    grading: tuple[str, str] = ("2", "B"),
) -> IntelligenceReport:
    """A report whose person mentions are linked to `people` and whose phones, vehicles and
    places exist as entities."""
    report = IntelligenceReportFactory(
        owning_team=team,
        reported_at=at,
        source_evaluation=grading[0],
        intelligence_assessment=grading[1],
    )
    for person in people:
        mention = PersonMentionFactory(report=report, name_as_written=person.display_name)
        MentionLink.objects.create(mention=mention, entity=person, status=LinkStatus.AUTOMATIC)
    for number in phones:
        PhoneEntity.objects.get_or_create(e164=number)
        PhoneMention.objects.create(report=report, number_as_written=number, e164=number)
    for mark in vehicles:
        VehicleEntity.objects.get_or_create(registration=mark)
        VehicleMention.objects.create(report=report, registration=mark)
    for name in places:
        place(name)
        LocationMention.objects.create(report=report, venue_name=name)
    for young_person in young_people:
        ReportYoungPerson.objects.create(report=report, young_person=young_person)
    return report


def edge_table() -> set[tuple[Any, ...]]:
    """Every stored edge as a hashable row, to compare an update with a rebuild."""
    from cairn.networks.services import EDGE_FIELDS

    return {
        tuple(tuple(value) if isinstance(value, list) else value for value in row)
        for row in Edge.objects.values_list(*EDGE_FIELDS)
    }
