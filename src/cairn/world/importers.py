"""The importer registry every module plugs into, and the importers for organisations and teams.

A module registers one importer per bundle resource with `@importer("resource", order=N)` in its
own `importers.py`; `registered()` finds them all. Lower orders load first, so an importer can
resolve the bundle identifiers of rows loaded before it through `context.ids`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils.module_loading import autodiscover_modules

from cairn.access.actor import Actor
from cairn.access.models import Organisation, Team
from cairn.access.services import organisation_create, team_create

T = TypeVar("T")

# How many ids one query's IN list takes at the most: well under SQLite's limit on parameters
# (32,766), so a national bundle's half a million ids go in batches.
IN_BATCH = 5000


def batches(values: Iterable[T], size: int = IN_BATCH) -> Iterator[list[T]]:
    """`values` in lists of at most `size`, for queries whose IN lists would pass the limit."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


Row = tuple[int, dict[str, str]]
RowProblem = tuple[int, str, str]  # row number, field, message


@dataclass
class ImportContext:
    actor: Actor
    synthetic: bool
    # Per resource, the bundle identifier of each row and the primary key it was loaded as.
    ids: dict[str, dict[str, int]] = field(default_factory=dict)
    # Per resource, the primary keys of the rows this load created (not those already there).
    created: dict[str, list[int]] = field(default_factory=dict)
    progress: Callable[[str, int], None] | None = None


Load = Callable[[ImportContext, Iterable[Row]], int]
Check = Callable[[Iterable[Row]], Iterator[RowProblem]]


@dataclass(frozen=True)
class Importer:
    resource: str
    order: int
    load: Load
    check: Check | None = None


_REGISTRY: dict[str, Importer] = {}


def importer(resource: str, *, order: int, check: Check | None = None) -> Callable[[Load], Load]:
    def register(load: Load) -> Load:
        _REGISTRY[resource] = Importer(resource, order, load, check)
        return load

    return register


def registered() -> list[Importer]:
    autodiscover_modules("importers")
    return sorted(_REGISTRY.values(), key=lambda item: (item.order, item.resource))


def _unique(key: Callable[[dict[str, str]], Any], field_name: str, what: str) -> Check:
    def check(rows: Iterable[Row]) -> Iterator[RowProblem]:
        seen: dict[Any, int] = {}
        for number, row in rows:
            value = key(row)
            if value in seen:
                yield number, field_name, f"{what} repeats row {seen[value]}"
            seen.setdefault(value, number)

    return check


@importer(
    "organisations",
    order=10,
    check=_unique(lambda row: row["name"].strip(), "name", "organisation name"),
)
def import_organisations(context: ImportContext, rows: Iterable[Row]) -> int:
    created = 0
    loaded = context.ids.setdefault("organisations", {})
    for _, row in rows:
        external_id = row["organisation_id"]
        organisation = Organisation.objects.filter(external_id=external_id).first()
        if organisation is None:
            # An organisation made by hand (e.g. `cairn demo setup`) is adopted, not duplicated.
            organisation = Organisation.objects.filter(
                name=row["name"].strip(), external_id=""
            ).first()
            if organisation is None:
                organisation = organisation_create(
                    actor=context.actor,
                    name=row["name"],
                    organisation_type=row["organisation_type"],
                    area=row.get("area") or "",
                )
                created += 1
            organisation.external_id = external_id
            organisation.area = organisation.area or (row.get("area") or "").strip()
            organisation.save(update_fields=["external_id", "area"])
        loaded[external_id] = organisation.pk
    return created


@importer(
    "teams",
    order=20,
    check=_unique(
        lambda row: (row["organisation_id"], row["name"].strip()),
        "name",
        "team name in organisation",
    ),
)
def import_teams(context: ImportContext, rows: Iterable[Row]) -> int:
    created = 0
    organisations = context.ids.get("organisations", {})
    loaded = context.ids.setdefault("teams", {})
    for _, row in rows:
        external_id = row["team_id"]
        team = Team.objects.filter(external_id=external_id).first()
        if team is None:
            organisation = Organisation.objects.get(pk=organisations[row["organisation_id"]])
            team = Team.objects.filter(
                organisation=organisation, name=row["name"].strip(), external_id=""
            ).first()
            if team is None:
                team = team_create(actor=context.actor, organisation=organisation, name=row["name"])
                created += 1
            team.external_id = external_id
            team.save(update_fields=["external_id"])
        loaded[external_id] = team.pk
    return created
