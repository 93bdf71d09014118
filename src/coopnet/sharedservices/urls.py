from django.urls import path

from coopnet.sharedservices import views

app_name = "sharedservices"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_create, name="create"),
    path("<slug:slug>/", views.service_detail, name="detail"),
    path("<slug:slug>/edit/", views.service_edit, name="edit"),
    path("<slug:slug>/<slug:organisation>/enrolment/", views.enrolment, name="enrolment"),
    path("<slug:slug>/<slug:organisation>/leave/", views.leave, name="leave"),
]
