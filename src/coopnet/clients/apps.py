from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "coopnet.clients"
    verbose_name = "Client requests"
    default_auto_field = "django.db.models.BigAutoField"
