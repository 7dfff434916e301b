"""Who is acting, and from where: passed to every query and service that touches personal data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from cairn.access.models import User


@dataclass(frozen=True)
class Actor:
    user: User | None
    ip_address: str | None = None
    channel: str = "web"

    @classmethod
    def from_request(cls, request: HttpRequest, *, channel: str = "web") -> Actor:
        request_user = getattr(request, "user", None)
        user = request_user if request_user is not None and request_user.is_authenticated else None
        channel = getattr(request, "cairn_channel", channel)
        return cls(user=user, ip_address=client_ip(request), channel=channel)

    @classmethod
    def system(cls, channel: str = "command") -> Actor:
        return cls(user=None, ip_address=None, channel=channel)

    @property
    def is_system(self) -> bool:
        """A command run by an operator on the server, not a request from a person."""
        return self.user is None and self.channel == "command"

    @property
    def username(self) -> str:
        if self.user is not None:
            return self.user.username
        return "system" if self.is_system else "anonymous"


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is set by the server in front of Cairn; docs/deploy.md says how to pass it on.
    return request.META.get("REMOTE_ADDR") or None
