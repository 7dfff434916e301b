"""Shared by the young-people importers: bundle codes mapped to Cairn's, and reading cells."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from cairn.access.models import LawfulBasis, RecordShare
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.world.importers import ImportContext, RowProblem
from cairn.youngpeople.models import (
    Gender,
    LookedAfterStatus,
    Timing,
    Urgency,
    YoungPerson,
)

BATCH = 500
IMPORTED = "Imported"
# How many of the imported open cases the demo's `practitioner` account gets as key worker.
DEMO_CASELOAD = 15
DEMO_PRACTITIONER = "practitioner"

GENDERS = {"female": Gender.FEMALE, "male": Gender.MALE, "not_known": Gender.NOT_KNOWN}
LEGAL_STATUSES = {
    "s20_accommodated": LookedAfterStatus.SECTION_20,
    "care_order": LookedAfterStatus.CARE_ORDER,
    "emergency_protection_order": LookedAfterStatus.EMERGENCY_PROTECTION,
    "police_protection": LookedAfterStatus.POLICE_PROTECTION,
}
AGENCIES = {
    "police": "Police",
    "social_care": "Children's social care",
    "school": "School",
    "health": "Health",
    "charity": "Charity",
    "parent_carer": "Parent or carer",
    "self": "Self-referral",
    "other": "Other agency",
}
URGENCIES = {"routine": Urgency.ROUTINE, "urgent": Urgency.URGENT}
MISSING_FROM = {
    "home": "home",
    "foster_placement": "a foster placement",
    "childrens_home": "a children's home",
    "school": "school",
}
# The bundle names the SERAF-derived indicators in its own words; Cairn's tool (migration 0003)
# uses shorter codes. A code not listed here is looked up in the tool as it is.
INDICATOR_CODES = {
    "family_domestic_abuse_substance_mental_health": "family_history",
    "multiple_unknown_callers": "unknown_callers",
    "worrying_phone_or_internet_use": "worrying_phone_internet_use",
    "not_in_education_training_or_work": "not_in_education",
    "sexually_transmitted_infection": "sexually_transmitted_infections",
    "peers_involved_in_exploitation": "peers_involved",
    "living_independently_not_responding": "independent_not_responding",
    "controlling_older_boyfriend": "controlling_adult",
    "getting_into_cars_with_unknown_adults": "cars_unknown_adults",
    "unexplained_money_gifts_phones": "unexplained_gifts",
    "hanging_around_known_places": "places_known_for_exploitation",
    "contact_with_hotels_taxis_takeaways": "hotels_taxis_takeaways",
    "repeat_infections_or_terminations": "repeat_infections_terminations",
}
SIGNIFICANT_TIMINGS = {
    "current": Timing.CURRENT,
    "past_6_12_months": Timing.PAST,
    "both": Timing.BOTH,
    "not_applicable": Timing.CURRENT,
}


# Reading cells ----------------------------------------------------------------------------------


def cell_day(cell: str) -> date | None:
    return date.fromisoformat(cell) if cell else None


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def cell_moment(cell: str) -> datetime | None:
    if not cell:
        return None
    moment = datetime.fromisoformat(cell)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def cell_flag(cell: str) -> bool:
    return cell.strip().lower() == "true"


def cell_integer(cell: str) -> int | None:
    return int(cell) if cell else None


def row_problems(number: int, error: ValidationError) -> Iterator[RowProblem]:
    for field_name, messages in error.message_dict.items():
        for message in messages:
            yield number, field_name, message


def audit_import(
    context: ImportContext, people: Iterable[int], summary: str, **detail: object
) -> None:
    ids = sorted(set(people))
    if ids:
        audit_record(
            actor=context.actor,
            action=Action.COLLECTION,
            record_type=record_label(YoungPerson),
            record_ids=ids,
            summary=summary,
            detail=detail or None,
        )


def grant_owner_shares(
    records: Iterable[Model], team_of: Mapping[int, int], model: type[Model]
) -> None:
    """The holding team's share of each new record, as grant_owner_access makes one by one."""
    content_type = ContentType.objects.get_for_model(model)
    RecordShare.objects.bulk_create(
        [
            RecordShare(
                content_type=content_type,
                object_id=record.pk,
                team_id=team_of[record.pk],
                lawful_basis=LawfulBasis.OWNER,
            )
            for record in records
        ],
        batch_size=BATCH,
    )


def existing_ids(model: type[Model], external_ids: Iterable[str]) -> dict[str, int]:
    wanted = list(set(external_ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), BATCH):
        found.update(
            model._default_manager.filter(
                external_id__in=wanted[start : start + BATCH]
            ).values_list("external_id", "pk")
        )
    return found
