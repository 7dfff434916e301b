"""Pages for an investigation's lines of enquiry: list, bring up to date, accept, dismiss."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cairn.access.actor import Actor
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.investigations.enquiry.forms import DismissForm
from cairn.investigations.enquiry.queries import LineView, line_for, lines_of_enquiry
from cairn.investigations.enquiry.services import (
    line_of_enquiry_accept,
    line_of_enquiry_dismiss,
    lines_of_enquiry_refresh,
)
from cairn.investigations.models import Investigation
from cairn.investigations.views.common import investigation_page, page_context


def _line(request: AuthenticatedRequest, investigation: Investigation, pk: int) -> LineView:
    """One line the user may see; any other is not found, so nobody learns it exists."""
    found = line_for(Actor.from_request(request), investigation, pk)
    if found is None:
        raise Http404(f"No line of enquiry {pk}")
    return found


def _page(
    request: AuthenticatedRequest, investigation: Investigation, status: int = 200, **extra: Any
) -> HttpResponse:
    view = lines_of_enquiry(Actor.from_request(request), investigation)
    return render(
        request,
        "investigations/enquiry/list.html",
        page_context(request, investigation, "enquiries", view=view, **extra),
        status=status,
    )


@investigation_page("Viewed an investigation's lines of enquiry")
def enquiries(request: AuthenticatedRequest, investigation: Investigation) -> HttpResponse:
    return _page(request, investigation)


@investigation_page("Brought an investigation's lines of enquiry up to date", edit=True)
@require_POST
def refresh(request: AuthenticatedRequest, investigation: Investigation) -> HttpResponse:
    lines_of_enquiry_refresh(Actor.from_request(request), investigation=investigation)
    messages.success(request, "The lines of enquiry are up to date with the network.")
    return redirect("investigations:enquiries", pk=investigation.pk)


@investigation_page("Accepted a line of enquiry", edit=True)
@require_POST
def accept(request: AuthenticatedRequest, investigation: Investigation, line: int) -> HttpResponse:
    found = _line(request, investigation, line)
    try:
        line_of_enquiry_accept(Actor.from_request(request), line=found.line)
    except ValidationError as error:
        return _page(request, investigation, status=400, errors=error.messages)
    messages.success(request, "Accepted: it is now an identified evidence item.")
    return redirect("investigations:enquiries", pk=investigation.pk)


@investigation_page("Dismissed a line of enquiry", edit=True)
def dismiss(request: AuthenticatedRequest, investigation: Investigation, line: int) -> HttpResponse:
    found = _line(request, investigation, line)
    form = DismissForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            line_of_enquiry_dismiss(
                Actor.from_request(request), line=found.line, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Dismissed: it will not be suggested again.")
            return redirect("investigations:enquiries", pk=investigation.pk)
    return render(
        request,
        "investigations/enquiry/dismiss.html",
        page_context(request, investigation, "enquiries", item=found, form=form),
        status=400 if form.errors else 200,
    )
