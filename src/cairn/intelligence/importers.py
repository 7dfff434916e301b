"""Importers for the bundle's intelligence reports and the mentions in them.

Bundle identifiers are kept as `external_id`; 5x5x5 grades are kept as given. A bundle names
who sent a report, not who holds it: a report is held by its source organisation's team named
"Intelligence Unit" if it has one, or else by its first team in the bundle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from cairn.access.models import LawfulBasis, RecordShare, Team
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import (
    EventMention,
    GradingSystem,
    IntelligenceReport,
    LocationMention,
    MentionRole,
    PersonMention,
    PhoneMention,
    Sex,
    SourceType,
    VehicleMention,
    VenueType,
)
from cairn.intelligence.normalise import (
    NotNormalisable,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
    parse_name,
    postcode_district,
)
from cairn.world.importers import ImportContext, Row, importer

M = TypeVar("M", bound=Model)

BATCH = 1000
INTELLIGENCE_TEAM = "Intelligence Unit"
SOURCE_TYPES = {
    "police_officer": SourceType.POLICE_OFFICER,
    "social_worker": SourceType.SOCIAL_WORKER,
    "teacher": SourceType.TEACHER,
    "charity_worker": SourceType.CHARITY_WORKER,
    "health_worker": SourceType.HEALTH,
    "hotel_staff": SourceType.HOTEL_STAFF,
    "taxi_driver": SourceType.TAXI_STAFF,
    "parent_carer": SourceType.MEMBER_OF_PUBLIC,
    "member_of_public": SourceType.MEMBER_OF_PUBLIC,
    "return_home_interview": SourceType.OTHER,
}
VENUE_TYPES = {
    "takeaway": VenueType.TAKEAWAY,
    "hotel": VenueType.HOTEL,
    "private_flat": VenueType.PRIVATE_ADDRESS,
    "home_address": VenueType.PRIVATE_ADDRESS,
    "park": VenueType.PARK,
    "shopping_centre": VenueType.SHOP,
    "taxi_rank": VenueType.TAXI_OFFICE,
    "school": VenueType.SCHOOL,
}
EVENT_TYPES = {
    "seen_with_adult": "Seen with an adult",
    "got_into_car": "Got into a car",
    "went_missing": "Went missing",
    "gifts_received": "Received gifts",
    "at_location": "Seen at a location",
    "alcohol_or_drugs_given": "Given alcohol or drugs",
    "phone_given": "Given a phone",
    "online_contact": "Contacted online",
    "assault_disclosed": "Disclosed an assault",
}


def _existing(model: type[Model], ids: Iterable[str]) -> dict[str, int]:
    """Rows of `model` already loaded from a bundle, by their bundle id."""
    wanted = set(ids)
    found: dict[str, int] = {}
    for external_id, pk in model._default_manager.filter(external_id__gt="").values_list(
        "external_id", "pk"
    ):
        if external_id in wanted:
            found[external_id] = pk
    return found


def _holding_teams(context: ImportContext) -> dict[int, int]:
    """Organisation pk → the pk of the team that holds its reports."""
    team_pks = list(context.ids.get("teams", {}).values())
    holding: dict[int, int] = {}
    for team in Team.objects.filter(pk__in=team_pks).order_by("pk"):
        if team.name == INTELLIGENCE_TEAM or team.organisation_id not in holding:
            holding[team.organisation_id] = team.pk
    return holding


def _moment(cell: str) -> datetime:
    moment = datetime.fromisoformat(cell)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@importer("intelligence_reports", order=300)
def import_intelligence_reports(context: ImportContext, rows: Iterable[Row]) -> int:
    organisations = context.ids.get("organisations", {})
    holding = _holding_teams(context)
    fallback = next(iter(holding.values()), None)
    loaded = context.ids.setdefault("intelligence_reports", {})
    rows = list(rows)
    existing = _existing(IntelligenceReport, (row["report_id"] for _, row in rows))
    reports: list[IntelligenceReport] = []
    for _, row in rows:
        if row["report_id"] in existing:
            loaded[row["report_id"]] = existing[row["report_id"]]
            continue
        organisation = organisations.get(row["source_organisation_id"])
        team = holding.get(organisation, fallback) if organisation else fallback
        if team is None:
            continue
        legacy = row["grading_system"] == GradingSystem.FIVE_FIVE_FIVE
        grades = (row["source_evaluation"], row["intelligence_assessment"], row["handling_code"])
        received = _moment(row["received_at"])
        report = IntelligenceReport(
            reported_at=received,
            owning_team_id=team,
            source_organisation_id=organisation,
            source_type=SOURCE_TYPES.get(row["source_type"], SourceType.OTHER),
            grading_system=GradingSystem.FIVE_FIVE_FIVE if legacy else GradingSystem.THREE_FIVE_TWO,
            handling_conditions=row["handling_instructions"].strip(),
            narrative=row["narrative"],
            external_id=row["report_id"],
            synthetic=context.synthetic,
            created_at=received,
            updated_at=received,
        )
        if legacy:
            (
                report.legacy_source_evaluation,
                report.legacy_intelligence_assessment,
                report.legacy_handling_code,
            ) = grades
        else:
            (report.source_evaluation, report.intelligence_assessment, report.handling_code) = (
                grades
            )
            if report.handling_code == "C":
                report.source_roles = ["analyst", "investigator"]
        reports.append(report)
    IntelligenceReport.objects.bulk_create(reports, batch_size=BATCH)
    content_type = ContentType.objects.get_for_model(IntelligenceReport)
    RecordShare.objects.bulk_create(
        [
            RecordShare(
                content_type=content_type,
                object_id=report.pk,
                team_id=report.owning_team_id,
                lawful_basis=LawfulBasis.OWNER,
            )
            for report in reports
        ],
        batch_size=BATCH,
    )
    for report in reports:
        loaded[report.external_id] = report.pk
    context.created["intelligence_reports"] = [report.pk for report in reports]
    if reports:
        audit_record(
            actor=context.actor,
            action=Action.COLLECTION,
            record_type=record_label(IntelligenceReport),
            record_ids=[report.pk for report in reports],
            summary=f"Imported {len(reports)} intelligence reports",
        )
    return len(reports)


def _report(context: ImportContext, row: dict[str, str]) -> int | None:
    return context.ids.get("intelligence_reports", {}).get(row["report_id"])


def _age_range(description: str, estimated: str) -> tuple[int | None, int | None]:
    if estimated:
        return int(estimated), int(estimated)
    return None, None


def _load_mentions(
    context: ImportContext,
    rows: Iterable[Row],
    resource: str,
    model: type[M],
    build: Callable[[int, dict[str, str]], M],
) -> int:
    """The shape every mention importer shares: skip rows already loaded (keeping their ids),
    build the rest against their report, write them in bulk and record their ids."""
    rows = list(rows)
    loaded = context.ids.setdefault(resource, {})
    existing = _existing(model, (row["mention_id"] for _, row in rows))
    mentions: list[M] = []
    for _, row in rows:
        if row["mention_id"] in existing:
            loaded[row["mention_id"]] = existing[row["mention_id"]]
            continue
        report = _report(context, row)
        if report is not None:
            mentions.append(build(report, row))
    model._default_manager.bulk_create(mentions, batch_size=BATCH)
    for mention in mentions:
        loaded[getattr(mention, "external_id")] = mention.pk  # noqa: B009
    return len(mentions)


def _day_or_none(cell: str) -> date | None:
    return datetime.fromisoformat(cell).date() if cell else None


@importer("report_person_mentions", order=310)
def import_person_mentions(context: ImportContext, rows: Iterable[Row]) -> int:
    def build(report: int, row: dict[str, str]) -> PersonMention:
        parsed = parse_name(row["name_as_written"])
        age_min, age_max = _age_range(row["description"], row["estimated_age"])
        role = row["role_in_report"]
        return PersonMention(
            report_id=report,
            external_id=row["mention_id"],
            name_as_written=row["name_as_written"].strip(),
            given_name=parsed.given_name,
            family_name=parsed.family_name,
            nickname=row["nickname"].strip() or parsed.nickname,
            role=role if role in MentionRole.values else MentionRole.UNKNOWN,
            sex=row["sex"] if row["sex"] in Sex.values else Sex.NOT_KNOWN,
            date_of_birth=_day_or_none(row["date_of_birth"]),
            age_min=age_min,
            age_max=age_max,
            description=row["description"].strip(),
            address=row["address_as_written"].strip(),
        )

    return _load_mentions(context, rows, "report_person_mentions", PersonMention, build)


def _person(context: ImportContext, cell: str) -> int | None:
    return context.ids.get("report_person_mentions", {}).get(cell) if cell else None


@importer("report_phone_mentions", order=320)
def import_phone_mentions(context: ImportContext, rows: Iterable[Row]) -> int:
    def build(report: int, row: dict[str, str]) -> PhoneMention:
        try:
            e164 = normalise_phone(row["number_as_written"])
        except NotNormalisable:
            e164 = ""  # kept as written: a reporter's incomplete number is still intelligence
        return PhoneMention(
            report_id=report,
            external_id=row["mention_id"],
            number_as_written=row["number_as_written"].strip()[:40],
            e164=e164,
            person_id=_person(context, row["person_mention_id"]),
        )

    return _load_mentions(context, rows, "report_phone_mentions", PhoneMention, build)


@importer("report_vehicle_mentions", order=330)
def import_vehicle_mentions(context: ImportContext, rows: Iterable[Row]) -> int:
    def build(report: int, row: dict[str, str]) -> VehicleMention:
        written = row["registration_as_written"].strip()
        mark, partial = "", False
        if written:
            try:
                registration = normalise_registration(written)
                mark, partial = registration.normalised, registration.is_partial
            except NotNormalisable:
                pass  # kept as written only
        return VehicleMention(
            report_id=report,
            external_id=row["mention_id"],
            registration_as_written=written[:20],
            registration=mark,
            is_partial=partial,
            make=row["make"].strip(),
            model=row["model"].strip(),
            colour=row["colour"].strip(),
            person_id=_person(context, row["person_mention_id"]),
        )

    return _load_mentions(context, rows, "report_vehicle_mentions", VehicleMention, build)


@importer("report_location_mentions", order=340)
def import_location_mentions(context: ImportContext, rows: Iterable[Row]) -> int:
    def build(report: int, row: dict[str, str]) -> LocationMention:
        given = row["postcode_district"].strip()
        try:
            postcode = normalise_postcode(given)
        except NotNormalisable:
            postcode = ""
        return LocationMention(
            report_id=report,
            external_id=row["mention_id"],
            venue_type=VENUE_TYPES.get(row["location_type"], VenueType.OTHER),
            venue_name=row["name_as_written"].strip(),
            address=row["address_as_written"].strip(),
            postcode=postcode,
            postcode_district=postcode_district(given),
        )

    return _load_mentions(context, rows, "report_location_mentions", LocationMention, build)


@importer("report_event_mentions", order=350)
def import_event_mentions(context: ImportContext, rows: Iterable[Row]) -> int:
    locations = context.ids.get("report_location_mentions", {})

    def build(report: int, row: dict[str, str]) -> EventMention:
        return EventMention(
            report_id=report,
            external_id=row["mention_id"],
            occurred_on=_day_or_none(row["occurred_on"]),
            date_precision=row["date_precision"] or "unknown",
            what_happened=EVENT_TYPES.get(row["event_type"], row["event_type"] or "Not recorded"),
            subject_id=_person(context, row["subject_mention_id"]),
            location_id=locations.get(row["location_mention_id"])
            if row["location_mention_id"]
            else None,
        )

    return _load_mentions(context, rows, "report_event_mentions", EventMention, build)
