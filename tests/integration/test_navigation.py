"""The navigation on every page: "My organisation" opens the signed-in user's first
organisation, or the home page for someone in none."""

import re

from casts import client_for
from django.contrib.auth.models import User
from django.test import Client

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


def test_a_page_reads_the_user_with_what_the_navigation_needs_in_one_query(cast):
    """The user's coordinator flag and first organisation come with the user
    (`directory.auth.MemberBackend`): no page asks for them again."""
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coopnet.common.models import Coordinator

    client = Client()
    cast["alice"].set_password("pw-alice-123")
    cast["alice"].save()
    assert client.login(username=cast["alice"].username, password="pw-alice-123")
    assert client.session[BACKEND_SESSION_KEY] == "coopnet.directory.auth.MemberBackend"
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/no-such-page/").content.decode()
    tables = [q["sql"] for q in queries if "common_coordinator" in q["sql"]]
    assert len(tables) == 1  # one query: the user, with both
    assert '"auth_user"' in tables[0]
    assert not [q for q in queries if q["sql"].startswith('SELECT "directory_membership"')]
    assert 'href="/organisations/outlier/manage/"' in body
    assert "Network</a>" not in body
    Coordinator.objects.create(user=cast["alice"])
    assert "Network</a>" in client.get("/no-such-page/").content.decode()


def test_a_user_made_inactive_is_signed_out_on_the_next_page(cast):
    client = client_for(cast["alice"])
    assert client.get("/opportunities/").status_code == 200
    User.objects.filter(pk=cast["alice"].pk).update(is_active=False)
    found = client.get("/opportunities/")
    assert found.status_code == 302
    assert found["Location"].startswith("/accounts/login/")


CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>')


def test_the_current_section_is_marked_and_only_it(cast):
    client = client_for(cast["alice"])
    for path, section in [
        ("/directory/", "Directory"),
        ("/services/", "Shared services"),
        ("/skills/", "Skills and mentoring"),
        ("/books/", "Contracts"),
        ("/organisations/outlier/manage/", "My organisation"),
    ]:
        marked = CURRENT.findall(client.get(path).content.decode())
        assert [label for _, label in marked] == [section], path
    assert CURRENT.findall(client.get("/opportunities/").content.decode()) == []


def test_sign_out_carries_this_sessions_csrf_token_and_works(cast):
    """The navigation's HTML is kept per process; each page puts in its own request's token."""
    client = client_for(cast["alice"], csrf=True)
    body = client.get("/directory/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    assert "\x00" not in body
    out = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert out.status_code in (200, 302)  # not refused (403) for want of a token
    assert client.get("/directory/").status_code == 302  # signed out: back to sign-in
    other = client_for(cast["bob"], csrf=True).get("/directory/").content.decode()
    assert token not in other
