"""What the network graph's write path shares: summaries, the analyst check, bulk inserts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import DateTimeField, Field, JSONField, Model

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.networks.analysis import (
    EdgeFacts,
    Pair,
    SourceRecord,
)

BATCH = 5000


@dataclass
class RebuildSummary:
    records: int = 0
    nodes: int = 0
    edges: int = 0
    networks: int = 0
    connected_groups: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class UpdateSummary:
    edges_changed: int = 0
    nodes_added: int = 0
    # The stored networks the record's nodes belong to; more than one means it joins them.
    networks: list[int] = field(default_factory=list)

    @property
    def joins_networks(self) -> bool:
        return len(self.networks) > 1


def require_analyst(actor: Actor) -> None:
    if actor.is_system:
        return
    if actor.user is None or not actor.user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot change the network graph.")


def insert(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows with one `executemany` per batch.

    `bulk_create` spends most of a rebuild making model instances and preparing every value
    through its field; here only dates and JSON are prepared, once per value.
    """
    columns: list[Field[Any, Any]] = []
    for name in fields:
        column = model._meta.get_field(name)
        if not isinstance(column, Field):
            raise TypeError(f"{name} is not a concrete field of {model.__name__}")
        columns.append(column)
    prepare: list[Callable[[Any], Any] | None] = []
    for column in columns:
        if isinstance(column, DateTimeField):
            prepare.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(column, JSONField):
            prepare.append(partial(column.get_db_prep_save, connection=connection))
        else:
            prepare.append(None)
    quote = connection.ops.quote_name
    # Table and column names come from the model's own metadata, quoted; values are parameters.
    table = quote(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} "  # noqa: S608
        f"({', '.join(quote(c.column or c.attname) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    written = 0
    remaining = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(remaining, BATCH)):
            cursor.executemany(
                sql,
                [
                    [
                        value if do is None else do(value)
                        for do, value in zip(prepare, row, strict=True)
                    ]
                    for row in batch
                ],
            )
            written += len(batch)
    return written


SOURCE_NODE_FIELDS = ["source_kind", "source_id", "node_kind", "node_id", "at", "grading"]
EDGE_FIELDS = [
    "first_kind",
    "first_id",
    "second_kind",
    "second_id",
    "report_ids",
    "missing_episode_ids",
    "incident_ids",
    "young_person_link_ids",
    "case_record_ids",
    "first_seen",
    "last_seen",
    "count",
    "best_grading",
]


def source_node_rows(records: Iterable[SourceRecord]) -> Iterator[tuple[Any, ...]]:
    for record in records:
        for kind, node_id in sorted(record.nodes):
            yield (record.kind, record.id, kind, node_id, record.at, record.grading)


def edge_rows(edges: dict[Pair, EdgeFacts]) -> Iterator[tuple[Any, ...]]:
    for ((first_kind, first_id), (second_kind, second_id)), facts in edges.items():
        yield (
            first_kind,
            first_id,
            second_kind,
            second_id,
            sorted(facts.report_ids),
            sorted(facts.missing_episode_ids),
            sorted(facts.incident_ids),
            sorted(facts.young_person_link_ids),
            sorted(facts.case_record_ids),
            facts.first_seen,
            facts.last_seen,
            facts.count,
            facts.best_grading,
        )
