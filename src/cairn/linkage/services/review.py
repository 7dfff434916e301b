"""Analysts' decisions: accept or reject a proposed pair, undo a young person's link, unmerge.

A change snapshots what it touched, so undoing it restores that state exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.queries import scope
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import PersonMention
from cairn.linkage.models import (
    Decision,
    LinkChange,
    LinkStatus,
    MentionLink,
    PersonEntity,
    ReviewDecision,
    YoungPersonLink,
    display_name,
)
from cairn.linkage.services.common import (
    audit_mentions,
    refresh_names,
    remove_empty_entities,
    require_linker,
)
from cairn.networks.services import (
    network_update_later,
    network_update_young_person_link_later,
)
from cairn.youngpeople.models import YoungPerson

LINK_FIELDS = (
    "id",
    "mention_id",
    "entity_id",
    "status",
    "paired_with_id",
    "match_probability",
    "explanation",
    "change_id",
    "created_at",
)


def graph_later(mention_ids: Iterable[int]) -> None:
    """Queue a network update for each report of these mentions, whose person moved: the
    graph's edges and networks follow a merge or an unmerge without a rebuild."""
    if not settings.CAIRN_LINK_ON_SAVE:
        return
    reports = PersonMention.objects.filter(pk__in=list(mention_ids)).values_list(
        "report_id", flat=True
    )
    for report_id in sorted(set(reports)):
        network_update_later(report_id=report_id)


def _snapshot(entity_ids: set[int], mention_ids: set[int], pair: tuple[int, int]) -> dict[str, Any]:
    links = MentionLink.objects.filter(
        Q(entity_id__in=entity_ids)
        | Q(mention_id__in=mention_ids)
        | Q(paired_with_id__in=mention_ids)
    ).order_by("id")
    decision = ReviewDecision.objects.filter(first_id=pair[0], second_id=pair[1]).first()
    return {
        "entities": [
            {"id": e.pk, "display_name": e.display_name, "created_at": e.created_at.isoformat()}
            for e in PersonEntity.objects.filter(pk__in=entity_ids).order_by("id")
        ],
        "links": [
            {
                name: (value.isoformat() if name == "created_at" else value)
                for name in LINK_FIELDS
                for value in [getattr(link, name)]
            }
            for link in links
        ],
        "pair": list(pair),
        "decision": (
            {
                "id": decision.pk,
                "decision": decision.decision,
                "decided_by_id": decision.decided_by_id,
                "decided_at": decision.decided_at.isoformat(),
                "reason": decision.reason,
            }
            if decision
            else None
        ),
    }


def _members(entity_id: int) -> set[int]:
    return set(
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .filter(entity_id=entity_id)
        .values_list("mention_id", flat=True)
    )


def _pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))


def _decide(actor: Actor, pair: tuple[int, int], decision: Decision, reason: str) -> ReviewDecision:
    record, _ = ReviewDecision.objects.update_or_create(
        first_id=pair[0],
        second_id=pair[1],
        defaults={
            "decision": decision,
            "decided_by": actor.user,
            "decided_at": timezone.now(),
            "reason": reason,
        },
    )
    return record


def _proposal(link: MentionLink) -> MentionLink:
    if link.status != LinkStatus.PROPOSED or link.paired_with_id is None:
        raise ValidationError("This pair is no longer waiting for review.")
    return link


def review_accept(*, actor: Actor, link: MentionLink, reason: str = "") -> PersonEntity:
    """The analyst says both mentions are one person: merge their entities."""
    require_linker(actor)
    _proposal(link)
    assert link.paired_with_id is not None
    pair = _pair(link.mention_id, link.paired_with_id)
    with transaction.atomic():
        keep = (
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
            .get(mention_id=link.paired_with_id)
            .entity_id
        )
        gone = (
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
            .get(mention_id=link.mention_id)
            .entity_id
        )
        members = _members(keep) | _members(gone)
        before = _snapshot({keep, gone}, members, pair)
        change = LinkChange.objects.create(
            kind="accept", made_by=actor.user, before=before, reason=reason
        )
        change.mentions.set(members)
        _decide(actor, pair, Decision.ACCEPT, reason)
        if keep != gone:
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED).filter(entity_id=gone).update(
                entity_id=keep
            )
            # Proposals between the two are settled; others pointing at the old entity move.
            MentionLink.objects.filter(
                status=LinkStatus.PROPOSED, mention_id__in=members, paired_with_id__in=members
            ).delete()
            MentionLink.objects.filter(status=LinkStatus.PROPOSED, entity_id=gone).update(
                entity_id=keep
            )
            PersonEntity.objects.filter(pk=gone).delete()
        else:
            MentionLink.objects.filter(pk=link.pk).delete()
        MentionLink.objects.filter(mention_id=link.mention_id).exclude(
            status=LinkStatus.PROPOSED
        ).update(
            status=LinkStatus.ACCEPTED,
            match_probability=link.match_probability,
            explanation=link.explanation,
            change=change,
        )
        refresh_names([keep])
        # Undo restores `before` only while the entity still holds exactly these mentions.
        change.before["after_members"] = sorted(_members(keep))
        change.save(update_fields=["before"])
        audit_mentions(
            actor,
            pair,
            "Accepted a proposed link: the same person",
            entity=keep,
            merged_entity=gone if gone != keep else None,
            match_probability=link.match_probability,
            reason=reason,
        )
        graph_later(members)
    return PersonEntity.objects.get(pk=keep)


def review_reject(*, actor: Actor, link: MentionLink, reason: str = "") -> ReviewDecision:
    """The analyst says they are different people: never link this pair."""
    require_linker(actor)
    _proposal(link)
    assert link.paired_with_id is not None
    pair = _pair(link.mention_id, link.paired_with_id)
    with transaction.atomic():
        decision = _decide(actor, pair, Decision.REJECT, reason)
        MentionLink.objects.filter(
            Q(mention_id=pair[0], paired_with_id=pair[1])
            | Q(mention_id=pair[1], paired_with_id=pair[0])
        ).delete()
        audit_mentions(
            actor,
            pair,
            "Rejected a proposed link: different people",
            match_probability=link.match_probability,
            reason=reason,
        )
    return decision


def young_person_link_reject(
    *, actor: Actor, link: YoungPersonLink, reason: str
) -> YoungPersonLink:
    """A young person's record is not this person: undo the link, and never make it again
    with any of the entity's present mentions. Needs a reason and sight of the record."""
    require_linker(actor)
    if link.rejected or link.entity_id is None:
        raise ValidationError({"reason": "This link has already been undone."})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this record is not this person"})
    if not scope(actor.user, YoungPerson.objects.filter(pk=link.young_person_id)).exists():
        raise PermissionDenied("You may not see this young person's record")
    members = sorted(
        MentionLink.objects.filter(entity_id=link.entity_id)
        .exclude(status=LinkStatus.PROPOSED)
        .values_list("mention_id", flat=True)
    )
    with transaction.atomic():
        link.rejected = True
        link.rejected_mentions = members
        link.decided_by = actor.user
        link.decided_at = timezone.now()
        link.reason = reason.strip()
        link.save()
        network_update_young_person_link_later(link_id=link.pk)
        audit_record(
            actor=actor,
            action=Action.COMBINATION,
            record_type=record_label(YoungPerson),
            record_ids=[link.young_person_id],
            summary="Undid a young person's record's link to a person entity",
            detail={"entity": link.entity_id, "mentions": members, "reason": link.reason},
        )
    return link


def _restore(
    before: dict[str, Any], touched_entities: set[int], touched_mentions: set[int]
) -> None:
    MentionLink.objects.filter(
        Q(entity_id__in=touched_entities)
        | Q(mention_id__in=touched_mentions)
        | Q(paired_with_id__in=touched_mentions)
    ).delete()
    for entity in before["entities"]:
        PersonEntity.objects.update_or_create(
            pk=entity["id"],
            defaults={"display_name": entity["display_name"], "created_at": entity["created_at"]},
        )
    MentionLink.objects.bulk_create(
        MentionLink(**{name: row[name] for name in LINK_FIELDS}) for row in before["links"]
    )
    first, second = before["pair"]
    ReviewDecision.objects.filter(first_id=first, second_id=second).delete()
    if before["decision"]:
        ReviewDecision.objects.create(first_id=first, second_id=second, **before["decision"])
    remove_empty_entities()


def unmerge(*, actor: Actor, link: MentionLink, reason: str = "") -> PersonEntity:
    """Undo a link: an analyst's merge is undone exactly; an automatic link is split off.

    Splitting off records that the mention is not the same person as the entity's others, so
    later runs do not link it back.
    """
    require_linker(actor)
    if link.status == LinkStatus.PROPOSED:
        raise ValidationError("A proposed pair is not linked: accept or reject it instead.")
    with transaction.atomic():
        change = link.change
        if (
            change is not None
            and change.undone_at is None
            and change.before.get("after_members") == sorted(_members(link.entity_id))
        ):
            entities = {e["id"] for e in change.before["entities"]} | {link.entity_id}
            mentions = {row["mention_id"] for row in change.before["links"]} | _members(
                link.entity_id
            )
            _restore(change.before, entities, mentions)
            change.undone_at = timezone.now()
            change.undone_by = actor.user
            change.undo_reason = reason
            change.save(update_fields=["undone_at", "undone_by", "undo_reason"])
            audit_mentions(
                actor,
                mentions,
                "Undid a merge of person mentions",
                change=change.pk,
                restored_entities=sorted(entities),
                reason=reason,
            )
            graph_later(mentions)
            restored = MentionLink.objects.exclude(status=LinkStatus.PROPOSED).get(
                mention_id=link.mention_id
            )
            return PersonEntity.objects.get(pk=restored.entity_id)
        others = _members(link.entity_id) - {link.mention_id}
        if not others:
            raise ValidationError("This mention is the only one in its entity.")
        entity = PersonEntity.objects.create(
            display_name=display_name([PersonMention.objects.get(pk=link.mention_id)])
        )
        MentionLink.objects.filter(pk=link.pk).update(
            entity=entity, status=LinkStatus.ACCEPTED, match_probability=None, explanation=[]
        )
        for other in others:
            _decide(actor, _pair(link.mention_id, other), Decision.REJECT, reason or "Unmerged")
        MentionLink.objects.filter(
            status=LinkStatus.PROPOSED, mention_id=link.mention_id, entity_id=link.entity_id
        ).delete()
        refresh_names([link.entity_id])
        audit_mentions(
            actor,
            {link.mention_id, *others},
            "Split a person mention from an entity",
            entity=link.entity_id,
            new_entity=entity.pk,
            reason=reason,
        )
        graph_later({link.mention_id})
    return entity
