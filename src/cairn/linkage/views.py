"""Pages for entity resolution: the review queue, deciding a pair, a person entity, unmerge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.access.queries import RecordNotFound
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.linkage import services
from cairn.linkage.forms import ReviewForm, UnmergeForm
from cairn.linkage.models import Decision, MentionLink, PersonEntity, YoungPersonLink
from cairn.linkage.queries import (
    BIGGEST_ID,
    EntityRestricted,
    ReviewItem,
    identifier_open,
    link_for_unmerge,
    link_history,
    person_entity_open,
    proposal_for_decision,
    review_queue,
    reviews_waiting,
    young_link_for_reject,
)
from cairn.youngpeople.views.common import casework

COMPARISON_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "nicknames": "Nicknames",
    "birth": "Date of birth or age",
    "sex": "Sex",
    "phones": "Phones",
    "postcodes": "Postcodes",
    "addresses": "Addresses",
    "vehicles": "Vehicles",
    "associates": "People mentioned alongside",
    "places": "Places mentioned alongside",
    "descriptors": "Described features",
    "area": "Area recorded in",
}


def contributions(explanation: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each comparison's part in the score, in words: a positive weight points to one person."""
    rows = []
    for item in explanation:
        weight = float(item.get("match_weight", 0.0))
        rows.append(
            {
                "comparison": COMPARISON_LABELS.get(item["comparison"], item["comparison"]),
                "level": str(item.get("level", "")),
                "weight": f"{weight:+.1f}",
                "meaning": (
                    "Points to the same person"
                    if weight > 0.05
                    else "Points to different people"
                    if weight < -0.05
                    else "No evidence either way"
                ),
            }
        )
    return rows


def _restricted(request: AuthenticatedRequest, what: str) -> HttpResponse:
    return render(request, "linkage/restricted.html", {"what": what}, status=403)


@casework()
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The queue, a page at a time; `?person=<id>` narrows it to pairs touching one person."""
    person = request.GET.get("person")
    if person is not None and not (
        person.isascii() and person.isdigit() and 0 < int(person) <= BIGGEST_ID
    ):
        error = "The person to review pairs for must be given by the number in their reference"
        return render(request, "linkage/queue.html", {"error": error}, status=400)
    actor = Actor.from_request(request)
    if person is None:
        found = review_queue(actor, page=request.GET.get("page"))
    else:
        entity = PersonEntity(pk=int(person))
        found = review_queue(
            actor,
            page=request.GET.get("page"),
            people=[entity.pk],
            narrowed_to=entity.reference,
            back_url=entity.get_absolute_url(),
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "linkage/queue.html", {"found": found, "query": query.urlencode()})


def _review_page(
    request: AuthenticatedRequest, item: ReviewItem, form: ReviewForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "linkage/review.html",
        {"item": item, "form": form, "contributions": contributions(item.link.explanation)},
        status=status,
    )


@casework()
@require_http_methods(["GET", "POST"])
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    try:
        item = proposal_for_decision(actor, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    if item.left.restricted and item.right.restricted:
        return _restricted(request, "This proposed pair")
    if request.method != "POST":
        return _review_page(request, item, ReviewForm())
    if not request.user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot change how mentions are linked.")
    form = ReviewForm(request.POST)
    if not item.decidable:
        form.add_error(None, "You can decide only pairs whose reports are both shared with you.")
        return _review_page(request, item, form, status=403)
    if form.is_valid():
        decide = (
            services.review_accept
            if form.cleaned_data["decision"] == Decision.ACCEPT
            else services.review_reject
        )
        try:
            decide(actor=actor, link=item.link, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your decision was saved.")
            return redirect("linkage:queue")
    return _review_page(request, item, form, status=400)


def _entity_page(
    request: AuthenticatedRequest, pk: int, form: UnmergeForm | None = None, status: int = 200
) -> HttpResponse:
    actor = Actor.from_request(request)
    try:
        view = person_entity_open(actor, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except EntityRestricted:
        return _restricted(request, "This person entity")
    links = [
        {"view": link_view, "contributions": contributions(link_view.link.explanation)}
        for link_view in view.links
    ]
    return render(
        request,
        "linkage/person.html",
        {
            "view": view,
            "links": links,
            "history": link_history(actor, view),
            "form": form or UnmergeForm(),
            "reviews_waiting": reviews_waiting(actor, [view.entity.pk]),
        },
        status=status,
    )


@casework()
def person(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _entity_page(request, pk)


def _undo_with_reason(
    request: AuthenticatedRequest,
    find: Callable[[Actor], MentionLink | YoungPersonLink],
    undo: Callable[[Actor, Any, str], int | None],
    done: str,
) -> HttpResponse:
    """Undo a link with the reason given in the form: back to the person page either way."""
    actor = Actor.from_request(request)
    try:
        link = find(actor)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except EntityRestricted:
        return _restricted(request, "This link")
    assert link.entity_id is not None
    form = UnmergeForm(request.POST)
    if form.is_valid():
        try:
            entity_id = undo(actor, link, form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("linkage:person", pk=entity_id or link.entity_id)
    return _entity_page(request, link.entity_id, form, status=400)


@casework(edit=True)
@require_POST
def unmerge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _undo_with_reason(
        request,
        lambda actor: link_for_unmerge(actor, pk),
        lambda actor, link, reason: services.unmerge(actor=actor, link=link, reason=reason).pk,
        "The mention was unmerged.",
    )


@casework(edit=True)
@require_POST
def young_unlink(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A young person's own record is not this person: undo the link, with a reason."""
    return _undo_with_reason(
        request,
        lambda actor: young_link_for_reject(actor, pk),
        lambda actor, link, reason: (
            services.young_person_link_reject(actor=actor, link=link, reason=reason).entity_id
        ),
        "The young person's record was unlinked.",
    )


def _identifier(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    try:
        view = identifier_open(Actor.from_request(request), kind, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except EntityRestricted:
        return _restricted(request, f"This {kind}")
    return render(request, "linkage/identifier.html", {"view": view})


@casework()
def phone(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _identifier(request, "phone", pk)


@casework()
def vehicle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _identifier(request, "vehicle", pk)


@casework()
def location(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _identifier(request, "location", pk)
