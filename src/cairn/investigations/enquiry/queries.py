"""Lines of enquiry as one user may see them, need-to-know first.

A line is shown only when every group of links it rests on has a link made by a record the user
may see (as the link chart leaves out links only unshared records make), and a line about a
young person only to those who may see that young person's record: nobody learns the name,
reference or number of young people outside their need-to-know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import audit_consultation, list_records, scope
from cairn.intelligence.models import IntelligenceReport
from cairn.investigations.enquiry.suggest import Leg
from cairn.investigations.models import (
    Investigation,
    LineOfEnquiry,
    LineOfEnquiryKind,
    LineOfEnquiryStatus,
    Suspect,
)
from cairn.networks.models import Network
from cairn.networks.queries import ChartNode, chart_nodes, parse_node
from cairn.youngpeople.models import MissingEpisode, YoungPerson


def legs_of(line: LineOfEnquiry) -> list[Leg]:
    return [Leg.from_json(data) for data in line.basis.get("legs", [])]


@dataclass(frozen=True)
class Sight:
    """What of some lines' basis one user may see."""

    reports: set[int]
    episodes: set[int]
    young_people: set[int]

    @classmethod
    def of(cls, user: User | None, lines: Sequence[LineOfEnquiry]) -> Sight:
        legs = [leg for line in lines for leg in legs_of(line)]
        report_ids = {pk for leg in legs for pk in leg.reports}
        episode_ids = {pk for leg in legs for pk in leg.missing_episodes}
        young = {line.young_person_id for line in lines if line.young_person_id}
        visible_young = scope(user, YoungPerson.objects.all())
        return cls(
            reports=set(
                scope(user, IntelligenceReport.objects.filter(pk__in=report_ids)).values_list(
                    "pk", flat=True
                )
            ),
            episodes=set(
                MissingEpisode.objects.filter(
                    pk__in=episode_ids, young_person__in=visible_young.values("pk")
                ).values_list("pk", flat=True)
            ),
            young_people=set(visible_young.filter(pk__in=young).values_list("pk", flat=True)),
        )

    def legs(self, line: LineOfEnquiry) -> list[Leg] | None:
        """The links of the line this user may see, or None when they may not see the line."""
        if line.kind == LineOfEnquiryKind.YOUNG_PERSON and (
            line.young_person_id not in self.young_people
        ):
            return None
        legs = legs_of(line)
        seen = [
            leg
            for leg in legs
            if self.reports.intersection(leg.reports)
            or self.episodes.intersection(leg.missing_episodes)
        ]
        if not seen or {leg.group for leg in seen} != {leg.group for leg in legs}:
            return None
        return seen


def line_visible(user: User | None, line: LineOfEnquiry) -> bool:
    return Sight.of(user, [line]).legs(line) is not None


@dataclass(frozen=True)
class LegView:
    first: ChartNode
    second: ChartNode
    edge: int
    reports: list[IntelligenceReport]
    restricted_reports: int


@dataclass
class LineView:
    line: LineOfEnquiry
    subject: ChartNode
    legs: list[LegView]
    network: Network | None = None

    @property
    def reports(self) -> list[IntelligenceReport]:
        """The reports behind the line the user may see, oldest first, each once."""
        found = {report.pk: report for leg in self.legs for report in leg.reports}
        return sorted(found.values(), key=lambda report: (report.reported_at, report.pk))


@dataclass
class EnquiryView:
    investigation: Investigation
    open: list[LineView] = field(default_factory=list)
    accepted: list[LineView] = field(default_factory=list)
    dismissed: list[LineView] = field(default_factory=list)
    # Suspects not resolved to a person entity yet: nothing is suggested from them.
    unresolved: list[Suspect] = field(default_factory=list)

    @property
    def all(self) -> list[LineView]:
        return [*self.open, *self.accepted, *self.dismissed]


def _lines(investigation: Investigation) -> QuerySet[LineOfEnquiry]:
    return investigation.lines_of_enquiry.select_related(
        "suspect",
        "phone",
        "vehicle",
        "location",
        "young_person__key_worker",
        "evidence_item__evidence_type",
        "decided_by",
    ).order_by("kind", "id")


def lines_of_enquiry(
    actor: Actor, investigation: Investigation, *, pk: int | None = None
) -> EnquiryView:
    """The investigation's lines of enquiry this user may see, with the links and reports they
    rest on; the reports and young people shown are audited as consultations. The caller has
    opened the investigation through the access layer."""
    lines = list(_lines(investigation) if pk is None else _lines(investigation).filter(pk=pk))
    sight = Sight.of(actor.user, lines)
    shown = [(line, legs) for line in lines if (legs := sight.legs(line)) is not None]
    report_ids = {pk for _, legs in shown for leg in legs for pk in leg.reports}
    reports = {
        report.pk: report
        for report in list_records(
            actor,
            IntelligenceReport.objects.filter(pk__in=report_ids & sight.reports),
            purpose=f"Viewed the reports behind lines of enquiry of {investigation.reference}",
        )
    }
    nodes = {
        parse_node(end) for _, legs in shown for leg in legs for end in (leg.first, leg.second)
    }
    nodes |= {parse_node(line.subject_key) for line, _ in shown}
    named = chart_nodes(actor.user, nodes)
    networks = Network.objects.in_bulk(
        {line.basis["network"] for line, _ in shown if line.basis.get("network")}
    )
    view = EnquiryView(
        investigation, unresolved=list(investigation.suspects.filter(person__isnull=True))
    )
    for line, legs in shown:
        found = LineView(
            line=line,
            subject=named[parse_node(line.subject_key)],
            legs=[
                LegView(
                    first=named[parse_node(leg.first)],
                    second=named[parse_node(leg.second)],
                    edge=leg.edge,
                    reports=[reports[pk] for pk in leg.reports if pk in reports],
                    restricted_reports=len([pk for pk in leg.reports if pk not in reports]),
                )
                for leg in legs
            ],
            network=networks.get(line.basis.get("network") or 0),
        )
        by_status = {
            LineOfEnquiryStatus.OPEN: view.open,
            LineOfEnquiryStatus.ACCEPTED: view.accepted,
            LineOfEnquiryStatus.DISMISSED: view.dismissed,
        }
        by_status[LineOfEnquiryStatus(line.status)].append(found)
    young = [line.young_person_id for line, _ in shown if line.young_person_id]
    audit_consultation(
        actor,
        YoungPerson,
        young,
        summary=f"Viewed young people suggested as lines of enquiry of {investigation.reference}",
    )
    return view


def line_for(actor: Actor, investigation: Investigation, pk: int) -> LineView | None:
    """One line of the investigation as this user may see it; None if it is not theirs to see."""
    view = lines_of_enquiry(actor, investigation, pk=pk)
    return view.all[0] if view.all else None
