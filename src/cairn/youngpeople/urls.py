"""The young person's case: every part of it contributes its own URLs."""

from cairn.youngpeople.views import (
    chronology,
    export,
    missing,
    plans,
    queues,
    record,
    referrals,
    risk,
)

app_name = "youngpeople"

urlpatterns = [
    *queues.urlpatterns,
    *record.urlpatterns,
    *referrals.urlpatterns,
    *risk.urlpatterns,
    *missing.urlpatterns,
    *plans.urlpatterns,
    *chronology.urlpatterns,
    *export.urlpatterns,
]
