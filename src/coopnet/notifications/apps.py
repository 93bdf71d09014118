from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coopnet.notifications"
    label = "notifications"
    verbose_name = "coopnet: notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coopnet.directory.auth import read_with_user
        from coopnet.notifications.selectors import UNREAD, unread_expression

        # the navigation's unread count, read with the user: no query of its own on a page
        read_with_user(UNREAD, unread_expression)
