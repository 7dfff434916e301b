"""Importers for the bundle's investigation resources (docs/formats/importing.md).

Investigations, their suspects, victims, witnesses, evidence items and outcomes, with the bundle
identifiers kept as `external_id`, so loading the same bundle twice adds nothing. An
investigation is held by its team in the bundle, which gets the owner share. Suspects are
resolved to person entities by the next `cairn link run`, as the demo does after loading.
The verdicts of `trial_defendants` become the court results of the charged suspects' outcomes;
trials themselves are the Court issue's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from django.db.models import Model

from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.investigations.models import (
    AttritionReason,
    ChargingDecision,
    CourtResult,
    EvidenceItem,
    EvidenceSource,
    EvidenceStatus,
    EvidenceType,
    Investigation,
    InvestigationStatus,
    Outcome,
    OutcomeType,
    Sex,
    Suspect,
    Victim,
    Witness,
)
from cairn.investigations.reference import BUNDLE_EVIDENCE_TYPES
from cairn.world.importers import ImportContext, Row, importer
from cairn.youngpeople.importers.common import (
    cell_day,
    cell_flag,
    cell_integer,
    existing_ids,
    grant_owner_shares,
)

M = TypeVar("M", bound=Model)
BATCH = 500
SEXES = {"female": Sex.FEMALE, "male": Sex.MALE}
# Where each kind of evidence in the bundle comes from: the bundle does not say.
EVIDENCE_SOURCES = {
    "abe_interview": EvidenceSource.CHILD,
    "witness_statement": EvidenceSource.OTHER_WITNESS,
    "phone_download": EvidenceSource.POLICE,
    "call_data_records": EvidenceSource.THIRD_PARTY,
    "cctv": EvidenceSource.THIRD_PARTY,
    "anpr": EvidenceSource.POLICE,
    "hotel_register": EvidenceSource.THIRD_PARTY,
    "taxi_records": EvidenceSource.THIRD_PARTY,
    "social_media": EvidenceSource.THIRD_PARTY,
    "forensic": EvidenceSource.PROFESSIONAL,
    "medical": EvidenceSource.PROFESSIONAL,
    "bank_records": EvidenceSource.THIRD_PARTY,
}
EVIDENCE_STATUSES = {
    "requested": EvidenceStatus.REQUESTED,
    "obtained": EvidenceStatus.OBTAINED,
    "not_available": EvidenceStatus.NOT_AVAILABLE,
    "refused": EvidenceStatus.REFUSED,
}
CHARGED = 1
# Home Office outcome types that end a case without a charge, and why (reference.md).
ATTRITION = {
    9: AttritionReason.PUBLIC_INTEREST,
    10: AttritionReason.PUBLIC_INTEREST,
    14: AttritionReason.EVIDENTIAL_DIFFICULTIES,
    15: AttritionReason.EVIDENTIAL_DIFFICULTIES,
    16: AttritionReason.VICTIM_WITHDRAWAL,
    17: AttritionReason.TIME_LIMIT,
    21: AttritionReason.PUBLIC_INTEREST,
}
CAUTIONS = {2: ChargingDecision.CAUTION, 3: ChargingDecision.CAUTION}
VERDICTS = {
    "convicted": CourtResult.CONVICTED,
    "acquitted": CourtResult.ACQUITTED,
    "discontinued": CourtResult.DISCONTINUED,
}


def _load(
    context: ImportContext,
    rows: Iterable[Row],
    resource: str,
    id_field: str,
    model: type[M],
    build: Callable[[dict[str, str]], M | None],
) -> int:
    """Build the rows not loaded before, save them in bulk and remember their ids; audited as
    one collection for the investigations they belong to."""
    loaded = context.ids.setdefault(resource, {})
    rows = list(rows)
    existing = existing_ids(model, (row[id_field] for _, row in rows))
    records: list[M] = []
    for _, row in rows:
        if row[id_field] in existing:
            loaded[row[id_field]] = existing[row[id_field]]
        elif (record := build(row)) is not None:
            records.append(record)
    model._default_manager.bulk_create(records, batch_size=BATCH)
    for record in records:
        loaded[record.external_id] = record.pk  # type: ignore[attr-defined]
    context.created[resource] = [record.pk for record in records]
    _audit(
        context,
        (getattr(record, "investigation_id", record.pk) for record in records),
        f"Imported {len(records)} {model._meta.verbose_name_plural} from a bundle",
    )
    return len(records)


def _on_investigation(
    context: ImportContext, build: Callable[[dict[str, str], int], M | None]
) -> Callable[[dict[str, str]], M | None]:
    """`build` for the rows whose investigation was loaded; the others are left out."""

    def build_found(row: dict[str, str]) -> M | None:
        investigation = context.ids.get("investigations", {}).get(row["investigation_id"])
        return None if investigation is None else build(row, investigation)

    return build_found


def _audit(context: ImportContext, investigation_ids: Iterable[int], summary: str) -> None:
    ids = sorted(set(investigation_ids))
    if ids:
        audit_record(
            actor=context.actor,
            action=Action.COLLECTION,
            record_type=record_label(Investigation),
            record_ids=ids,
            summary=summary,
        )


def _young_person(context: ImportContext, row: dict[str, str]) -> int | None:
    return context.ids.get("young_people", {}).get(row["young_person_id"])


@importer("investigations", order=400)
def import_investigations(context: ImportContext, rows: Iterable[Row]) -> int:
    teams = context.ids.get("teams", {})

    def build(row: dict[str, str]) -> Investigation | None:
        team = teams.get(row["team_id"])
        if team is None:
            return None
        closed_on = cell_day(row["closed_on"])
        return Investigation(
            team_id=team,
            operation_name=row["operation_name"].strip(),
            offence_types=[row["offence_category"]] if row["offence_category"] else [],
            origin=row["origin"],
            started_on=date.fromisoformat(row["opened_on"]),
            closed_on=closed_on,
            status=InvestigationStatus.CLOSED if closed_on else InvestigationStatus.OPEN,
            external_id=row["investigation_id"],
            synthetic=context.synthetic,
        )

    created = _load(context, rows, "investigations", "investigation_id", Investigation, build)
    new = Investigation.objects.filter(pk__in=context.created["investigations"])
    grant_owner_shares(new, {item.pk: item.team_id for item in new}, Investigation)
    return created


@importer("investigation_suspects", order=410)
def import_suspects(context: ImportContext, rows: Iterable[Row]) -> int:
    def build(row: dict[str, str], investigation: int) -> Suspect:
        return Suspect(
            investigation_id=investigation,
            name_as_recorded=row["name_as_recorded"].strip(),
            date_of_birth=cell_day(row["date_of_birth"]),
            estimated_age=cell_integer(row["estimated_age"]),
            sex=SEXES.get(row["sex"], Sex.NOT_KNOWN),
            arrested_on=cell_day(row["arrested_on"]),
            external_id=row["suspect_id"],
        )

    return _load(
        context,
        rows,
        "investigation_suspects",
        "suspect_id",
        Suspect,
        _on_investigation(context, build),
    )


@importer("investigation_victims", order=420)
def import_victims(context: ImportContext, rows: Iterable[Row]) -> int:
    def build(row: dict[str, str], investigation: int) -> Victim:
        supports = row["supports_prosecution"]
        return Victim(
            investigation_id=investigation,
            young_person_id=_young_person(context, row),
            name_as_recorded=row["name_as_recorded"].strip(),
            age_at_offence=cell_integer(row["age_at_offence"]),
            sex=SEXES.get(row["sex"], Sex.NOT_KNOWN),
            supports_prosecution=cell_flag(supports) if supports else None,
            withdrew_on=cell_day(row["withdrew_on"]),
            abe_interview_on=cell_day(row["abe_interview_on"]),
            external_id=row["victim_id"],
        )

    return _load(
        context,
        rows,
        "investigation_victims",
        "victim_id",
        Victim,
        _on_investigation(context, build),
    )


@importer("investigation_witnesses", order=430)
def import_witnesses(context: ImportContext, rows: Iterable[Row]) -> int:
    def build(row: dict[str, str], investigation: int) -> Witness:
        return Witness(
            investigation_id=investigation,
            witness_type=row["witness_type"],
            name_as_recorded=row["name_as_recorded"].strip(),
            young_person_id=_young_person(context, row),
            statement_on=cell_day(row["statement_on"]),
            external_id=row["witness_id"],
        )

    return _load(
        context,
        rows,
        "investigation_witnesses",
        "witness_id",
        Witness,
        _on_investigation(context, build),
    )


@importer("evidence_items", order=440)
def import_evidence_items(context: ImportContext, rows: Iterable[Row]) -> int:
    """The bundle does not say which suspects or incidents an item is about: none are set."""
    types = {kind.code: kind for kind in EvidenceType.objects.all()}

    def build(row: dict[str, str], investigation: int) -> EvidenceItem:
        dated = cell_day(row["obtained_on"]) or cell_day(row["requested_on"])
        return EvidenceItem(
            investigation_id=investigation,
            evidence_type=types[BUNDLE_EVIDENCE_TYPES[row["evidence_type"]]],
            source=EVIDENCE_SOURCES[row["evidence_type"]],
            dated=dated,
            shows=row["description"].strip(),
            status=EVIDENCE_STATUSES[row["status"]],
            status_changed_on=dated,
            external_id=row["evidence_id"],
        )

    return _load(
        context,
        rows,
        "evidence_items",
        "evidence_id",
        EvidenceItem,
        _on_investigation(context, build),
    )


def _charging_decision(number: int) -> str:
    if number == CHARGED:
        return ChargingDecision.CHARGED
    return CAUTIONS.get(number, ChargingDecision.NO_FURTHER_ACTION if number in ATTRITION else "")


@importer("investigation_outcomes", order=450)
def import_outcomes(context: ImportContext, rows: Iterable[Row]) -> int:
    """Outcome type 1 is a charge on the day decided; the types that end a case without one
    give the attrition reason the issue lists."""
    types = {kind.number: kind for kind in OutcomeType.objects.all()}
    suspects = context.ids.get("investigation_suspects", {})

    def build(row: dict[str, str], investigation: int) -> Outcome | None:
        suspect = suspects.get(row["suspect_id"])
        if suspect is None:
            return None
        number = int(row["outcome_type"])
        decided_on = cell_day(row["decided_on"])
        return Outcome(
            investigation_id=investigation,
            suspect_id=suspect,
            outcome_type=types[number],
            decided_on=decided_on,
            decided_by=row["decided_by"],
            charging_decision=_charging_decision(number),
            charging_decision_on=decided_on if number == CHARGED or number in CAUTIONS else None,
            attrition_reason=ATTRITION.get(number, ""),
            external_id=row["outcome_id"],
        )

    return _load(
        context,
        rows,
        "investigation_outcomes",
        "outcome_id",
        Outcome,
        _on_investigation(context, build),
    )


@importer("trial_defendants", order=460)
def import_court_results(context: ImportContext, rows: Iterable[Row]) -> int:
    """Each defendant's verdict as the court result of their charged outcome, where it has
    none yet. The bundle gives no date per verdict, so none is set."""
    suspects = context.ids.get("investigation_suspects", {})
    verdicts: dict[int, str] = {}
    for _, row in rows:
        suspect = suspects.get(row["suspect_id"])
        if suspect is not None and row["verdict"] in VERDICTS:
            verdicts[suspect] = VERDICTS[row["verdict"]]
    outcomes = list(
        Outcome.objects.filter(
            suspect_id__in=verdicts, outcome_type__number=CHARGED, court_result=""
        )
    )
    by_investigation: dict[int, list[int]] = defaultdict(list)
    for outcome in outcomes:
        outcome.court_result = verdicts[outcome.suspect_id]
        by_investigation[outcome.investigation_id].append(outcome.pk)
    Outcome.objects.bulk_update(outcomes, ["court_result"], batch_size=BATCH)
    _audit(
        context,
        by_investigation,
        f"Recorded {len(outcomes)} court results of charged suspects from a bundle",
    )
    return len(outcomes)
