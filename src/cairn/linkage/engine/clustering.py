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
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import jellyfish
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cairn.linkage.engine.model import connect

# A name at least this similar (Jaro-Winkler) is a spelling of the same name, not another one.
SIMILAR_NAME = 0.85
# Share of age estimates of two groups that must overlap for them to be one person.
AGES_AGREE = 0.5
PERSON, PLACE = "person:", "place:"
# Placement by context looks at each group's best candidates only, this many: beyond them the
# last one's evidence stands for the next candidate's (never less than it really is).
CANDIDATES_KEPT = 10


@dataclass(slots=True)
class _Profile:
    """What the members of one group say about the person, for the contradiction checks."""

    members: list[str]
    sexes: set[str] = field(default_factory=set)
    descriptors: set[str] = field(default_factory=set)
    name_keys: set[str] = field(default_factory=set)
    given: set[str] = field(default_factory=set)
    family: set[str] = field(default_factory=set)
    family_sounds: set[str] = field(default_factory=set)
    births: set[dt.date] = field(default_factory=set)
    # Each birth interval (from an age estimate) with how many members gave it.
    ages: Counter[tuple[dt.date, dt.date]] = field(default_factory=Counter)
    refused: set[str] = field(default_factory=set)

    def absorb(self, other: _Profile) -> None:
        self.members += other.members
        self.sexes |= other.sexes
        self.descriptors |= other.descriptors
        self.name_keys |= other.name_keys
        self.given |= other.given
        self.family |= other.family
        self.family_sounds |= other.family_sounds
        self.births |= other.births
        self.ages.update(other.ages)
        self.refused |= other.refused


def _similar(left: set[str], right: set[str]) -> bool:
    return any(
        a == b or jellyfish.jaro_winkler_similarity(a, b) >= SIMILAR_NAME
        for a in left
        for b in right
    )


def _one_typo_apart(left: set[dt.date], right: set[dt.date]) -> bool:
    return any(
        jellyfish.damerau_levenshtein_distance(a.isoformat(), b.isoformat()) <= 1
        for a in left
        for b in right
    )


def contradiction(a: _Profile, b: _Profile) -> str | None:
    """Why the two groups cannot be one person, or None when nothing they say disagrees."""
    if (a.refused and not a.refused.isdisjoint(b.members)) or (
        b.refused and not b.refused.isdisjoint(a.members)
    ):
        return "an analyst decided they are different people"
    if a.sexes and b.sexes and a.sexes != b.sexes:
        return "described as a different sex"
    if a.descriptors and b.descriptors and not a.descriptors & b.descriptors:
        return "described differently"
    if (
        a.births
        and b.births
        and not a.births & b.births
        and not _one_typo_apart(a.births, b.births)
    ):
        return "different dates of birth"
    if (
        a.name_keys
        and b.name_keys
        and not a.name_keys & b.name_keys
        and not _similar(a.given, b.given)
    ):
        return "different given names"
    if (
        a.family
        and b.family
        and not a.family_sounds & b.family_sounds
        and not _similar(a.family, b.family)
    ):
        return "different family names"
    if a.ages and b.ages:
        overlapping = sum(
            n * m
            for x, n in a.ages.items()
            for y, m in b.ages.items()
            if x[0] <= y[1] and y[0] <= x[1]
        )
        if overlapping < AGES_AGREE * a.ages.total() * b.ages.total():
            return "ages too far apart"
    return None


def _named(profile: _Profile) -> bool:
    return bool(profile.given or profile.family or profile.births)


def _column(table: pa.Table, name: str) -> list[Any]:
    return table.column(name).to_pylist() if name in table.column_names else [None] * len(table)


_PROFILE_COLUMNS = (
    "sex",
    "descriptors",
    "name_keys",
    "given_name",
    "family_name",
    "family_metaphone",
    "date_of_birth",
    "born_from",
    "born_to",
)


class _Profiles(dict[str, _Profile]):
    """Each group's profile, made only when a merge first asks for it: at national scale
    most mentions are never in a strong pair, and a million profiles would not fit.

    A group is one mention unless `members` (group → its other mentions) says otherwise.
    """

    def __init__(
        self,
        table: pa.Table,
        cannot_link: Iterable[tuple[str, str]],
        members: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__()
        self.ids = [str(m) for m in _column(table, "mention_id")]
        self.index = {mention: i for i, mention in enumerate(self.ids)}
        self.table = table
        self.columns: dict[str, list[Any]] = {}
        self.refused: dict[str, set[str]] = defaultdict(set)
        for a, b in cannot_link:
            self.refused[a].add(b)
            self.refused[b].add(a)
        self.members = members or {}

    def _value(self, name: str, row: int) -> Any:
        """One column's value for one mention; the column is converted whole on first use
        (one conversion instead of one per mention asked about)."""
        column = self.columns.get(name)
        if column is None:
            column = self.columns[name] = _column(self.table, name)
        return column[row]

    def of_mention(self, mention: str) -> _Profile:
        row = self.index[mention]
        value = {name: self._value(name, row) for name in _PROFILE_COLUMNS}
        born_from, born_to = value["born_from"], value["born_to"]
        return _Profile(
            members=[mention],
            sexes={value["sex"]} if value["sex"] else set(),
            descriptors=set(value["descriptors"] or ()),
            name_keys=set(value["name_keys"] or ()),
            given={value["given_name"]} if value["given_name"] else set(),
            family={value["family_name"]} if value["family_name"] else set(),
            family_sounds={value["family_metaphone"]} if value["family_metaphone"] else set(),
            births={value["date_of_birth"]} if value["date_of_birth"] else set(),
            ages=Counter([(born_from, born_to)] if born_from and born_to else []),
            refused=set(self.refused.get(mention, ())),
        )

    def __missing__(self, group: str) -> _Profile:
        profile = self.of_mention(group)
        for other in self.members.pop(group, ()):
            profile.absorb(self.of_mention(other))
        self[group] = profile
        return profile


class _Groups:
    """Union-find over mentions whose roots carry the group's profile."""

    def __init__(self, profiles: _Profiles) -> None:
        self.parent = {m: m for m in profiles.ids}
        self.profiles = profiles

    @classmethod
    def of(
        cls, entity_of: dict[str, str], table: pa.Table, cannot_link: Iterable[tuple[str, str]]
    ) -> _Groups:
        """The groups of an assignment (mention → entity), their profiles made only when
        asked for. Each group's root is the mention naming its entity, or its first mention."""
        roots: dict[str, str] = {}
        members: dict[str, list[str]] = defaultdict(list)
        for mention, entity in entity_of.items():
            root = entity if entity_of.get(entity) == entity else roots.setdefault(entity, mention)
            if mention != root:
                members[root].append(mention)
            roots[entity] = root
        groups = cls(_Profiles(table, cannot_link, members))
        groups.parent.update({m: roots[e] for m, e in entity_of.items()})
        return groups

    def root(self, node: str) -> str:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def merge(self, a: str, b: str, *, force: bool = False) -> bool:
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return True
        left, right = self.profiles[ra], self.profiles[rb]
        if not force and contradiction(left, right) is not None:
            return False
        if len(left.members) < len(right.members):
            ra, rb, left, right = rb, ra, right, left
        self.parent[rb] = ra
        left.absorb(right)
        del self.profiles[rb]
        return True

    def entity_of(self) -> dict[str, str]:
        """Mention → entity, the entity named by its smallest mention id."""
        names = {root: min(profile.members) for root, profile in self.profiles.items()}
        return {m: names.get(root, root) for m in self.parent for root in (self.root(m),)}


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
    groups = _Groups(_Profiles(table, cannot_link))
    for a, b in must_link:
        if a in groups.parent and b in groups.parent:
            groups.merge(a, b, force=True)
    strong = pairs[pairs["match_probability"] >= threshold].sort_values(
        "match_probability", ascending=False, kind="stable"
    )
    for a, b in zip(strong["mention_id_l"], strong["mention_id_r"], strict=True):
        groups.merge(str(a), str(b))
    return groups.entity_of()


@dataclass(frozen=True, slots=True)
class Placement:
    """A group joined to an entity by the company it keeps: what it shared, and how strongly."""

    mentions: tuple[str, ...]
    entity: str
    score: float
    runner_up: float
    shared: tuple[str, ...]


# What each entity's records name besides it (other entities as "person:<entity>", places,
# vehicles, phones), and how rare each thing is: the log of the entities with any record over
# those whose records name it.
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
    select distinct x.entity, 'person:' || y.entity from seen x join seen y using (record)
    where x.entity <> y.entity
);
create or replace temp table __cairn_rarity as
select thing, ln(total / count(*)) as rarity
from __cairn_things, (
    select count(distinct a.entity)::double as total
    from __cairn_assigned a join __cairn_recorded m using (mention_id)
)
group by thing, total;
"""

# Every pair of entities sharing a person, vehicle or phone, scored by the rarity of all they
# share (places included), leaving out those the round's groups already rule out (another sex,
# nothing described in common, a named group onto an anonymous one; `contradiction` checks the
# rest); only entities whose best candidate reaches `min_score`, smallest groups first, each
# one's best `keep` candidates best first.
_CANDIDATES_SQL = """
with candidates as (
    select distinct l.entity, r.entity as other
    from __cairn_things l join __cairn_things r using (thing)
    where l.entity <> r.entity and not starts_with(l.thing, 'place:')
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
    select c.entity, c.other, sum(w.rarity) as score
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

_TRAIT_COLUMNS = ("mention_id", "sex", "descriptors", "given_name", "family_name", "date_of_birth")

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
            _CANDIDATES_SQL, params={"min_score": min_score, "keep": CANDIDATES_KEPT}
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
    times the next candidate's, at least one shared thing is a person, vehicle or phone (a busy
    takeaway alone says little), and nothing they say contradicts. Smallest groups go first;
    repeated for `rounds` or until nothing moves.

    The evidence is computed in DuckDB (`connection`, or a new in-memory one), so it scales to
    a national re-link; only the contradiction checks of each group's best candidates run here.
    """
    groups = _Groups.of(entity_of, table, list(cannot_link))
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
    con: duckdb.DuckDBPyConnection, groups: _Groups, *, min_score: float, ahead_by: float
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
        named = _named(profile)
        found: list[tuple[float, str, str]] = []
        for other, score in candidates:
            if not found and score < min_score:
                break
            other_root = groups.root(root_by_name.get(other, other))
            if other_root == root or contradiction(profile, groups.profiles[other_root]):
                continue
            # A named group is never placed onto an anonymous one: the anonymous one is
            # placed (or not) on its own evidence, against every candidate.
            if named and not _named(groups.profiles[other_root]):
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


def contradiction_between(table: pa.Table, left: Iterable[str], right: Iterable[str]) -> str | None:
    """Why the mentions `left` and `right` (ids in `table`) cannot be one person, or None."""
    profiles = _Profiles(table, ())

    def group(ids: Iterable[str]) -> _Profile:
        first, *rest = ids
        profile = profiles[first]
        for other in rest:
            profile.absorb(profiles[other])
        return profile

    return contradiction(group(left), group(right))
