"""The JSON API under /api/v1/: one NinjaAPI, token or session auth, RFC 9457 problem details.

Each app contributes a router from its own `api.py`; endpoints call the same queries and services
as the pages, so access and audit are identical whichever door a request comes through.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation
from ninja.security import HttpBearer, SessionAuth

from cairn.access.middleware import otp_verified
from cairn.access.models import PersonalAccessToken, TokenScope
from cairn.access.queries import RecordRestricted
from cairn.access.services import TOKEN_PREFIX, token_digest

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """A personal access token; read-only tokens are refused for anything that writes."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            return None
        found = (
            PersonalAccessToken.objects.select_related("user")
            .filter(digest=token_digest(token))
            .first()
        )
        if found is None or not found.is_usable or not found.user.is_active:
            return None
        if found.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise AuthorizationError(message="This token is read-only.")
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            PersonalAccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.cairn_channel = "api"  # type: ignore[attr-defined]
        return found.user


class VerifiedSessionAuth(SessionAuth):
    """The browser session, with CSRF, only once the second factor has been verified."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.CAIRN_REQUIRE_2FA and not otp_verified(request.user):
            return None
        request.cairn_channel = "api"  # type: ignore[attr-defined]
        return user


class CairnAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`<app>_<function>`: the same whether an app's API is one module or a package, so
        clients generated from the document keep their names when the code is rearranged."""
        app = operation.view_func.__module__.split(".")[1]
        return f"{app}_{operation.view_func.__name__}"


api = CairnAPI(
    title="Cairn API",
    version="1",
    description="Cairn's JSON API. Every response that shows personal data is audited.",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    urls_namespace="api",
    docs_url=None,
)


def problem(
    request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any
) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    body["instance"] = request.path
    return JsonResponse(body, status=status, content_type="application/problem+json")


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "location": ".".join(str(part) for part in error.get("loc", [])),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    return problem(request, 422, "The request is not valid", "See errors.", errors=errors)


@api.exception_handler(DjangoValidationError)
def _invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"location": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"location": "", "message": message} for message in exc.messages]
    status = 409 if any("Someone else changed" in e["message"] for e in errors) else 400
    detail = "; ".join(error["message"] for error in errors)
    return problem(request, status, "The data is not valid", detail, errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "Authentication required", "Send a valid bearer token.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc.message), str(exc.message))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, "Forbidden", str(exc) or "You do not have access.")


@api.exception_handler(RecordRestricted)
def _restricted(request: HttpRequest, exc: RecordRestricted) -> HttpResponse:
    stub = exc.stub
    return problem(
        request,
        403,
        "Restricted record",
        f"{stub.kind} {stub.reference} exists but has not been shared with your team.",
        reference=stub.reference,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found", str(exc))


def _register() -> None:
    from cairn.access.api import router as access_router
    from cairn.audit.api import router as audit_router
    from cairn.intelligence.api import router as intelligence_router
    from cairn.investigations.api import router as investigations_router
    from cairn.linkage.api import router as linkage_router
    from cairn.networks.api import router as networks_router
    from cairn.youngpeople.api import router as youngpeople_router

    api.add_router("/", access_router)
    api.add_router("/young-people", youngpeople_router)
    api.add_router("/audit", audit_router)
    api.add_router("/intelligence", intelligence_router)
    api.add_router("/linkage", linkage_router)
    api.add_router("/networks", networks_router)
    api.add_router("/investigations", investigations_router)


_register()
