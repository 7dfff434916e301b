"""A trained person model kept between runs: exported once, reloaded over a few candidates.

A full re-link trains the model on every mention; linking one new report should not. The
trained settings (m and u of every level, the prior, the blocking rules) and the term
frequencies of the whole set are exported as plain JSON, and `load` rebuilds a linker over
only the existing mentions that could be paired with the new ones, chosen by the values the
blocking rules join on (`candidate_values`). Scoring against those candidates gives the pairs
that scoring against every mention would: blocking could pair the new mentions with no other.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from cairn.linkage.engine.incremental import keys_sql, prepare_linking
from cairn.linkage.engine.model import (
    KEY_INDEX,
    TF_COLUMNS,
    Model,
    Thresholds,
    connect,
    link_new,
)
from cairn.linkage.engine.nicknames import canonical_forms, nickname_table
from cairn.linkage.engine.schema import PersonMention, matching_row, matching_table


@dataclass(frozen=True, kw_only=True)
class StoredModel:
    """What a trained model is, as JSON: Splink settings and the term frequencies it used."""

    settings: dict[str, Any]
    # Column -> value -> share of the training mentions with that value.
    term_frequencies: dict[str, dict[str, float]]
    mentions: int


def export(model: Model) -> StoredModel:
    """The trained model as JSON-ready data, to be reloaded by `load`."""
    frequencies: dict[str, dict[str, float]] = {}
    for column in TF_COLUMNS:
        frame = model.linker.table_management.compute_tf_table(column).as_pandas_dataframe()
        frequencies[column] = {
            str(value): float(share)
            for value, share in zip(frame[column], frame[f"tf_{column}"], strict=True)
            if value is not None and not pd.isna(value)
        }
    rows = model.table.num_rows if model.table is not None else 0
    return StoredModel(settings=model.settings, term_frequencies=frequencies, mentions=rows)


def load(
    stored: StoredModel,
    candidates: Iterable[PersonMention] | pa.Table,
    *,
    thresholds: Thresholds | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> Model:
    """The stored model over `candidates` as its existing mentions, ready for `link_new`.

    Term frequencies come from the stored model (the whole set it was trained on), not from
    the candidates, so a common name weighs as little as it did in the full re-link.
    """
    table = candidates if isinstance(candidates, pa.Table) else matching_table(candidates)
    db_api = DuckDBAPI(connection=connection or connect(threads=1))
    registered = db_api.register(table, table_name="person_mentions")
    linker = Linker(registered, dict(stored.settings), log_level=None, validate_settings=False)
    for column, shares in stored.term_frequencies.items():
        lookup = pa.table(
            {column: list(shares), f"tf_{column}": list(shares.values())},
            schema=pa.schema([(column, pa.string()), (f"tf_{column}", pa.float64())]),
        )
        frequencies = db_api.register(lookup, table_name=f"__cairn_tf_{column}")
        linker.table_management.register_term_frequency_lookup(frequencies, column)
    return Model(linker, db_api, registered, thresholds or Thresholds(), table=table)


class Scorer:
    """A stored model loaded once and kept, scoring new mentions against changing candidates.

    Loading a linker and generating its scoring SQL takes a few hundred milliseconds, scoring
    a handful of candidates a few: a process keeps one `Scorer` per stored model and swaps in
    each call's candidates (their blocking keys re-indexed, the scoring SQL reused). One call at
    a time, as they share one DuckDB connection.
    """

    def __init__(self, stored: StoredModel, *, thresholds: Thresholds | None = None) -> None:
        self.stored = stored
        self.thresholds = thresholds
        self.model: Model | None = None
        self._lock = threading.Lock()

    def score(
        self, candidates: Sequence[PersonMention], new_mentions: Sequence[PersonMention]
    ) -> tuple[Model, pd.DataFrame]:
        """`link_new` of the new mentions against `candidates`, and the model that scored them."""
        table = matching_table(candidates)
        with self._lock:
            if self.model is None:
                self.model = load(self.stored, table, thresholds=self.thresholds)
            else:
                self._reindex(self.model, table)
            return self.model, link_new(self.model, new_mentions)

    @staticmethod
    def _reindex(model: Model, table: pa.Table) -> None:
        linking = prepare_linking(model)
        model.table = table
        con = model.db_api._con
        numbered = table.append_column("__row", pa.array(range(table.num_rows), type=pa.int64()))
        con.register("__cairn_existing", numbered)
        try:
            con.execute(
                f"create or replace table {KEY_INDEX} as select key, __row from "  # noqa: S608 — identifiers only
                f"({keys_sql('__cairn_existing', linking.rules, new=False)}) order by key"
            )
        finally:
            con.unregister("__cairn_existing")

    def close(self) -> None:
        with self._lock:
            if self.model is not None:
                self.model.db_api._con.close()
                self.model = None


@cache
def _names_by_key() -> dict[str, frozenset[str]]:
    """A name key (a canonical name) -> every known name or diminutive carrying it."""
    names: dict[str, set[str]] = {}
    for name, canonicals in nickname_table().items():
        for key in {name, *canonicals}:
            names.setdefault(key, set()).add(name)
    return {key: frozenset(found) for key, found in names.items()}


def name_variants(given_name: str) -> frozenset[str]:
    """Every given name sharing a name key with `given_name` (Tom: Thomas, Tommy, Tom…)."""
    name = given_name.strip().lower()
    keys = {name, *canonical_forms(name)}
    lookup = _names_by_key()
    return frozenset({name}.union(*(lookup.get(key, frozenset()) for key in keys)))


@dataclass
class CandidateValues:
    """The values an existing mention must share with a new one to be blocked with it.

    Every blocking rule of `comparisons.person_blocking_rules` joins on one of these: a given
    name key (Tom/Thomas), a family name (with a given name key or the date of birth), a date
    of birth, a phone, a vehicle, a nickname or an associate's name. Two rules are left out:
    addresses (a stored mention carries none of its own) and names that only sound alike in
    both parts (Jon Smyth/John Smith) with nothing else in common. Names lower case as the
    model cleans them; registrations upper case.
    """

    given_names: set[str] = field(default_factory=set)
    family_names: set[str] = field(default_factory=set)
    nicknames: set[str] = field(default_factory=set)
    dates_of_birth: set[dt.date] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    vehicles: set[str] = field(default_factory=set)
    associates: set[str] = field(default_factory=set)


def candidate_values(mentions: Iterable[PersonMention]) -> CandidateValues:
    """The values to look the new mentions' candidates up by, as `matching_row` derives them.

    A swapped name (given written as family) is covered by looking up the given name among
    family names and the family name among given names.
    """
    values = CandidateValues()
    for mention in mentions:
        row = matching_row(mention)
        given, family = row["given_name"], row["family_name"]
        if isinstance(given, str):
            values.given_names |= name_variants(given)
            values.family_names.add(given)
        if isinstance(family, str):
            values.family_names.add(family)
            values.given_names.add(family)
        if mention.date_of_birth is not None:
            values.dates_of_birth.add(mention.date_of_birth)
        for column, target in (
            ("nicknames", values.nicknames),
            ("phones", values.phones),
            ("vehicles", values.vehicles),
            ("associates", values.associates),
        ):
            found = row[column]
            if isinstance(found, list):
                target.update(found)
    return values
