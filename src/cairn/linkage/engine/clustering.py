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
import igraph
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cairn.linkage.engine.person_model import connect
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


# Each component of the strong pairs whose members could not contradict one another whichever
# way they were merged: one sex, one date of birth, one family name (or one sound of it), a
# described feature, a name key and an age all members share where they give one. Such a
# component becomes one entity without merging pair by pair; the rest are merged strongest first.
_UNCONTRADICTED_SQL = """
with members as (
    select c.component, t.mention_id, nullif(t.sex, '') as sex, t.date_of_birth,
        t.family_name, t.family_metaphone, t.born_from, t.born_to,
        coalesce(t.descriptors, []) as descriptors, coalesce(t.name_keys, []) as name_keys
    from __cairn_components c join __cairn_clustered t using (mention_id)
),
shared as (
    select component,
        max(n) filter (where kind = 'feature') as features,
        max(n) filter (where kind = 'key') as keys
    from (
        select component, kind, value, count(distinct mention_id) as n from (
            select component, mention_id, 'feature' as kind, unnest(descriptors) as value
            from members
            union all
            select component, mention_id, 'key' as kind, unnest(name_keys) as value
            from members
        ) group by all
    ) group by component
),
traits as (
    select component,
        count(distinct sex) <= 1 as one_sex,
        count(distinct date_of_birth) <= 1 as one_birth,
        count(distinct family_name) <= 1 or (
            count(distinct family_metaphone) <= 1
            and count(family_metaphone) = count(family_name)
        ) as one_family,
        coalesce(
            max(born_from) filter (where born_from is not null and born_to is not null)
            <= min(born_to) filter (where born_from is not null and born_to is not null),
            true
        ) as ages_meet,
        count(*) filter (where len(descriptors) > 0) as described,
        count(*) filter (where len(name_keys) > 0) as keyed,
        min(mention_id) as first
    from members group by component
)
select t.component, t.first from traits t left join shared s using (component)
where one_sex and one_birth and one_family and ages_meet
    and (t.described = 0 or s.features = t.described)
    and (t.keyed = 0 or s.keys = t.keyed)
"""

_CLUSTERED_COLUMNS = (
    "mention_id",
    "sex",
    "date_of_birth",
    "family_name",
    "family_metaphone",
    "born_from",
    "born_to",
    "descriptors",
    "name_keys",
)


def _uncontradicted(
    table: pa.Table, ids: pa.Array, component: list[int], connection: duckdb.DuckDBPyConnection
) -> dict[int, str]:
    """The components (of mentions `ids`) no order of merging could find a contradiction in,
    each with its smallest mention id (the entity's name)."""
    connection.register("__cairn_components", pa.table({"mention_id": ids, "component": component}))
    connection.register("__cairn_clustered", table.select(list(_CLUSTERED_COLUMNS)))
    try:
        return dict(connection.execute(_UNCONTRADICTED_SQL).fetchall())
    finally:
        connection.unregister("__cairn_components")
        connection.unregister("__cairn_clustered")


def constrained_clusters(
    pairs: pd.DataFrame,
    table: pa.Table,
    threshold: float,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    connection: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, str]:
    """Mention → entity from the pairs at or above `threshold`, strongest first, refusing merges
    that contradict (see `contradiction`). `must_link` pairs (analysts' acceptances) are merged
    first whatever they say; `cannot_link` pairs never end up in one entity.

    The same people as merging every pair in turn, sooner: a connected group of strong pairs
    whose members cannot contradict one another is one entity whatever the order, so only the
    other groups' pairs are merged one by one (in Python).
    """
    must, cannot = list(must_link), list(cannot_link)
    strong = _strong(pairs, threshold)
    ids = table.column("mention_id").combine_chunks().cast(pa.string())
    left = pc.index_in(pa.array(strong["mention_id_l"], pa.string()), value_set=ids).to_pylist()
    right = pc.index_in(pa.array(strong["mention_id_r"], pa.string()), value_set=ids).to_pylist()
    graph = igraph.Graph(n=len(ids))
    graph.add_edges(zip(left, right, strict=True))
    component = graph.connected_components().membership
    con = connection or connect()
    try:
        whole = _uncontradicted(table, ids, component, con)
    finally:
        if connection is None:
            con.close()
    names = ids.to_pylist()
    if must or cannot:
        index = {mention: i for i, mention in enumerate(names)}
        for mention in {m for pair in must + cannot for m in pair if m in index}:
            whole.pop(component[index[mention]], None)
    # A component's pairs touch no other component, so merging only the remaining components'
    # pairs, in the same order, makes the same groups as merging them all.
    remaining = [i for i, a in enumerate(left) if component[a] not in whole]
    entity_of = _merged_in_turn(strong.iloc[remaining], table, must, cannot)
    for mention, c in zip(names, component, strict=True):
        if c in whole:
            entity_of[mention] = whole[c]
    return entity_of


def _strong(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The pairs at or above `threshold`, strongest first, their ids as text."""
    strong = pairs[pairs["match_probability"] >= threshold].sort_values(
        "match_probability", ascending=False, kind="stable"
    )
    return pd.DataFrame(
        {
            "mention_id_l": strong["mention_id_l"].astype(str).to_numpy(),
            "mention_id_r": strong["mention_id_r"].astype(str).to_numpy(),
        }
    )


def _merged_in_turn(
    strong: pd.DataFrame,
    table: pa.Table,
    must_link: list[tuple[str, str]],
    cannot_link: list[tuple[str, str]],
) -> dict[str, str]:
    """Mention → entity merging `must_link` first whatever they say, then each of the `strong`
    pairs in turn unless it contradicts."""
    groups = Groups(Profiles(table, cannot_link))
    for a, b in must_link:
        if a in groups.parent and b in groups.parent:
            groups.merge(a, b, force=True)
    for a, b in zip(strong["mention_id_l"], strong["mention_id_r"], strict=True):
        groups.merge(a, b)
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
        pairs, table, threshold, must_link=must_link, cannot_link=cannot, connection=connection
    )
    return place_by_context(entity_of, table, cannot_link=cannot, connection=connection)
