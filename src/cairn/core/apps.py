from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cairn.core"
    label = "core"
