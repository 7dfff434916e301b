from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "cairn.access"
    label = "access"
    verbose_name = "Organisations, users and need-to-know access"

    def ready(self) -> None:
        # Security events from django-axes and django.contrib.auth become audit entries.
        from cairn.access import auth_events  # noqa: F401
