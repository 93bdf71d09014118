from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coopnet.notifications"
    label = "notifications"
    verbose_name = "coopnet: notifications"
    default_auto_field = "django.db.models.BigAutoField"
