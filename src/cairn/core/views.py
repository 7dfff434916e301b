"""The home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from cairn.access.permissions import Perm
from cairn.core.http import AuthenticatedRequest


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    context = {
        "can_view_records": user.can(Perm.VIEW_PERSON_RECORDS),
        "can_audit": user.can(Perm.VIEW_AUDIT),
        "can_admin": user.can(Perm.MANAGE_USERS),
    }
    return render(request, "core/home.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability. Never returns personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # the check reports failure rather than raising
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )
