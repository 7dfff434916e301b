"""Reads behind analysts' decisions: the review queue, one proposed pair, a link to undo."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from cairn.access.actor import Actor
from cairn.access.queries import RecordNotFound, audit_consultation, scope
from cairn.intelligence.models import IntelligenceReport, PersonMention
from cairn.linkage.models import LinkStatus, MentionLink, YoungPersonLink
from cairn.linkage.queries.common import EntityRestricted, SeenMention, as_seen, visible_report_ids
from cairn.youngpeople.models import YoungPerson

QUEUE_LIMIT = 50
# The largest primary key the database can hold (a signed 64-bit integer): a person number
# above it is refused before it reaches a query.
BIGGEST_ID = 2**63 - 1


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


@dataclass(frozen=True)
class ReviewPage:
    """One page of the queue, most probable first, with the number waiting in all."""

    items: Sequence[ReviewItem]
    page: Page[MentionLink]
    # What the queue is narrowed to ("PE-000012", "network NW-000003"), and the page it came
    # from; blank for the whole queue.
    narrowed_to: str = ""
    back_url: str = ""

    @property
    def total(self) -> int:
        return self.page.paginator.count


People = QuerySet[Any] | Collection[int]


def _waiting(actor: Actor, people: People | None) -> QuerySet[MentionLink]:
    """Proposed pairs with at least one side the user may see; with `people` (person entity
    ids, or a query giving them), only those that would join a mention to one of them or one of
    their mentions to another person."""
    visible_q = scope(actor.user, IntelligenceReport.objects.all()).values("pk")
    waiting = _proposals().filter(
        Q(mention__report__in=visible_q) | Q(paired_with__report__in=visible_q)
    )
    if people is not None:
        # Two lookups by indexed keys, then the few pairs found: one query joining them by OR
        # scanned every proposal (over a second for a regional world's 261,000 in SQLite).
        own = (
            MentionLink.objects.filter(entity_id__in=people)
            .exclude(status=LinkStatus.PROPOSED)
            .values("mention_id")
        )
        proposed = MentionLink.objects.filter(status=LinkStatus.PROPOSED)
        touching = {
            *proposed.filter(entity_id__in=people).values_list("pk", flat=True),
            *proposed.filter(mention__in=own).values_list("pk", flat=True),
        }
        waiting = waiting.filter(pk__in=sorted(touching))
    return waiting.order_by("-match_probability", "id")


def review_queue(
    actor: Actor,
    *,
    page: int | str | None = 1,
    people: People | None = None,
    narrowed_to: str = "",
    back_url: str = "",
) -> ReviewPage:
    """A page of proposed pairs with at least one side the user may see, most probable first;
    with `people`, only the pairs touching those person entities (`narrowed_to` names them).

    A page number that is not a number gives the first page, one past the end the last (as
    Django's `Paginator.get_page`)."""
    found = Paginator(_waiting(actor, people), QUEUE_LIMIT).get_page(page)
    links = list(found.object_list)
    reports: set[int] = set()
    for link in links:
        assert link.paired_with is not None
        reports |= {link.mention.report_id, link.paired_with.report_id}
    visible = visible_report_ids(actor.user, reports)
    items = [
        ReviewItem(
            link=link,
            left=as_seen(link.paired_with, visible),
            right=as_seen(link.mention, visible),
        )
        for link in links
        if link.paired_with is not None
    ]
    audit_consultation(
        actor,
        PersonMention,
        sorted({s.mention.pk for item in items for s in (item.left, item.right) if s.mention}),
        summary="Viewed the entity-resolution review queue",
        detail={"narrowed_to": narrowed_to} if narrowed_to else None,
    )
    return ReviewPage(items=items, page=found, narrowed_to=narrowed_to, back_url=back_url)


def reviews_waiting(actor: Actor, people: People) -> int:
    """How many proposed pairs the user could review that touch these person entities."""
    return _waiting(actor, people).count()


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
        link=link, left=as_seen(link.paired_with, visible), right=as_seen(link.mention, visible)
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
