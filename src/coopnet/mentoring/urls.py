from django.urls import path

from coopnet.mentoring import views, views_org

app_name = "mentoring"

organisation = "organisations/<slug:slug>/"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("plan/", views.plan, name="plan"),
    path("plan/compute/", views.plan_compute, name="plan_compute"),
    path("pairings/<int:pk>/", views.pairing, name="pairing"),
    path("pairings/<int:pk>/decision/", views.pairing_decision, name="pairing_decision"),
    path(organisation, views_org.organisation, name="organisation"),
    path(f"{organisation}people/", views_org.people_search, name="people_search"),
    path(f"{organisation}opt-in/", views_org.opt_in, name="opt_in"),
    path(f"{organisation}wishes/", views_org.wish_add, name="wish_add"),
    path(f"{organisation}wishes/<int:pk>/remove/", views_org.wish_remove, name="wish_remove"),
    path(f"{organisation}mentor-hours/", views_org.mentor_hours, name="mentor_hours"),
    path(f"{organisation}sessions/", views_org.session_add, name="session_add"),
    path(f"{organisation}level-changes/", views_org.level_change, name="level_change"),
]
