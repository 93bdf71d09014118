"""The directory's search page and the people API keep each answer until the network changes
(`derived.kept`): a warm read reads no person, skill or organisation again; a change made
through the services shows on the next read; and what depends on the viewer (the free hours
of their own organisations' people, exact for them alone) or on the request (the links to the
other pages, which keep the rest of its query) is never shared."""

from decimal import Decimal

import pytest
from casts import PLANTED_HOURS, client_for
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopnet.directory import services
from coopnet.directory.models import Skill

# transaction=True: the network's version is renewed when a write commits (derived.announce),
# and inside a test's transaction nothing would be kept at all
pytestmark = pytest.mark.django_db(transaction=True)

#: what every signed-in page reads whatever it shows (the session, the account, the context
#: processors): the lead engineer's floor, not the search's
FLOOR = (
    '"django_session"',
    '"auth_user"',
    '"common_coordinator"',
    'AS "organisation__slug" FROM "directory_membership"',
)
#: the tables a search reads its answer from
ANSWER = ("directory_person", "directory_skill", "directory_organisation")


def _own_queries(client, path, **headers):
    """The SQL of one GET of `path` beyond the floor every signed-in page reads."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return [q["sql"] for q in queries if not any(part in q["sql"] for part in FLOOR)]


def _names(response):
    if response["Content-Type"].startswith("application/json"):
        return [person["name"] for person in response.json()]
    html = response.content.decode()
    return [name for name in ("Ada Lovelace", "Grace", "Person") if f"<td>{name}" in html]


@pytest.fixture
def crowd(cast):
    """Ada and 30 more of Outlier's people who know Python, so that the results have pages."""
    for k in range(30):
        services.person_create(
            actor=cast["alice"],
            organisation_slug="outlier",
            name=f"Person {k:02d}",
            hours_available="10",
            cost_rate="50",
            skills={"python": 1 + k % 5},
        )
    return cast


@pytest.mark.parametrize(
    ("path", "headers", "own"),
    [
        # nothing (the network's version comes with the user, in the floor)
        ("/directory/?skill=python&min_level=2", {}, 0),
        ("/directory/?skill=Python&min_level=2&page=2", {}, 0),
        ("/directory/?skill=python", {"HX-Request": "true"}, 0),
        ("/directory/?name=person", {}, 0),
        ("/api/people?skill=python&min_level=2", {}, 0),
        ("/api/people?name=person&limit=5&offset=5", {}, 0),
        # but the viewer's own organisations, whose people's free hours they see exactly
        ("/directory/?skill=python&min_hours=10", {}, 1),
        ("/api/people?skill=python&min_hours=10", {}, 1),
    ],
)
def test_a_warm_read_reads_no_person_again(crowd, path, headers, own):
    client = client_for(crowd["bob"])
    cold = _own_queries(client, path, **headers)
    assert any(table in sql for sql in cold for table in ANSWER)
    warm = _own_queries(client, path, **headers)
    assert len(warm) == own, warm
    assert not any('FROM "common_derivedversion"' in sql for sql in warm)
    assert not any(table in sql for sql in warm for table in ANSWER)
    # another viewer with the same view of the network reads it from the cache too
    assert len(_own_queries(client_for(crowd["alice"]), path, **headers)) == own


def test_a_skill_typed_by_its_slug_is_resolved_and_labelled_from_the_cache(cast):
    """A skill typed by a slug unlike its name shows in the form by its name: both read once."""
    Skill.objects.create(slug="ml", name="Machine learning")
    client = client_for(cast["bob"])
    _own_queries(client, "/directory/?skill=ml")
    assert _own_queries(client, "/directory/?skill=ml") == []
    assert 'value="Machine learning"' in client.get("/directory/?skill=ml").content.decode()


def test_a_warm_read_answers_the_same(crowd):
    client = client_for(crowd["charlie"])
    for path in ("/directory/?skill=python&min_level=2&page=2", "/api/people?skill=python"):
        # the page's results alone: the whole page holds a CSRF token renewed by each request
        cold, warm = (client.get(path, headers={"HX-Request": "true"}) for _ in range(2))
        assert cold.content == warm.content
        assert cold.headers.get("Link") == warm.headers.get("Link")


def test_a_changed_skill_shows_on_the_next_search_and_api_answer(cast):
    client = client_for(cast["charlie"])
    page, api = "/directory/?skill=python&min_level=5", "/api/people?skill=python&min_level=5"
    assert _names(client.get(page)) == _names(client.get(api)) == []
    services.person_update(
        actor=cast["alice"], person_id=cast["person"].pk, skills={"elixir": 4, "python": 5}
    )
    assert _names(client.get(page)) == _names(client.get(api)) == ["Ada Lovelace"]
    assert "Python <span" in client.get(page).content.decode()
    services.person_update(actor=cast["alice"], person_id=cast["person"].pk, skills={})
    assert _names(client.get(page)) == _names(client.get(api)) == []


def test_a_renamed_person_shows_on_the_next_name_search(cast):
    client = client_for(cast["bob"])
    assert _names(client.get("/directory/?name=lovelace")) == ["Ada Lovelace"]
    services.person_update(actor=cast["alice"], person_id=cast["person"].pk, name="Ada King")
    assert _names(client.get("/directory/?name=lovelace")) == []
    assert client.get("/api/people?name=king").json()[0]["name"] == "Ada King"


def test_a_new_skill_is_found_by_the_next_search_form(cast):
    client = client_for(cast["bob"])
    assert "rust" in client.get("/directory/?skill=rust").content.decode()
    assert 'role="alert"' in client.get("/directory/?skill=rust").content.decode()
    Skill.objects.create(slug="rust", name="Rust")
    services.person_update(actor=cast["alice"], person_id=cast["person"].pk, skills={"rust": 3})
    response = client.get("/directory/?skill=rust")
    assert 'role="alert"' not in response.content.decode()
    assert _names(response) == ["Ada Lovelace"]


# -- nothing about one viewer or one request is shared ----------------------------------------

#: above Ada's exact free hours (123.45) but in the same public band (at least 100): her own
#: organisation's members do not find her, anyone else does (by band)
ABOVE_ADA = PLANTED_HOURS + Decimal("0.55")


@pytest.mark.parametrize("first", ["alice", "charlie"])
@pytest.mark.parametrize("path", ["/directory/", "/api/people"])
def test_free_hours_answers_are_kept_per_viewer(cast, first, path):
    """Alice (Outlier's admin) sees Ada's exact hours, so a search for more than them does not
    find her; Charlie (Rival) searches Outlier's people by band, and does. Whoever asks first,
    the other gets their own answer: Charlie never learns that Ada has fewer than that."""
    query = {"skill": "elixir", "min_hours": str(ABOVE_ADA)}
    expected = {"alice": [], "charlie": ["Ada Lovelace"]}
    order = [first, *(name for name in expected if name != first)]
    for name in [*order, *order]:
        assert _names(client_for(cast[name]).get(path, query)) == expected[name], name


def test_the_links_to_other_pages_keep_each_request_own_query(crowd):
    """The page of results is kept; the links to the next page, which keep the rest of the
    request's query, are made for each request."""
    alice, bob = client_for(crowd["alice"]), client_for(crowd["bob"])
    tagged = alice.get("/directory/?skill=python&from=newsletter").content.decode()
    plain = bob.get("/directory/?skill=python").content.decode()
    assert "?skill=python&amp;from=newsletter&amp;page=2" in tagged
    assert "?skill=python&amp;page=2" in plain
    assert "newsletter" not in plain
    tagged = alice.get("/api/people?skill=python&limit=5&from=newsletter")
    plain = bob.get("/api/people?skill=python&limit=5")
    assert tagged.content == plain.content
    assert "from=newsletter" in tagged["Link"]
    assert "newsletter" not in plain["Link"]


def test_the_page_kept_holds_nothing_of_the_viewer(crowd):
    """The results are the same for everyone without free hours: Bob's page shows Alice's
    results, but his own name and his own form, never hers."""
    alice, bob = client_for(crowd["alice"]), client_for(crowd["bob"])
    first = alice.get("/directory/?skill=python&name=person", headers={"HX-Request": "true"})
    second = bob.get("/directory/?skill=python&name=person", headers={"HX-Request": "true"})
    assert first.content == second.content
    page = bob.get("/directory/?skill=python&name=Person+0").content.decode()
    assert "alice" not in page
    assert 'value="Person 0"' in page
