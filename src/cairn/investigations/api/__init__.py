"""API for investigations under /api/v1/investigations/: the list and one investigation, its
evidence items, evidence matrix, outcomes and lines of enquiry.

The same queries and services as the pages, so need-to-know, permissions and the audit (on the
API channel) are the same whichever door a request comes through; errors are problem details.
"""

# Imported in this order, the endpoints are listed in the OpenAPI document as they always were.
from cairn.investigations.api import investigation  # isort: skip
from cairn.investigations.api import evidence, matrix, outcomes, lines  # isort: skip
from cairn.investigations.api.common import router

__all__ = ["evidence", "investigation", "lines", "matrix", "outcomes", "router"]
