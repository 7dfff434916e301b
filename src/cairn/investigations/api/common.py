"""What every investigations endpoint shares: the router, the casework check, opening an
investigation and checking the records a request names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from ninja import Router

from cairn.access.actor import Actor
from cairn.access.queries import RecordNotFound
from cairn.investigations.models import Investigation
from cairn.investigations.queries import investigation_open
from cairn.youngpeople.api.common import require_casework

router = Router(tags=["investigations"])


def casework_actor(request: HttpRequest) -> Actor:
    """As on the pages: a role without casework (administrator, auditor) is refused outright."""
    require_casework(request)
    return Actor.from_request(request, channel="api")


def open_investigation(request: HttpRequest, pk: int, purpose: str) -> tuple[Actor, Investigation]:
    """The investigation through the access layer; a restricted one is a 403 problem."""
    actor = casework_actor(request)
    try:
        return actor, investigation_open(actor, pk, purpose=purpose)
    except RecordNotFound as error:
        raise Http404(str(error)) from error


def on_investigation(queryset: QuerySet[Any], ids: list[int], field: str) -> list[Any]:
    """The records of this investigation with these ids; any other id is a 400, naming nothing
    of another investigation."""
    found = list(queryset.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: "Each one must be on this investigation"})
    return found


def entity_named(model: type[Model], pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} has that id"})
    return found
