"""Issue 12: an organisation's profile is computed once per change, not per request. What it
shows every viewer (the organisation, a page of its people, its panels: past consortia and
shared services) is kept per organisation, page and day; the one thing that differs between
viewers, the link to the organisation's own pages for its members, is decided from the viewer's
organisations, kept under their own id. These tests commit for real (transactional), as the
server does, so that the network's version changes as it does there: a warm read reads none of
the profile's data, a change made through the services shows on the next read, the month's
turn shows without a change, and no viewer sees what another's rights show."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import client_for
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopnet.common import derived
from coopnet.directory import services as directory
from coopnet.directory.models import Membership, Person
from coopnet.opportunities.services import opportunity_title_consent
from coopnet.sharedservices import pricing
from coopnet.sharedservices import services as sharedservices

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

MEMBERS_LINK = 'href="/organisations/outlier/manage/">People and capacity</a>'
#: the tables a profile's own data comes from (the people, their skills, the panels')
PROFILE_TABLES = (
    '"directory_person',
    'FROM "directory_organisation"',
    '"opportunities_',
    '"sharedservices_',
    '"offerings_',
)


def _read(client, path="/organisations/outlier/"):
    """The page's HTML and the SQL of its request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def _it_support(coordinator, actor, slug):
    """IT support, which `slug` joined last month (so it is in the service this month)."""
    sharedservices.service_create(
        actor=coordinator,
        name="IT support",
        fixed_cost="300",
        per_member_cost="20",
        unit_cost="600",
        members_per_unit=2,
    )
    sharedservices.enrolment_set(
        actor=actor,
        service_slug="it-support",
        organisation_slug=slug,
        alone_cost="700",
        hours_alone="10",
        today=pricing.current_period() - dt.timedelta(days=1),
    )


def test_a_warm_read_reads_nothing_of_the_profile(consortium_cast):
    charlie = client_for(consortium_cast["charlie"])
    _, cold = _read(charlie)
    assert any("directory_person" in sql for sql in cold)
    page, warm = _read(charlie)
    assert "Ada Lovelace" in page
    # the session, its user (with what the navigation asks of it and the network's version):
    # the floor of every signed-in page, and nothing else
    assert len(warm) == 2, warm
    assert "common_derivedversion" in warm[1]
    assert not [sql for sql in warm if any(table in sql for table in PROFILE_TABLES)]


def test_a_cold_read_reads_each_part_of_the_profile_in_one_query(consortium_cast, form_contract):
    """The organisation with its number of people, its past consortia, its services this
    month, its offerings and its first page of people: one query each, whatever their numbers
    (people with one skill and with two; a consortium of two partners, read once a first query
    finds one)."""

    def profile_queries():
        page, cold = _read(dee, "/organisations/partner/")
        assert "Linus Torvalds" in page
        profile = [sql for sql in cold if any(table in sql for table in PROFILE_TABLES)]
        # besides: the floor (the session, its user with the network's version) and the
        # viewer's organisations (read again after a change)
        assert len(cold) == 3 + len(profile), cold
        return page, profile

    dee = client_for(consortium_cast["dee"])
    page, queries = profile_queries()
    assert "Partner Co-op has not formed a consortium yet." in page
    assert len(queries) == 5, queries
    form_contract()
    page, queries = profile_queries()
    assert '<td data-label="Partners">Outlier Co-op, Partner Co-op</td>' in page
    assert len(queries) == 6, queries


def test_another_viewer_reads_only_their_organisations(consortium_cast):
    _read(client_for(consortium_cast["charlie"]))
    page, first = _read(client_for(consortium_cast["bob"]))
    assert MEMBERS_LINK in page
    assert not [sql for sql in first if any(table in sql for table in PROFILE_TABLES)]
    assert len([sql for sql in first if "directory_membership" in sql]) == 2  # theirs, the nav's


def test_every_page_of_people_is_kept_apart(consortium_cast):
    for number in range(30):
        directory.person_create(
            actor=consortium_cast["alice"],
            organisation_slug="outlier",
            name=f"Zed {number:02}",
            hours_available=Decimal("1"),
            cost_rate=Decimal("1"),
            skills={"python": 2},
        )
    charlie = client_for(consortium_cast["charlie"])
    first, _ = _read(charlie)
    assert "People 1–25 of 31." in first
    assert "Zed 24" not in first
    for path in ("/organisations/outlier/?page=2", "/organisations/outlier/?page=9"):
        second, _ = _read(charlie, path)
        assert "People 26–31 of 31." in second
        assert "Zed 29" in second
        assert "Ada" not in second
        assert 'href="?page=1" rel="prev"' in second
    again, warm = _read(charlie, "/organisations/outlier/?page=2&sort=x")
    assert 'href="?page=1&amp;sort=x" rel="prev"' in again  # the rest of the query kept
    assert not [sql for sql in warm if "directory_person" in sql]
    assert "Zed 24" not in _read(charlie)[0]


def test_a_person_added_shows_on_the_next_read(consortium_cast):
    charlie = client_for(consortium_cast["charlie"])
    assert "Hedy Lamarr" not in _read(charlie)[0]
    directory.person_create(
        actor=consortium_cast["alice"],
        organisation_slug="outlier",
        name="Hedy Lamarr",
        hours_available=Decimal("10"),
        cost_rate=Decimal("50"),
        skills={"python": 5},
    )
    page, _ = _read(charlie)
    assert "Hedy Lamarr" in page
    assert 'title="level 5 of 5">5</span>' in page
    directory.person_delete(
        actor=consortium_cast["alice"], person_id=Person.objects.get(name="Hedy Lamarr").pk
    )
    assert "Hedy Lamarr" not in _read(charlie)[0]


def test_a_consortium_formed_shows_on_the_next_read(consortium_cast, form_contract):
    dee = client_for(consortium_cast["dee"])
    assert "Outlier Co-op has not formed a consortium yet." in _read(dee)[0]
    assert "Partner Co-op has not formed" in _read(dee, "/organisations/partner/")[0]
    contract = form_contract()
    for slug in ("outlier", "partner"):
        page, _ = _read(dee, f"/organisations/{slug}/")
        assert '<span class="muted">Not made public by its poster</span>' in page
        assert '<td data-label="Partners">Outlier Co-op, Partner Co-op</td>' in page
        assert "12,000" not in page
        assert "12000" not in page
    opportunity_title_consent(
        actor=consortium_cast["alice"], opportunity_id=contract.opportunity_id, public=True
    )
    assert "<td>Booking system</td>" in _read(dee, "/organisations/partner/")[0]


def test_a_service_joined_shows_on_the_next_read_and_one_left_goes_with_the_month(
    consortium_cast, coordinator, clock
):
    # two minutes before the month ends: the next month begins within the cache's hour
    month_end = pricing.next_period(pricing.current_period()) - dt.timedelta(days=1)
    clock.move_to(dt.datetime.combine(month_end, dt.time(23, 58), tzinfo=dt.UTC))
    dee = client_for(consortium_cast["dee"])
    assert "is not in any of the network's shared services this month" in _read(dee)[0]
    _it_support(coordinator, consortium_cast["alice"], "outlier")
    assert 'href="/services/it-support/">IT support</a>' in _read(dee)[0]
    sharedservices.enrolment_leave(
        actor=consortium_cast["alice"], service_slug="it-support", organisation_slug="outlier"
    )
    assert "IT support" in _read(dee)[0]  # it stays in until the month ends
    token = derived.token()
    clock.shift(dt.timedelta(minutes=3))
    assert "is not in any of the network's shared services this month" in _read(dee)[0]
    assert derived.token() == token  # no change: the new month alone


def test_an_outsider_never_sees_the_members_link(consortium_cast):
    """Whoever reads first, the link to Outlier's own pages shows its members only; what
    the profile keeps for everyone holds no private figure."""
    alice, bob = client_for(consortium_cast["alice"]), client_for(consortium_cast["bob"])
    charlie, pat = client_for(consortium_cast["charlie"]), client_for(consortium_cast["pat"])
    for first, second in ((alice, charlie), (pat, bob)):
        cache.clear()
        derived.forget()
        before, _ = _read(first)
        after, _ = _read(second)
        member, outsider = (before, after) if first is alice else (after, before)
        assert MEMBERS_LINK in member
        assert MEMBERS_LINK not in outsider
        assert "/organisations/outlier/manage/" not in outsider
        for secret in consortium_cast["planted"]:
            assert secret not in outsider
    # the viewers' organisations are kept apart, each under its own account
    prefix = f"coopnet:kept:network:{derived.token()}:directory:member-of"
    outlier = consortium_cast["outlier"].pk
    assert outlier in cache.get(f"{prefix}:{consortium_cast['bob'].pk}").value
    assert outlier not in cache.get(f"{prefix}:{consortium_cast['pat'].pk}").value


def test_a_member_who_leaves_loses_the_link_on_the_next_read(consortium_cast):
    bob = client_for(consortium_cast["bob"])
    assert MEMBERS_LINK in _read(bob)[0]
    Membership.objects.filter(user=consortium_cast["bob"]).delete()
    assert MEMBERS_LINK not in _read(bob)[0]


def test_no_such_organisation_is_a_404_and_keeps_nothing(consortium_cast):
    charlie = client_for(consortium_cast["charlie"])
    assert charlie.get("/organisations/nowhere/").status_code == 404
    today = timezone.localdate().isoformat()
    key = f"coopnet:kept:network:{derived.token()}:directory:profile-shown:nowhere:{today}"
    assert cache.get(key) is None
