"""Pages for incidents, offences, evidence, the evidence matrix and the case summary PDF."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from cairn.access.actor import Actor
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.investigations import services
from cairn.investigations.forms import (
    EvidenceEditForm,
    EvidenceForm,
    EvidenceStatusForm,
    IncidentForm,
    IndependenceForm,
    OffenceEditForm,
    OffenceForm,
    SummaryForm,
)
from cairn.investigations.matrix import evidence_matrix
from cairn.investigations.models import EvidenceItem, Incident, Investigation, Offence
from cairn.investigations.summary import case_summary_pdf
from cairn.investigations.views.common import (
    entry_form_page,
    form_page,
    investigation_page,
    page_context,
    posted,
    remove_page,
)
from cairn.youngpeople.views.common import render_form


@investigation_page("Viewed investigation's incidents")
def incident_list(request: AuthenticatedRequest, investigation: Investigation) -> HttpResponse:
    incidents = investigation.incidents.prefetch_related(
        "victims", "suspects", "offences__suspect"
    ).select_related("location")
    context = page_context(request, investigation, "incidents", incidents=incidents)
    return render(request, "investigations/incidents.html", context)


incident_add = form_page(
    purpose="Opened investigation to add an incident",
    form_class=IncidentForm,
    title="Add an incident",
    section="incidents",
    save=lambda actor, investigation, data: services.incident_add(
        actor, investigation=investigation, **data
    ),
    done="Incident added.",
    with_investigation=True,
)
offence_add = form_page(
    purpose="Opened investigation to add an offence",
    form_class=OffenceForm,
    title="Add an offence",
    section="incidents",
    save=lambda actor, investigation, data: services.offence_add(actor, **data),
    done="Offence added.",
    with_investigation=True,
)
incident_update = entry_form_page(
    model=Incident,
    section="incidents",
    purpose="Opened investigation to change an incident",
    form_class=IncidentForm,
    with_investigation=True,
    title="Change an incident",
    done="Incident changed.",
    save=lambda actor, incident, data: services.incident_update(actor, incident=incident, **data),
    initial=lambda incident: {
        "title": incident.title,
        "occurred_from": incident.occurred_from,
        "occurred_to": incident.occurred_to,
        "place": incident.place,
        "victims": list(incident.victims.all()),
        "suspects": list(incident.suspects.all()),
    },
)
offence_update = entry_form_page(
    model=Offence,
    lookup="incident__investigation",
    section="incidents",
    purpose="Opened investigation to change an offence",
    form_class=OffenceEditForm,
    with_investigation=True,
    title="Change an offence",
    done="Offence changed.",
    save=lambda actor, offence, data: services.offence_update(actor, offence=offence, **data),
    initial=lambda offence: {"category": offence.category, "suspect": offence.suspect},
)
incident_remove = remove_page(model=Incident, what="an incident", section="incidents")
offence_remove = remove_page(
    model=Offence, what="an offence", section="incidents", lookup="incident__investigation"
)


def _evidence_items(investigation: Investigation) -> list[EvidenceItem]:
    return list(
        investigation.evidence_items.select_related("evidence_type").prefetch_related(
            "suspects", "incidents"
        )
    )


@investigation_page("Viewed investigation's evidence")
def evidence_list(request: AuthenticatedRequest, investigation: Investigation) -> HttpResponse:
    context = page_context(
        request, investigation, "evidence", evidence_items=_evidence_items(investigation)
    )
    return render(request, "investigations/evidence.html", context)


evidence_add = form_page(
    purpose="Opened investigation to add evidence",
    form_class=EvidenceForm,
    title="Add an evidence item",
    section="evidence",
    save=lambda actor, investigation, data: services.evidence_add(
        actor, investigation=investigation, **data
    ),
    done="Evidence item added.",
    with_investigation=True,
)


evidence_update = entry_form_page(
    model=EvidenceItem,
    section="evidence",
    template="investigations/evidence_form.html",
    purpose="Opened investigation to change evidence",
    form_class=EvidenceEditForm,
    with_investigation=True,
    title="Change an evidence item",
    done="Evidence item changed.",
    save=lambda actor, item, data: services.evidence_update(actor, item=item, **data),
    initial=lambda item: {
        "source": item.source,
        "dated": item.dated,
        "shows": item.shows,
        "suspects": list(item.suspects.all()),
        "incidents": list(item.incidents.all()),
    },
)
evidence_status = entry_form_page(
    model=EvidenceItem,
    section="evidence",
    template="investigations/evidence_form.html",
    purpose="Opened investigation to change an evidence status",
    form_class=EvidenceStatusForm,
    title="Change the evidence status",
    done="Evidence status changed.",
    save=lambda actor, item, data: services.evidence_set_status(actor, item=item, **data),
    initial=lambda item: {"status": item.status},
)
evidence_independence = entry_form_page(
    model=EvidenceItem,
    section="evidence",
    template="investigations/evidence_form.html",
    purpose="Opened investigation to judge evidence independence",
    form_class=IndependenceForm,
    title="Is this item independent of the child's account?",
    done="Independence saved.",
    save=lambda actor, item, data: services.evidence_override_independence(
        actor, item=item, **data
    ),
    initial=lambda item: {
        "override": item.independence_override,
        "reason": item.override_reason,
    },
)
evidence_remove = remove_page(model=EvidenceItem, what="an evidence item", section="evidence")


@investigation_page("Viewed investigation's evidence matrix")
def matrix_page(request: AuthenticatedRequest, investigation: Investigation) -> HttpResponse:
    context = page_context(request, investigation, "matrix", matrix=evidence_matrix(investigation))
    return render(request, "investigations/matrix.html", context)


@investigation_page("Opened investigation to export its case summary")
@require_http_methods(["GET", "POST"])
def summary_export(request: AuthenticatedRequest, investigation: Investigation) -> HttpResponse:
    form = SummaryForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            pdf = case_summary_pdf(
                Actor.from_request(request),
                investigation=investigation,
                recipient=form.cleaned_data["recipient"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            filename = f"{investigation.reference}-case-summary.pdf"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
    context = page_context(
        request, investigation, "matrix", form=form, title="Case summary for charging advice"
    )
    return render_form(request, "investigations/summary.html", context)


urlpatterns = [
    path("<int:pk>/incidents/", incident_list, name="incidents"),
    path("<int:pk>/incidents/new/", incident_add, name="incident-add"),
    path("<int:pk>/offences/new/", offence_add, name="offence-add"),
    path("<int:pk>/incidents/<int:entry_pk>/edit/", incident_update, name="incident-update"),
    path("<int:pk>/incidents/<int:entry_pk>/remove/", incident_remove, name="incident-remove"),
    path("<int:pk>/offences/<int:entry_pk>/edit/", offence_update, name="offence-update"),
    path("<int:pk>/offences/<int:entry_pk>/remove/", offence_remove, name="offence-remove"),
    path("<int:pk>/evidence/", evidence_list, name="evidence"),
    path("<int:pk>/evidence/new/", evidence_add, name="evidence-add"),
    path("<int:pk>/evidence/<int:entry_pk>/edit/", evidence_update, name="evidence-update"),
    path("<int:pk>/evidence/<int:entry_pk>/status/", evidence_status, name="evidence-status"),
    path(
        "<int:pk>/evidence/<int:entry_pk>/independence/",
        evidence_independence,
        name="evidence-independence",
    ),
    path("<int:pk>/evidence/<int:entry_pk>/remove/", evidence_remove, name="evidence-remove"),
    path("<int:pk>/matrix/", matrix_page, name="matrix"),
    path("<int:pk>/summary/", summary_export, name="summary"),
]
