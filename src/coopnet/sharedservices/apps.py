from django.apps import AppConfig


class SharedServicesConfig(AppConfig):
    name = "coopnet.sharedservices"
    verbose_name = "Shared services"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coopnet.directory.panels import Panel, profile_panels
        from coopnet.sharedservices.selectors import profile_panel

        profile_panels.register(Panel("sharedservices/_profile_services.html", profile_panel, 20))
