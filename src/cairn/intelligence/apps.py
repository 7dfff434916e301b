from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "cairn.intelligence"
    label = "intelligence"

    def ready(self) -> None:
        # Registers the chronology provider for young people's timelines.
        from cairn.intelligence import chronology  # noqa: F401
