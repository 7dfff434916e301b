"""One structured log line per request: route name, status and timing, never personal data."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("cairn.request")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if not request.path.startswith("/static/"):
            # The route's name, not its path: paths can carry identifiers and search terms.
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.view_name if match else "unresolved",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": getattr(request.user, "pk", None)
                    if hasattr(request, "user")
                    else None,
                },
            )
        return response
