"""Permission-scoped reads of the young person's case."""

from cairn.youngpeople.queries.record import (
    Search,
    caseload,
    team_cases,
    with_case_summary,
    young_people_list,
    young_people_search,
    young_person_open,
)

__all__ = [
    "Search",
    "caseload",
    "team_cases",
    "with_case_summary",
    "young_people_list",
    "young_people_search",
    "young_person_open",
]
