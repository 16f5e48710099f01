from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "goodgov.web"
    label = "web"
