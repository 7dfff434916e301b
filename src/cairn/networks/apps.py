from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "cairn.networks"
    label = "networks"
