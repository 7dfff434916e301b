from django.apps import AppConfig


class InvestigationsConfig(AppConfig):
    name = "cairn.investigations"
    label = "investigations"

    def ready(self) -> None:
        # Registers the chronology provider for young people's timelines.
        from cairn.investigations import chronology  # noqa: F401
