"""From scored pairs to people: clustering that refuses contradictions, then placement by context.

Connected components of the linked pairs chain mistakes: "Tom, 30s" links to "Tom Smith" and to
"Tom Jones", and the two become one person. `constrained_clusters` merges the pairs strongest
first and refuses any merge that would put into one entity mentions that contradict each other
on what a person does not change (described sex, description, date of birth, names, age), or
that an analyst has said are different people.

Many intelligence mentions carry no identifier at all ("male, 30s, beard, with Chloe at the
takeaway"). `place_by_context` joins such a group to the one entity that agrees with its
description and keeps the same company: the same people, vehicles or phones in other records.
It only ever proposes one candidate clearly ahead of the next, never on a shared place alone,
and every placement carries the evidence it rests on.

Profiles and their contradictions are in `profiles`, placement in `placement`; every name stays
importable from here.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd
import pyarrow as pa

from cairn.linkage.engine.placement import (
    CANDIDATES_KEPT,
    PERSON,
    PLACE,
    Placement,
    place_by_context,
)
from cairn.linkage.engine.profiles import (
    AGES_AGREE,
    SIMILAR_NAME,
    Groups,
    Profile,
    Profiles,
    contradiction,
    contradiction_between,
    is_named,
)

__all__ = [
    "AGES_AGREE",
    "CANDIDATES_KEPT",
    "PERSON",
    "PLACE",
    "SIMILAR_NAME",
    "Groups",
    "Placement",
    "Profile",
    "Profiles",
    "constrained_clusters",
    "contradiction",
    "contradiction_between",
    "is_named",
    "place_by_context",
    "resolve",
]


def constrained_clusters(
    pairs: pd.DataFrame,
    table: pa.Table,
    threshold: float,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> dict[str, str]:
    """Mention → entity from the pairs at or above `threshold`, strongest first, refusing merges
    that contradict (see `contradiction`). `must_link` pairs (analysts' acceptances) are merged
    first whatever they say; `cannot_link` pairs never end up in one entity."""
    groups = Groups(Profiles(table, cannot_link))
    for a, b in must_link:
        if a in groups.parent and b in groups.parent:
            groups.merge(a, b, force=True)
    strong = pairs[pairs["match_probability"] >= threshold].sort_values(
        "match_probability", ascending=False, kind="stable"
    )
    for a, b in zip(strong["mention_id_l"], strong["mention_id_r"], strict=True):
        groups.merge(str(a), str(b))
    return groups.entity_of()


def resolve(
    pairs: pd.DataFrame,
    table: pa.Table,
    threshold: float,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    connection: duckdb.DuckDBPyConnection | None = None,
) -> tuple[dict[str, str], list[Placement]]:
    """Scored pairs → people: `constrained_clusters`, then `place_by_context`."""
    cannot = list(cannot_link)
    entity_of = constrained_clusters(
        pairs, table, threshold, must_link=must_link, cannot_link=cannot
    )
    return place_by_context(entity_of, table, cannot_link=cannot, connection=connection)
