"""The investigations write path: every change goes through one of these functions."""

from cairn.investigations.services.entries import (
    entry_remove,
    incident_update,
    key_date_update,
    offence_update,
    removal_refusal,
    witness_update,
)
from cairn.investigations.services.evidence import (
    evidence_add,
    evidence_override_independence,
    evidence_set_status,
    evidence_update,
)
from cairn.investigations.services.investigation import (
    incident_add,
    investigation_create,
    investigation_update,
    key_date_add,
    offence_add,
    suspect_add,
    suspect_update,
    victim_add,
    victim_update,
    witness_add,
)
from cairn.investigations.services.outcome import outcome_record, outcome_update

__all__ = [
    "entry_remove",
    "evidence_add",
    "evidence_override_independence",
    "evidence_set_status",
    "evidence_update",
    "incident_add",
    "incident_update",
    "investigation_create",
    "investigation_update",
    "key_date_add",
    "key_date_update",
    "offence_add",
    "offence_update",
    "outcome_record",
    "outcome_update",
    "removal_refusal",
    "suspect_add",
    "suspect_update",
    "victim_add",
    "victim_update",
    "witness_add",
    "witness_update",
]
