"""The navigation on every page: "My organisation" opens the signed-in user's first
organisation, or the home page for someone in none."""

import re

from casts import client_for
from django.contrib.auth.models import User

from coopnet.directory import services

MY_ORGANISATION = re.compile(r'<a href="([^"]+)"[^>]*>My organisation</a>')


def _link(client) -> str:
    found = MY_ORGANISATION.search(client.get("/opportunities/").content.decode())
    assert found is not None
    return found.group(1)


def test_my_organisation_is_the_first_joined(cast):
    assert _link(client_for(cast["alice"])) == "/organisations/outlier/manage/"
    assert _link(client_for(cast["charlie"])) == "/organisations/rival/manage/"
    services.organisation_create(name="Later Co-op", slug="later", admin=cast["charlie"])
    assert _link(client_for(cast["charlie"])) == "/organisations/rival/manage/"


def test_someone_in_no_organisation_is_sent_home(db):
    loner = User.objects.create_user("loner", password="pw-loner-123")
    assert _link(client_for(loner)) == "/"
