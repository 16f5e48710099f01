from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "goodgov.agencies"
    label = "agencies"
    verbose_name = "Agencies"

    def ready(self) -> None:
        from goodgov.agencies import events  # noqa: F401
