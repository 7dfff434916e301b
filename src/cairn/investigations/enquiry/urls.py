"""URLs of an investigation's lines of enquiry (issue 7, section 4)."""

from django.urls import path

from cairn.investigations.enquiry import views

urlpatterns = [
    path("<int:pk>/enquiries/", views.enquiries, name="enquiries"),
    path("<int:pk>/enquiries/refresh/", views.refresh, name="enquiries-refresh"),
    path("<int:pk>/enquiries/<int:line>/accept/", views.accept, name="enquiry-accept"),
    path("<int:pk>/enquiries/<int:line>/dismiss/", views.dismiss, name="enquiry-dismiss"),
]
