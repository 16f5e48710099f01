from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "goodgov.exchange"
    label = "exchange"
    verbose_name = "Exchange"

    def ready(self) -> None:
        from goodgov.exchange import events  # noqa: F401
