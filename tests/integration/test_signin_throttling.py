"""Password guessing: after a few failed sign-ins, a username is refused from that address,
right password or not, until the cool-off period has passed; and the API answers 429 with
Retry-After to a caller over its rate."""

import datetime as dt

import pytest
from casts import client_for
from django.contrib.auth.models import User
from django.test import Client

from coopnet.common.signin import LOCKED_OUT

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, password, username="alice", address="203.0.113.7"):
    data = {"username": username, "password": password}
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def signed_in(client):
    return client.get("/").wsgi_request.user.is_authenticated


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password="pw-alice-123")


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(alice):
    client = Client()
    for attempt in range(30):
        sign_in(client, f"guess-{attempt}")
    response = sign_in(client, "pw-alice-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert not signed_in(client)


def test_the_lockout_page_says_why_in_words(alice, settings):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess-{attempt}")
    response = sign_in(client, "pw-alice-123")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_OUT.format(minutes=15) in page
    assert int(response["Retry-After"]) == 15 * 60


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(alice, settings):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, f"guess-{attempt}").status_code == 200
    assert sign_in(client, "pw-alice-123").status_code == 302
    assert "_auth_user_id" in client.session


def test_a_success_clears_the_count(alice, settings):
    for _ in range(3):
        client = Client()
        for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, f"guess-{attempt}")
        assert sign_in(client, "pw-alice-123").status_code == 302


def test_the_lockout_ends_after_the_cool_off_period(alice, settings, time_machine):
    time_machine.move_to(dt.datetime(2030, 3, 4, 10, 0, tzinfo=dt.UTC), tick=False)
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess-{attempt}")
    assert sign_in(client, "pw-alice-123").status_code == 429
    time_machine.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
    assert sign_in(client, "pw-alice-123").status_code == 302


def test_another_address_is_not_locked_out_with_the_guesser(alice, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT + 5):
        sign_in(Client(), f"guess-{attempt}", address="198.51.100.66")
    client = Client()
    assert sign_in(client, "pw-alice-123", address="203.0.113.7").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(alice, settings):
    settings.COOPNET_PROXY_HOPS = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            LOGIN,
            {"username": "alice", "password": f"guess-{attempt}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    locked = Client().post(
        LOGIN,
        {"username": "alice", "password": "pw-alice-123"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code == 429
    other = Client().post(
        LOGIN,
        {"username": "alice", "password": "pw-alice-123"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert other.status_code == 302


def test_the_api_answers_429_with_retry_after_over_its_rate(cast, settings):
    settings.COOPNET_API_RATES = {**settings.COOPNET_API_RATES, "user": "3/min"}
    alice = client_for(cast["alice"])
    for _ in range(3):
        assert alice.get("/api/organisations/outlier/people").status_code == 200
    response = alice.get("/api/organisations/outlier/people")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    other = client_for(cast["charlie"])
    assert other.get("/api/organisations/rival/people").status_code == 200


def test_the_api_still_answers_401_without_credentials(cast, settings):
    settings.COOPNET_API_RATES = {**settings.COOPNET_API_RATES, "user": "1/min", "anon": "1/min"}
    for _ in range(3):
        assert Client().get("/api/organisations/outlier/people").status_code == 401
