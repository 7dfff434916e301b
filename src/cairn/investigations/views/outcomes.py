"""Pages for outcomes per suspect and offence."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from cairn.core.http import AuthenticatedRequest
from cairn.investigations import services
from cairn.investigations.forms import OutcomeForm
from cairn.investigations.models import Investigation
from cairn.investigations.queries import outcome_totals
from cairn.investigations.views.common import form_page, investigation_page, page_context


@investigation_page("Viewed investigation's outcomes")
def outcome_list(request: AuthenticatedRequest, investigation: Investigation) -> HttpResponse:
    outcomes = investigation.outcomes.select_related("suspect", "offence__incident", "outcome_type")
    totals = [
        row
        for row in outcome_totals(Investigation.objects.filter(pk=investigation.pk))
        if row.total
    ]
    context = page_context(request, investigation, "outcomes", outcomes=outcomes, totals=totals)
    return render(request, "investigations/outcomes.html", context)


outcome_add = form_page(
    purpose="Opened investigation to record an outcome",
    form_class=OutcomeForm,
    title="Record an outcome",
    section="outcomes",
    save=lambda actor, investigation, data: services.outcome_record(
        actor, investigation=investigation, **data
    ),
    done="Outcome recorded.",
    with_investigation=True,
)

urlpatterns = [
    path("<int:pk>/outcomes/", outcome_list, name="outcomes"),
    path("<int:pk>/outcomes/new/", outcome_add, name="outcome-add"),
]
