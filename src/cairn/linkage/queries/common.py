"""What the linkage reads share: a mention as one user may see it, and the reports they may."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cairn.access.models import User
from cairn.access.queries import scope
from cairn.intelligence.models import IntelligenceReport, PersonMention


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


def as_seen(mention: PersonMention, visible: set[int]) -> SeenMention:
    if mention.report_id in visible:
        return SeenMention(mention=mention, report=mention.report)
    return SeenMention(mention=None, report=None)
