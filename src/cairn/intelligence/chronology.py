"""Intelligence reports on a young person's chronology: the title only, since the report's
handling conditions and source apply to whoever reads the chronology."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from cairn.intelligence.models import ReportYoungPerson
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.queries.chronology import ChronologyEvent, chronology_provider


@chronology_provider("intelligence", "Intelligence")
def intelligence_events(young_person: YoungPerson) -> Iterator[ChronologyEvent]:
    links = ReportYoungPerson.objects.filter(young_person=young_person).select_related("report")
    for link in links:
        report = link.report
        yield ChronologyEvent(
            at=report.reported_at,
            kind="intelligence",
            title=f"Intelligence report {report.reference} (graded {report.grading})",
            # The report page opens it through the access layer, with its own checks.
            url=reverse("intelligence:detail", args=[report.pk]),
        )
