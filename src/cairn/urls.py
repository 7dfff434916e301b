"""Cairn's URLs: one include per app, and the JSON API under /api/v1/."""

from django.urls import include, path

from cairn.api import api

urlpatterns = [
    path("", include("cairn.core.urls")),
    path("", include("cairn.access.urls")),
    path("audit/", include("cairn.audit.urls")),
    path("young-people/", include("cairn.youngpeople.urls")),
    path("intelligence/", include("cairn.intelligence.urls")),
    path("linkage/", include("cairn.linkage.urls")),
    path("networks/", include("cairn.networks.urls")),
    path("investigations/", include("cairn.investigations.urls")),
    path("reference/", include("cairn.youngpeople.views.reference")),
    path("api/v1/", api.urls),
]

handler400 = "cairn.core.errors.bad_request"
handler403 = "cairn.core.errors.permission_denied"
handler404 = "cairn.core.errors.page_not_found"
handler500 = "cairn.core.errors.server_error"
