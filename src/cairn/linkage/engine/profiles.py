"""What a group of mentions says about a person, and the contradictions that keep groups apart."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jellyfish
import pyarrow as pa

# A name at least this similar (Jaro-Winkler) is a spelling of the same name, not another one.
SIMILAR_NAME = 0.85
# Share of age estimates of two groups that must overlap for them to be one person.
AGES_AGREE = 0.5


@dataclass(slots=True)
class Profile:
    """What the members of one group say about the person, for the contradiction checks."""

    members: list[str]
    sexes: set[str] = field(default_factory=set)
    descriptors: set[str] = field(default_factory=set)
    name_keys: set[str] = field(default_factory=set)
    given: set[str] = field(default_factory=set)
    family: set[str] = field(default_factory=set)
    family_sounds: set[str] = field(default_factory=set)
    # Dates as day numbers (days since 1970-01-01), as Arrow keeps them: converting a million
    # dates to Python dates costs more than every comparison made of them.
    births: set[int] = field(default_factory=set)
    # Each birth interval (from an age estimate, or a date of birth: the third value says
    # which) with how many members gave it. A plain dict: a million Counters cost seconds.
    ages: dict[tuple[int, int, bool], int] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)

    def absorb(self, other: Profile) -> None:
        self.members += other.members
        # Most mentions say little: only a set with something in it is merged.
        if other.sexes:
            self.sexes |= other.sexes
        if other.descriptors:
            self.descriptors |= other.descriptors
        if other.name_keys:
            self.name_keys |= other.name_keys
        if other.given:
            self.given |= other.given
        if other.family:
            self.family |= other.family
        if other.family_sounds:
            self.family_sounds |= other.family_sounds
        if other.births:
            self.births |= other.births
        ages = self.ages
        for interval, n in other.ages.items():
            ages[interval] = ages.get(interval, 0) + n
        if other.refused:
            self.refused |= other.refused


def _similar(left: set[str], right: set[str]) -> bool:
    return any(
        a == b or jellyfish.jaro_winkler_similarity(a, b) >= SIMILAR_NAME
        for a in left
        for b in right
    )


_EPOCH = dt.date(1970, 1, 1)


def _written(day: int) -> str:
    return (_EPOCH + dt.timedelta(days=day)).isoformat()


def _one_typo_apart(left: set[int], right: set[int]) -> bool:
    return any(
        jellyfish.damerau_levenshtein_distance(_written(a), _written(b)) <= 1
        for a in left
        for b in right
    )


def contradiction(a: Profile, b: Profile) -> str | None:
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
        overlapping = compared = 0
        for (start, end, dated), n in a.ages.items():
            for (other_start, other_end, other_dated), m in b.ages.items():
                if dated and other_dated:
                    continue  # two dates of birth: compared above, one typing error allowed
                compared += n * m
                if start <= other_end and other_start <= end:
                    overlapping += n * m
        if overlapping < AGES_AGREE * compared:
            return "ages too far apart"
    return None


def is_named(profile: Profile) -> bool:
    return bool(profile.given or profile.family or profile.births)


def _column(table: pa.Table, name: str) -> list[Any]:
    """A column as Python values, dates as day numbers."""
    if name not in table.column_names:
        return [None] * len(table)
    column = table.column(name)
    if pa.types.is_date(column.type):
        column = column.cast(pa.date32()).cast(pa.int32())
    return column.to_pylist()


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


class Profiles(dict[str, Profile]):
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
        self.columns: list[list[Any]] | None = None
        self.refused: dict[str, set[str]] = defaultdict(set)
        for a, b in cannot_link:
            self.refused[a].add(b)
            self.refused[b].add(a)
        self.members = members or {}

    def of_mention(self, mention: str) -> Profile:
        if self.columns is None:  # converted whole on first use, not once per mention
            self.columns = [_column(self.table, name) for name in _PROFILE_COLUMNS]
        row = self.index[mention]
        sexes, features, keys, givens, families, sounds, births, froms, tos = self.columns
        sex, given, family, sound, birth = (
            sexes[row],
            givens[row],
            families[row],
            sounds[row],
            births[row],
        )
        born_from, born_to = froms[row], tos[row]
        return Profile(
            members=[mention],
            sexes={sex} if sex else set(),
            descriptors=set(features[row] or ()),
            name_keys=set(keys[row] or ()),
            given={given} if given else set(),
            family={family} if family else set(),
            family_sounds={sound} if sound else set(),
            births={birth} if birth is not None else set(),
            ages={(born_from, born_to, birth is not None): 1}
            if born_from is not None and born_to is not None
            else {},
            refused=set(self.refused.get(mention, ())),
        )

    def __missing__(self, group: str) -> Profile:
        profile = self.of_mention(group)
        for other in self.members.pop(group, ()):
            profile.absorb(self.of_mention(other))
        self[group] = profile
        return profile


class Groups:
    """Union-find over mentions whose roots carry the group's profile."""

    def __init__(self, profiles: Profiles) -> None:
        self.parent = {m: m for m in profiles.ids}
        self.profiles = profiles

    @classmethod
    def of(
        cls, entity_of: dict[str, str], table: pa.Table, cannot_link: Iterable[tuple[str, str]]
    ) -> Groups:
        """The groups of an assignment (mention → entity), their profiles made only when
        asked for. Each group's root is the mention naming its entity, or its first mention."""
        roots: dict[str, str] = {}
        members: dict[str, list[str]] = defaultdict(list)
        for mention, entity in entity_of.items():
            root = entity if entity_of.get(entity) == entity else roots.setdefault(entity, mention)
            if mention != root:
                members[root].append(mention)
            roots[entity] = root
        groups = cls(Profiles(table, cannot_link, members))
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
        parent, entity = self.parent, {}
        for mention, up in parent.items():
            root = up if parent[up] == up else self.root(mention)  # mostly one step up: no call
            entity[mention] = names.get(root, root)
        return entity


def contradiction_between(table: pa.Table, left: Iterable[str], right: Iterable[str]) -> str | None:
    """Why the mentions `left` and `right` (ids in `table`) cannot be one person, or None."""
    profiles = Profiles(table, ())

    def group(ids: Iterable[str]) -> Profile:
        first, *rest = ids
        profile = profiles[first]
        for other in rest:
            profile.absorb(profiles[other])
        return profile

    return contradiction(group(left), group(right))
