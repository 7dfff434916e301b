"""Reference data pages for administrators: versions of the risk screening tool."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople import services
from cairn.youngpeople.forms.risk import IndicatorForm, ToolSettingsForm
from cairn.youngpeople.models import RiskIndicator, RiskTool, ToolStatus
from cairn.youngpeople.views.common import render_form

View = Callable[..., HttpResponse]


def reference_admin(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.can(Perm.MANAGE_REFERENCE_DATA):
            raise PermissionDenied("Only administrators change reference data.")
        return view(request, *args, **kwargs)

    return wrapped


@reference_admin
def tool_list(request: AuthenticatedRequest) -> HttpResponse:
    tools = RiskTool.objects.all()
    return render(request, "youngpeople/reference/tool_list.html", {"tools": tools})


@reference_admin
@require_POST
def tool_new_draft(request: AuthenticatedRequest) -> HttpResponse:
    draft = services.risk_tool_new_draft(actor=Actor.from_request(request))
    return redirect("reference:risk-tool-detail", draft.pk)


@reference_admin
@require_http_methods(["GET", "POST"])
def tool_detail(request: AuthenticatedRequest, tool_pk: int) -> HttpResponse:
    tool = get_object_or_404(RiskTool, pk=tool_pk)
    form = ToolSettingsForm(request.POST or None, tool=tool)
    if request.method == "POST":
        if tool.status != ToolStatus.DRAFT:
            raise PermissionDenied("Only a draft version can be changed.")
        if form.is_valid():
            try:
                services.risk_tool_update(
                    actor=Actor.from_request(request),
                    tool=tool,
                    bands=form.bands(),
                    rules=form.rules(),
                    review_interval_days=form.cleaned_data["review_interval_days"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Bands and rules saved in the draft.")
                return redirect("reference:risk-tool-detail", tool.pk)
    context = {"tool": tool, "form": form, "indicators": tool.indicators.all()}
    return render_form(request, "youngpeople/reference/tool_detail.html", context)


@reference_admin
@require_http_methods(["GET", "POST"])
def indicator_edit(
    request: AuthenticatedRequest, tool_pk: int, indicator_pk: int | None = None
) -> HttpResponse:
    tool = get_object_or_404(RiskTool, pk=tool_pk, status=ToolStatus.DRAFT)
    indicator = (
        get_object_or_404(RiskIndicator, pk=indicator_pk, tool=tool) if indicator_pk else None
    )
    initial = IndicatorForm.for_indicator(indicator) if indicator else None
    form = IndicatorForm(request.POST or None, initial=initial)
    if indicator is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_indicator_save(
                actor=Actor.from_request(request), tool=tool, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Indicator saved in the draft.")
            return redirect("reference:risk-tool-detail", tool.pk)
    context = {"tool": tool, "form": form, "indicator": indicator}
    return render_form(request, "youngpeople/reference/indicator_form.html", context)


@reference_admin
@require_POST
def indicator_remove(
    request: AuthenticatedRequest, tool_pk: int, indicator_pk: int
) -> HttpResponse:
    indicator = get_object_or_404(
        RiskIndicator, pk=indicator_pk, tool_id=tool_pk, tool__status=ToolStatus.DRAFT
    )
    services.risk_indicator_remove(actor=Actor.from_request(request), indicator=indicator)
    messages.success(request, f"Indicator {indicator.code} removed from the draft.")
    return redirect("reference:risk-tool-detail", tool_pk)


@reference_admin
@require_POST
def tool_publish(request: AuthenticatedRequest, tool_pk: int) -> HttpResponse:
    tool = get_object_or_404(RiskTool, pk=tool_pk)
    try:
        services.risk_tool_publish(actor=Actor.from_request(request), tool=tool)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {tool.version} is now in use for new assessments.")
    return redirect("reference:risk-tool-detail", tool.pk)


app_name = "reference"
urlpatterns = [
    path("risk-tool/", tool_list, name="risk-tool-list"),
    path("risk-tool/draft/", tool_new_draft, name="risk-tool-draft"),
    path("risk-tool/<int:tool_pk>/", tool_detail, name="risk-tool-detail"),
    path("risk-tool/<int:tool_pk>/publish/", tool_publish, name="risk-tool-publish"),
    path("risk-tool/<int:tool_pk>/indicators/new/", indicator_edit, name="indicator-create"),
    path(
        "risk-tool/<int:tool_pk>/indicators/<int:indicator_pk>/",
        indicator_edit,
        name="indicator-edit",
    ),
    path(
        "risk-tool/<int:tool_pk>/indicators/<int:indicator_pk>/remove/",
        indicator_remove,
        name="indicator-remove",
    ),
]
