from django.urls import path

from cairn.youngpeople import views

app_name = "youngpeople"

urlpatterns = [
    path("", views.young_person_list, name="list"),
    path("new/", views.young_person_create, name="create"),
    path("<int:pk>/", views.young_person_detail, name="detail"),
    path("<int:pk>/edit/", views.young_person_update, name="update"),
]
