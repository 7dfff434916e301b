"""URLs of the intelligence pages."""

from django.urls import path

from cairn.intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("suggestions/", views.report_suggestions, name="suggestions"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/change/", views.report_edit, name="edit"),
    path("<int:pk>/young-people/", views.report_link, name="link"),
]
