"""Reads of resolved people: need-to-know on the reports behind every mention comes first.

common (a mention as one user may see it), review (the queue, one proposed pair, links to
undo), entity (a resolved person and the decisions about them) and identifiers (phones,
vehicles and places).
"""

from cairn.linkage.queries.common import EntityRestricted, SeenMention, visible_report_ids
from cairn.linkage.queries.entity import (
    EntityLinkView,
    EntityView,
    HistoryEntry,
    YoungRecordView,
    link_history,
    person_entity_open,
)
from cairn.linkage.queries.identifiers import (
    IDENTIFIER_MODELS,
    Identifier,
    IdentifierView,
    Sighting,
    identifier_open,
    vehicle_candidates,
)
from cairn.linkage.queries.review import (
    BIGGEST_ID,
    QUEUE_LIMIT,
    ReviewItem,
    ReviewPage,
    link_for_unmerge,
    proposal_for_decision,
    review_queue,
    reviews_waiting,
    young_link_for_reject,
)

__all__ = [
    "BIGGEST_ID",
    "IDENTIFIER_MODELS",
    "QUEUE_LIMIT",
    "EntityLinkView",
    "EntityRestricted",
    "EntityView",
    "HistoryEntry",
    "Identifier",
    "IdentifierView",
    "ReviewItem",
    "ReviewPage",
    "SeenMention",
    "Sighting",
    "YoungRecordView",
    "identifier_open",
    "link_for_unmerge",
    "link_history",
    "person_entity_open",
    "proposal_for_decision",
    "review_queue",
    "reviews_waiting",
    "vehicle_candidates",
    "visible_report_ids",
    "young_link_for_reject",
]
