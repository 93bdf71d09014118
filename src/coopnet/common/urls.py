"""The pages of a user's own API tokens, mounted at /accounts/tokens/ by the project."""

from django.urls import path

from coopnet.common import token_views

app_name = "tokens"
urlpatterns = [
    path("", token_views.tokens, name="list"),
    path("<int:token_id>/revoke/", token_views.revoke, name="revoke"),
]
