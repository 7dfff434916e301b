"""The investigations app's pages."""

from django.urls import include, path

from cairn.investigations.views import evidence, investigation, outcomes

app_name = "investigations"

urlpatterns = [
    *investigation.urlpatterns,
    *evidence.urlpatterns,
    *outcomes.urlpatterns,
    path("", include("cairn.investigations.enquiry.urls")),
]
