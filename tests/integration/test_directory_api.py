"""The directory API: who may read and change what, tested with an owner, a member and an
outsider for every private endpoint and method."""

import pytest
from casts import PLANTED_HOURS, PLANTED_RATE, client_for, send
from django.test import Client

from coopnet.common.models import ApiToken
from coopnet.directory.models import Person

pytestmark = pytest.mark.django_db


def private_endpoints(person_id):
    return [
        ("get", "/api/organisations/outlier/people", None),
        ("post", "/api/organisations/outlier/people", {"name": "Eve", "skills": {"python": 3}}),
        ("get", f"/api/people/{person_id}", None),
        ("patch", f"/api/people/{person_id}", {"cost_rate": "1.00"}),
        ("delete", f"/api/people/{person_id}", None),
    ]


def test_outsider_gets_404_on_every_private_endpoint_and_method(cast):
    charlie = client_for(cast["charlie"])
    for method, url, body in private_endpoints(cast["person"].pk):
        response = send(charlie, method, url, body)
        assert response.status_code == 404, (method, url)
        assert str(PLANTED_RATE) not in response.content.decode()
    person = Person.objects.get(pk=cast["person"].pk)
    assert person.cost_rate == PLANTED_RATE  # nothing changed
    assert Person.objects.filter(organisation__slug="outlier").count() == 1


def test_anonymous_requests_are_unauthorised(cast):
    anonymous = Client()
    for method, url, body in private_endpoints(cast["person"].pk):
        assert send(anonymous, method, url, body).status_code == 401, (method, url)
    assert anonymous.get("/api/people").status_code == 401


def test_owner_reads_and_changes_private_fields(cast):
    alice = client_for(cast["alice"])
    people = alice.get("/api/organisations/outlier/people").json()
    assert people[0]["cost_rate"] == str(PLANTED_RATE)
    response = send(alice, "patch", f"/api/people/{cast['person'].pk}", {"cost_rate": "80.00"})
    assert response.status_code == 200
    assert response.json()["cost_rate"] == "80.00"
    created = send(
        alice,
        "post",
        "/api/organisations/outlier/people",
        {"name": "Eve", "hours_available": "40", "cost_rate": "50", "skills": {"python": 3}},
    )
    assert created.status_code == 201
    assert created.json()["skills"] == [{"skill": "python", "level": 3}]
    assert send(alice, "delete", f"/api/people/{created.json()['id']}").status_code == 204


def test_member_reads_but_cannot_change_others(cast):
    bob = client_for(cast["bob"])
    assert bob.get(f"/api/people/{cast['person'].pk}").json()["cost_rate"] == str(PLANTED_RATE)
    assert (
        send(bob, "patch", f"/api/people/{cast['person'].pk}", {"cost_rate": "1"}).status_code
        == 403
    )
    assert send(bob, "delete", f"/api/people/{cast['person'].pk}").status_code == 403
    assert send(bob, "post", "/api/organisations/outlier/people", {"name": "X"}).status_code == 404
    assert Person.objects.get(pk=cast["person"].pk).cost_rate == PLANTED_RATE


def test_public_directory_shows_no_private_values(cast):
    charlie = client_for(cast["charlie"])
    for url in (
        "/api/people?skill=elixir&min_level=3",
        "/api/people?name=ada",
        "/api/organisations/outlier",
    ):
        response = charlie.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Ada Lovelace" in text
        for planted in (
            str(PLANTED_RATE),
            str(PLANTED_HOURS),
            "cost_rate",
            "hours_available",
            "500",
        ):
            assert planted not in text, (url, planted)


def test_search_filters_by_skill_level_and_hours(cast):
    alice = client_for(cast["alice"])
    assert [p["name"] for p in alice.get("/api/people?skill=elixir&min_level=4").json()] == [
        "Ada Lovelace"
    ]
    assert alice.get("/api/people?skill=elixir&min_level=5").json() == []
    assert alice.get("/api/people?skill=python").json() == []
    assert alice.get("/api/people?skill=elixir&min_hours=200").json() == []
    assert len(alice.get("/api/people?skill=elixir&min_hours=100").json()) == 1


def test_unknown_organisation_is_404_for_everyone(cast):
    assert client_for(cast["alice"]).get("/api/organisations/nowhere").status_code == 404


def test_csrf_is_enforced_on_unsafe_methods_with_session_auth(cast):
    alice = client_for(cast["alice"], csrf=True)
    response = send(alice, "patch", f"/api/people/{cast['person'].pk}", {"cost_rate": "1"})
    assert response.status_code == 403
    assert Person.objects.get(pk=cast["person"].pk).cost_rate == PLANTED_RATE


def test_scripts_use_bearer_tokens_without_csrf(cast):
    _, key = ApiToken.issue(cast["alice"], "script")
    client = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/organisations/outlier/people", **auth).status_code == 200
    response = client.patch(
        f"/api/people/{cast['person'].pk}",
        data='{"cost_rate": "90"}',
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert (
        client.get(
            "/api/organisations/outlier/people", HTTP_AUTHORIZATION="Bearer wrong"
        ).status_code
        == 401
    )


def test_bad_input_names_the_field_and_saves_nothing(cast):
    alice = client_for(cast["alice"])
    response = send(
        alice,
        "post",
        "/api/organisations/outlier/people",
        {"name": "Eve", "cost_rate": "-5", "skills": {"python": 3}},
    )
    assert response.status_code == 422
    assert "cost_rate" in response.json()["detail"]
    response = send(
        alice,
        "post",
        "/api/organisations/outlier/people",
        {"name": "Eve", "skills": {"python": 3, "cobol": 2}},
    )
    assert response.status_code == 422
    assert "skills.cobol" in response.json()["detail"]
    response = send(
        alice, "post", "/api/organisations/outlier/people", {"name": "Eve", "skills": {"python": 7}}
    )
    assert response.status_code == 422
    assert Person.objects.filter(name="Eve").count() == 0


def test_openapi_schema_is_served(cast):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/people" in response.json()["paths"]
