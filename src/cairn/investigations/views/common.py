"""What every investigation page shares: opening it through the access layer, and one-form pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.access.views.record_page import record_page
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.investigations.forms import RemovalForm
from cairn.investigations.models import Investigation
from cairn.investigations.queries import investigation_open
from cairn.investigations.services.entries import Removable, entry_remove, removal_refusal
from cairn.youngpeople.views.common import render_form, require_casework

InvestigationView = Callable[..., HttpResponse]


def posted(request: AuthenticatedRequest) -> Any:
    """The submitted data, even when empty (an empty form must still show its errors)."""
    return request.POST if request.method == "POST" else None


def require_investigations(request: AuthenticatedRequest, *, edit: bool = False) -> None:
    require_casework(request)
    if edit and not request.user.can(Perm.EDIT_INVESTIGATIONS):
        raise PermissionDenied("Your role cannot change investigations.")


# Open the investigation named by `pk` through the access layer (audited as the purpose) and pass
# it to the view; someone without need-to-know gets the restricted stub (403).
investigation_page = record_page(investigation_open, require_investigations)


def page_context(
    request: AuthenticatedRequest, investigation: Investigation, section: str, **extra: Any
) -> dict[str, Any]:
    return {
        "investigation": investigation,
        "section": section,
        "can_edit": request.user.can(Perm.EDIT_INVESTIGATIONS),
        **extra,
    }


Save = Callable[[Actor, Investigation, dict[str, Any]], Any]


def _handle_form(
    request: AuthenticatedRequest,
    investigation: Investigation,
    form: forms.Form,
    save: Callable[[Actor, dict[str, Any]], Any],
    *,
    done: str,
    section: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """Call the service with a valid form and return to the section, or show the errors (400)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(Actor.from_request(request), form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(section_url(investigation, section))
    cancel_url = section_url(investigation, section)
    return render_form(
        request,
        template,
        page_context(request, investigation, section, form=form, cancel_url=cancel_url, **context),
    )


def form_page(
    *,
    purpose: str,
    form_class: type[forms.Form],
    title: str,
    section: str,
    save: Save,
    done: str,
    with_investigation: bool = False,
) -> InvestigationView:
    """A page with one form that calls one service, then returns to the section's page."""

    @investigation_page(purpose, edit=True)
    @require_http_methods(["GET", "POST"])
    def view(request: AuthenticatedRequest, investigation: Investigation) -> HttpResponse:
        kwargs: dict[str, Any] = {"investigation": investigation} if with_investigation else {}
        form = form_class(posted(request), **kwargs)
        return _handle_form(
            request,
            investigation,
            form,
            lambda actor, data: save(actor, investigation, data),
            done=done,
            section=section,
            template="investigations/form.html",
            title=title,
        )

    return view


def entry_form_page(
    *,
    purpose: str,
    model: type[Model],
    form_class: type[forms.Form],
    title: str,
    section: str,
    save: Callable[[Actor, Any, dict[str, Any]], Any],
    initial: Callable[[Any], dict[str, Any]],
    done: str,
    with_investigation: bool = False,
    template: str = "investigations/form.html",
    lookup: str = "investigation",
) -> InvestigationView:
    """A page with one form about one entry of the investigation (a victim, an item...);
    `lookup` is the entry's path to its investigation."""

    @investigation_page(purpose, edit=True)
    @require_http_methods(["GET", "POST"])
    def view(
        request: AuthenticatedRequest, investigation: Investigation, entry_pk: int
    ) -> HttpResponse:
        entry = get_object_or_404(model, pk=entry_pk, **{lookup: investigation})
        kwargs: dict[str, Any] = {"investigation": investigation} if with_investigation else {}
        form = form_class(posted(request), initial=initial(entry), **kwargs)
        return _handle_form(
            request,
            investigation,
            form,
            lambda actor, data: save(actor, entry, data),
            done=done,
            section=section,
            template=template,
            title=title,
            item=entry,
        )

    return view


def remove_page(
    *,
    model: type[Removable],
    what: str,
    section: str,
    lookup: str = "investigation",
) -> InvestigationView:
    """A page to remove an entry added by mistake, with a written reason; when something rests
    on the entry it says what, and offers no form."""

    @investigation_page(f"Opened investigation to remove {what}", edit=True)
    @require_http_methods(["GET", "POST"])
    def view(
        request: AuthenticatedRequest, investigation: Investigation, entry_pk: int
    ) -> HttpResponse:
        entry = cast(Removable, get_object_or_404(model, pk=entry_pk, **{lookup: investigation}))
        refusal = removal_refusal(entry)
        form = RemovalForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                entry_remove(
                    Actor.from_request(request), entry=entry, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{capfirst(model._meta.verbose_name)} removed.")
                return redirect(section_url(investigation, section))
        context = page_context(
            request,
            investigation,
            section,
            form=form,
            item=entry,
            refusal=refusal,
            title=f"Remove {what}",
            cancel_url=section_url(investigation, section),
        )
        response = render_form(request, "investigations/remove.html", context)
        if refusal and request.method == "POST":
            response.status_code = 409
        return response

    return view


def section_url(investigation: Investigation, section: str) -> str:
    names = {
        "overview": "investigations:detail",
        "incidents": "investigations:incidents",
        "evidence": "investigations:evidence",
        "matrix": "investigations:matrix",
        "outcomes": "investigations:outcomes",
    }
    return reverse(names[section], args=[investigation.pk])
