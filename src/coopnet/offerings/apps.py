from django.apps import AppConfig


class OfferingsConfig(AppConfig):
    name = "coopnet.offerings"
    verbose_name = "Offerings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coopnet.directory.panels import Panel, profile_panels, public_panels
        from coopnet.offerings.selectors import profile_panel

        panel = Panel("offerings/_profile_offerings.html", profile_panel, 5)
        profile_panels.register(panel)
        public_panels.register(panel)
