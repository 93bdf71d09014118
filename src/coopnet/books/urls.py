"""The books' pages, under /books/. Reserved for the downloads served elsewhere, and so not
used here: export/beancount, export/csv, payouts/<run>/pain001.xml, payouts/<run>/payouts.csv."""

from django.urls import path

from coopnet.books import views, views_accounts, views_invoices, views_network

app_name = "books"

urlpatterns = [
    path("", views.contract_list, name="contracts"),
    path("contracts/<int:contract_id>/", views.contract_detail, name="contract"),
    path("contracts/<int:contract_id>/milestones/", views.milestones_set, name="milestones"),
    path("contracts/<int:contract_id>/cancel/", views.contract_cancel, name="cancel"),
    path("contracts/<int:contract_id>/client/", views.client_set, name="client"),
    path(
        "contracts/<int:contract_id>/statement/<slug:slug>/",
        views_accounts.contract_statement,
        name="contract_statement",
    ),
    path("milestones/<int:milestone_id>/deliver/", views.milestone_deliver, name="deliver"),
    path("invoices/<int:invoice_id>/", views_invoices.invoice_detail, name="invoice"),
    path("invoices/<int:invoice_id>/pdf/", views_invoices.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:invoice_id>/payment/", views_invoices.payment_record, name="payment"),
    path(
        "invoices/<int:invoice_id>/credit-note/",
        views_invoices.credit_note_issue,
        name="credit_note",
    ),
    path("organisations/<slug:slug>/", views_accounts.statement, name="statement"),
    path("organisations/<slug:slug>/payouts/", views_accounts.payouts, name="payouts"),
    path("organisations/<slug:slug>/bank/", views_accounts.bank, name="bank"),
    path("network/", views_network.network, name="network"),
    path("network/payout-run/", views_network.payout_run, name="payout_run"),
    path("network/service-month/", views_network.service_month, name="service_month"),
    path("network/settings/", views_network.settings, name="settings"),
]
