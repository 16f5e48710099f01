from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "goodgov.performance"
    verbose_name = _("Performance")

    def ready(self) -> None:
        from goodgov.performance import events  # noqa: F401  (declares the public schemas)
