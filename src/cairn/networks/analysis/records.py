"""Source records and the edges between the nodes each names; the node and record kinds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations

Node = tuple[str, int]
Pair = tuple[Node, Node]

YOUNG_PERSON = "young_person"
PERSON = "person"
PHONE = "phone"
VEHICLE = "vehicle"
LOCATION = "location"
EVENT = "event"
REPORT = "report"
MISSING_EPISODE = "missing_episode"
INCIDENT = "incident"
YOUNG_PERSON_LINK = "young_person_link"
CASE_RECORD = "case_record"
# Records that hold whatever the date window: a child's record and the person the reports name
# are the same child in every period.
TIMELESS = frozenset({YOUNG_PERSON_LINK, CASE_RECORD})


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record (a report, a missing episode) and the nodes it ties together."""

    kind: str
    id: int
    at: datetime
    nodes: frozenset[Node]
    # 3x5x2 source evaluation and intelligence assessment, "1A" best; blank when not graded.
    grading: str = ""


@dataclass(slots=True)
class EdgeFacts:
    """What the records say about one pair of nodes."""

    first_seen: datetime
    last_seen: datetime
    count: int = 0
    best_grading: str = ""
    report_ids: list[int] = field(default_factory=list)
    missing_episode_ids: list[int] = field(default_factory=list)
    incident_ids: list[int] = field(default_factory=list)
    young_person_link_ids: list[int] = field(default_factory=list)
    case_record_ids: list[int] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        """Whether a record that says when something was seen stands behind the link."""
        return self.count > len(self.young_person_link_ids) + len(self.case_record_ids)

    def add(self, record: SourceRecord) -> None:
        self.count += 1
        if record.kind not in TIMELESS:
            # A timeless record's date says when it was made, not when anything was seen; it
            # dates a link only when nothing else does (`edges_from` adds it last).
            self.first_seen = min(self.first_seen, record.at)
            self.last_seen = max(self.last_seen, record.at)
        self.best_grading = better_grading(self.best_grading, record.grading)
        if record.kind == REPORT:
            self.report_ids.append(record.id)
        elif record.kind == INCIDENT:
            self.incident_ids.append(record.id)
        elif record.kind == YOUNG_PERSON_LINK:
            self.young_person_link_ids.append(record.id)
        elif record.kind == CASE_RECORD:
            self.case_record_ids.append(record.id)
        else:
            self.missing_episode_ids.append(record.id)


def better_grading(first: str, second: str) -> str:
    """The better of two 3x5x2 gradings: source 1 beats 2 beats 3, then A beats B … E."""
    if not first or not second:
        return first or second
    return min(first, second)


def pair_of(a: Node, b: Node) -> Pair:
    return (a, b) if a <= b else (b, a)


def in_window(at: datetime, start: date | None, end: date | None) -> bool:
    """Whether `at` falls in the window, both ends inclusive; `None` leaves that end open."""
    day = at.date()
    return (start is None or day >= start) and (end is None or day <= end)


def edges_from(
    records: Iterable[SourceRecord],
    *,
    start: date | None = None,
    end: date | None = None,
    only: set[Pair] | None = None,
) -> dict[Pair, EdgeFacts]:
    """Every pair of nodes named in the same record, over the records in the window.

    `only` restricts the result to those pairs (an incremental update recomputes just them).
    """
    edges: dict[Pair, EdgeFacts] = {}
    for record in sorted(records, key=lambda r: (r.kind in TIMELESS, r.kind, r.id)):
        if record.kind not in TIMELESS and not in_window(record.at, start, end):
            continue
        for pair in combinations(sorted(record.nodes), 2):
            if only is not None and pair not in only:
                continue
            facts = edges.get(pair)
            if facts is None:
                facts = edges[pair] = EdgeFacts(first_seen=record.at, last_seen=record.at)
            facts.add(record)
    return edges
