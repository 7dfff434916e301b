"""Work queues: my caseload, the team and manager view, and search."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople.forms.record import SearchForm
from cairn.youngpeople.queries import Search, caseload, team_cases, young_people_search
from cairn.youngpeople.queries.referral import referrals_awaiting_screening
from cairn.youngpeople.views.common import casework


@casework()
def my_caseload(request: AuthenticatedRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    cases = caseload(actor, key_worker=request.user)
    context = {
        "cases": cases,
        "today": timezone.localdate(),
        "section": "caseload",
        "overdue_count": sum(1 for case in cases if _review_overdue(case)),
    }
    return render(request, "youngpeople/queues/caseload.html", context)


def _review_overdue(case: object) -> bool:
    due = getattr(case, "next_review_due", None)
    return due is None or due < timezone.localdate()


@casework()
def team_view(request: AuthenticatedRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    team_ids = sorted(request.user.team_ids())
    cases = team_cases(actor, team_ids=team_ids)
    context = {
        "cases": cases,
        "unallocated": [case for case in cases if case.key_worker_id is None],
        "overdue": [case for case in cases if _review_overdue(case)],
        "referrals": referrals_awaiting_screening(actor, team_ids=team_ids),
        "today": timezone.localdate(),
        "section": "team",
    }
    return render(request, "youngpeople/queues/team.html", context)


@casework()
def search(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = Search(
            name=data["name"].strip(),
            date_of_birth=data["date_of_birth"],
            area=data["area"].strip(),
            band=data["band"],
            include_closed=data["include_closed"],
        )
        results = young_people_search(Actor.from_request(request), query)
    context = {"form": form, "results": results, "today": timezone.localdate(), "section": "search"}
    # htmx asks for just the results; restoring a page from history needs all of it.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "youngpeople/queues/_results.html" if partial else "youngpeople/queues/search.html"
    status = 400 if form.errors else 200
    return render(request, template, context, status=status)


urlpatterns = [
    path("", my_caseload, name="list"),
    path("team/", team_view, name="team"),
    path("search/", search, name="search"),
]
