"""URLs of the network pages (issue 6, sections 3 and 4: not built yet)."""

from django.urls import URLPattern

app_name = "networks"

urlpatterns: list[URLPattern] = []
