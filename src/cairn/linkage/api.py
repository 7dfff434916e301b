"""API for entity resolution: the review queue, decisions, person entities and unmerge."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Perm
from cairn.access.queries import RecordNotFound
from cairn.linkage import services
from cairn.linkage.queries import (
    BIGGEST_ID,
    EntityRestricted,
    EntityView,
    ReviewItem,
    ReviewPage,
    SeenMention,
    link_for_unmerge,
    person_entity_open,
    proposal_for_decision,
    review_queue,
)

router = Router(tags=["linkage"])
RESTRICTED = "It draws on intelligence reports that have not been shared with your team."


def _actor(request: HttpRequest, *, edit: bool = False) -> Actor:
    user = request.user
    assert isinstance(user, User)  # the API's auth classes admit only signed-in users
    if not user.can(Perm.VIEW_PERSON_RECORDS):
        raise PermissionDenied("Your role does not give access to person records.")
    if edit and not user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot change how mentions are linked.")
    return Actor.from_request(request, channel="api")


class MentionOut(Schema):
    restricted: bool
    id: int | None = None
    external_id: str | None = None
    name_as_written: str | None = None
    nickname: str | None = None
    sex: str | None = None
    date_of_birth: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    report_id: int | None = None
    report_reference: str | None = None
    reported_at: datetime | None = None


class Contribution(Schema):
    comparison: str
    level: str
    match_weight: float


class ProposalOut(Schema):
    id: int
    match_probability: float | None
    decidable: bool
    first: MentionOut
    second: MentionOut
    contributions: list[Contribution]


class LinkOut(Schema):
    id: int
    status: str
    match_probability: float | None
    contributions: list[Contribution]
    mention: MentionOut


class YoungPersonOut(Schema):
    id: int
    reference: str


class EntityOut(Schema):
    id: int
    reference: str
    name: str
    aliases: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    restricted_mentions: int
    young_people: list[YoungPersonOut]
    links: list[LinkOut]


class DecisionIn(Schema):
    reason: str = ""


def _mention(seen: SeenMention) -> dict[str, Any]:
    if seen.mention is None or seen.report is None:
        return {"restricted": True}
    mention, report = seen.mention, seen.report
    return {
        "restricted": False,
        "id": mention.pk,
        "external_id": mention.external_id,
        "name_as_written": mention.name_as_written,
        "nickname": mention.nickname,
        "sex": mention.sex,
        "date_of_birth": mention.date_of_birth,
        "age_min": mention.age_min,
        "age_max": mention.age_max,
        "report_id": report.pk,
        "report_reference": report.reference,
        "reported_at": report.reported_at,
    }


def _proposal(item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.link.pk,
        "match_probability": item.link.match_probability,
        "decidable": item.decidable,
        "first": _mention(item.left),
        "second": _mention(item.right),
        "contributions": item.link.explanation,
    }


def _entity(view: EntityView) -> dict[str, Any]:
    return {
        "id": view.entity.pk,
        "reference": view.entity.reference,
        "name": view.name,
        "aliases": view.aliases,
        "first_seen": view.first_seen,
        "last_seen": view.last_seen,
        "restricted_mentions": view.restricted_count,
        "young_people": [{"id": y.pk, "reference": y.reference} for y in view.young_people],
        "links": [
            {
                "id": link.link.pk,
                "status": link.link.status,
                "match_probability": link.link.match_probability,
                "contributions": link.link.explanation if not link.seen.restricted else [],
                "mention": _mention(link.seen),
            }
            for link in view.links
        ],
    }


def _open_entity(actor: Actor, pk: int) -> EntityView:
    try:
        return person_entity_open(actor, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except EntityRestricted as error:
        raise PermissionDenied(f"This person entity is restricted. {RESTRICTED}") from error


def _decidable(actor: Actor, pk: int) -> ReviewItem:
    try:
        item = proposal_for_decision(actor, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    if not item.decidable:
        raise PermissionDenied("You can decide only pairs whose reports are both shared with you.")
    return item


def proposals_on(found: ReviewPage, page: int) -> list[dict[str, Any]]:
    """The pairs of the page asked for: none past the last (the queue itself gives the last
    page again, as the pages do)."""
    if found.page.number != page:
        return []
    return [_proposal(item) for item in found.items]


class PageIn(Schema):
    page: int = Field(1, ge=1, description="Pages of 50 pairs, most probable first")


class QueueIn(PageIn):
    person: int | None = Field(
        None, ge=1, le=BIGGEST_ID, description="Only pairs touching this person entity"
    )


@router.get("/review", response=list[ProposalOut])
def list_review(request: HttpRequest, filters: Query[QueueIn]) -> list[dict[str, Any]]:
    """Proposed pairs, 50 a page; a page past the last is empty."""
    people = [filters.person] if filters.person is not None else None
    return proposals_on(
        review_queue(_actor(request), page=filters.page, people=people), filters.page
    )


@router.post("/review/{pk}/accept", response=EntityOut)
def accept(request: HttpRequest, pk: int, body: DecisionIn) -> dict[str, Any]:
    actor = _actor(request, edit=True)
    item = _decidable(actor, pk)
    entity = services.review_accept(actor=actor, link=item.link, reason=body.reason)
    return _entity(_open_entity(actor, entity.pk))


@router.post("/review/{pk}/reject", response=dict[str, str])
def reject(request: HttpRequest, pk: int, body: DecisionIn) -> dict[str, str]:
    actor = _actor(request, edit=True)
    item = _decidable(actor, pk)
    decision = services.review_reject(actor=actor, link=item.link, reason=body.reason)
    return {"decision": decision.decision}


@router.get("/people/{pk}", response=EntityOut)
def person(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _entity(_open_entity(_actor(request), pk))


@router.post("/links/{pk}/unmerge", response=EntityOut)
def unmerge(request: HttpRequest, pk: int, body: DecisionIn) -> dict[str, Any]:
    actor = _actor(request, edit=True)
    try:
        link = link_for_unmerge(actor, pk)
    except RecordNotFound as error:
        raise Http404(str(error)) from error
    except EntityRestricted as error:
        raise PermissionDenied(f"This link is restricted. {RESTRICTED}") from error
    entity = services.unmerge(actor=actor, link=link, reason=body.reason)
    return _entity(_open_entity(actor, entity.pk))
