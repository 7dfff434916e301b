"""Roles and the permissions that follow from them: data, read by every access check."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Role(models.TextChoices):
    """The people who use Cairn (shared/domain/reference.md, "Who uses Cairn")."""

    PRACTITIONER = "practitioner", "Practitioner (key worker)"
    INVESTIGATOR = "investigator", "Investigator"
    ANALYST = "analyst", "Intelligence analyst"
    WITNESS_CARE = "witness_care", "Witness care officer"
    MANAGER = "manager", "Manager"
    AUDITOR = "auditor", "Auditor"
    ADMIN = "admin", "System administrator"


class Perm(models.TextChoices):
    VIEW_PERSON_RECORDS = "view_person_records", "Read person records shared with them"
    EDIT_PERSON_RECORDS = "edit_person_records", "Create and change person records"
    SHARE_RECORDS = "share_records", "Share records with other teams"
    BREAK_GLASS = "break_glass", "Open a record outside need-to-know in an emergency"
    REVIEW_BREAK_GLASS = "review_break_glass", "Review break-glass access by their teams"
    VIEW_AUDIT = "view_audit", "Search the audit trail"
    MANAGE_USERS = "manage_users", "Manage organisations, teams and users"
    MANAGE_REFERENCE_DATA = "manage_reference_data", "Manage reference data"
    USE_API = "use_api", "Create personal API tokens"
    EDIT_INVESTIGATIONS = "edit_investigations", "Open and build investigations"


_CASEWORK = {
    Perm.VIEW_PERSON_RECORDS,
    Perm.EDIT_PERSON_RECORDS,
    Perm.SHARE_RECORDS,
    Perm.BREAK_GLASS,
    Perm.USE_API,
}

# An administrator manages users and reference data but does not thereby read case records
# (issue 2, section 3); an auditor reads the trail, not the records.
ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.PRACTITIONER: frozenset(_CASEWORK),
    Role.INVESTIGATOR: frozenset(_CASEWORK | {Perm.EDIT_INVESTIGATIONS}),
    Role.ANALYST: frozenset(_CASEWORK),
    Role.WITNESS_CARE: frozenset(_CASEWORK - {Perm.SHARE_RECORDS}),
    Role.MANAGER: frozenset(_CASEWORK | {Perm.REVIEW_BREAK_GLASS, Perm.EDIT_INVESTIGATIONS}),
    Role.AUDITOR: frozenset({Perm.VIEW_AUDIT, Perm.USE_API}),
    Role.ADMIN: frozenset({Perm.MANAGE_USERS, Perm.MANAGE_REFERENCE_DATA}),
}


def permissions_for(roles: Iterable[str]) -> frozenset[Perm]:
    granted: set[Perm] = set()
    for role in roles:
        if role in Role.values:
            granted |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(granted)
