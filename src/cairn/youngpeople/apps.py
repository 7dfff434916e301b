from django.apps import AppConfig


class YoungpeopleConfig(AppConfig):
    name = "cairn.youngpeople"
    label = "youngpeople"
