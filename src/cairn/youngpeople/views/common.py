"""What every young-people view shares: opening a case through the access layer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from cairn.access.permissions import Perm
from cairn.access.views.record_page import record_page
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.queries import young_person_open

CaseView = Callable[..., HttpResponse]


def require_casework(request: AuthenticatedRequest, *, edit: bool = False) -> None:
    if not request.user.can(Perm.VIEW_PERSON_RECORDS):
        raise PermissionDenied("Your role does not give access to person records.")
    if edit and not request.user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot change person records.")


def casework(*, edit: bool = False) -> Callable[[CaseView], CaseView]:
    """A page for people whose role works with person records (not a particular case)."""

    def decorate(view: CaseView) -> CaseView:
        @login_required
        @wraps(view)
        def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_casework(request, edit=edit)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# Open the young person named by `pk` through the access layer (audited as the purpose) and pass
# it to the view; someone without need-to-know gets the restricted stub (403).
case_view = record_page(young_person_open, require_casework)


def render_form(
    request: AuthenticatedRequest,
    template: str,
    context: dict[str, Any],
    form: forms.BaseForm | None = None,
) -> HttpResponse:
    """Render a form page: 400 when the submitted form has errors, 409 for a stale edit."""
    form = form or context.get("form")
    status = 200
    if form is not None and form.errors:
        stale = any("Someone else changed" in str(error) for error in form.non_field_errors())
        status = 409 if stale else 400
    return render(request, template, context, status=status)


def case_context(young_person: YoungPerson, section: str, **extra: Any) -> dict[str, Any]:
    return {"young_person": young_person, "section": section, **extra}
