from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "coopnet.mentoring"
    verbose_name = "Skills and mentoring"
    default_auto_field = "django.db.models.BigAutoField"
