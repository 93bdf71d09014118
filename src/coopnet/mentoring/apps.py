from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "coopnet.mentoring"
    verbose_name = "Skills and mentoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coopnet.directory.signals import skills_changed
        from coopnet.mentoring.receivers import listen_for_network_changes, record_level_changes

        skills_changed.connect(record_level_changes, dispatch_uid="mentoring-level-changes")
        listen_for_network_changes()
