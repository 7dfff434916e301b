"""Pages of the young person's case: chronology (being built for issue 4)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
