"""A subject access export as a PDF: each section's rows under its heading, labelled."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.template.loader import render_to_string
from django.utils import timezone

from cairn.youngpeople.export.disclosure import SubjectAccessExport


def _model_field(model: type[Model] | None, name: str) -> Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:  # a name the export added, such as "reference"
        return None
    return found if isinstance(found, Field) else None


def _label(model: type[Model] | None, name: str) -> str:
    model_field = _model_field(model, name)
    verbose = str(model_field.verbose_name) if model_field else name.replace("_", " ")
    return verbose[:1].upper() + verbose[1:]


def _shown(model: type[Model] | None, name: str, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return {"nested": [_pairs(None, item) for item in value]}
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    model_field = _model_field(model, name)
    choices = dict(model_field.choices or ()) if model_field else {}
    if value in choices:
        return str(choices[value])
    return str(value)


def _pairs(model: type[Model] | None, row: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(_label(model, name), _shown(model, name, value)) for name, value in row.items()]


def no_fetching() -> Any:
    # Everything the PDF needs is in the HTML; it never reaches out to the network or the disk.
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=())


def render_pdf(export: SubjectAccessExport) -> bytes:
    from weasyprint import HTML

    sections = [
        {"title": section.title, "rows": [_pairs(section.model, row) for row in section.rows]}
        for section in export.sections
    ]
    html = render_to_string(
        "youngpeople/export/pdf.html",
        {
            "young_person": export.young_person,
            "generated_at": export.generated_at,
            "sections": sections,
        },
    )
    pdf: bytes = HTML(string=html, url_fetcher=no_fetching()).write_pdf()
    return pdf
