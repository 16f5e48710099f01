from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "goodgov.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from goodgov.documents import events  # noqa: F401
