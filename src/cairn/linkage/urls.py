"""URLs of the entity-resolution pages."""

from django.urls import path

from cairn.linkage import views

app_name = "linkage"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("people/<int:pk>/", views.person, name="person"),
    path("links/<int:pk>/unmerge/", views.unmerge, name="unmerge"),
    path("young-links/<int:pk>/unlink/", views.young_unlink, name="young_unlink"),
    path("phones/<int:pk>/", views.phone, name="phone"),
    path("vehicles/<int:pk>/", views.vehicle, name="vehicle"),
    path("locations/<int:pk>/", views.location, name="location"),
]
