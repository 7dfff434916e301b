"""The write path for intelligence reports: record, change, and link to young people.

mentions (validating, normalising and saving the mentions a report names) and reports
(recording and changing a report, linking it to young people). Reports queue linking through
`reports.link_report_later`, so a test replaces it there.
"""

from cairn.intelligence.services.mentions import Row, build_mentions
from cairn.intelligence.services.reports import (
    EDITABLE_FIELDS,
    STALE,
    not_shared,
    report_create,
    report_link_young_person,
    report_update,
    validate_grading,
)

__all__ = [
    "EDITABLE_FIELDS",
    "STALE",
    "Row",
    "build_mentions",
    "not_shared",
    "report_create",
    "report_link_young_person",
    "report_update",
    "validate_grading",
]
