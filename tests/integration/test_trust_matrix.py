"""The authorization matrix: every route of the site (matrix_routes) × every method it allows ×
seven actors (trust_world), with canaries planted in Outlier's private fields. A route must be
classified in EXPECTED (matrix_table); then each actor gets what its class allows: those who
may act get an answer (never 404, never 5xx), those who may see but not act 403 (or 405), the
others 404 (the anonymous: 401 from the API, the sign-in page from a page); nobody ever gets a
5xx, and no canary reaches anyone not entitled to it."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from instants import ORDINARY
from matrix_routes import API_DOCUMENTS, Route, api_routes, example, page_routes, url_patterns
from matrix_table import EXPECTED, Policy, other_methods, variants
from trust_world import ACTORS, CANARIES, World, world_for_module

from coopnet.web.api import api

SCHEMA = api.get_openapi_schema(path_prefix="/api/")
ROUTES = page_routes() + api_routes(SCHEMA)
#: the marker makes pytest-django create the test database; each test runs in a savepoint of
#: the module's transaction
pytestmark = pytest.mark.django_db

CASES = [(route, variant) for route in ROUTES for variant in variants(route)]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module; each request runs in a savepoint of its own, rolled back,
    so that a write that succeeds changes nothing the next request sees."""
    with world_for_module(django_db_blocker) as built:
        yield built


@pytest.fixture
def in_world(world) -> Iterator[World]:
    with time_machine.travel(ORDINARY, tick=True):
        yield world


def ask(world: World, actor: str, route: Route, method: str, path: str) -> Any:
    client = Client(raise_request_exception=False)
    headers = {}
    if route.api and actor != "anonymous":
        headers["Authorization"] = f"Bearer {world.tokens[actor]}"
    elif actor != "anonymous":
        client.cookies = copy.deepcopy(world.clients[actor])
    kwargs: dict[str, Any] = {"headers": headers}
    if method != "get":
        body = example(route.body or {}, SCHEMA["components"]["schemas"], world.hints())
        kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
        if not route.api:
            kwargs = {"headers": headers, "data": {}}
    with transaction.atomic():
        response = getattr(client, method)(path, **kwargs)
        transaction.set_rollback(True)
    return response


def content(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def canary_forms(canary: str) -> list[str]:
    """The canary as a page or a document might print it: plain, grouped by thousands, an
    IBAN in blocks of four."""
    forms = [canary]
    if canary.replace(".", "").isdigit() and float(canary) >= 1000:
        whole, _, cents = canary.partition(".")
        forms.append(f"{int(whole):,}.{cents}")
    if canary.isalnum() and len(canary) > 15:
        forms.append(" ".join(canary[i : i + 4] for i in range(0, len(canary), 4)))
    return forms


def leaked(actor: str, body: str) -> list[str]:
    return [
        canary
        for canary, readers in CANARIES.items()
        if actor not in readers | {"alice"} and any(f in body for f in canary_forms(canary))
    ]


def verdict(policy: Policy, actor: str, method: str, route: Route, response: Any) -> str | None:
    """What is wrong with `response`, or None."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    allowed = policy.allowed(actor, method, route.api)
    if route.key.startswith("OTHER "):
        allowed |= {401, 404, 405} if actor == "anonymous" else {404, 405}
    if status not in allowed:
        return f"{status}, expected one of {sorted(allowed)}"
    to_sign_in = response.get("Location", "").startswith("/accounts/login/")
    if actor == "anonymous" and status == 302 and not route.api and not to_sign_in:
        return f"302 to {response['Location']}"
    return None


DUMP = os.environ.get("MATRIX_DUMP")


@pytest.mark.parametrize(("route", "variant"), CASES, ids=[f"{r.key}{v}" for r, v in CASES])
def test_every_actor_gets_what_its_class_allows_and_no_canary(in_world, route, variant):
    key = route.key + variant
    policy = other_methods() if route.key.startswith("OTHER ") else EXPECTED.get(key)
    if policy is None and not DUMP:
        pytest.fail(f"{key} is not in the matrix: classify it in matrix_table.EXPECTED")
    ids = in_world.ids_for(route.template, variant)
    path = route.path(ids)
    problems = []
    for method in route.methods:
        for actor in ACTORS:
            response = ask(in_world, actor, route, method, path)
            body = content(response).decode("utf-8", "replace")
            if DUMP:
                with open(DUMP, "a") as out:
                    out.write(json.dumps([key, method, actor, response.status_code,
                                          leaked(actor, body)]) + "\n")  # fmt: skip
                continue
            wrong = verdict(policy, actor, method, route, response)
            if wrong:
                problems.append(f"{method.upper()} {path} as {actor}: {wrong}")
            if canaries := leaked(actor, body):
                problems.append(f"{method.upper()} {path} as {actor}: leaks {canaries}")
    assert not problems, "\n".join(problems)


def test_the_matrix_walks_every_url_pattern_of_the_site():
    """The API's URL patterns are its operations (the schema's) or its documents; every
    other pattern is a page of the matrix."""
    keyed = {route.key for route in ROUTES}
    for route, name in url_patterns():
        if route.startswith("api/"):
            assert name in API_DOCUMENTS or name.startswith("api-1:"), name
        else:
            assert name in keyed, name
    assert len([r for r in ROUTES if r.api]) >= 60


def test_the_table_names_no_route_that_is_gone():
    known = {route.key + variant for route, variant in CASES}
    assert set(EXPECTED) <= known, sorted(set(EXPECTED) - known)
