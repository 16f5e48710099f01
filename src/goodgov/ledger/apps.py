from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "goodgov.ledger"
    label = "ledger"
    verbose_name = "Ledger"
