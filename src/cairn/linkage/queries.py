"""Reads of resolved people: need-to-know on the reports behind every mention comes first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import RecordNotFound, audit_consultation, scope
from cairn.intelligence.models import (
    IntelligenceReport,
    LocationMention,
    PersonMention,
    PhoneMention,
    ReportYoungPerson,
    VehicleMention,
)
from cairn.intelligence.normalise import registration_pattern
from cairn.linkage.models import (
    Decision,
    LinkChange,
    LinkStatus,
    LocationEntity,
    MentionLink,
    PersonEntity,
    PhoneEntity,
    ReviewDecision,
    VehicleEntity,
    YoungPersonLink,
    display_name,
    location_key,
)
from cairn.youngpeople.models import YoungPerson

QUEUE_LIMIT = 50


class EntityRestricted(Exception):
    """The entity exists, but none of its mentions come from a report the user may see."""


@dataclass(frozen=True)
class SeenMention:
    """A mention as one user may see it: `None` when its report is not shared with them."""

    mention: PersonMention | None
    report: IntelligenceReport | None

    @property
    def restricted(self) -> bool:
        return self.mention is None


def visible_report_ids(user: User | None, report_ids: Iterable[int]) -> set[int]:
    ids = set(report_ids)
    if not ids:
        return set()
    return set(
        scope(user, IntelligenceReport.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )


def _seen(mention: PersonMention, visible: set[int]) -> SeenMention:
    if mention.report_id in visible:
        return SeenMention(mention=mention, report=mention.report)
    return SeenMention(mention=None, report=None)


@dataclass(frozen=True)
class ReviewItem:
    link: MentionLink
    left: SeenMention
    right: SeenMention

    @property
    def decidable(self) -> bool:
        """Only someone who may see both reports can say whether they describe one person."""
        return not (self.left.restricted or self.right.restricted)


def _proposals() -> QuerySet[MentionLink]:
    return MentionLink.objects.filter(status=LinkStatus.PROPOSED).select_related(
        "mention__report", "paired_with__report", "entity"
    )


def review_queue(actor: Actor, *, limit: int = QUEUE_LIMIT) -> Sequence[ReviewItem]:
    """Proposed pairs with at least one side the user may see, most probable first."""
    visible_q = scope(actor.user, IntelligenceReport.objects.all()).values("pk")
    links = list(
        _proposals()
        .filter(Q(mention__report__in=visible_q) | Q(paired_with__report__in=visible_q))
        .order_by("-match_probability", "id")[:limit]
    )
    reports: set[int] = set()
    for link in links:
        assert link.paired_with is not None
        reports |= {link.mention.report_id, link.paired_with.report_id}
    visible = visible_report_ids(actor.user, reports)
    items = [
        ReviewItem(
            link=link,
            left=_seen(link.paired_with, visible),
            right=_seen(link.mention, visible),
        )
        for link in links
        if link.paired_with is not None
    ]
    audit_consultation(
        actor,
        PersonMention,
        sorted({s.mention.pk for item in items for s in (item.left, item.right) if s.mention}),
        summary="Viewed the entity-resolution review queue",
    )
    return items


def proposal_for_decision(actor: Actor, pk: int) -> ReviewItem:
    """One proposed pair for an analyst to decide; both reports must be visible to them."""
    link = _proposals().filter(pk=pk).first()
    if link is None or link.paired_with is None:
        raise RecordNotFound(f"No proposed pair {pk}")
    visible = visible_report_ids(actor.user, [link.mention.report_id, link.paired_with.report_id])
    audit_consultation(
        actor,
        PersonMention,
        sorted(m.pk for m in (link.paired_with, link.mention) if m.report_id in visible),
        summary="Opened a proposed pair of person mentions for review",
        detail={"proposal": link.pk},
    )
    return ReviewItem(
        link=link, left=_seen(link.paired_with, visible), right=_seen(link.mention, visible)
    )


def link_for_unmerge(actor: Actor, pk: int) -> MentionLink:
    link = (
        MentionLink.objects.select_related("mention")
        .exclude(status=LinkStatus.PROPOSED)
        .filter(pk=pk)
        .first()
    )
    if link is None:
        raise RecordNotFound(f"No link {pk}")
    if not visible_report_ids(actor.user, [link.mention.report_id]):
        raise EntityRestricted(f"Link {pk} is restricted")
    return link


def young_link_for_reject(actor: Actor, pk: int) -> YoungPersonLink:
    """A young person's record link the user may undo: they must see the record."""
    link = YoungPersonLink.objects.filter(pk=pk, rejected=False).first()
    if link is None:
        raise RecordNotFound(f"No young person link {pk}")
    if not scope(actor.user, YoungPerson.objects.filter(pk=link.young_person_id)).exists():
        raise EntityRestricted(f"Young person link {pk} is restricted")
    return link


@dataclass
class YoungRecordView:
    link: YoungPersonLink
    young_person: YoungPerson


@dataclass
class EntityLinkView:
    link: MentionLink
    seen: SeenMention


@dataclass
class EntityView:
    entity: PersonEntity
    # From the visible mentions only: the stored name may come from a restricted one.
    name: str
    links: list[EntityLinkView]
    restricted_count: int
    aliases: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    young_people: list[YoungPerson] = field(default_factory=list)
    # Young people's own records resolved to this person, as far as the user may see them.
    young_records: list[YoungRecordView] = field(default_factory=list)
    phones: list[PhoneEntity] = field(default_factory=list)
    vehicles: list[VehicleEntity] = field(default_factory=list)
    places: list[LocationEntity] = field(default_factory=list)


def person_entity_open(actor: Actor, pk: int) -> EntityView:
    """A person entity with only the mentions, reports and young people the user may know."""
    entity = PersonEntity.objects.filter(pk=pk).first()
    if entity is None:
        raise RecordNotFound(f"No person entity {pk}")
    links = list(
        entity.links.exclude(status=LinkStatus.PROPOSED)
        .select_related("mention__report", "change")
        .order_by("mention__report__reported_at", "id")
    )
    visible = visible_report_ids(actor.user, [link.mention.report_id for link in links])
    if not visible:
        raise EntityRestricted(f"Person entity {entity.reference} is restricted")
    views = [EntityLinkView(link=link, seen=_seen(link.mention, visible)) for link in links]
    shown = [v.seen for v in views if not v.seen.restricted]
    names: list[str] = []
    for seen in shown:
        assert seen.mention is not None
        for name in (seen.mention.name_as_written, seen.mention.nickname):
            if name and name not in names:
                names.append(name)
    dates = [seen.report.reported_at for seen in shown if seen.report is not None]
    young_people = list(
        scope(
            actor.user,
            YoungPerson.objects.filter(
                pk__in=ReportYoungPerson.objects.filter(report_id__in=visible).values(
                    "young_person_id"
                )
            ),
        ).order_by("id")
    )
    young_links = {
        link.young_person_id: link
        for link in YoungPersonLink.objects.filter(entity=entity, rejected=False)
    }
    young_records = [
        YoungRecordView(link=young_links[young_person.pk], young_person=young_person)
        for young_person in scope(
            actor.user, YoungPerson.objects.filter(pk__in=list(young_links))
        ).order_by("id")
    ]
    shown_ids = [seen.mention.pk for seen in shown if seen.mention is not None]
    phones = list(
        PhoneEntity.objects.filter(
            e164__in=PhoneMention.objects.filter(person_id__in=shown_ids).values("e164")
        )
    )
    vehicles = list(
        VehicleEntity.objects.filter(
            registration__in=VehicleMention.objects.filter(
                person_id__in=shown_ids, is_partial=False
            ).values("registration")
        )
    )
    keys = {
        location_key(postcode=postcode, venue_name=venue, address=address)
        for postcode, venue, address in LocationMention.objects.filter(
            report_id__in=[seen.mention.report_id for seen in shown if seen.mention is not None]
        ).values_list("postcode", "venue_name", "address")
    }
    places = list(LocationEntity.objects.filter(key__in=keys - {""}))
    audit_consultation(
        actor,
        PersonMention,
        sorted(seen.mention.pk for seen in shown if seen.mention is not None),
        summary=f"Viewed person entity {entity.reference}",
        detail={"entity": entity.pk},
    )
    return EntityView(
        entity=entity,
        name=display_name(seen.mention for seen in shown if seen.mention is not None),
        links=views,
        restricted_count=len(views) - len(shown),
        aliases=names,
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
        young_people=young_people,
        young_records=young_records,
        phones=phones,
        vehicles=vehicles,
        places=places,
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One decision about the entity's links: what, when, by whom, about whom and why.

    `reason` is None when the decision concerns a mention the user may not see: the reason
    may speak of it.
    """

    when: datetime
    what: str
    by: str
    mentions: list[str]
    restricted: int
    reason: str | None


def _label(mention: PersonMention) -> str:
    name = mention.name_as_written or mention.nickname or "Unnamed person"
    return f"{name} in {mention.report.reference}"


def link_history(actor: Actor, view: EntityView) -> list[HistoryEntry]:
    """Analysts' decisions and undone merges touching the entity's mentions, newest first.

    Only entries with a mention the user may see are listed; for the rest of an entry the user
    learns only how many mentions are restricted. Consulted with the entity (same audit entry).
    """
    ids = {link_view.link.mention_id for link_view in view.links}
    decisions = list(
        ReviewDecision.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids)).select_related(
            "first__report", "second__report", "decided_by"
        )
    )
    changes = list(
        LinkChange.objects.filter(mentions__in=ids, undone_at__isnull=False)
        .distinct()
        .select_related("made_by", "undone_by")
        .prefetch_related("mentions__report")
    )
    involved: list[PersonMention] = [m for d in decisions for m in (d.first, d.second)]
    involved += [m for change in changes for m in change.mentions.all()]
    visible = visible_report_ids(actor.user, {m.report_id for m in involved})

    def entry(
        when: datetime, what: str, by: Any, mentions: Iterable[PersonMention], reason: str
    ) -> HistoryEntry | None:
        mentions = sorted(set(mentions), key=lambda m: m.pk)
        shown = [_label(m) for m in mentions if m.report_id in visible]
        if not shown:
            return None
        hidden = len(mentions) - len(shown)
        return HistoryEntry(
            when=when,
            what=what,
            by=by.display_name if by else "Cairn",
            mentions=shown,
            restricted=hidden,
            reason=None if hidden else reason,
        )

    entries = [
        entry(
            d.decided_at,
            "Decided: the same person"
            if d.decision == Decision.ACCEPT
            else "Decided: different people",
            d.decided_by,
            (d.first, d.second),
            d.reason,
        )
        for d in decisions
    ]
    # A merge still in place is listed by its decision; an undone one lost it on undo.
    for change in changes:
        if change.undone_at is None:
            continue
        members = list(change.mentions.all())
        entries.append(
            entry(
                change.made_at, "Merged as the same person", change.made_by, members, change.reason
            )
        )
        entries.append(
            entry(change.undone_at, "Merge undone", change.undone_by, members, change.undo_reason)
        )
    return sorted((e for e in entries if e), key=lambda e: e.when, reverse=True)


Identifier = PhoneEntity | VehicleEntity | LocationEntity
IDENTIFIER_MODELS: dict[str, type[Identifier]] = {
    "phone": PhoneEntity,
    "vehicle": VehicleEntity,
    "location": LocationEntity,
}


@dataclass(frozen=True)
class Sighting:
    """One mention of a phone, vehicle or place, in a report the user may see."""

    report: IntelligenceReport
    as_written: str
    person: PersonMention | None
    person_entity_id: int | None


@dataclass
class IdentifierView:
    kind: str
    entity: Identifier
    sightings: list[Sighting]
    restricted_count: int
    # For a vehicle: partial marks seen in visible reports that could be this one (never merged).
    partial_sightings: list[Sighting] = field(default_factory=list)


def vehicle_candidates(mark: str) -> QuerySet[VehicleEntity]:
    """The resolved vehicles a partial mark (with `?` for unread characters) could be."""
    return VehicleEntity.objects.filter(registration__regex=registration_pattern(mark.upper()))


def _identifier_mentions(kind: str, entity: Identifier) -> list[Any]:
    if isinstance(entity, PhoneEntity):
        return list(
            PhoneMention.objects.filter(e164=entity.e164).select_related("report", "person")
        )
    if isinstance(entity, VehicleEntity):
        return list(
            VehicleMention.objects.filter(
                registration=entity.registration, is_partial=False
            ).select_related("report", "person")
        )
    return [
        mention
        for mention in LocationMention.objects.filter(postcode=entity.postcode).select_related(
            "report"
        )
        if location_key(
            postcode=mention.postcode, venue_name=mention.venue_name, address=mention.address
        )
        == entity.key
    ]


def _as_written(mention: Any) -> str:
    if isinstance(mention, PhoneMention):
        return mention.number_as_written
    if isinstance(mention, VehicleMention):
        details = " ".join(p for p in (mention.colour, mention.make, mention.model) if p)
        return f"{mention.registration_as_written} {details}".strip()
    return str(mention)


def _sightings(mentions: list[Any], visible: set[int]) -> list[Sighting]:
    people = [m.person_id for m in mentions if getattr(m, "person_id", None)]
    entity_of = dict(
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .filter(mention_id__in=people)
        .values_list("mention_id", "entity_id")
    )
    return sorted(
        (
            Sighting(
                report=m.report,
                as_written=_as_written(m),
                person=getattr(m, "person", None),
                person_entity_id=entity_of.get(getattr(m, "person_id", None) or 0),
            )
            for m in mentions
            if m.report_id in visible
        ),
        key=lambda s: (s.report.reported_at, s.report.pk),
    )


def identifier_open(actor: Actor, kind: str, pk: int) -> IdentifierView:
    """A phone, vehicle or place with the reports mentioning it that the user may see."""
    model = IDENTIFIER_MODELS[kind]
    entity = model._default_manager.filter(pk=pk).first()
    if entity is None:
        raise RecordNotFound(f"No {kind} {pk}")
    mentions = _identifier_mentions(kind, entity)
    partials: list[VehicleMention] = []
    if isinstance(entity, VehicleEntity):
        pattern_of = {
            m: re.compile(registration_pattern(m.registration))
            for m in VehicleMention.objects.filter(is_partial=True)
            .exclude(registration="")
            .select_related("report", "person")
            if len(m.registration) == len(entity.registration)
        }
        partials = [m for m, rx in pattern_of.items() if rx.match(entity.registration)]
    visible = visible_report_ids(actor.user, {m.report_id for m in [*mentions, *partials]})
    if not visible:
        raise EntityRestricted(f"{kind.capitalize()} {pk} is restricted")
    sightings = _sightings(mentions, visible)
    view = IdentifierView(
        kind=kind,
        entity=entity,
        sightings=sightings,
        restricted_count=len({m.report_id for m in mentions} - visible),
        partial_sightings=_sightings(partials, visible),
    )
    audit_consultation(
        actor,
        IntelligenceReport,
        sorted({s.report.pk for s in [*view.sightings, *view.partial_sightings]}),
        summary=f"Viewed {kind} {entity}",
        detail={kind: entity.pk},
    )
    return view
