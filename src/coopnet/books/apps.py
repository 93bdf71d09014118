from django.apps import AppConfig


class BooksConfig(AppConfig):
    name = "coopnet.books"
    verbose_name = "The books"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coopnet.books.receivers import contract_from_proposal
        from coopnet.opportunities.signals import consortium_formed

        consortium_formed.connect(contract_from_proposal, dispatch_uid="books.contract")
