"""How every app's pages open one person record: through the access layer (audited as the page's
purpose), 404 when it does not exist, and the restricted stub (403) without need-to-know."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import render

from cairn.access.actor import Actor
from cairn.access.queries import RecordNotFound, RecordRestricted
from cairn.core.http import AuthenticatedRequest

RecordView = Callable[..., HttpResponse]
# (actor, pk, purpose=...) -> the record, as each app's `<thing>_open` query.
Opener = Callable[..., Model]


class Guard(Protocol):
    """Raises PermissionDenied when the user's role may not use the page (`edit`: may change)."""

    def __call__(self, request: AuthenticatedRequest, *, edit: bool = ...) -> None: ...


def record_page(
    opener: Opener, guard: Guard, *, pk_name: str = "pk"
) -> Callable[..., Callable[[RecordView], RecordView]]:
    """A decorator factory `page(purpose, edit=False)` for views taking the opened record after
    the request, in place of the URL's `pk_name`."""

    def page(purpose: str, *, edit: bool = False) -> Callable[[RecordView], RecordView]:
        def decorate(view: RecordView) -> RecordView:
            @login_required
            @wraps(view)
            def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                guard(request, edit=edit)
                if pk_name in kwargs:
                    pk = kwargs.pop(pk_name)
                else:
                    pk, *args = args  # type: ignore[assignment]
                try:
                    record = opener(Actor.from_request(request), pk, purpose=purpose)
                except RecordNotFound as error:
                    raise Http404(str(error)) from error
                except RecordRestricted as restricted:
                    return render(
                        request, "access/restricted.html", {"stub": restricted.stub}, status=403
                    )
                return view(request, record, *args, **kwargs)

            return wrapped

        return decorate

    return page
