from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "goodgov.governance"
    verbose_name = _("Good governance")

    def ready(self) -> None:
        from goodgov.governance import events  # noqa: F401  (declares the public schemas)
