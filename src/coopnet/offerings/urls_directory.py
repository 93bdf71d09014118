"""The directory's search for organisations: served by this app, which knows their offerings
as well as their people's skills (the directory itself imports no app above it)."""

from django.urls import path

from coopnet.offerings import views

app_name = "organisations"

urlpatterns = [path("", views.organisations, name="search")]
