from django.apps import AppConfig


class JointBidsConfig(AppConfig):
    name = "coopnet.jointbids"
    verbose_name = "Joint bids"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coopnet.jointbids import receivers  # noqa: F401  (connects them)
