"""The young person's case: every part of it contributes its own URLs."""

from cairn.youngpeople.views import queues, record, risk

app_name = "youngpeople"

urlpatterns = [*queues.urlpatterns, *record.urlpatterns, *risk.urlpatterns]
