"""Auditor pages: search the trail, and see who has seen a record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.access.queries import can_view, reference_for
from cairn.access.registry import person_record_model
from cairn.audit.forms import AuditSearchForm
from cairn.audit.queries import audit_search, record_history
from cairn.core.http import AuthenticatedRequest


@login_required
def search(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.can(Perm.VIEW_AUDIT):
        raise PermissionDenied("Only auditors search the audit trail.")
    form = AuditSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        entries = audit_search(
            Actor.from_request(request),
            username=data["user"].strip(),
            record_type=data["record_type"].strip(),
            record_id=data["record_id"].strip(),
            action=data["action"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        ).select_related("user")
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/search.html", context, status=400 if form.errors else 200)


@login_required
def record(request: AuthenticatedRequest, label: str, pk: int) -> HttpResponse:
    model = person_record_model(label)
    target = model._default_manager.filter(pk=pk).first()
    if target is None:
        raise Http404("No such record")
    user = request.user
    if not (user.can(Perm.VIEW_AUDIT) or can_view(user, target)):
        raise PermissionDenied("You cannot see this record's history.")
    entries = record_history(Actor.from_request(request), target)
    page = Paginator(entries.select_related("user"), 50).get_page(request.GET.get("page"))
    context = {"page": page, "reference": reference_for(model, pk), "label": label, "pk": pk}
    return render(request, "audit/record.html", context)
