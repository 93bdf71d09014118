from django.urls import path

from coopnet.opportunities import views, views_lifecycle

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("<int:opportunity_id>/", views.opportunity_detail, name="detail"),
    path("<int:opportunity_id>/formation/", views.formation_start, name="formation"),
    path("<int:opportunity_id>/title/", views.title_consent, name="title"),
    path("<int:opportunity_id>/edit/", views_lifecycle.opportunity_edit, name="edit"),
    path("<int:opportunity_id>/withdraw/", views_lifecycle.opportunity_withdraw, name="withdraw"),
    path("<int:opportunity_id>/close/", views_lifecycle.opportunity_close, name="close"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="progress"),
    path("proposals/<int:proposal_id>/decision/", views.proposal_decide, name="decide"),
]
