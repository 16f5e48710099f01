from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "goodgov.core"
    label = "core"

    def ready(self) -> None:
        from goodgov.core import checks  # noqa: F401 (registers the deployment checks)
