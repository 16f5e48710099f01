from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "goodgov.catalogue"
    label = "catalogue"
    verbose_name = "Service catalogue"

    def ready(self) -> None:
        from goodgov.catalogue import events  # noqa: F401
