"""The young person's chronology: every event about them, newest first, filtered and printable."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople.forms.missing import ChronologyFilterForm
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.queries.chronology import chronology, chronology_kinds
from cairn.youngpeople.views.common import case_context, case_view


@case_view("Viewed chronology")
def chronology_page(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    kinds = chronology_kinds()
    form = ChronologyFilterForm(request.GET or None, kinds=kinds)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = chronology(
        young_person,
        kinds=filters.get("kind") or (),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    labels = dict(kinds)
    chosen = [labels[kind] for kind in filters.get("kind") or ()]
    context = case_context(
        young_person,
        "chronology",
        form=form,
        events=[(event, labels.get(event.kind, event.kind)) for event in events],
        chosen_kinds=chosen,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if request.headers.get("HX-Request"):
        # htmx swaps only successful responses, so the partial carries its own error summary.
        return render(request, "youngpeople/chronology/_events.html", context)
    return render(
        request, "youngpeople/chronology/page.html", context, status=400 if form.errors else 200
    )


urlpatterns = [
    path("<int:pk>/chronology/", chronology_page, name="chronology"),
]
