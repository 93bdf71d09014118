"""The books' downloads (included under /books/ by coopnet.web.urls)."""

from django.urls import path

from coopnet.books import views_exports

app_name = "books_exports"

urlpatterns = [
    path("export/beancount", views_exports.export, {"form": "beancount"}, name="beancount"),
    path("export/csv", views_exports.export, {"form": "csv"}, name="csv"),
]
