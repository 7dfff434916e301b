"""Linking one new or edited report's person mentions against the stored entities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q

from cairn.access.actor import Actor
from cairn.linkage import engine
from cairn.linkage.engine.clustering import contradiction_between
from cairn.linkage.models import (
    Decision,
    LinkageModel,
    LinkStatus,
    MentionLink,
    PersonEntity,
    display_name,
)
from cairn.linkage.services import scoring
from cairn.linkage.services.common import (
    Pair,
    RunSummary,
    audit_mentions,
    mentions_with_context,
    refresh_names,
    remove_empty_entities,
    require_linker,
    review_decisions,
    thresholds,
)
from cairn.linkage.services.identifiers import identifiers_resolve
from cairn.linkage.services.rows import engine_mention
from cairn.linkage.services.scoring import candidate_ids


def _contradicts(rows: Sequence[engine.PersonMention], mention_id: int, entity_id: int) -> bool:
    """Whether the mention contradicts what the entity's mentions say (then it goes to review
    instead of being linked, however sure the model is of one pair)."""
    members = MentionLink.objects.filter(entity_id=entity_id).exclude(status=LinkStatus.PROPOSED)
    member_rows = [
        engine_mention(m) for m in mentions_with_context().filter(pk__in=members.values("mention"))
    ]
    new_row = next(r for r in rows if r.mention_id == str(mention_id))
    if not member_rows:
        return False
    table = engine.matching_table([new_row, *member_rows])
    return (
        contradiction_between(table, [new_row.mention_id], [r.mention_id for r in member_rows])
        is not None
    )


def link_report(*, actor: Actor, report_id: int) -> RunSummary:
    """Link one new or edited report's person mentions against the existing entities."""
    require_linker(actor)
    limits = thresholds()
    new = {m.pk: m for m in mentions_with_context().filter(report_id=report_id)}
    new_rows = [engine_mention(m) for m in new.values()]
    others = mentions_with_context().exclude(report_id=report_id)
    if LinkageModel.objects.exists():
        others = others.filter(pk__in=candidate_ids(new_rows, report_id=report_id))
    pairs = scoring.score_new([engine_mention(m) for m in others], new_rows) if new_rows else []
    decisions = review_decisions(new)
    summary = RunSummary(mentions=len(new), pairs_scored=len(pairs))
    with transaction.atomic():
        previous = set(
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
            .filter(mention_id__in=new)
            .values_list("entity_id", flat=True)
        )
        MentionLink.objects.filter(Q(mention_id__in=new) | Q(paired_with_id__in=new)).delete()
        # The entities of every mention scored or decided against: a rejected mention may
        # share no blocking value with the new one, yet its entity stays out of bounds.
        entity_of = dict(
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
            .filter(
                mention_id__in={*(p.first for p in pairs), *(p.second for p in pairs)}
                | {m for pair in decisions for m in pair}
            )
            .exclude(mention_id__in=new)
            .values_list("mention_id", "entity_id")
        )
        rejected_entities: dict[int, set[int]] = defaultdict(set)
        for (a, b), decision in decisions.items():
            if decision == Decision.REJECT:
                mine, theirs = (a, b) if a in new else (b, a)
                if theirs in entity_of:
                    rejected_entities[mine].add(entity_of[theirs])
        for mention_id, mention in new.items():
            candidates = sorted(
                (p for p in pairs if mention_id in (p.first, p.second)),
                key=lambda p: -p.probability,
            )
            forced = [
                (b if a == mention_id else a)
                for (a, b), d in decisions.items()
                if d == Decision.ACCEPT and mention_id in (a, b)
            ]
            target: tuple[int, LinkStatus, Pair | None] | None = None
            for other in forced:
                if other in entity_of:
                    target = (entity_of[other], LinkStatus.ACCEPTED, None)
                    break
            for pair in candidates:
                other = pair.first if pair.second == mention_id else pair.second
                entity_id = entity_of.get(other)
                if entity_id is None or entity_id in rejected_entities[mention_id]:
                    continue
                if (min(mention_id, other), max(mention_id, other)) in decisions:
                    continue
                sure = pair.probability >= limits.link
                if target is None and sure and not _contradicts(new_rows, mention_id, entity_id):
                    target = (entity_id, LinkStatus.AUTOMATIC, pair)
                elif limits.review <= pair.probability and (
                    target is None or target[0] != entity_id
                ):
                    MentionLink.objects.create(
                        mention_id=mention_id,
                        paired_with_id=other,
                        entity_id=entity_id,
                        status=LinkStatus.PROPOSED,
                        match_probability=pair.probability,
                        explanation=pair.explanation,
                    )
                    summary.proposed += 1
            if target is None:
                entity = PersonEntity.objects.create(display_name=display_name([mention]))
                summary.entities_created += 1
                target = (entity.pk, LinkStatus.AUTOMATIC, None)
            else:
                summary.mentions_moved += 1
            entity_id, status, evidence = target
            MentionLink.objects.create(
                mention_id=mention_id,
                entity_id=entity_id,
                status=status,
                match_probability=evidence.probability if evidence else None,
                explanation=evidence.explanation if evidence else [],
            )
            entity_of[mention_id] = entity_id
        refresh_names({entity_of[m] for m in new})
        remove_empty_entities(among=previous)
        identifiers_resolve(report_id=report_id)
        audit_mentions(
            actor,
            new,
            "Linked a report's person mentions",
            report=report_id,
            changes=summary.as_dict(),
            reason=f"Model thresholds: link at {limits.link}, review from {limits.review}",
        )
    return summary


def link_report_later(*, report_id: int) -> None:
    """Queue `link_report` for when the caller's transaction commits.

    With a kept model it takes a fraction of a second; queued, a save never waits for it.
    """
    from cairn.linkage.tasks import link_report_task

    transaction.on_commit(lambda: link_report_task.enqueue(report_id))
