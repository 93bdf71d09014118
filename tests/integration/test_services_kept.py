"""Issue 12: the shared services list and a service's page are kept until the next change, in
parts keyed by what about the viewer changes them (their organisations, the coordinator), so a
warm read asks the database nothing of the services. These tests commit for real (transactional),
as the server does: a change made through the services shows on the next read, one
organisation's kept figures never reach another's people, and no form (nor its CSRF token) is
kept."""

import datetime as dt
import pickle
import re

import pytest
from casts import client_for
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopnet.directory import services as directory
from coopnet.directory.models import Membership
from coopnet.sharedservices import pricing, services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

PAGE = "/services/it-support/"
#: Outlier's going-alone cost, hours and saving (fee 524.45): only Outlier and the coordinator
OUTLIER = ["987.65", "37.25", "463.20"]
#: Rival's going-alone cost and hours: only Rival and the coordinator
RIVAL = ["811.11", "12.75"]
#: what a warm read asks, the floor of every signed-in page: the session, the user (with its
#: coordinator flag and first organisation, for the navigation) and the network's version
WARM = ["django_session", "auth_user"]  # the network's version comes with the user


def _last_month():
    return pricing.current_period() - dt.timedelta(days=1)


@pytest.fixture
def pool(cast, coordinator):
    """IT support (300 + 20 a member + 600 a specialist for two), which Outlier and Rival
    joined last month: both are in this month's stored fees and next month's forecast."""
    services.service_create(
        actor=coordinator,
        name="IT support",
        fixed_cost="300",
        per_member_cost="20",
        unit_cost="600",
        members_per_unit=2,
    )
    for user, slug, (cost, hours) in [
        ("alice", "outlier", OUTLIER[:2]),
        ("charlie", "rival", RIVAL),
    ]:
        services.enrolment_set(
            actor=cast[user],
            service_slug="it-support",
            organisation_slug=slug,
            alone_cost=cost,
            hours_alone=hours,
            today=_last_month(),
        )
    return {**cast, "cora": coordinator}


def _read(user, url=PAGE):
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def _page(user, url=PAGE):
    return _read(user, url)[0]


def _section(page, id):
    """The HTML of the element with `id`, up to the end of its section."""
    start = page.index(f'id="{id}"')
    return page[start : page.index("</section>", start)]


def _without_tokens(page):
    """The page without its forms' CSRF tokens, masked afresh on each page."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def _tables(queries):
    """The table each query reads: its first column's, else the first after FROM."""
    return [
        (re.match(r'SELECT "(\w+)"\.', sql) or re.search(r'FROM "(\w+)"', sql)).group(1)
        for sql in queries
    ]


@pytest.mark.parametrize("url", ["/services/", PAGE])
def test_a_warm_read_asks_nothing_of_the_services(pool, url):
    """Five queries, the services' none; and the same page as the read that computed it."""
    _, cold = _read(pool["alice"], url)
    assert any("sharedservices_" in sql for sql in cold)
    for user in ("alice", "charlie", "cora"):
        first, _ = _read(pool[user], url)
        again, warm = _read(pool[user], url)
        assert _tables(warm) == WARM, warm
        assert _without_tokens(again) == _without_tokens(first)
    if url == PAGE:  # her form, with the cost she stated, rendered per request
        assert 'value="987.65"' in _page(pool["alice"])


def test_joining_through_the_page_shows_on_the_next_read(pool):
    pat = User.objects.create_user("pat", password="pw-pat-123")
    directory.organisation_create(name="Partner Co-op", slug="partner", admin=pat)
    before = _page(pool["charlie"])
    assert "Partner Co-op" not in _section(before, "schedule-next")
    assert "2 members" in _section(before, "schedule-next")
    listed = _page(pool["charlie"], "/services/")
    response = client_for(pat).post(
        "/services/it-support/partner/enrolment/", {"alone_cost": "750", "hours_alone": "4"}
    )
    assert response.status_code == 302
    after = _page(pool["charlie"])
    assert "Partner Co-op" in _section(after, "schedule-next")
    assert "3 members" in _section(after, "schedule-next")
    assert "750.00" not in after  # Partner's cost is Partner's
    assert _page(pool["charlie"], "/services/") != listed
    assert '<span class="tag">yours</span>' in _page(pat, "/services/")
    mine = _section(_page(pat), "panel-partner")
    assert "£750.00" in mine
    assert "Not enrolled this month" in mine


def test_a_restated_going_alone_cost_shows_on_the_next_read(pool):
    before = _page(pool["alice"])
    assert "going alone £987.65" in _section(before, "fee-next-outlier")
    coordinators = _page(pool["cora"])
    services.enrolment_set(
        actor=pool["alice"],
        service_slug="it-support",
        organisation_slug="outlier",
        alone_cost="900.50",
        hours_alone="30",
    )
    after = _page(pool["alice"])
    assert "going alone £900.50" in _section(after, "fee-next-outlier")
    assert "going alone £987.65" in _section(after, "fee-now-outlier")  # this month's stands
    assert 'value="900.50"' in after
    assert "£900.50" not in coordinators
    assert "£900.50" in _page(pool["cora"])
    assert "900.50" not in _page(pool["charlie"])


def test_leaving_shows_on_the_next_read(pool):
    assert "Rival Ltd" in _section(_page(pool["alice"]), "schedule-next")
    response = client_for(pool["charlie"]).post("/services/it-support/rival/leave/")
    assert response.status_code == 302
    after = _page(pool["alice"])
    assert "Rival Ltd" not in _section(after, "schedule-next")
    assert "Rival Ltd" in _section(after, "schedule-now")
    assert "Not enrolled next month." in _section(_page(pool["charlie"]), "panel-rival")


def test_the_months_fees_stored_show_on_the_next_read(cast, coordinator):
    """A month's fees stored (the fees and their shares written in bulk) show at once: the
    forecast becomes the fees fixed on that day."""
    two_back = _last_month().replace(day=1) - dt.timedelta(days=1)
    service = services.service_create(
        actor=coordinator, name="Books", fixed_cost="120", today=two_back
    )
    services.enrolment_set(
        actor=cast["alice"],
        service_slug="books",
        organisation_slug="outlier",
        alone_cost="400",
        today=two_back,
    )
    before = _section(_page(cast["alice"], "/services/books/"), "schedule-now")
    assert "fees fixed for the month</span>" in before  # a forecast: no date yet
    services.period_freeze(service)
    after = _section(_page(cast["alice"], "/services/books/"), "schedule-now")
    today = timezone.localdate()
    assert f"fees fixed for the month on {today.day} {today:%b %Y}</span>" in after


def test_a_new_membership_shows_on_the_next_read(pool):
    """The viewer's organisations and roles are kept too, under their own key."""
    dave = User.objects.create_user("dave", password="pw-dave-123")
    assert 'id="panel-outlier"' not in _page(dave)
    Membership.objects.create(user=dave, organisation=pool["outlier"], role=Membership.ADMIN)
    page = _page(dave)
    assert "£524.45" in _section(page, "panel-outlier")
    assert "/services/it-support/outlier/enrolment/" in page


def test_two_organisations_never_share_their_figures(pool):
    outlier = _page(pool["alice"])  # every part kept for Outlier
    assert all(private in outlier for private in OUTLIER)
    rival = _page(pool["charlie"])
    assert not [private for private in OUTLIER if private in rival]
    assert all(private in rival for private in RIVAL)
    again = _page(pool["alice"])  # and Rival's parts are kept now too
    assert not [private for private in RIVAL if private in again]
    # a member of Outlier who is not its admin: its figures, none of the admin's forms
    bob = _page(pool["bob"])
    assert "£524.45" in bob
    assert "37.25 billable hours" in bob
    assert "/services/it-support/outlier/enrolment/" not in bob
    assert not [private for private in RIVAL if private in bob]


def test_the_coordinators_rows_reach_no_one_else(pool):
    cora = _page(pool["cora"])
    assert all(private in cora for private in OUTLIER + RIVAL)
    assert 'id="optimal-pool-now"' in cora
    dave = User.objects.create_user("dave", password="pw-dave-123")
    outsider = _page(dave)
    assert not [private for private in OUTLIER + RIVAL if private in outsider]
    assert 'id="optimal-pool-now"' not in outsider
    assert "Edit the service" not in outsider
    assert "Edit the service" in cora


def test_no_form_nor_token_is_kept(pool):
    for user in ("alice", "bob", "charlie", "cora"):
        _page(pool[user])
        _page(pool[user], "/services/")
    kept = [
        pickle.loads(value)
        for key, value in cache._cache.items()  # the tests' cache: local memory
        if ":coopnet:kept:" in key
    ]
    assert len(kept) > 5
    for found in kept:
        assert "csrfmiddlewaretoken" not in repr(found)
        assert "<form" not in repr(found)


def test_the_month_turning_shows_without_a_write(pool, clock):
    """Nothing is written when a month begins: the month is part of every key. (A minute
    apart, so that nothing kept has expired.)"""
    this_month = pricing.current_period()
    turn = dt.datetime.combine(pricing.next_period(this_month), dt.time(0), dt.UTC)
    clock.move_to(turn - dt.timedelta(seconds=30), tick=False)
    assert f"This month ({this_month:%B %Y})" in _page(pool["alice"])
    clock.move_to(turn + dt.timedelta(seconds=30), tick=False)
    after = _page(pool["alice"])
    assert f"This month ({pricing.next_period(this_month):%B %Y})" in after
    assert f"This month ({this_month:%B %Y})" not in after
