"""Pages for outcomes per suspect and offence."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from cairn.core.http import AuthenticatedRequest
from cairn.investigations import services
from cairn.investigations.forms import OutcomeEditForm, OutcomeForm
from cairn.investigations.models import Investigation, Outcome
from cairn.investigations.queries import outcome_totals
from cairn.investigations.views.common import (
    entry_form_page,
    form_page,
    investigation_page,
    page_context,
)


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

OUTCOME_DETAILS = (
    "outcome_type",
    "decided_on",
    "decided_by",
    "charging_decision",
    "charging_decision_on",
    "court_result",
    "court_result_on",
    "attrition_reason",
)


def _outcome_initial(outcome: Outcome) -> dict[str, Any]:
    initial = {name: getattr(outcome, name) for name in OUTCOME_DETAILS}
    return initial | {"outcome_type": outcome.outcome_type.number}


outcome_update = entry_form_page(
    purpose="Opened investigation to change an outcome",
    model=Outcome,
    form_class=OutcomeEditForm,
    title="Change an outcome",
    section="outcomes",
    save=lambda actor, outcome, data: services.outcome_update(actor, outcome=outcome, **data),
    initial=_outcome_initial,
    done="Outcome changed.",
    with_investigation=True,
)

urlpatterns = [
    path("<int:pk>/outcomes/", outcome_list, name="outcomes"),
    path("<int:pk>/outcomes/new/", outcome_add, name="outcome-add"),
    path("<int:pk>/outcomes/<int:entry_pk>/edit/", outcome_update, name="outcome-update"),
]
