"""The people API answers a page at a time: `limit` people from `offset`, the next page named
in the `Link` header while there are more; every person once, in the directory's order."""

import re

import pytest
from casts import client_for

from coopnet.directory import services

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'^<(http://testserver/api/people\?[^>]+)>; rel="next"$')


@pytest.fixture
def crowd(cast):
    for k in range(12):
        services.person_create(
            actor=cast["alice"],
            organisation_slug="outlier",
            name=f"Person {k:02d}",
            hours_available="10",
            cost_rate="50",
            skills={"elixir": 1 + k % 5},
        )
    return cast


def test_pages_follow_their_links_to_every_person_once(crowd):
    client = client_for(crowd["charlie"])
    address, seen, pages = "/api/people?skill=elixir&limit=5", [], 0
    while address:
        response = client.get(address)
        assert response.status_code == 200
        page = [p["name"] for p in response.json()]
        assert 1 <= len(page) <= 5
        seen += page
        pages += 1
        link = response.headers.get("Link")
        address = NEXT.match(link).group(1) if link else None
        if address:
            assert "skill=elixir" in address
    assert pages == 3  # 13 people (Ada and the 12) by 5
    assert len(seen) == len(set(seen)) == 13
    whole = client.get("/api/people?skill=elixir&limit=200").json()
    assert [p["name"] for p in whole] == seen
    assert "Link" not in client.get("/api/people?skill=elixir&limit=200").headers


def test_the_default_page_is_fifty(crowd):
    for k in range(40):
        services.person_create(
            actor=crowd["alice"],
            organisation_slug="outlier",
            name=f"More {k}",
            hours_available="1",
            cost_rate="1",
        )
    response = client_for(crowd["alice"]).get("/api/people")
    assert len(response.json()) == 50
    assert "offset=50" in response.headers["Link"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=201", "limit"), ("offset=-1", "offset"), ("limit=x", "limit")],
)
def test_a_bad_page_is_refused_naming_it(crowd, query, field):
    response = client_for(crowd["alice"]).get(f"/api/people?{query}")
    assert response.status_code == 422
    assert field in response.content.decode()
