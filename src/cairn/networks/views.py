"""Network pages and the link chart (issue 6, sections 3 and 4): parse, read, render."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cairn.access.actor import Actor
from cairn.access.queries import RecordNotFound
from cairn.core.http import AuthenticatedRequest
from cairn.linkage.queries import review_queue, reviews_waiting
from cairn.networks import exports
from cairn.networks.forms import ChartForm, WindowForm
from cairn.networks.queries import (
    Chart,
    NodeRestricted,
    chart_around,
    edge_provenance,
    network_open,
    network_people,
    network_successor,
    networks_list,
    node_key,
    person_ids,
)
from cairn.youngpeople.views.common import casework


def _restricted(request: AuthenticatedRequest, what: str) -> HttpResponse:
    return render(request, "networks/restricted.html", {"what": what}, status=403)


@casework()
def network_list(request: AuthenticatedRequest) -> HttpResponse:
    networks = networks_list(Actor.from_request(request))
    return render(request, "networks/list.html", {"networks": networks})


@casework()
def network_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    # A window that cannot be read is shown with its errors over the whole network's analyses.
    window = WindowForm(request.GET)
    valid = window.is_valid()
    start, end = (
        (window.cleaned_data["start"], window.cleaned_data["end"]) if valid else (None, None)
    )
    try:
        actor = Actor.from_request(request)
        view = network_open(actor, pk, start=start, end=end)
    except RecordNotFound as error:
        # A rebuild retired this id: lead on to the network most of its members went to.
        successor = network_successor(pk)
        if successor is not None and successor != pk:
            return redirect("networks:detail", pk=successor)
        raise Http404(str(error)) from error
    except NodeRestricted:
        return _restricted(request, "This network")
    return render(
        request,
        "networks/detail.html",
        {
            "view": view,
            "form": window,
            "window": window,
            "reviews_waiting": reviews_waiting(actor, person_ids(view.network)),
        },
        status=200 if valid else 400,
    )


@casework()
def network_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The pairs waiting for review among a network's people: resolving them is how a network's
    split people come together."""
    actor = Actor.from_request(request)
    try:
        network, people = network_people(actor, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except NodeRestricted:
        return _restricted(request, "This network")
    found = review_queue(
        actor,
        page=request.GET.get("page"),
        people=people,
        narrowed_to=f"network {network.reference}",
        back_url=reverse("networks:detail", args=[network.pk]),
    )
    return render(request, "linkage/queue.html", {"found": found, "query": ""})


def _chart(request: AuthenticatedRequest, form: ChartForm) -> Chart | HttpResponse:
    """The chart the filled-in form asks for, or the page refusing it."""
    if not form.is_valid():
        return render(request, "networks/chart.html", {"form": form}, status=400)
    try:
        return chart_around(Actor.from_request(request), form.centres(), form.chart_filter())
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except NodeRestricted:
        return _restricted(request, "This record")


@casework()
def chart(request: AuthenticatedRequest) -> HttpResponse:
    form = ChartForm(request.GET)
    found = _chart(request, form)
    if isinstance(found, HttpResponse):
        return found
    query = request.GET.copy()
    query.pop("expand", None)
    return render(
        request,
        "networks/chart.html",
        {
            "form": form,
            "chart": found,
            "centre": node_key(form.cleaned_data["node"]),
            "query": query.urlencode(),
        },
    )


@casework()
def chart_json(request: AuthenticatedRequest) -> HttpResponse:
    form = ChartForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    try:
        found = chart_around(Actor.from_request(request), form.centres(), form.chart_filter())
    except RecordNotFound:
        return JsonResponse({"error": "No such node"}, status=404)
    except NodeRestricted:
        return JsonResponse({"error": "Restricted"}, status=403)
    return JsonResponse(found.as_json())


@casework()
def chart_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404(f"No export as {fmt}")
    form = ChartForm(request.GET)
    found = _chart(request, form)
    if isinstance(found, HttpResponse):
        return found
    export = exports.chart_export(
        actor=Actor.from_request(request),
        chart=found,
        fmt=fmt,
        centres=[node_key(node) for node in form.centres()],
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@casework()
@require_POST
def chart_png(request: AuthenticatedRequest) -> HttpResponse:
    """Record the PNG the browser is about to draw of the chart (the same query as an export):
    the script downloads it only once this has answered."""
    form = ChartForm(request.POST)
    found = _chart(request, form)
    if isinstance(found, HttpResponse):
        return found
    exports.chart_disclosed(
        actor=Actor.from_request(request),
        chart=found,
        fmt="png",
        centres=[node_key(node) for node in form.centres()],
    )
    return HttpResponse(status=204)


@casework()
def edge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        provenance = edge_provenance(Actor.from_request(request), pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except NodeRestricted:
        return _restricted(request, "This link")
    fragment = request.GET.get("fragment") == "1"
    back = QueryDict(mutable=True)
    visible = provenance.first if not provenance.first.restricted else provenance.second
    back["node"] = visible.key
    return render(
        request,
        "networks/_provenance.html" if fragment else "networks/edge.html",
        {"provenance": provenance, "chart_url": f"{reverse('networks:chart')}?{back.urlencode()}"},
    )
