"""API for young people's case work under /api/v1/young-people/: the same queries and services
as the pages, so access and audit are the same whichever door a request comes through."""

# Fixed paths (/referrals, /risk-tool) register before record's /{pk}, which would claim them.
from cairn.youngpeople.api import referrals, risk  # isort: skip
from cairn.youngpeople.api import export, missing, plans, record  # isort: skip
from cairn.youngpeople.api.common import router

__all__ = ["export", "missing", "plans", "record", "referrals", "risk", "router"]
