from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "coopnet.opportunities"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coopnet.directory.panels import Panel, profile_panels
        from coopnet.opportunities.consortia import profile_panel

        profile_panels.register(Panel("opportunities/_profile_consortia.html", profile_panel, 10))
