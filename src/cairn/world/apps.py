from django.apps import AppConfig


class WorldConfig(AppConfig):
    name = "cairn.world"
    label = "world"
