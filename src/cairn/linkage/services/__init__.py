"""The write path of entity resolution: re-link, link one report, review decisions, unmerge.

Every change is one transaction audited as a combination, naming the mentions and the reasons.
The engine (`cairn.linkage.engine`) scores pairs; these modules decide what they mean for the
stored entities, always honouring analysts' decisions.

The re-link, the single report and the suspects call `scoring.score_pairs` and
`scoring.score_new` through their module, so a test replaces them there, once for all callers.
"""

from cairn.linkage.services.common import Pair, Progress, RunSummary, thresholds
from cairn.linkage.services.export import links_export
from cairn.linkage.services.identifiers import identifiers_resolve
from cairn.linkage.services.relink import link_run, resolve_groups
from cairn.linkage.services.report import link_report, link_report_later
from cairn.linkage.services.review import (
    review_accept,
    review_reject,
    unmerge,
    young_person_link_reject,
)
from cairn.linkage.services.rows import (
    SUSPECT_IDS,
    engine_mention,
    stored_mentions,
    suspect_engine_mention,
    young_person_engine_mention,
)
from cairn.linkage.services.scoring import Scores, candidate_ids, kept_model, score_new, score_pairs
from cairn.linkage.services.suspects import suspect_resolve

__all__ = [
    "SUSPECT_IDS",
    "Pair",
    "Progress",
    "RunSummary",
    "Scores",
    "candidate_ids",
    "engine_mention",
    "identifiers_resolve",
    "kept_model",
    "link_report",
    "link_report_later",
    "link_run",
    "links_export",
    "resolve_groups",
    "review_accept",
    "review_reject",
    "score_new",
    "score_pairs",
    "stored_mentions",
    "suspect_engine_mention",
    "suspect_resolve",
    "thresholds",
    "unmerge",
    "young_person_engine_mention",
    "young_person_link_reject",
]
