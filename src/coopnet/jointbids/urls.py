from django.urls import path

from coopnet.jointbids import views

app_name = "jointbids"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("opportunities/<int:opportunity_id>/", views.pursuit, name="pursuit"),
    path("opportunities/<int:opportunity_id>/propose/", views.propose, name="propose"),
    path("<int:joint_bid_id>/", views.detail, name="detail"),
    path("<int:joint_bid_id>/answer/", views.answer, name="answer"),
]
