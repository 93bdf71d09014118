from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "coopnet.common"
    label = "common"
    verbose_name = "coopnet: the common floor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coopnet.common import derived

        derived.listen()
