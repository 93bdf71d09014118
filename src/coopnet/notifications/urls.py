"""The pages of a user's own notifications, mounted at /notifications/ by the project."""

from django.urls import path

from coopnet.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("<int:notification_id>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
]
