from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "goodgov.notifications"
    label = "notifications"
    verbose_name = "Notifications"
