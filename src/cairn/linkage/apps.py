from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "cairn.linkage"
    label = "linkage"
