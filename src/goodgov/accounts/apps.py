from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goodgov.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from goodgov.accounts import events  # noqa: F401
