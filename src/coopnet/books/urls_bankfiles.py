"""A payout run's bank files, mounted under books/ beside the books' pages."""

from django.urls import path

from coopnet.books import views_bankfiles

app_name = "bankfiles"

urlpatterns = [
    path("payouts/<int:run_id>/pain001.xml", views_bankfiles.pain001, name="pain001"),
    path("payouts/<int:run_id>/payouts.csv", views_bankfiles.payouts_csv, name="csv"),
]
