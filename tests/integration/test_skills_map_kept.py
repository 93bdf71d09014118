"""Issue 12: the skills map page (/skills/) keeps its parts until the next change
(`derived.kept`): a warm read sends a handful of small queries and renders no table or chart;
a change made through the services shows on the next read; and what the page shows one viewer
only (the coordinator's link, their organisations, the sessions they may see, the filter and
page they asked for) is never served to another. These tests commit for real (transactional),
as the server does, so that the network's version changes as it does there."""

import datetime as dt
import re

import pytest
from casts import client_for, share
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from instants import ORDINARY, TODAY

from coopnet.common import derived
from coopnet.directory.models import Organisation, Person, Skill
from coopnet.mentoring import selectors
from coopnet.mentoring import services as mentoring
from coopnet.opportunities.services import opportunity_create

pytestmark = pytest.mark.django_db(transaction=True)

#: what a warm read asks the database: the session, the user (with whether they are the
#: coordinator and their first organisation), the network's version, and the viewer's
#: organisations (the view's)
WARM_QUERIES = ["django_session", "auth_user", "directory_membership"]


@pytest.fixture
def still(time_machine):
    """The clock stands still on an ordinary day: the score over time ends now, so two reads
    compared whole must be at the same instant."""
    time_machine.move_to(ORDINARY, tick=False)
    return time_machine


@pytest.fixture
def lasting(monkeypatch):
    """What is kept outlasts the clock's jumps (it would expire after an hour): only the keys
    tell a page then that time has passed."""
    monkeypatch.setattr(derived, "CACHE_SECONDS", 10 * 366 * 24 * 3600)


def _post(cast, actor, organisation, skill, hours):
    return opportunity_create(
        actor=cast[actor],
        organisation_slug=organisation,
        title=f"{organisation} asks for {skill}",
        value="5000",
        deadline=TODAY + dt.timedelta(days=30),
        requirements=[{"skill": skill, "min_level": 3, "hours": hours}],
    )


@pytest.fixture
def fortran(consortium_cast, still):
    """Fortran, which no one holds, asked for by shared opportunities of Outlier, Rival and
    Partner (43 hours): the only demanded skill, at risk."""
    Skill.objects.create(slug="fortran", name="Fortran")
    partner, rival = consortium_cast["partner"], Organisation.objects.get(slug="rival")
    share(_post(consortium_cast, "alice", "outlier", "fortran", "33"), partner)
    share(_post(consortium_cast, "charlie", "rival", "fortran", "7"), partner)
    share(_post(consortium_cast, "pat", "partner", "fortran", "3"), rival)
    return consortium_cast


def _page(user, query=""):
    client = user if hasattr(user, "get") else client_for(user)
    response = client.get(f"/skills/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _without_csrf(page):
    """The page but its CSRF token (the sign-out form's), which is new on every request."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def _fortran_row(page):
    table = page.split('id="skills-map"')[1].split("</table>")[0]
    row = table.split("<td>Fortran")[1].split("</tr>")[0]
    return re.search(r'data-label="Bus factor">(\d+)<', row).group(1), "at risk" in row


def _tables(queries):
    """The table each query reads: its first column's, else the first after FROM."""
    found = (
        re.match(r'SELECT "(\w+)"\.', q["sql"]) or re.search(r'FROM "(\w+)"', q["sql"])
        for q in queries
    )
    return [match.group(1) for match in found]


def test_a_warm_read_sends_three_small_queries(fortran):
    alice = client_for(fortran["alice"])
    cold = _page(alice)
    with CaptureQueriesContext(connection) as queries:
        warm = _page(alice)
    assert _tables(queries) == WARM_QUERIES, [q["sql"] for q in queries]
    assert _without_csrf(warm) == _without_csrf(cold)
    assert _fortran_row(warm) == ("0", True)


def test_a_warm_read_renders_no_part_of_the_page_again(fortran, monkeypatch):
    """The tables and charts come from the cache: rendering them again would fail here."""
    alice = fortran["alice"]
    cold = _page(alice, "?show=all")
    rendered = []
    from coopnet.mentoring import views

    def refuse(template, *args, **kwargs):
        rendered.append(template)
        raise AssertionError(f"{template} rendered again")

    monkeypatch.setattr(views, "render_to_string", refuse)
    assert _without_csrf(_page(alice, "?show=all")) == _without_csrf(cold)
    assert rendered == []


def test_a_changed_level_shows_on_the_next_read(fortran):
    """Through the service an admin uses: the bus factor, the at-risk mark, the score and
    its history (a new snapshot) change at once."""
    alice, pat = fortran["alice"], fortran["pat"]
    before = _page(alice)
    assert _page(alice) == before or _fortran_row(_page(alice)) == ("0", True)  # warm
    assert 'id="network-score">100%<' in before
    assert "No score has been recorded yet" in before
    grace = Person.objects.get(name="Grace Hopper")
    mentoring.level_change_record(actor=pat, person_id=grace.pk, skill="fortran", level=4)
    after = _page(alice)
    assert _fortran_row(after) == ("1", True)
    assert 'id="network-score">100%<' in after  # one holder: still at risk
    assert "No score has been recorded yet" not in after
    assert after.count("<circle") == 2  # the snapshot and now
    ada = Person.objects.get(name="Ada Lovelace")
    mentoring.level_change_record(actor=alice, person_id=ada.pk, skill="fortran", level=3)
    latest = _page(alice)
    assert _fortran_row(latest) == ("2", False)
    assert 'id="network-score">0%<' in latest
    assert 'id="at-risk-count">0<' in latest
    assert latest.count("<circle") == 3


def test_a_recorded_session_shows_on_the_next_read_of_those_who_may_see_it(fortran, coordinator):
    pat, dee = fortran["pat"], fortran["dee"]
    for user in (coordinator, pat, dee):
        assert "No session recorded yet" in _page(user)
    grace = Person.objects.get(name="Grace Hopper")
    linus = Person.objects.get(name="Linus Torvalds")
    mentoring.session_record(
        actor=pat,
        mentor_id=grace.pk,
        learner_id=linus.pk,
        skill="ux-design",
        hours="2.5",
        date=TODAY,
    )
    assert 'id="months-chart-title"' in _page(coordinator)
    assert 'id="months-chart-title"' in _page(pat)
    assert "No session recorded yet for your organisations." in _page(dee)


def test_the_coordinator_and_a_member_do_not_share_what_differs(fortran, coordinator):
    compute = '<a href="/skills/plan/">Compute one</a>'
    dee, alice = fortran["dee"], fortran["alice"]
    theirs = _page(coordinator)
    assert compute in theirs
    assert "Your organisation's own map" not in theirs
    for user, own, other in ((dee, "distant", "outlier"), (alice, "outlier", "distant")):
        page = _page(user)
        assert compute not in page
        assert f'href="/skills/organisations/{own}/"' in page
        assert f'href="/skills/organisations/{other}/"' not in page
    assert compute in _page(coordinator)  # read warm, after the others


def test_the_organisations_chart_keeps_each_viewers_own(fortran):
    from coopnet.directory import services as directory

    for n in range(30):
        directory.organisation_create(name=f"Extra {n:02}", slug=f"extra-{n:02}", admin=None)
    labels = re.compile(r'text-anchor="end"[^>]*>([^<]+)<')

    def chart(user):
        page = _page(user)
        return labels.findall(page.split('id="organisations-chart-title"')[1].split("</svg>")[0])

    assert "Distant Co-op" not in chart(fortran["alice"])
    assert chart(fortran["dee"])[0] == "Distant Co-op"
    assert "Distant Co-op" not in chart(fortran["alice"])  # warm


QUERIES = [
    "",
    "?page=2",
    "?show=all",
    "?show=all&page=2",
    "?show=all&page=99",
    "?show=at-risk",
    "?q=skill+0",
    "?q=Skill%20%200&page=abc",
    "?q=Skill&x=1&show=all&page=2",
    "?show=bad",
]


def test_each_filter_and_page_is_kept_apart(fortran, coordinator):
    """Read one after the other, every viewer's every page is the one drawn alone, on a cold
    cache: no two share a key that should not."""
    from coopnet.directory import services as directory

    made = Skill.objects.bulk_create(
        Skill(slug=f"skill-{n:03}", name=f"Skill {n:03}") for n in range(120)
    )
    grace = Person.objects.get(name="Grace Hopper")
    held = {"ux-design": 4, **{s.slug: 1 + n % 5 for n, s in enumerate(made)}}
    directory.person_update(actor=fortran["pat"], person_id=grace.pk, skills=held)
    assert 'rel="next"' in _page(coordinator, "?show=all")  # three pages
    nobody = User.objects.create_user("nobody", password="pw-nobody-123")
    viewers = [coordinator, fortran["alice"], fortran["dee"], nobody]
    warm = {(u.pk, q): _without_csrf(_page(u, q)) for u in viewers for q in QUERIES}
    for (pk, query), page in warm.items():
        cache.clear()
        derived.forget()
        assert page == _without_csrf(_page(User.objects.get(pk=pk), query)), (pk, query)


def test_the_kept_page_moves_on_with_the_demand_window(fortran, still, lasting):
    """No write, but a year on Fortran's demand has left the window: the page says so."""
    alice = fortran["alice"]
    page = _page(alice)
    assert _fortran_row(page) == ("0", True)
    assert 'id="at-risk-count">1<' in page
    assert 'id="demand-chart-title"' in page
    still.shift(dt.timedelta(days=selectors.DEMAND_DAYS, hours=1))
    page = _page(alice)
    assert 'id="skills-map"' not in page
    assert "Nothing demanded yet." in page
    assert 'id="at-risk-count">0<' in page
    assert 'id="demand-chart-title"' not in page


def test_the_score_over_time_ends_now_at_every_read(fortran, still, lasting):
    """No write: the chart's last point is now, its last date today's; the points before it
    move left as time passes."""
    grace = Person.objects.get(name="Grace Hopper")
    mentoring.level_change_record(
        actor=fortran["pat"], person_id=grace.pk, skill="fortran", level=4
    )
    still.shift(dt.timedelta(days=10))
    mentoring.level_change_record(
        actor=fortran["pat"], person_id=grace.pk, skill="fortran", level=5
    )
    alice = client_for(fortran["alice"])
    circles = re.compile(r'<circle cx="([\d.]+)"')

    def chart():
        page = _page(alice)
        drawn = page.split('id="history-chart-title"')[1].split("</svg>")[0]
        return circles.findall(drawn), re.findall(r'font-size="12" fill="#5b6770">([^<]+)<', drawn)

    points, labels = chart()
    assert points == ["48.0", "664.0", "664.0"]  # the second snapshot is now
    assert labels[-2:] == ["17 Jun 2026", "27 Jun 2026"]
    still.shift(dt.timedelta(minutes=30))
    points, labels = chart()
    assert points == ["48.0", "662.7", "664.0"]  # 616 px x 240 h / 240.5 h from the left
    assert labels[-2:] == ["17 Jun 2026", "27 Jun 2026"]
    still.shift(dt.timedelta(days=10) - dt.timedelta(minutes=30))
    points, labels = chart()
    assert points == ["48.0", "356.0", "664.0"]
    assert labels[-2:] == ["17 Jun 2026", "07 Jul 2026"]
