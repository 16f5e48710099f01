from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "goodgov.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from goodgov.cases import events  # noqa: F401
