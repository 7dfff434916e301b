from django.urls import path

from cairn.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.search, name="search"),
    path("records/<str:label>/<int:pk>/", views.record, name="record"),
]
