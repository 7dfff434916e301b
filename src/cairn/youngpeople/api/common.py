"""What every young-people endpoint shares: the router, the casework check and opening a case."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Router

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Perm
from cairn.access.queries import RecordNotFound
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.queries import young_person_open

router = Router(tags=["young people"])


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the API's auth classes admit only signed-in users
    return user


def require_casework(request: HttpRequest) -> User:
    """As on the pages: a role without casework (administrator, auditor) is refused outright."""
    user = acting_user(request)
    if not user.can(Perm.VIEW_PERSON_RECORDS):
        raise PermissionDenied("Your role does not give access to person records.")
    return user


def actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request)


def open_case(request: HttpRequest, pk: int, purpose: str) -> YoungPerson:
    """The young person through the access layer, audited as `purpose` on the API channel;
    RecordRestricted (403 problem) for someone without need-to-know."""
    require_casework(request)
    try:
        return young_person_open(actor(request), pk, purpose=purpose)
    except RecordNotFound as error:
        raise Http404(str(error)) from error


def user_named(pk: int | None, field: str) -> User | None:
    """A user given by id in a request body (key worker, action owner), or a 400 problem."""
    if pk is None:
        return None
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise ValidationError({field: "No active user has that id"})
    return found
