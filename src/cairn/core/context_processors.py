"""What every page's header needs: demo banner, navigation and unread notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cairn.access.permissions import Perm


def cairn(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    links: list[tuple[str, str]] = []
    unread = 0
    if user is not None and user.is_authenticated:
        if user.can(Perm.VIEW_PERSON_RECORDS):
            links.append(("Young people", "/young-people/"))
        if user.can(Perm.VIEW_AUDIT):
            links.append(("Audit", "/audit/"))
        if user.can(Perm.REVIEW_BREAK_GLASS):
            links.append(("Break-glass reviews", "/access/break-glass/"))
        if user.can(Perm.MANAGE_USERS):
            links.append(("Users and teams", "/admin-area/users/"))
        if user.can(Perm.MANAGE_REFERENCE_DATA):
            links.append(("Reference data", "/reference/risk-tool/"))
        unread = user.notifications.filter(read_at__isnull=True).count()
    navigation = [
        {"label": label, "href": href, "active": request.path.startswith(href)}
        for label, href in links
    ]
    return {
        "cairn_demo": settings.CAIRN_DEMO,
        "cairn_navigation": navigation,
        "cairn_unread_notifications": unread,
    }
