from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "goodgov.core"
    label = "core"
