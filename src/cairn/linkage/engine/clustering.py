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
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jellyfish
import pandas as pd
import pyarrow as pa

# A name at least this similar (Jaro-Winkler) is a spelling of the same name, not another one.
SIMILAR_NAME = 0.85
# Share of age estimates of two groups that must overlap for them to be one person.
AGES_AGREE = 0.5
PERSON, PLACE = "person:", "place:"
# Placement by context runs in Python over every group with a record: up to this many mentions.
PLACE_UP_TO = 500_000
logger = logging.getLogger(__name__)


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
    ages: list[tuple[dt.date, dt.date]] = field(default_factory=list)
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
        self.ages += other.ages
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
        overlapping = sum(1 for x in a.ages for y in b.ages if x[0] <= y[1] and y[0] <= x[1])
        if overlapping < AGES_AGREE * len(a.ages) * len(b.ages):
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
    """Each mention's profile, made only when a merge first asks for it: at national scale
    most mentions are never in a strong pair, and a million profiles would not fit."""

    def __init__(self, table: pa.Table, cannot_link: Iterable[tuple[str, str]]) -> None:
        super().__init__()
        self.ids = [str(m) for m in _column(table, "mention_id")]
        self.index = {mention: i for i, mention in enumerate(self.ids)}
        self.columns = {
            name: (table.column(name).combine_chunks() if name in table.column_names else None)
            for name in _PROFILE_COLUMNS
        }
        self.refused: dict[str, set[str]] = defaultdict(set)
        for a, b in cannot_link:
            self.refused[a].add(b)
            self.refused[b].add(a)

    def __missing__(self, mention: str) -> _Profile:
        row = self.index[mention]
        value = {
            name: None if column is None else column[row].as_py()
            for name, column in self.columns.items()
        }
        born_from, born_to = value["born_from"], value["born_to"]
        profile = _Profile(
            members=[mention],
            sexes={value["sex"]} if value["sex"] else set(),
            descriptors=set(value["descriptors"] or ()),
            name_keys=set(value["name_keys"] or ()),
            given={value["given_name"]} if value["given_name"] else set(),
            family={value["family_name"]} if value["family_name"] else set(),
            family_sounds={value["family_metaphone"]} if value["family_metaphone"] else set(),
            births={value["date_of_birth"]} if value["date_of_birth"] else set(),
            ages=[(born_from, born_to)] if born_from and born_to else [],
            refused=set(self.refused.get(mention, ())),
        )
        self[mention] = profile
        return profile


class _Groups:
    """Union-find over mentions whose roots carry the group's profile."""

    def __init__(self, profiles: _Profiles) -> None:
        self.parent = {m: m for m in profiles.ids}
        self.profiles = profiles

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


def _contexts(
    entity_of: dict[str, str], records: dict[str, str | None], context: dict[str, list[str]]
) -> dict[str, Counter[str]]:
    """Entity → what its mentions' records name besides it: other entities, places, vehicles…"""
    in_record: dict[str, list[str]] = defaultdict(list)
    for mention, record in records.items():
        if record:
            in_record[record].append(mention)
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for mentions in in_record.values():
        things = context.get(mentions[0], [])
        for mention in mentions:
            entity = entity_of[mention]
            bag = seen[entity]
            bag.update(things)
            for other in mentions:
                if entity_of[other] != entity:
                    bag[PERSON + entity_of[other]] += 1
    return seen


def place_by_context(
    entity_of: dict[str, str],
    table: pa.Table,
    *,
    min_score: float = 2.0,
    ahead_by: float = 2.0,
    rounds: int = 3,
    cannot_link: Iterable[tuple[str, str]] = (),
) -> tuple[dict[str, str], list[Placement]]:
    """Join groups to the one compatible entity that keeps the same company in other records.

    The evidence for an entity is the sum, over what the group's records name that the
    entity's records also name, of how rare that thing is (log of entities over entities that
    name it). A group joins the best entity when that sum is at least `min_score`, `ahead_by`
    times the next candidate's, at least one shared thing is a person, vehicle or phone (a busy
    takeaway alone says little), and nothing they say contradicts. Smallest groups go first;
    repeated for `rounds` or until nothing moves.
    """
    cannot = list(cannot_link)
    groups = _Groups(_Profiles(table, cannot))
    for mention, entity in entity_of.items():
        groups.merge(mention, entity, force=True)
    ids = [str(m) for m in _column(table, "mention_id")]
    records = dict(zip(ids, _column(table, "record"), strict=True))
    context = {m: list(c or ()) for m, c in zip(ids, _column(table, "context"), strict=True)}
    placements: list[Placement] = []
    for _ in range(rounds):
        current = groups.entity_of()
        contexts = _contexts(current, records, context)
        holders: dict[str, set[str]] = defaultdict(set)
        for entity, bag in contexts.items():
            for thing in bag:
                holders[thing].add(entity)
        total = max(len(contexts), 1)
        rarity = {thing: math.log(total / len(who)) for thing, who in holders.items()}
        root_by_name = {min(p.members): root for root, p in groups.profiles.items()}
        root_of = {entity: root_by_name.get(entity, entity) for entity in contexts}
        moved = 0
        for entity in sorted(contexts, key=lambda e: len(groups.profiles[root_of[e]].members)):
            root = root_of[entity]
            if groups.root(root) != root:
                continue
            bag = contexts[entity]
            # Candidates share a person, vehicle or phone; places then add to their evidence.
            candidates = {
                other
                for thing in bag
                if not thing.startswith(PLACE)
                for other in holders[thing]
                if other != entity
            }
            ranked = []
            named = _named(groups.profiles[root])
            for other in candidates:
                other_root = groups.root(root_of[other])
                if other_root == root or contradiction(
                    groups.profiles[root], groups.profiles[other_root]
                ):
                    continue
                # A named group is never placed onto an anonymous one: the anonymous one is
                # placed (or not) on its own evidence, against every candidate.
                if named and not _named(groups.profiles[other_root]):
                    continue
                shared = sorted(t for t in bag if t in contexts[other])
                ranked.append((sum(rarity[t] for t in shared), other, other_root, shared))
            ranked.sort(key=lambda item: (-item[0], item[1]))
            if not ranked:
                continue
            best, other, other_root, shared = ranked[0]
            second = ranked[1][0] if len(ranked) > 1 else 0.0
            if best < min_score or best < ahead_by * second:
                continue
            members = tuple(sorted(groups.profiles[root].members))
            groups.merge(root, other_root, force=True)
            placements.append(
                Placement(members, other, round(best, 3), round(second, 3), tuple(sorted(shared)))
            )
            moved += 1
        if not moved:
            break
    final = groups.entity_of()
    renamed = {p.entity: final[p.entity] for p in placements}
    return final, [
        Placement(p.mentions, renamed[p.entity], p.score, p.runner_up, p.shared) for p in placements
    ]


def resolve(
    pairs: pd.DataFrame,
    table: pa.Table,
    threshold: float,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> tuple[dict[str, str], list[Placement]]:
    """Scored pairs → people: `constrained_clusters`, then `place_by_context`."""
    cannot = list(cannot_link)
    entity_of = constrained_clusters(
        pairs, table, threshold, must_link=must_link, cannot_link=cannot
    )
    if table.num_rows > PLACE_UP_TO:
        logger.warning(
            "Placement by context skipped: %s mentions (it runs up to %s)",
            table.num_rows,
            PLACE_UP_TO,
        )
        return entity_of, []
    return place_by_context(entity_of, table, cannot_link=cannot)


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
