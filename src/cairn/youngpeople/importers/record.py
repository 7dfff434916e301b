"""Importers for young people (with the demo caseload) and referrals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from django.core.exceptions import ValidationError

from cairn.access.models import LawfulBasis, User
from cairn.access.permissions import Perm
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.world.importers import ImportContext, Row, RowProblem, batches, importer
from cairn.youngpeople.importers.common import (
    AGENCIES,
    BATCH,
    DEMO_CASELOAD,
    DEMO_PRACTITIONER,
    GENDERS,
    LEGAL_STATUSES,
    URGENCIES,
    audit_import,
    cell_day,
    cell_flag,
    cell_integer,
    existing_ids,
    grant_owner_shares,
    row_problems,
    start_of_day,
)
from cairn.youngpeople.models import (
    Alias,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Consent,
    Gender,
    LookedAfterStatus,
    MissingEpisode,
    Placement,
    PlacementType,
    Referral,
    ReferralStatus,
    RiskAssessment,
    Urgency,
    YoungPerson,
)
from cairn.youngpeople.models.choices import band_rank
from cairn.youngpeople.names import phonetic_keys
from cairn.youngpeople.services.record import validate_identity

# Young people -----------------------------------------------------------------------------------


def _aliases(row: Mapping[str, str]) -> list[str]:
    return [name.strip() for name in row.get("aliases", "").split("|") if name.strip()]


def _check_young_people(rows: Iterable[Row]) -> Iterator[RowProblem]:
    for number, row in rows:
        try:
            validate_identity(
                given_name=row["given_name"],
                family_name=row["family_name"],
                date_of_birth=cell_day(row["date_of_birth"]),
                estimated_age=cell_integer(row["estimated_age"]),
            )
        except ValidationError as error:
            yield from row_problems(number, error)


def _looked_after(row: Mapping[str, str]) -> str:
    if not cell_flag(row["looked_after"]):
        return LookedAfterStatus.NOT_LOOKED_AFTER
    return LEGAL_STATUSES.get(row["legal_status"], LookedAfterStatus.NOT_KNOWN)


@importer("young_people", order=30, check=_check_young_people)
def import_young_people(context: ImportContext, rows: Iterable[Row]) -> int:
    teams = context.ids.get("teams", {})
    loaded = context.ids.setdefault("young_people", {})
    rows = list(rows)
    existing = existing_ids(YoungPerson, (row["young_person_id"] for _, row in rows))
    people: list[YoungPerson] = []
    details: list[dict[str, str]] = []
    for _, row in rows:
        external_id = row["young_person_id"]
        if external_id in existing:
            loaded[external_id] = existing[external_id]
            continue
        first_contact = start_of_day(date.fromisoformat(row["first_contact_on"]))
        names = [row["given_name"], row["family_name"], row["preferred_name"], *_aliases(row)]
        people.append(
            YoungPerson(
                given_name=row["given_name"].strip(),
                family_name=row["family_name"].strip(),
                preferred_name=row["preferred_name"].strip(),
                date_of_birth=cell_day(row["date_of_birth"]),
                estimated_age=cell_integer(row["estimated_age"]),
                gender=GENDERS.get(row["sex"], Gender.NOT_KNOWN),
                looked_after=_looked_after(row),
                learning_disability=cell_flag(row["learning_disability"]),
                area=row["postcode_district"].strip(),
                holding_team_id=teams[row["team_id"]],
                name_keys=phonetic_keys(names),
                external_id=external_id,
                synthetic=context.synthetic,
                created_at=first_contact,
                updated_at=first_contact,
            )
        )
        details.append(row)
    YoungPerson.objects.bulk_create(people, batch_size=BATCH)
    aliases: list[Alias] = []
    placements: list[Placement] = []
    events: list[CaseEvent] = []
    for person, row in zip(people, details, strict=True):
        loaded[person.external_id] = person.pk
        aliases += [Alias(young_person=person, name=name) for name in _aliases(row)]
        if row["address"].strip() or row["postcode_district"].strip():
            placements.append(
                Placement(
                    young_person=person,
                    # The bundle says only whether the child is looked after, not where they live.
                    placement_type=PlacementType.OTHER
                    if cell_flag(row["looked_after"])
                    else PlacementType.FAMILY_HOME,
                    address=row["address"].strip(),
                    postcode=row["postcode_district"].strip().upper(),
                    started_on=date.fromisoformat(row["first_contact_on"]),
                )
            )
        events.append(
            CaseEvent(
                young_person=person,
                kind=CaseEventKind.OPENED,
                at=person.created_at,
                note="Imported from a bundle",
            )
        )
    Alias.objects.bulk_create(aliases, batch_size=BATCH)
    Placement.objects.bulk_create(placements, batch_size=BATCH)
    CaseEvent.objects.bulk_create(events, batch_size=BATCH)
    grant_owner_shares(
        people, {person.pk: person.holding_team_id for person in people}, YoungPerson
    )
    audit_import(
        context,
        (person.pk for person in people),
        f"Imported {len(people)} young people's records from a bundle",
    )
    context.created["young_people"] = [person.pk for person in people]
    return len(people)


def allocate_demo_caseload(context: ImportContext) -> None:
    """On a demo instance, give the `practitioner` account (from `cairn demo setup`) a caseload
    worth showing: new open cases of their team, those with the highest latest risk band and
    most missing episodes first. Runs after the assessments and episodes are loaded."""
    if not context.synthetic:
        return
    people = [
        person
        for batch in batches(context.created.get("young_people", []))
        for person in YoungPerson.objects.filter(pk__in=batch)
    ]
    practitioner = User.objects.filter(username=DEMO_PRACTITIONER, is_active=True).first()
    if practitioner is None or not practitioner.can(Perm.EDIT_PERSON_RECORDS):
        return
    teams = practitioner.team_ids()
    candidates = [
        person
        for person in people
        if person.holding_team_id in teams and person.status == CaseStatus.OPEN
    ]
    latest_band: dict[int, str] = {}
    episodes: Counter[int] = Counter()
    for batch in batches(candidates):
        for young_person_id, band in (
            RiskAssessment.objects.filter(young_person__in=batch)
            .order_by("young_person_id", "assessed_on", "id")
            .values_list("young_person_id", "band")
        ):
            latest_band[young_person_id] = band
        episodes.update(
            MissingEpisode.objects.filter(young_person__in=batch).values_list(
                "young_person_id", flat=True
            )
        )
    chosen = sorted(
        candidates,
        key=lambda person: (
            band_rank(latest_band[person.pk]) if person.pk in latest_band else -1,
            episodes[person.pk],
            person.created_at,
        ),
        reverse=True,
    )[:DEMO_CASELOAD]
    if not chosen:
        return
    for person in chosen:
        person.key_worker = practitioner
    YoungPerson.objects.bulk_update(chosen, ["key_worker"])
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                young_person=person,
                kind=CaseEventKind.ALLOCATED,
                key_worker=practitioner,
                note="Demo caseload",
            )
            for person in chosen
        ]
    )
    audit_record(
        actor=context.actor,
        action=Action.ALTERATION,
        record_type=record_label(YoungPerson),
        record_ids=[person.pk for person in chosen],
        summary=f"Allocated {len(chosen)} imported cases to {practitioner.display_name} (demo)",
    )


# Referrals --------------------------------------------------------------------------------------


@importer("referrals", order=40)
def import_referrals(context: ImportContext, rows: Iterable[Row]) -> int:
    """Historical referrals: accepted, since the bundle holds the record each one led to. The
    bundle does not carry the referrer's name, consent or lawful basis; the decision says so."""
    teams = context.ids.get("teams", {})
    people_ids = context.ids.get("young_people", {})
    loaded = context.ids.setdefault("referrals", {})
    rows = list(rows)
    existing = existing_ids(Referral, (row["referral_id"] for _, row in rows))
    people = YoungPerson.objects.in_bulk([people_ids[row["young_person_id"]] for _, row in rows])
    referrals: list[Referral] = []
    for _, row in rows:
        external_id = row["referral_id"]
        if external_id in existing:
            loaded[external_id] = existing[external_id]
            continue
        person = people[people_ids[row["young_person_id"]]]
        received_at = start_of_day(date.fromisoformat(row["referred_on"]))
        referrals.append(
            Referral(
                receiving_team_id=teams[row["team_id"]],
                received_at=received_at,
                referrer_name="Not recorded in the bundle",
                referrer_organisation=AGENCIES.get(row["referrer_agency_type"], "Other agency"),
                referrer_contact="Not recorded in the bundle",
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
                estimated_age=person.estimated_age,
                phone=person.phone,
                area=person.area,
                reason=row["reason"].strip() or "Not recorded in the bundle",
                urgency=URGENCIES.get(row["urgency"], Urgency.ROUTINE),
                consent=Consent.NOT_SOUGHT,
                lawful_basis=LawfulBasis.SAFEGUARDING,
                status=ReferralStatus.ACCEPTED,
                decision_reason=(
                    "Imported from a bundle with the young person's record. The bundle does not "
                    "record the referrer's name, consent or the lawful basis for sharing."
                ),
                decided_at=received_at,
                young_person=person,
                external_id=external_id,
                synthetic=context.synthetic,
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    for referral in referrals:
        loaded[referral.external_id] = referral.pk
    grant_owner_shares(
        referrals, {referral.pk: referral.receiving_team_id for referral in referrals}, Referral
    )
    if referrals:
        audit_record(
            actor=context.actor,
            action=Action.COLLECTION,
            record_type=record_label(Referral),
            record_ids=[referral.pk for referral in referrals],
            summary=f"Imported {len(referrals)} referrals from a bundle",
        )
    return len(referrals)
