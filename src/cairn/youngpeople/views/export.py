"""The subject access export of a young person's case: a page explaining it, and the JSON and
PDF downloads, each audited as a disclosure with its justification."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from cairn.access.actor import Actor
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople.export import render_pdf, subject_access_export
from cairn.youngpeople.forms.export import ExportForm
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.views.common import case_context, case_view, render_form

TEMPLATE = "youngpeople/export/page.html"


@require_GET
@case_view("Opened record to export it")
def export_page(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    context = case_context(young_person, "overview", form=ExportForm())
    return render(request, TEMPLATE, context)


def _download(
    request: AuthenticatedRequest, young_person: YoungPerson, file_format: str
) -> HttpResponse:
    form = ExportForm(request.POST)
    if form.is_valid():
        try:
            export = subject_access_export(
                actor=Actor.from_request(request),
                young_person=young_person,
                justification=form.cleaned_data["justification"],
                file_format=file_format,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            filename = f"{young_person.reference}-subject-access.{file_format}"
            response: HttpResponse
            if file_format == "pdf":
                response = HttpResponse(render_pdf(export), content_type="application/pdf")
            else:
                response = JsonResponse(
                    export.as_json(), encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2}
                )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
    return render_form(request, TEMPLATE, case_context(young_person, "overview", form=form))


@require_POST
@case_view("Opened record for a subject access export (JSON)")
def export_json(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    return _download(request, young_person, "json")


@require_POST
@case_view("Opened record for a subject access export (PDF)")
def export_pdf(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    return _download(request, young_person, "pdf")


urlpatterns = [
    path("<int:pk>/export/", export_page, name="export"),
    path("<int:pk>/export/json", export_json, name="export-json"),
    path("<int:pk>/export/pdf", export_pdf, name="export-pdf"),
]
