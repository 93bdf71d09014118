"""Text no column can store (a NUL, a lone surrogate) and blank names: refused naming the
field, 422 from the API and 400 from a page, wherever they come in; nothing saved."""

from urllib.parse import urlencode

import pytest
from casts import client_for
from django.core.exceptions import ValidationError

from coopnet.common.badtext import NOT_UTF8
from coopnet.common.text import BAD_TEXT
from coopnet.directory import services
from coopnet.directory.models import Person

pytestmark = pytest.mark.django_db

PEOPLE = "/api/organisations/outlier/people"


def post_raw(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"name": "\\ud800"}', "name"),
        (b'{"name": "Eve\\udfff"}', "name"),
        (b'{"name": "a\\u0000b"}', "name"),
        (b'{"name": "Eve", "skills": {"py\\u0000": 3}}', "skills"),
    ],
)
def test_api_refuses_bad_text_naming_the_field(cast, body, field):
    response = post_raw(client_for(cast["alice"]), PEOPLE, body)
    assert response.status_code == 422
    assert response.json() == {"detail": {field: [BAD_TEXT]}}
    assert Person.objects.count() == 1


def test_a_nested_field_is_named_by_its_path(cast):
    body = b'{"title": "Site", "requirements": [{"skill": "elixir"}, {"skill": "\\ud83d"}]}'
    response = post_raw(client_for(cast["alice"]), "/api/opportunities/", body)
    assert response.status_code == 422
    assert response.json() == {"detail": {"requirements[1].skill": [BAD_TEXT]}}


def test_a_surrogate_pair_is_good_text(cast):
    response = post_raw(client_for(cast["alice"]), PEOPLE, b'{"name": "Eve \\ud83d\\ude00"}')
    assert response.status_code == 201
    assert response.json()["name"] == "Eve \U0001f600"


def test_a_body_that_is_not_utf8_is_a_400(cast):
    response = post_raw(client_for(cast["alice"]), PEOPLE, b'{"name": "\xff\xfe"}')
    assert response.status_code == 400
    assert response.json() == {"detail": NOT_UTF8}


def test_a_nul_in_the_query_string_is_a_422(cast):
    response = client_for(cast["charlie"]).get("/api/people?name=a%00b")
    assert response.status_code == 422
    assert response.json() == {"detail": {"name": [BAD_TEXT]}}


def test_a_page_refuses_a_nul_with_a_400_naming_the_field(cast):
    data = {"name": "E\x00ve", "hours_available": "1", "cost_rate": "1"}
    data |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0"}
    alice = client_for(cast["alice"])
    url = "/organisations/outlier/people/new/"
    form = "application/x-www-form-urlencoded"
    response = alice.post(url, urlencode(data), content_type=form)
    assert response.status_code == 400
    assert "name: " + BAD_TEXT in response.content.decode()
    multipart = alice.post(url, data)  # an upload's fields are left to the form, which says so
    assert multipart.status_code == 400
    assert "Null characters are not allowed." in multipart.content.decode()
    assert Person.objects.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "\t\n", None])
def test_a_blank_name_is_refused_by_the_api(cast, name):
    response = client_for(cast["alice"]).post(
        PEOPLE, {"name": name}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "name" in response.json()["detail"] or response.json()["detail"][0]["loc"][-1] == "name"
    assert Person.objects.count() == 1


@pytest.mark.parametrize("name", ["", "  ", "a\x00b", "\ud800"])
def test_the_services_refuse_bad_names_too(cast, name):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=cast["alice"],
            organisation_slug="outlier",
            name=name,
            hours_available=0,
            cost_rate=0,
        )
    assert list(caught.value.message_dict) == ["name"]
    with pytest.raises(ValidationError) as caught:
        services.person_update(actor=cast["alice"], person_id=cast["person"].pk, name=name)
    assert list(caught.value.message_dict) == ["name"]
    with pytest.raises(ValidationError):
        services.organisation_create(name=name, slug="new", admin=cast["alice"])
    assert Person.objects.get(pk=cast["person"].pk).name == "Ada Lovelace"


@pytest.mark.parametrize("typed", ["١٢٣", "１２３", "1e3", "1_000", "Infinity", "NaN"])
def test_money_takes_only_ascii_digits_in_the_api_and_the_pages(cast, typed):
    alice = client_for(cast["alice"])
    body = {"name": "Eve", "cost_rate": typed}
    response = alice.post(PEOPLE, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "cost_rate"
    patch = alice.patch(
        f"/api/people/{cast['person'].pk}", {"hours_available": typed}, "application/json"
    )
    assert patch.status_code == 422
    data = {"name": "Eve", "hours_available": "1", "cost_rate": typed}
    data |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0"}
    page = alice.post("/organisations/outlier/people/new/", data)
    assert page.status_code == 400
    assert "Enter a number." in page.content.decode()
    assert Person.objects.count() == 1


def test_a_service_given_a_non_ascii_number_names_the_field(cast):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=cast["alice"],
            organisation_slug="outlier",
            name="Eve",
            hours_available="١٢",
            cost_rate=0,
        )
    assert list(caught.value.message_dict) == ["hours_available"]
