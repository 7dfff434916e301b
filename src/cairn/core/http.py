"""Request types for views behind sign-in, so `request.user` is a Cairn user."""

from __future__ import annotations

from django.http import HttpRequest

from cairn.access.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
