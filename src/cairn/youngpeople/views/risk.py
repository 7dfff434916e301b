"""Pages for risk assessments: the list, a new assessment, and one assessment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cairn.access.actor import Actor
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople import services
from cairn.youngpeople.forms.risk import AssessmentForm
from cairn.youngpeople.models import RiskAssessment, YoungPerson
from cairn.youngpeople.views.common import case_context, case_view, render_form


@case_view("Viewed risk assessments")
def assessment_list(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    assessments = young_person.risk_assessments.select_related("tool", "assessor")
    context = case_context(
        young_person, "risk", assessments=assessments, today=timezone.localdate()
    )
    return render(request, "youngpeople/risk/list.html", context)


@case_view("Opened record to assess risk", edit=True)
@require_http_methods(["GET", "POST"])
def assessment_create(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    try:
        tool = services.current_tool()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("youngpeople:assessment-list", young_person.pk)
    form = AssessmentForm(
        request.POST or None, tool=tool, initial={"assessed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.risk_assessment_create(
                actor=Actor.from_request(request),
                young_person=young_person,
                tool=tool,
                assessed_on=data["assessed_on"],
                answers=form.answers(),
                override_band=data["override_band"],
                override_rationale=data["override_rationale"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Assessment saved: {assessment.get_band_display()}.")
            return redirect("youngpeople:assessment-detail", young_person.pk, assessment.pk)
    context = case_context(young_person, "risk", form=form, tool=tool)
    return render_form(request, "youngpeople/risk/form.html", context)


@case_view("Viewed a risk assessment")
def assessment_detail(
    request: AuthenticatedRequest, young_person: YoungPerson, assessment_pk: int
) -> HttpResponse:
    assessment = get_object_or_404(
        RiskAssessment.objects.select_related("tool", "assessor"),
        pk=assessment_pk,
        young_person=young_person,
    )
    answers = assessment.answers.select_related("indicator").order_by(
        "indicator__group", "indicator__position"
    )
    context = case_context(young_person, "risk", assessment=assessment, answers=answers)
    return render(request, "youngpeople/risk/detail.html", context)


urlpatterns = [
    path("<int:pk>/risk/", assessment_list, name="assessment-list"),
    path("<int:pk>/risk/new/", assessment_create, name="assessment-create"),
    path("<int:pk>/risk/<int:assessment_pk>/", assessment_detail, name="assessment-detail"),
]
