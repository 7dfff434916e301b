"""The write path of the network graph: full rebuild, incremental update, export.

Joining records into a graph is a combination of personal data (DPA 2018 s.62), so every change
writes its audit entry in the same transaction.
"""

from cairn.networks.services.common import (
    BATCH,
    EDGE_FIELDS,
    SOURCE_NODE_FIELDS,
    RebuildSummary,
    UpdateSummary,
)
from cairn.networks.services.export import EXPORT_COLUMNS, network_export
from cairn.networks.services.rebuild import latest_bands, network_rebuild
from cairn.networks.services.updates import (
    RECORD_LOADERS,
    network_update_case_record_later,
    network_update_episode_later,
    network_update_for_record,
    network_update_for_report,
    network_update_incident_later,
    network_update_later,
    network_update_record_later,
    network_update_young_person_link_later,
)

__all__ = [
    "BATCH",
    "EDGE_FIELDS",
    "EXPORT_COLUMNS",
    "RECORD_LOADERS",
    "SOURCE_NODE_FIELDS",
    "RebuildSummary",
    "UpdateSummary",
    "latest_bands",
    "network_export",
    "network_rebuild",
    "network_update_case_record_later",
    "network_update_episode_later",
    "network_update_for_record",
    "network_update_for_report",
    "network_update_incident_later",
    "network_update_later",
    "network_update_record_later",
    "network_update_young_person_link_later",
]
