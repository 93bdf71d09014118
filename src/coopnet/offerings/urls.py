from django.urls import path

from coopnet.offerings import views

app_name = "offerings"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("compare/", views.compare, name="compare"),
    path("organisations/<slug:slug>/new/", views.create, name="create"),
    path("<int:offering_id>/edit/", views.edit, name="edit"),
    path("<int:offering_id>/delete/", views.delete, name="delete"),
]
