"""Placement by context: an anonymous group joins the one entity that keeps the same company."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cairn.linkage.engine.person_model import connect
from cairn.linkage.engine.profiles import Groups, contradiction, is_named

PERSON, PLACE = "person:", "place:"
# Placement by context looks at each group's best candidates only, this many: beyond them the
# last one's evidence stands for the next candidate's (never less than it really is).
CANDIDATES_KEPT = 10
# A street name proposes candidates only when at most this many entities in one area are known
# by it (it still adds its evidence to candidates found otherwise): thousands known as "Boss"
# would pair every one with every other, and none would be clearly ahead.
STREET_NAME_CANDIDATES = 5


@dataclass(frozen=True, slots=True)
class Placement:
    """A group joined to an entity by the company it keeps: what it shared, and how strongly."""

    mentions: tuple[str, ...]
    entity: str
    score: float
    runner_up: float
    shared: tuple[str, ...]


# What each entity's records name besides it (other entities as "person:<entity>", places,
# vehicles, phones) and the street names its mentions give in each area
# ("nickname:<area>:<name>": "Tiger" in one town is not "Tiger" in the next), and how rare each
# thing is: the log of the entities with any record over those that name it, to six decimals
# (a decimal, so that sums do not depend on the order DuckDB's threads add them in: with
# doubles two runs placed a few groups differently).
_THINGS_SQL = """
create or replace temp table __cairn_things as
with seen as (
    select a.entity, m.record
    from __cairn_assigned a join __cairn_recorded m using (mention_id)
),
named as (
    select distinct record, unnest(context) as thing from __cairn_recorded
)
select entity, thing from (
    select distinct s.entity, n.thing from seen s join named n using (record)
    union
    select distinct a.entity, 'nickname:' || coalesce(n.area, '') || ':' || unnest(n.nicknames)
    from __cairn_assigned a join __cairn_traits n using (mention_id)
    union
    select distinct x.entity, 'person:' || y.entity from seen x join seen y using (record)
    where x.entity <> y.entity
);
create or replace temp table __cairn_rarity as
select thing, cast(ln(total / count(*)) as decimal(18, 6)) as rarity, count(*) as entities
from __cairn_things, (
    select count(distinct a.entity)::double as total
    from __cairn_assigned a join __cairn_recorded m using (mention_id)
)
group by thing, total;
"""

# Every pair of entities sharing a person, vehicle, phone or street name, scored by the rarity of
# all they share (places included), leaving out those the round's groups already rule out
# (another sex, nothing described in common, a named group onto an anonymous one;
# `contradiction` checks the rest); only entities whose best candidate reaches `min_score`,
# smallest groups first, each one's best `keep` candidates best first.
_CANDIDATES_SQL = """
with candidates as (
    select distinct l.entity, r.entity as other
    from __cairn_things l join __cairn_things r using (thing) join __cairn_rarity w using (thing)
    where l.entity <> r.entity and not starts_with(thing, 'place:')
        and (not starts_with(thing, 'nickname:') or w.entities <= $street_name_candidates)
),
traits as (
    select a.entity,
        list_sort(list_distinct(list(m.sex))) as sexes,
        list_distinct(flatten(list(m.descriptors))) as descriptors,
        bool_or(
            m.given_name is not null or m.family_name is not null or m.date_of_birth is not null
        ) as named
    from __cairn_assigned a join __cairn_traits m using (mention_id)
    where a.entity in (select entity from candidates)
    group by a.entity
),
compatible as (
    select c.* from candidates c
    join traits l on l.entity = c.entity
    join traits r on r.entity = c.other
    where (len(l.sexes) = 0 or len(r.sexes) = 0 or l.sexes = r.sexes)
        and (len(l.descriptors) = 0 or len(r.descriptors) = 0
            or list_has_any(l.descriptors, r.descriptors))
        and (r.named or not l.named)
),
scored as (
    select c.entity, c.other, cast(sum(w.rarity) as double) as score
    from compatible c
    join __cairn_things l on l.entity = c.entity
    join __cairn_things r on r.entity = c.other and r.thing = l.thing
    join __cairn_rarity w on w.thing = l.thing
    group by c.entity, c.other
),
placeable as (
    select entity from scored group by entity having max(score) >= $min_score
),
sizes as (
    select entity, count(*) as size from __cairn_assigned
    where entity in (select entity from placeable) group by entity
),
best as (
    select s.entity, s.other, s.score, z.size
    from scored s join sizes z using (entity)
    qualify row_number() over (partition by s.entity order by s.score desc, s.other) <= $keep
)
select entity, other, score from best order by size, entity, score desc, other
"""

_TRAIT_COLUMNS = (
    "mention_id",
    "sex",
    "descriptors",
    "given_name",
    "family_name",
    "date_of_birth",
    "nicknames",
    "area",
)

_SHARED_SQL = """
select w.entity, w.other, list(l.thing order by l.thing) as shared
from __cairn_winners w
join __cairn_things l on l.entity = w.entity
join __cairn_things r on r.entity = w.other and r.thing = l.thing
group by w.entity, w.other
"""


def _candidates(
    con: duckdb.DuckDBPyConnection, entity_of: dict[str, str], min_score: float
) -> Iterator[tuple[str, list[tuple[str, float]]]]:
    """Each entity that may be placed, with its candidates (entity, evidence) best first."""
    assigned = pa.table(
        {"mention_id": list(entity_of), "entity": list(entity_of.values())},
        schema=pa.schema([("mention_id", pa.string()), ("entity", pa.string())]),
    )
    con.register("__cairn_assigned", assigned)
    try:
        con.execute(_THINGS_SQL)
        rows = con.sql(
            _CANDIDATES_SQL,
            params={
                "min_score": min_score,
                "keep": CANDIDATES_KEPT,
                "street_name_candidates": STREET_NAME_CANDIDATES,
            },
        ).to_arrow_table()
    finally:
        con.unregister("__cairn_assigned")
    entities = rows.column("entity").to_pylist()
    others = rows.column("other").to_pylist()
    scores = rows.column("score").to_pylist()
    start = 0
    for end in range(1, len(entities) + 1):
        if end == len(entities) or entities[end] != entities[start]:
            yield entities[start], list(zip(others[start:end], scores[start:end], strict=True))
            start = end


def _shared(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, ...]]:
    """What each (entity, other) pair's records both name, from the round's things."""
    winners = pa.table({"entity": [a for a, _ in pairs], "other": [b for _, b in pairs]})
    con.register("__cairn_winners", winners)
    try:
        rows = con.execute(_SHARED_SQL).fetchall()
    finally:
        con.unregister("__cairn_winners")
    return {(a, b): tuple(shared) for a, b, shared in rows}


def place_by_context(
    entity_of: dict[str, str],
    table: pa.Table,
    *,
    min_score: float = 2.0,
    ahead_by: float = 2.0,
    rounds: int = 3,
    cannot_link: Iterable[tuple[str, str]] = (),
    connection: duckdb.DuckDBPyConnection | None = None,
) -> tuple[dict[str, str], list[Placement]]:
    """Join groups to the one compatible entity that keeps the same company in other records.

    The evidence for an entity is the sum, over what the group's records name that the
    entity's records also name, of how rare that thing is (log of entities over entities that
    name it). A group joins the best entity when that sum is at least `min_score`, `ahead_by`
    times the next rival's (an anonymous candidate that nothing sets apart from a named best
    one is no rival: it may be the same person, unnamed), at least one shared thing is a
    person, vehicle, phone or street name (a busy takeaway alone says little), and nothing they
    say contradicts. A street name counts as rare as the entities known by it make it: "Tiger"
    said of one person is strong, "Bossman" said of thirty is not. Smallest groups go first;
    repeated for `rounds` or until nothing moves.

    The evidence is computed in DuckDB (`connection`, or a new in-memory one), so it scales to
    a national re-link; only the contradiction checks of each group's best candidates run here.
    """
    groups = Groups.of(entity_of, table, list(cannot_link))
    con = connection or connect()
    recorded = table.select(["mention_id", "record", "context"]).filter(
        pc.is_valid(table.column("record"))
    )
    con.register("__cairn_recorded", recorded)
    con.register("__cairn_traits", table.select(list(_TRAIT_COLUMNS)))
    placements: list[Placement] = []
    try:
        for _ in range(rounds):
            moved = _place_round(con, groups, min_score=min_score, ahead_by=ahead_by)
            if not moved:
                break
            shared = _shared(con, [(entity, other) for entity, other, *_ in moved])
            placements += [
                Placement(members, other, round(best, 3), round(second, 3), shared[entity, other])
                for entity, other, members, best, second in moved
            ]
    finally:
        con.unregister("__cairn_recorded")
        con.unregister("__cairn_traits")
        con.execute("drop table if exists __cairn_things; drop table if exists __cairn_rarity")
        if connection is None:
            con.close()
    final = groups.entity_of()
    renamed = {p.entity: final[p.entity] for p in placements}
    return final, [
        Placement(p.mentions, renamed[p.entity], p.score, p.runner_up, p.shared) for p in placements
    ]


def _place_round(
    con: duckdb.DuckDBPyConnection, groups: Groups, *, min_score: float, ahead_by: float
) -> list[tuple[str, str, tuple[str, ...], float, float]]:
    """One round of `place_by_context`: (entity, onto entity, its mentions, evidence, next
    candidate's evidence) for each group placed."""
    current = groups.entity_of()
    root_by_name = {min(p.members): root for root, p in groups.profiles.items()}
    moved = []
    for entity, candidates in _candidates(con, current, min_score):
        root = root_by_name.get(entity, entity)
        if groups.root(root) != root:
            continue
        profile = groups.profiles[root]
        named = is_named(profile)
        found: list[tuple[float, str, str]] = []
        for other, score in candidates:
            if not found and score < min_score:
                break
            other_root = groups.root(root_by_name.get(other, other))
            if other_root == root or contradiction(profile, groups.profiles[other_root]):
                continue
            # A named group is never placed onto an anonymous one: the anonymous one is
            # placed (or not) on its own evidence, against every candidate.
            if named and not is_named(groups.profiles[other_root]):
                continue
            if found and _no_rival(groups, found[0][2], other_root):
                continue
            found.append((score, other, other_root))
            if len(found) == 2:
                break
        if not found:
            continue
        best, other, other_root = found[0]
        if len(found) > 1:
            second = found[1][0]
        elif len(candidates) == CANDIDATES_KEPT:  # the next candidate may be past those kept
            second = candidates[-1][1]
        else:
            second = 0.0
        if best < ahead_by * second:
            continue
        members = tuple(sorted(profile.members))
        groups.merge(root, other_root, force=True)
        moved.append((entity, other, members, best, second))
    return moved


def _no_rival(groups: Groups, best: str, other: str) -> bool:
    """Whether a candidate behind the best one is no rival to it: the same entity by now (an
    earlier group this round joined the best candidate), or an anonymous group that nothing
    sets apart from a named best candidate, which may be that person seen without a name (a
    relative described the same way beside the same car, again and again). Counting either as
    a rival would leave every unnamed sighting of a person unplaced for the others."""
    return other == best or (
        is_named(groups.profiles[best])
        and not is_named(groups.profiles[other])
        and contradiction(groups.profiles[other], groups.profiles[best]) is None
    )
