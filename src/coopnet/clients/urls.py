from django.urls import path

from coopnet.clients import views

app_name = "clients"

urlpatterns = [
    path("request/", views.front_door, name="front_door"),
    path("request/sent/<str:token>/", views.sent, name="sent"),
    path("clients/requests/", views.inbox, name="inbox"),
    path("clients/requests/<int:request_id>/", views.detail, name="detail"),
    path("clients/requests/<int:request_id>/pass/", views.pass_on, name="pass"),
    path("clients/requests/<int:request_id>/decline/", views.decline, name="decline"),
    path("clients/requests/<int:request_id>/opportunity/", views.turn, name="turn"),
    path("clients/organisations/<slug:slug>/", views.organisation_requests, name="organisation"),
]
