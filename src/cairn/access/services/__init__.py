"""The write path for organisations, users, sharing, break-glass and API tokens.

users (organisations, teams and users), sharing (sharing records, break-glass and its
review, notifications) and tokens (personal API tokens); common holds the permission checks.
"""

from cairn.access.services.sharing import (
    break_glass_open,
    break_glass_review,
    grant_owner_access,
    notification_mark_read,
    share_record,
    share_revoke,
)
from cairn.access.services.tokens import TOKEN_PREFIX, token_create, token_digest, token_revoke
from cairn.access.services.users import (
    organisation_create,
    team_create,
    user_create,
    user_reset_two_factor,
    user_update,
)

__all__ = [
    "TOKEN_PREFIX",
    "break_glass_open",
    "break_glass_review",
    "grant_owner_access",
    "notification_mark_read",
    "organisation_create",
    "share_record",
    "share_revoke",
    "team_create",
    "token_create",
    "token_digest",
    "token_revoke",
    "user_create",
    "user_reset_two_factor",
    "user_update",
]
