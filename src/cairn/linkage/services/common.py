"""What the linkage services share: the pair, the run's summary, thresholds, the
linker's permission, the audit entry and the stored decisions and entities."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import PersonMention
from cairn.linkage import engine
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity, ReviewDecision, display_name

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Pair:
    """Two mentions the engine scored, smaller id first, with its explanation."""

    first: int
    second: int
    probability: float
    explanation: list[dict[str, Any]] = field(default_factory=list)
    # Its row among a full re-link's scored pairs, whose explanations are kept as arrays
    # (`scoring.Scores.explain`); -1 when the explanation is given.
    row: int = field(default=-1, compare=False)


@dataclass
class RunSummary:
    mentions: int = 0
    pairs_scored: int = 0
    entities: int = 0
    entities_created: int = 0
    entities_removed: int = 0
    mentions_moved: int = 0
    proposed: int = 0
    decisions_respected: int = 0
    suspects_linked: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def thresholds() -> engine.Thresholds:
    return engine.Thresholds(link=settings.CAIRN_LINK_UPPER, review=settings.CAIRN_LINK_LOWER)


def require_linker(actor: Actor) -> None:
    if actor.is_system:
        return
    if actor.user is None or not actor.user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot change how mentions are linked.")


def mentions_with_context() -> Any:
    return PersonMention.objects.select_related(
        "report__source_organisation", "report__owning_team__organisation"
    ).prefetch_related(
        "report__person_mentions",
        "report__location_mentions",
        "report__vehicle_mentions",
        "report__phone_mentions",
    )


def review_decisions(mention_ids: Iterable[int] | None = None) -> dict[tuple[int, int], str]:
    decisions = ReviewDecision.objects.all()
    if mention_ids is not None:
        ids = list(mention_ids)
        decisions = decisions.filter(Q(first_id__in=ids) | Q(second_id__in=ids))
    return {(d.first_id, d.second_id): d.decision for d in decisions}


def audit_mentions(actor: Actor, mention_ids: Iterable[int], summary: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=Action.COMBINATION,
        record_type=record_label(PersonMention),
        record_ids=sorted(set(mention_ids)),
        summary=summary,
        detail=detail or None,
    )


def refresh_names(entity_ids: Iterable[int]) -> None:
    for entity in PersonEntity.objects.filter(pk__in=list(entity_ids)):
        members = PersonMention.objects.filter(
            pk__in=entity.links.exclude(status=LinkStatus.PROPOSED).values("mention_id")
        )
        entity.display_name = display_name(members)
        entity.save(update_fields=["display_name"])


def remove_empty_entities(*, among: Iterable[int] | None = None) -> None:
    """Delete entities left without a linked mention (of `among`, when only those can be)."""
    entities = (
        PersonEntity.objects.all()
        if among is None
        else PersonEntity.objects.filter(pk__in=list(among))
    )
    entities.exclude(
        pk__in=MentionLink.objects.exclude(status=LinkStatus.PROPOSED).values("entity_id")
    ).delete()
