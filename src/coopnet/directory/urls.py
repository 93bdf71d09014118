from django.urls import path

from coopnet.directory import views, views_audit

app_name = "directory"

urlpatterns = [
    path("directory/", views.search, name="search"),
    path("directory/skills/", views.skill_search, name="skill_search"),
    path("organisations/<slug:slug>/", views.profile, name="profile"),
    path("organisations/<slug:slug>/public/", views.public_profile, name="public_profile"),
    path("organisations/<slug:slug>/manage/", views.manage, name="manage"),
    path("organisations/<slug:slug>/describe/", views.describe, name="describe"),
    path("organisations/<slug:slug>/people/new/", views.person_create, name="person_create"),
    path("organisations/<slug:slug>/invite/", views.invite, name="invite"),
    path("organisations/<slug:slug>/people.csv", views.export_csv, name="export_csv"),
    path("organisations/<slug:slug>/network.json", views.export_json, name="export_json"),
    path("organisations/<slug:slug>/import/", views.import_people, name="import"),
    path("organisations/<slug:slug>/audit/", views_audit.organisation_audit, name="audit"),
    path("audit/", views_audit.network_audit, name="network_audit"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/delete/", views.person_delete, name="person_delete"),
]
