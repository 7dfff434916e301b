"""Reads of risk assessments: the work queue of overdue reviews."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.queries import list_records
from cairn.youngpeople.models import CaseStatus, YoungPerson
from cairn.youngpeople.queries.record import with_case_summary


def overdue_reviews(actor: Actor, base: QuerySet[YoungPerson]) -> Sequence[YoungPerson]:
    """Open cases whose latest assessment's review date has passed, or that have none."""
    today = timezone.localdate()
    queryset = with_case_summary(base.filter(status=CaseStatus.OPEN))
    # next_review_due is an annotation of with_case_summary().
    queryset = queryset.filter(**{"next_review_due__lt": today}) | queryset.filter(
        **{"next_review_due__isnull": True}
    )
    ordered = queryset.order_by("next_review_due")  # type: ignore[misc]
    return list_records(actor, ordered, purpose="Viewed overdue reviews")
