"""The write path of the young person's case, one module per part of it."""

from cairn.youngpeople.services.missing import (
    missing_episode_create,
    missing_episode_update,
    return_interview_record,
)
from cairn.youngpeople.services.plans import (
    contact_create,
    plan_action_add,
    plan_action_set_status,
    safety_plan_create,
)
from cairn.youngpeople.services.record import (
    EDITABLE_FIELDS,
    MAX_AGE,
    alias_add,
    alias_remove,
    equality_monitoring_set,
    key_contact_add,
    normalise_phone,
    placement_add,
    young_person_allocate,
    young_person_close,
    young_person_create,
    young_person_reopen,
    young_person_update,
)
from cairn.youngpeople.services.referral import referral_create, referral_screen
from cairn.youngpeople.services.risk import (
    current_tool,
    risk_assessment_create,
    risk_indicator_remove,
    risk_indicator_save,
    risk_tool_new_draft,
    risk_tool_publish,
    risk_tool_update,
)

__all__ = [
    "EDITABLE_FIELDS",
    "MAX_AGE",
    "alias_add",
    "alias_remove",
    "contact_create",
    "current_tool",
    "equality_monitoring_set",
    "key_contact_add",
    "missing_episode_create",
    "missing_episode_update",
    "normalise_phone",
    "placement_add",
    "plan_action_add",
    "plan_action_set_status",
    "referral_create",
    "referral_screen",
    "return_interview_record",
    "risk_assessment_create",
    "risk_indicator_remove",
    "risk_indicator_save",
    "risk_tool_new_draft",
    "risk_tool_publish",
    "risk_tool_update",
    "safety_plan_create",
    "young_person_allocate",
    "young_person_close",
    "young_person_create",
    "young_person_reopen",
    "young_person_update",
]
