"""Permission-scoped reads of investigations, the people on them, and outcome totals."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import (
    RestrictedStub,
    list_records,
    open_record,
    restricted_stub,
    scope,
)
from cairn.investigations.models import (
    NOT_YET_ASSIGNED,
    Investigation,
    InvestigationStatus,
    Outcome,
    OutcomeType,
    Victim,
    Witness,
)
from cairn.youngpeople.models import YoungPerson


def _base() -> QuerySet[Investigation]:
    return Investigation.objects.select_related("team__organisation", "officer_in_charge")


def investigation_open(
    actor: Actor, pk: int, *, purpose: str = "Viewed investigation"
) -> Investigation:
    return open_record(actor, _base(), pk, purpose=purpose)


INVESTIGATION_REFERENCE = re.compile(r"^\s*(?:OP-?)?0*(\d{1,9})\s*$", re.IGNORECASE)


def investigations_list(
    actor: Actor,
    *,
    mine: bool = False,
    include_closed: bool = False,
    search: str = "",
    status: str = "",
    offence_type: str = "",
    officer: User | None = None,
) -> Sequence[Investigation]:
    """The investigations the actor may see: their own (as officer in charge) or their teams',
    narrowed by status, offence, officer in charge and an operation name or reference (OP-000012).
    Closed investigations are left out unless asked for, or unless the status asked is closed."""
    queryset = _base()
    terms: dict[str, object] = {}
    if mine:
        queryset = queryset.filter(officer_in_charge=actor.user)
        terms["mine"] = True
    if status:
        queryset = queryset.filter(status=status)
        terms["status"] = status
    elif not include_closed:
        queryset = queryset.exclude(status=InvestigationStatus.CLOSED)
    if offence_type:
        # The codes are slugs, so the quoted code matches one whole element of the JSON list
        # (the JSON "contains" lookup is not available on SQLite).
        queryset = queryset.filter(offence_types__icontains=f'"{offence_type}"')
        terms["offence_type"] = offence_type
    if officer is not None:
        queryset = queryset.filter(officer_in_charge=officer)
        terms["officer_in_charge"] = officer.pk
    search = search.strip()
    if search:
        by_name = Q(operation_name__icontains=search)
        reference = INVESTIGATION_REFERENCE.match(search)
        queryset = queryset.filter(
            by_name | Q(pk=int(reference.group(1))) if reference else by_name
        )
        terms["operation_name_or_reference"] = search
    return list_records(actor, queryset, purpose="Listed investigations", search=terms or None)


@dataclass(frozen=True)
class LinkedPerson:
    """A victim or witness, with their young person's record or only its stub."""

    entry: Victim | Witness
    young_person: YoungPerson | None
    stub: RestrictedStub | None


def linked_people(user: User | None, entries: Sequence[Victim | Witness]) -> list[LinkedPerson]:
    """Young people the user may not see appear as restricted stubs (reference only)."""
    ids = {entry.young_person_id for entry in entries if entry.young_person_id}
    visible = {person.pk: person for person in scope(user, YoungPerson.objects.filter(pk__in=ids))}
    people = []
    for entry in entries:
        pk = entry.young_person_id
        if pk is None:
            people.append(LinkedPerson(entry, None, None))
        elif pk in visible:
            people.append(LinkedPerson(entry, visible[pk], None))
        else:
            people.append(LinkedPerson(entry, None, restricted_stub(user, YoungPerson, pk)))
    return people


@dataclass(frozen=True)
class OutcomeTotal:
    number: int
    name: str
    total: int


def outcome_totals(
    investigations: QuerySet[Investigation] | None = None,
    *,
    decided_from: date | None = None,
    decided_to: date | None = None,
) -> list[OutcomeTotal]:
    """Outcomes per Home Office type 1 to 22, over the given (already scoped) investigations.

    Type 0, "not yet assigned", is never counted (shared/domain/reference.md)."""
    outcomes = Outcome.objects.exclude(outcome_type__number=NOT_YET_ASSIGNED)
    if investigations is not None:
        outcomes = outcomes.filter(investigation__in=investigations)
    if decided_from is not None:
        outcomes = outcomes.filter(decided_on__gte=decided_from)
    if decided_to is not None:
        outcomes = outcomes.filter(decided_on__lte=decided_to)
    per_type = dict(
        outcomes.values_list("outcome_type__number").annotate(total=Count("pk")).order_by()
    )
    return [
        OutcomeTotal(number=kind.number, name=kind.name, total=per_type.get(kind.number, 0))
        for kind in OutcomeType.objects.exclude(number=NOT_YET_ASSIGNED).order_by("number")
    ]
