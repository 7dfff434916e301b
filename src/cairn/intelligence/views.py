"""Pages for intelligence reports: the list and search, the capture form and the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cairn.access.actor import Actor
from cairn.access.models import Team
from cairn.access.queries import RecordNotFound, RecordRestricted, open_record
from cairn.access.views.record_page import record_page
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.intelligence import services
from cairn.intelligence.drafts import ReportDraft, draft_from_missing_episode
from cairn.intelligence.extract import Suggestion, suggestions
from cairn.intelligence.forms import (
    MENTION_KINDS,
    POSITION_FIELDS,
    LinkYoungPersonForm,
    MentionFormSet,
    ReportEditForm,
    ReportForm,
    SearchForm,
)
from cairn.intelligence.models import IntelligenceReport
from cairn.intelligence.queries import (
    ReportSearch,
    linked_young_people,
    may_see_source,
    report_mentions,
    report_open,
    reports_search,
)
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.views.common import casework, render_form, require_casework

View = Callable[..., HttpResponse]
# A confirmed suggestion becomes a row of this kind, with its text in this field.
SUGGESTION_ROWS = {
    "phone": ("phones", "number_as_written"),
    "vehicle": ("vehicles", "registration_as_written"),
    "postcode": ("locations", "postcode"),
}


# Open the report named by `pk` through the access layer; outsiders get the stub (403).
report_view = record_page(report_open, require_casework)


@casework()
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    search = ReportSearch()
    if form.is_valid():
        search = ReportSearch(
            text=form.cleaned_data["text"] or "",
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    reports = reports_search(Actor.from_request(request), search) if not form.errors else []
    return render(
        request,
        "intelligence/list.html",
        {"form": form, "reports": reports, "searched": bool(search.as_dict())},
        status=400 if form.errors else 200,
    )


def _detail(
    request: AuthenticatedRequest,
    report: IntelligenceReport,
    link_form: LinkYoungPersonForm | None = None,
) -> HttpResponse:
    link_form = link_form or LinkYoungPersonForm()
    return render(
        request,
        "intelligence/detail.html",
        {
            "report": report,
            "source_shown": may_see_source(request.user, report),
            "mentions": report_mentions(report),
            "young_people": linked_young_people(request.user, report),
            "link_form": link_form,
            "form": link_form,
        },
        status=400 if link_form.errors else 200,
    )


@report_view("Viewed intelligence report")
def report_detail(request: AuthenticatedRequest, report: IntelligenceReport) -> HttpResponse:
    return _detail(request, report)


@report_view("Opened intelligence report to link a young person", edit=True)
@require_POST
def report_link(request: AuthenticatedRequest, report: IntelligenceReport) -> HttpResponse:
    form = LinkYoungPersonForm(request.POST)
    if form.is_valid():
        actor = Actor.from_request(request)
        try:
            young_person = open_record(
                actor,
                YoungPerson.objects.all(),
                form.cleaned_data["young_person"],
                purpose=f"Linked to intelligence report {report.reference}",
            )
            services.report_link_young_person(actor=actor, report=report, young_person=young_person)
        except (RecordNotFound, RecordRestricted):
            form.add_error("young_person", "No young person with that reference is shared with you")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{young_person.reference} was linked to this report.")
            return redirect(report)
    return _detail(request, report, form)


@report_view("Opened intelligence report to change it", edit=True)
@require_http_methods(["GET", "POST"])
def report_edit(request: AuthenticatedRequest, report: IntelligenceReport) -> HttpResponse:
    initial = {name: getattr(report, name) for name in services.EDITABLE_FIELDS}
    initial["version"] = report.version
    form = ReportEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        try:
            services.report_update(
                actor=Actor.from_request(request),
                report=report,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Report {report.reference} was changed.")
            return redirect(report)
    return render_form(request, "intelligence/edit.html", {"form": form, "report": report})


def _formsets(
    data: QueryDict | None, initial: dict[str, list[dict[str, Any]]] | None = None
) -> dict[str, forms.BaseFormSet]:
    return {
        prefix: MentionFormSet[prefix](data, prefix=prefix, initial=(initial or {}).get(prefix))
        for prefix, _, _ in MENTION_KINDS
    }


def _draft(request: AuthenticatedRequest) -> ReportDraft:
    """What the empty form starts with: a draft from a missing episode when one is named."""
    episode = request.GET.get("missing_episode", "")
    if not episode:
        return ReportDraft(form={})
    if not episode.isdigit():
        raise Http404("No such missing episode")
    try:
        return draft_from_missing_episode(Actor.from_request(request), int(episode))
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except RecordRestricted as error:
        raise PermissionDenied(str(error)) from error


def _suggestion_context(data: QueryDict | None) -> dict[str, Any]:
    narrative = data.get("narrative", "") if data else ""
    confirmed = set(data.getlist("confirm")) if data else set()
    return {
        "suggestions": suggestions(narrative),
        "confirmed": confirmed,
        "looked": bool(narrative),
    }


def _rows(
    formsets: dict[str, forms.BaseFormSet],
    errors: list[tuple[str, str]],
) -> dict[str, list[dict[str, Any]]]:
    """The filled rows of each list; references between rows renumbered to skip blank ones."""
    rows: dict[str, list[dict[str, Any]]] = {}
    renumber: dict[str, dict[int, int]] = {}
    for prefix, formset in formsets.items():
        rows[prefix] = []
        renumber[prefix] = {}
        for number, form in enumerate(formset.forms, start=1):
            if form.is_blank():
                continue
            rows[prefix].append(dict(form.cleaned_data))
            renumber[prefix][number] = len(rows[prefix])
    targets = {"person": "people", "subject": "people", "location": "locations"}
    for prefix, formset in formsets.items():
        filled = [form for form in formset.forms if not form.is_blank()]
        for form, row in zip(filled, rows[prefix], strict=True):
            for name in POSITION_FIELDS & set(row):
                if row[name] is None:
                    continue
                target = targets[name]
                if row[name] not in renumber[target]:
                    what = "Location" if target == "locations" else "Person"
                    message = f"{what} {row[name]} is not one of the {target} in this report"
                    form.add_error(name, message)
                    errors.append((f"id_{form.prefix}-{name}", message))
                row[name] = renumber[target].get(row[name], 0)
    return rows


def _add_confirmed(rows: dict[str, list[dict[str, Any]]], confirmed: list[str]) -> None:
    for key in confirmed:
        kind, _, text = key.partition(":")
        if kind not in SUGGESTION_ROWS or not text:
            continue
        prefix, field = SUGGESTION_ROWS[kind]
        compact = text.replace(" ", "").upper()
        already = {str(row.get(field) or "").replace(" ", "").upper() for row in rows[prefix]}
        if compact not in already:
            rows[prefix].append({field: text})


@casework(edit=True)
@require_http_methods(["GET", "POST"])
def report_create(request: AuthenticatedRequest) -> HttpResponse:
    teams = Team.objects.filter(members=request.user).select_related("organisation")
    data = request.POST.copy() if request.method == "POST" else None
    action = data.get("action", "save") if data else ""
    if data and action.startswith("add-"):
        # GOV.UK "add another": one more blank row, nothing validated or saved yet.
        prefix = action.removeprefix("add-")
        if prefix in MentionFormSet:
            total = f"{prefix}-TOTAL_FORMS"
            data[total] = str(int(data.get(total) or 0) + 1)
    draft = _draft(request) if data is None else ReportDraft(form={})
    initial = {
        "reported_at": timezone.localtime().replace(second=0, microsecond=0),
        "owning_team": teams.first(),
        **draft.form,
    }
    form = ReportForm(data, teams=teams, initial=initial)
    formsets = _formsets(data, draft.rows)
    errors: list[tuple[str, str]] = []
    status = 200
    if data and action == "save":
        valid = form.is_valid() & all([formset.is_valid() for formset in formsets.values()])
        if valid:
            rows = _rows(formsets, errors)
            _add_confirmed(rows, data.getlist("confirm"))
            try:
                wanted = form.young_person_ids()
                young_people = list(YoungPerson.objects.filter(pk__in=wanted))
                missing = set(wanted) - {young_person.pk for young_person in young_people}
                if missing:
                    hidden = f"YP-{min(missing):06d}"
                    raise ValidationError({"young_people": services.not_shared(hidden)})
                if not errors:
                    report = services.report_create(
                        actor=Actor.from_request(request),
                        owning_team=form.cleaned_data["owning_team"],
                        reported_at=form.cleaned_data["reported_at"],
                        source_organisation=form.cleaned_data["source_organisation"],
                        source_type=form.cleaned_data["source_type"],
                        source_evaluation=form.cleaned_data["source_evaluation"],
                        intelligence_assessment=form.cleaned_data["intelligence_assessment"],
                        handling_code=form.cleaned_data["handling_code"],
                        handling_conditions=form.cleaned_data["handling_conditions"],
                        source_roles=form.cleaned_data["source_roles"],
                        narrative=form.cleaned_data["narrative"],
                        young_people=young_people,
                        people=rows["people"],
                        phones=rows["phones"],
                        vehicles=rows["vehicles"],
                        locations=rows["locations"],
                        events=rows["events"],
                    )
                    messages.success(
                        request, f"Intelligence report {report.reference} was recorded."
                    )
                    return redirect(report)
            except ValidationError as error:
                _show_errors(form, formsets, error, errors)
            except PermissionDenied as error:
                form.add_error(None, str(error))
        status = 400
    errors = [
        *[("main-content", str(message)) for message in form.non_field_errors()],
        *[
            (f"id_{name}", str(message))
            for name, field_errors in form.errors.items()
            if name != "__all__"
            for message in field_errors
        ],
        *[
            (f"id_{mention.prefix}-{name}", str(message))
            for formset in formsets.values()
            for mention in formset.forms
            for name, field_errors in mention.errors.items()
            for message in field_errors
        ],
    ]
    context = {
        "form": form,
        "mention_sections": [
            (prefix, heading, formsets[prefix]) for prefix, heading, _ in MENTION_KINDS
        ],
        "errors": errors,
        **_suggestion_context(data),
    }
    return render(request, "intelligence/form.html", context, status=status)


def _show_errors(
    form: ReportForm,
    formsets: dict[str, forms.BaseFormSet],
    error: ValidationError,
    errors: list[tuple[str, str]],
) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages_ in error.message_dict.items():
        prefix, _, rest = key.partition("-")
        position, _, field = rest.partition("-")
        if prefix in formsets and position.isdigit():
            mentions = formsets[prefix].forms
            index = int(position)
            filled = [m for m in mentions if not m.is_blank()]
            if index < len(filled) and field in filled[index].fields:
                filled[index].add_error(field, messages_)
            else:
                form.add_error(None, [f"Confirmed suggestion: {message}" for message in messages_])
        else:
            form.add_error(key if key in form.fields else None, messages_)


@casework(edit=True)
@require_POST
def report_suggestions(request: AuthenticatedRequest) -> HttpResponse:
    """The htmx partial: suggestions for the narrative sent in the request body."""
    return render(request, "intelligence/_suggestions.html", _suggestion_context(request.POST))


def suggestion_id(found: Suggestion) -> str:
    return f"confirm-{found.kind}-{found.start}"
