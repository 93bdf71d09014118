"""Every 500 is logged with a request id, and the answer (page or API) shows that id: a user's
report can be matched to its traceback."""

import logging

import pytest
from casts import client_for

from coopnet.common.requestid import HEADER, RequestIdFilter
from coopnet.common.views import SERVER_ERROR

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(capsys):
    """What the project's log handler (the one that writes request ids) writes to stderr."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    ]
    assert len(handlers) == 1, "settings.LOGGING installs one handler with request ids"
    return lambda: capsys.readouterr().err


def broken(*args, **kwargs):
    raise RuntimeError("planted failure")


def failing_client(user):
    client = client_for(user)
    client.raise_request_exception = False
    return client


def test_an_api_500_is_logged_and_answered_with_its_request_id(cast, monkeypatch, log):
    monkeypatch.setattr("coopnet.directory.search_sql.prepared", broken)
    response = failing_client(cast["charlie"]).get("/api/people")
    assert response.status_code == 500
    request_id = response[HEADER]
    assert response.json() == {"detail": SERVER_ERROR, "request_id": request_id}
    written = log()
    assert f"ERROR [{request_id}] django.request: Internal Server Error: /api/people" in written
    assert "RuntimeError: planted failure" in written


def test_a_page_500_shows_the_request_id_it_was_logged_with(cast, monkeypatch, log):
    monkeypatch.setattr("coopnet.directory.selectors.memberships", broken)
    response = failing_client(cast["alice"]).get("/")
    assert response.status_code == 500
    request_id = response[HEADER]
    assert f"<code>{request_id}</code>" in response.content.decode()
    assert f"ERROR [{request_id}] django.request: Internal Server Error: /" in log()


def test_every_answer_carries_a_request_id_and_a_sane_incoming_one_is_kept(cast):
    client = client_for(cast["alice"])
    first, second = client.get("/"), client.get("/")
    assert len(first[HEADER]) == 32
    assert first[HEADER] != second[HEADER]
    kept = client.get("/", headers={HEADER: "proxy-1234abcd"})
    assert kept[HEADER] == "proxy-1234abcd"


@pytest.mark.parametrize("incoming", ["short", "x" * 65, "has space in it", "new\nline-forged"])
def test_an_insane_incoming_request_id_is_replaced(cast, incoming):
    response = client_for(cast["alice"]).get("/", headers={HEADER: incoming})
    assert response[HEADER] != incoming
    assert len(response[HEADER]) == 32
