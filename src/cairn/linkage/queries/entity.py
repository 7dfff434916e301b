"""A resolved person as one user may know them, and the history of decisions about them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q

from cairn.access.actor import Actor
from cairn.access.queries import RecordNotFound, audit_consultation, scope
from cairn.intelligence.models import (
    LocationMention,
    PersonMention,
    PhoneMention,
    ReportYoungPerson,
    VehicleMention,
)
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
from cairn.linkage.queries.common import EntityRestricted, SeenMention, as_seen, visible_report_ids
from cairn.youngpeople.models import YoungPerson


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
    views = [EntityLinkView(link=link, seen=as_seen(link.mention, visible)) for link in links]
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
