"""Schemathesis against the API, in process (WSGI): every operation of the OpenAPI schema, with
bounded examples generated from it (valid and invalid), asked by an organisation's admin and by
the coordinator with their bearer tokens, over the matrix's world (trust_world). Each answer
must be no 5xx, a status the schema declares (web/openapi.py declares the errors), and a body
the schema describes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from trust_world import World, world_for_module

from coopnet.web.api import api

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.app = get_wsgi_application()

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The matrix's world. Django's WSGI handler closes the database connection at each
    request's start and end (it is in a transaction: the test's), which would lose the world;
    its test client stops that, and so does this, for the module."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    try:
        with world_for_module(django_db_blocker) as built:
            yield built
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


@pytest.mark.parametrize("actor", ["alice", "cora"])
@schema.parametrize()
@settings(
    max_examples=10,  # per operation and actor: two minutes or so in all
    deadline=None,
    database=None,  # the same examples each run
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case, actor, world):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world.tokens[actor]}"}, checks=CHECKS
    )
