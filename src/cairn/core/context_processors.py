"""What every page's header needs: demo banner, navigation and unread notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cairn.access.middleware import otp_verified
from cairn.access.permissions import Perm


def cairn(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    links: list[tuple[str, str, str]] = []
    unread = 0
    signed_in = user is not None and user.is_authenticated
    # Until the second factor is verified the session can reach nothing, so offer nothing.
    if signed_in and settings.CAIRN_REQUIRE_2FA and not otp_verified(user):
        signed_in = False
    if signed_in and user is not None:
        if user.can(Perm.VIEW_PERSON_RECORDS):
            links.append(("Young people", "/young-people/", "/young-people/"))
            links.append(("Intelligence", "/intelligence/", "/intelligence/"))
            links.append(("Entity resolution", "/linkage/", "/linkage/"))
            links.append(("Networks", "/networks/", "/networks/"))
            links.append(("Investigations", "/investigations/", "/investigations/"))
        if user.can(Perm.VIEW_AUDIT):
            links.append(("Audit", "/audit/", "/audit/"))
        if user.can(Perm.REVIEW_BREAK_GLASS):
            links.append(("Break-glass reviews", "/access/break-glass/", "/access/break-glass/"))
        if user.can(Perm.MANAGE_USERS):
            links.append(("Users and teams", "/admin-area/users/", "/admin-area/"))
        if user.can(Perm.MANAGE_REFERENCE_DATA):
            links.append(("Reference data", "/reference/risk-tool/", "/reference/"))
        unread = user.notifications.filter(read_at__isnull=True).count()
    navigation = [
        {"label": label, "href": href, "active": request.path.startswith(prefix)}
        for label, href, prefix in links
    ]
    return {
        "cairn_demo": settings.CAIRN_DEMO,
        "cairn_navigation": navigation,
        "cairn_unread_notifications": unread,
    }
