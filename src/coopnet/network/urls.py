from django.urls import path

from coopnet.network import views

app_name = "network"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("commission/", views.commission, name="commission"),
    path("organisations/", views.admit, name="admit"),
]
