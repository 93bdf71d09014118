"""API tokens are their owner's to list, issue and revoke, in the pages and the API; each
expires; its last use is recorded (at most once a minute); and every one of a user's tokens
stops working when the password changes, by whatever way it changes."""

import datetime as dt
import re

import pytest
from casts import client_for, send
from django.contrib.auth.models import User
from django.test import Client

from coopnet.cli.platform import TOKEN_DAYS
from coopnet.common.models import DEFAULT_EXPIRY_DAYS, ApiToken
from coopnet.common.tokens import EXPIRY_OUT_OF_RANGE, NAME_REQUIRED, OUTLIVES_ISSUER

pytestmark = pytest.mark.django_db

PRIVATE = "/api/organisations/outlier/people"
START = dt.datetime(2030, 5, 6, 9, 0, tzinfo=dt.UTC)


def bearer(key):
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def works(key):
    return bearer(key).get(PRIVATE).status_code == 200


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


# The API ----------------------------------------------------------------------------------


def test_the_owner_issues_lists_and_revokes_through_the_api(cast):
    alice = client_for(cast["alice"])
    issued = send(alice, "post", "/api/tokens", {"name": "invoicing", "expires_days": 30})
    assert issued.status_code == 201
    body = issued.json()
    assert works(body["key"])
    listed = alice.get("/api/tokens").json()
    assert [(t["id"], t["name"], t["status"]) for t in listed] == [
        (body["id"], "invoicing", "active")
    ]
    assert "key" not in listed[0]
    assert body["key"] not in alice.get("/api/tokens").content.decode()
    assert send(alice, "delete", f"/api/tokens/{body['id']}").status_code == 204
    assert not works(body["key"])
    assert alice.get("/api/tokens").json() == []


def test_someone_elses_token_is_a_404_and_survives(cast):
    _, key = ApiToken.issue(cast["alice"], "alice's")
    token = ApiToken.objects.get()
    charlie = client_for(cast["charlie"])
    assert charlie.get("/api/tokens").json() == []
    assert send(charlie, "delete", f"/api/tokens/{token.pk}").status_code == 404
    assert works(key)


def test_the_api_without_credentials_is_401(cast):
    assert Client().get("/api/tokens").status_code == 401
    assert send(Client(), "post", "/api/tokens", {"name": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "  "}, "name", NAME_REQUIRED),
        ({"name": "x", "expires_days": 0}, "expires_days", EXPIRY_OUT_OF_RANGE),
        ({"name": "x", "expires_days": 366}, "expires_days", EXPIRY_OUT_OF_RANGE),
    ],
)
def test_a_bad_token_request_is_422_naming_the_field(cast, body, field, message):
    response = send(client_for(cast["alice"]), "post", "/api/tokens", body)
    assert response.status_code == 422
    assert response.json()["detail"] == {field: [message]}
    assert not ApiToken.objects.exists()


def test_a_token_cannot_issue_one_that_outlives_it(cast, frozen):
    _, key = ApiToken.issue(cast["alice"], "short", days=10)
    longer = send(bearer(key), "post", "/api/tokens", {"name": "longer", "expires_days": 11})
    assert longer.status_code == 422
    assert longer.json()["detail"] == {"expires_days": [OUTLIVES_ISSUER]}
    shorter = send(bearer(key), "post", "/api/tokens", {"name": "shorter", "expires_days": 10})
    assert shorter.status_code == 201


# Expiry and last use ------------------------------------------------------------------------


def test_a_token_expires_after_its_days(cast, frozen):
    _, key = ApiToken.issue(cast["alice"], "week", days=7)
    assert ApiToken.objects.get().expires == START + dt.timedelta(days=7)
    frozen.move_to(START + dt.timedelta(days=7) - dt.timedelta(seconds=1), tick=False)
    assert works(key)
    frozen.move_to(START + dt.timedelta(days=7), tick=False)
    assert bearer(key).get(PRIVATE).status_code == 401
    assert client_for(cast["alice"]).get("/api/tokens").json()[0]["status"] == "expired"


def test_tokens_last_ninety_days_unless_chosen(cast, frozen):
    issued = send(client_for(cast["alice"]), "post", "/api/tokens", {"name": "default"}).json()
    assert dt.datetime.fromisoformat(issued["expires"]) == START + dt.timedelta(days=90)
    assert DEFAULT_EXPIRY_DAYS == TOKEN_DAYS == 90


def test_last_used_is_written_at_most_once_a_minute(cast, frozen):
    _, key = ApiToken.issue(cast["alice"], "script")
    assert ApiToken.objects.get().last_used is None
    assert works(key)
    assert ApiToken.objects.get().last_used == START
    frozen.shift(dt.timedelta(seconds=59))
    assert works(key)
    assert ApiToken.objects.get().last_used == START
    frozen.shift(dt.timedelta(seconds=1))
    assert works(key)
    assert ApiToken.objects.get().last_used == START + dt.timedelta(minutes=1)


# A changed password voids every token ------------------------------------------------------


def test_a_password_set_anywhere_voids_every_token(cast):
    keys = [ApiToken.issue(cast["alice"], name)[1] for name in ("one", "two")]
    other = ApiToken.issue(cast["bob"], "bob's")[1]
    alice = User.objects.get(username="alice")
    alice.set_password("pw-alice-new-456")  # as the admin or `manage.py changepassword` do
    alice.save()
    assert [works(key) for key in keys] == [False, False]
    assert works(other)
    statuses = client_for(alice).get("/api/tokens").json()
    assert [t["status"] for t in statuses] == ["void", "void"]


def test_changing_the_password_in_the_pages_voids_every_token(cast):
    _, key = ApiToken.issue(cast["alice"], "script")
    alice = client_for(cast["alice"])
    changed = alice.post(
        "/accounts/password_change/",
        {
            "old_password": "pw-alice-123",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert changed.status_code == 302
    assert not works(key)


def test_a_password_reset_voids_every_token(cast, mailoutbox):
    _, key = ApiToken.issue(cast["alice"], "script")
    cast["alice"].email = "alice@example.org"
    cast["alice"].save()
    Client().post("/accounts/password_reset/", {"email": "alice@example.org"})
    link = re.search(r"/accounts/reset/\S+/", mailoutbox[0].body).group(0)
    client = Client()
    form = client.get(link, follow=True)
    new = "a-new-long-passphrase"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert not works(key)


# The pages ---------------------------------------------------------------------------------


def test_the_page_issues_a_token_and_shows_its_key_once(cast):
    alice = client_for(cast["alice"])
    page = alice.post("/accounts/tokens/", {"name": "reports", "expires_days": "30"})
    assert page.status_code == 200
    key = re.search(r'data-testid="token-key">([^<]+)<', page.content.decode()).group(1)
    assert works(key)
    again = alice.get("/accounts/tokens/").content.decode()
    assert "reports" in again
    assert key not in again
    assert "no-store" in page["Cache-Control"]  # nor kept by the browser


def test_the_page_lists_created_last_used_and_expiry(cast, frozen):
    _, key = ApiToken.issue(cast["alice"], "nightly", days=30)
    works(key)
    page = client_for(cast["alice"]).get("/accounts/tokens/").content.decode()
    assert "nightly" in page
    assert page.count("6 May 2030 09:00") == 2  # created, last used
    assert "5 Jun 2030 09:00" in page  # expires


def test_the_page_refuses_a_token_of_more_than_a_year(cast):
    page = client_for(cast["alice"]).post("/accounts/tokens/", {"name": "x", "expires_days": 400})
    assert page.status_code == 200
    assert "Ensure this value is less than or equal to 365." in page.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_in_the_pages(cast):
    _, key = ApiToken.issue(cast["alice"], "old")
    revoke = f"/accounts/tokens/{ApiToken.objects.get().pk}/revoke/"
    assert client_for(cast["charlie"]).post(revoke).status_code == 404
    assert works(key)
    alice = client_for(cast["alice"])
    assert alice.get(revoke).status_code == 405
    revoked = alice.post(revoke, follow=True)
    assert "Token “old” revoked" in revoked.content.decode()
    assert not works(key)


def test_the_pages_ask_a_visitor_to_sign_in(db):
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# The command line --------------------------------------------------------------------------


def test_the_token_command_takes_a_life_in_days(cast, capsys, frozen):
    from coopnet.cli import main

    assert main(["token", "alice", "--name", "ci", "--expires-days", "5"]) == 0
    key = capsys.readouterr().out.strip()
    assert works(key)
    assert ApiToken.objects.get().expires == START + dt.timedelta(days=5)
    assert main(["token", "alice", "--expires-days", "400"]) == 2
    assert "1 to 365 days" in capsys.readouterr().err
