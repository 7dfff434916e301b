"""API for young people's case work under /api/v1/young-people/: the same queries and services
as the pages, so access and audit are the same whichever door a request comes through."""

from cairn.youngpeople.api import export, missing, plans, record, referrals, risk
from cairn.youngpeople.api.common import router

__all__ = ["export", "missing", "plans", "record", "referrals", "risk", "router"]
