"""URLs of the network pages and the link chart (issue 6, sections 3 and 4)."""

from django.urls import path

from cairn.networks import views

app_name = "networks"

urlpatterns = [
    path("", views.network_list, name="list"),
    path("<int:pk>/", views.network_detail, name="detail"),
    path("<int:pk>/review/", views.network_review, name="review"),
    path("chart/", views.chart, name="chart"),
    path("chart/graph.json", views.chart_json, name="chart-json"),
    path("chart/export.png", views.chart_png, name="chart-png"),
    path("chart/export.<str:fmt>", views.chart_export, name="chart-export"),
    path("links/<int:pk>/", views.edge, name="edge"),
]
