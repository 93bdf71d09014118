"""Each partner's payout, worked by hand, as its own members read it: the cost of its own work
plus its share of the surplus, and why. Nobody else reads those parts: not the other partners,
not the poster, not an outsider, on the page or through the API.

The consortium. Dove Co-op (Dot) posts a job worth £10,000 that needs Elixir 4 for 40 hours,
UX 3 for 20 hours and Python 3 for 30 hours; the network's commission is 5% (£500), so the
partners share £9,500. Dove has no one with these skills; Elm (Eve) is an outsider.

    Alder (Amy)  Ann  Elixir 4   52.37/h  Abe  Python 3  47.59/h  coordination 105.20
    Birch (Bo)   Ben  UX 4       41.13/h                          coordination  17.40
    Cedar (Cid)  Cy   Python 4   29.83/h  Cal  UX 3      71.96/h  coordination   5.10

The cheapest consortium: Ann 40 h, Ben 20 h, Cy 30 h. Own costs:
    Alder 40 × 52.37 + 105.20 = 2,200.00   Birch 20 × 41.13 + 17.40 = 840.00
    Cedar 30 × 29.83 + 5.10 = 900.00       total 3,940.00, surplus v(ABC) = 9,500 - 3,940 = 5,560.00
Without Cedar, Abe does the Python: cost 2,200 + 840 + 30 × 47.59 = 4,467.70, v(AB) = 5,032.30.
Without Birch, Cal does the UX: cost 2,200 + 900 + 20 × 71.96 = 4,539.20, v(AC) = 4,960.80.
Without Alder nobody has Elixir: v(BC) = 0; alone, nobody can deliver: v(A) = v(B) = v(C) = 0.
Added values: Alder 5,560.00, Birch 5,560 - 4,960.80 = 599.20, Cedar 5,560 - 5,032.30 = 527.70.
Shapley: A = (v(AB) + v(AC) + 2 v(ABC)) / 6 = 21,113.10 / 6 = 3,518.85,
         B = (v(AB) + 2 (v(ABC) - v(AC))) / 6 = 6,230.70 / 6 = 1,038.45,
         C = (v(AC) + 2 (v(ABC) - v(AB))) / 6 = 6,016.20 / 6 = 1,002.70.
Not in the core: A + B get 4,557.30 < v(AB) = 5,032.30. So the nucleolus is paid: C's share
is squeezed between 0 and 5,560 - 5,032.30 = 527.70 and B's between 0 and 599.20; the
nucleolus puts each in the middle, C 263.85 and B 299.60, and A the rest, 4,996.55.
Payouts: Alder 2,200 + 4,996.55 = 7,196.55, Birch 840 + 299.60 = 1,139.60,
Cedar 900 + 263.85 = 1,163.85 (the Shapley payouts, not paid: 5,718.85, 1,878.45, 1,902.70).

The fewest-organisations alternative: Alder and Birch (Abe does the Python), own costs
2,200 + 30 × 47.59 = 3,627.70 for 70 hours and 840.00 for 20; the surplus 5,032.30 is shared
equally (neither delivers alone), 2,516.15 each, in the core: Alder 6,143.85, Birch 3,356.15.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from casts import client_for
from django.contrib.auth.models import User
from instants import TODAY

from coopnet.common.explanations import SHARE_REASONS
from coopnet.directory import services as directory
from coopnet.directory.models import Membership, NetworkSettings
from coopnet.opportunities import services
from coopnet.opportunities.models import Proposal, ProposalPartner
from coopnet.opportunities.payouts import NOT_KEPT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

D = Decimal
PEOPLE = [
    ("amy", "alder", "Ann", "52.37", {"elixir": 4}),
    ("amy", "alder", "Abe", "47.59", {"python": 3}),
    ("bo", "birch", "Ben", "41.13", {"ux-design": 4}),
    ("cid", "cedar", "Cy", "29.83", {"python": 4}),
    ("cid", "cedar", "Cal", "71.96", {"ux-design": 3}),
]
ORGANISATIONS = [
    ("amy", "Alder Co-op", "alder", "105.20"),
    ("bo", "Birch Co-op", "birch", "17.40"),
    ("cid", "Cedar Co-op", "cedar", "5.10"),
    ("dot", "Dove Co-op", "dove", "0"),
    ("eve", "Elm Co-op", "elm", "0"),
]
#: (hours, own cost, surplus share, payout, Shapley payout, added value), worked out above
CHEAPEST = {
    "alder": ("40.00", "2200.00", "4996.55", "7196.55", "5718.85", "5560.00"),
    "birch": ("20.00", "840.00", "299.60", "1139.60", "1878.45", "599.20"),
    "cedar": ("30.00", "900.00", "263.85", "1163.85", "1902.70", "527.70"),
}
FEWEST = {
    "alder": ("70.00", "3627.70", "2516.15", "6143.85", "6143.85", "5032.30"),
    "birch": ("20.00", "840.00", "2516.15", "3356.15", "3356.15", "5032.30"),
}
NAMES = {"alder": "Alder Co-op", "birch": "Birch Co-op", "cedar": "Cedar Co-op"}
ADMINS = {"amy": "alder", "bo": "birch", "cid": "cedar"}


@pytest.fixture
def network(db, skills):
    users = {
        name: User.objects.create_user(name, password=f"pw-{name}-123")
        for name in ("amy", "bo", "bea", "cid", "dot", "eve")
    }
    for admin, name, slug, coordination in ORGANISATIONS:
        directory.organisation_create(
            name=name, slug=slug, admin=users[admin], coordination_cost=D(coordination)
        )
    birch = users["bo"].memberships.get().organisation
    Membership.objects.create(user=users["bea"], organisation=birch, role=Membership.MEMBER)
    for admin, slug, name, rate, levels in PEOPLE:
        directory.person_create(
            actor=users[admin],
            organisation_slug=slug,
            name=name,
            hours_available=D("100"),
            cost_rate=D(rate),
            skills=levels,
        )
    NetworkSettings.objects.create(commission=D("0.05"))
    return users


@pytest.fixture
def proposed(network, clock):
    opportunity = services.opportunity_create(
        actor=network["dot"],
        organisation_slug="dove",
        title="Allotment bookings",
        client="Allotment society",
        value="10000",
        deadline=TODAY + dt.timedelta(days=90),
        requirements=[
            {"skill": "elixir", "min_level": 4, "hours": "40"},
            {"skill": "ux-design", "min_level": 3, "hours": "20"},
            {"skill": "python", "min_level": 3, "hours": "30"},
        ],
    )
    services.formation_start(actor=network["dot"], opportunity_id=opportunity.pk)
    return opportunity


def figures(proposal, slug):
    p = proposal.partners.get(organisation__slug=slug)
    return tuple(
        str(v)
        for v in (p.hours, p.own_cost, p.surplus_share, p.payout, p.shapley_payout, p.added_value)
    )


def money(amount):
    return f"£{D(amount):,.2f}"


def own_words(payout, own_cost, surplus, hours, solution):
    return (
        f"Its payout of {money(payout)} is the cost of its own work, {money(own_cost)} for "
        f"{D(hours):,.2f} hours of its people (and its coordination cost), plus "
        f"{money(surplus)} as its share of the surplus: {SHARE_REASONS[solution]}."
    )


def private(table, slug):
    """What only `slug`'s members may read: its own cost and its share of the surplus."""
    _, own_cost, surplus, *_ = table[slug]
    return [own_cost, surplus, f"{D(own_cost):,.2f}", f"{D(surplus):,.2f}"]


def planted(slug):
    """The rates and coordination costs of every organisation but `slug`."""
    rates = [rate for _, org, _, rate, _ in PEOPLE if org != slug]
    return rates + [c for _, _, org, c in ORGANISATIONS if org != slug and c != "0"]


def others_private(viewer_orgs):
    """The other partners' own costs and surplus shares, but for any equal to one of the
    viewer's own (two partners neither of whom delivers alone share the surplus equally)."""
    tables = (CHEAPEST, FEWEST)
    own = {v for t in tables for slug in t if slug in viewer_orgs for v in private(t, slug)}
    others = [v for t in tables for slug in t if slug not in viewer_orgs for v in private(t, slug)]
    return [v for v in others if v not in own]


# -- the figures ----------------------------------------------------------------------------


def test_every_payout_is_the_hand_worked_one(proposed):
    cheapest = proposed.proposals.get(kind=Proposal.CHEAPEST)
    fewest = proposed.proposals.get(kind=Proposal.FEWEST)
    assert {p.kind for p in proposed.proposals.all()} == {Proposal.CHEAPEST, Proposal.FEWEST}
    assert (cheapest.recommended, cheapest.in_core) == (Proposal.NUCLEOLUS, True)
    assert (fewest.recommended, fewest.in_core) == (Proposal.SHAPLEY, True)
    for proposal, table in ((cheapest, CHEAPEST), (fewest, FEWEST)):
        assert {p.organisation.slug for p in proposal.partners.all()} == set(table)
        for slug, expected in table.items():
            assert figures(proposal, slug) == expected, (proposal.kind, slug)
        partners = proposal.partners.all()
        assert sum(p.payout for p in partners) == D("9500.00")
        assert all(p.own_cost + p.surplus_share == p.payout for p in partners)


def test_reasons_and_the_skills_only_one_partner_brings(proposed):
    cheapest = proposed.proposals.get(kind=Proposal.CHEAPEST)
    rows = {p.organisation.slug: (p.reason, p.unique_skills) for p in cheapest.partners.all()}
    assert rows == {
        "alder": ("only_supplier", [{"skill": "elixir", "min_level": 4}]),
        "birch": ("others_costlier", []),
        "cedar": ("others_costlier", []),
    }


# -- the page -------------------------------------------------------------------------------


def page_of(user, opportunity):
    response = client_for(user).get(f"/opportunities/{opportunity.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def own_sections(page):
    return re.findall(r'<section class="own-payout".*?</section>', page, re.DOTALL)


@pytest.mark.parametrize(("name", "slug"), [*ADMINS.items(), ("bea", "birch")])
def test_a_partner_reads_its_own_payout_as_its_work_plus_its_surplus_share(
    network, proposed, name, slug
):
    page = page_of(network[name], proposed)
    sections = own_sections(page)
    solutions = [("nucleolus", CHEAPEST), ("shapley", FEWEST)]
    expected = [(s, table[slug]) for s, table in solutions if slug in table]
    assert len(sections) == len(expected)
    for section, (solution, row) in zip(sections, expected, strict=True):
        hours, own_cost, surplus, payout, _, _ = row
        assert f"{NAMES[slug]}'s payout, for its members only" in section
        assert f'<td class="num own-cost">{money(own_cost)}</td>' in section
        assert f'<td class="num surplus-share">{money(surplus)}</td>' in section
        assert f"<strong>{money(payout)}</strong>" in section
        words = own_words(payout, own_cost, surplus, hours, solution)
        assert words.replace("'", "&#x27;") in section
    for value in others_private({slug}) + planted(slug):
        assert value not in page, (name, value)


@pytest.mark.parametrize("name", ["dot", "eve"])
def test_the_poster_and_outsiders_read_no_partners_own_cost(network, proposed, name):
    response = client_for(network[name]).get(f"/opportunities/{proposed.pk}/")
    if name == "eve":
        assert response.status_code == 404
    page = response.content.decode()
    assert own_sections(page) == []
    for value in others_private(set()) + planted("dove"):
        assert value not in page, (name, value)


def test_by_default_a_reader_sees_none_of_the_other_partners_money(network, proposed):
    """Issue 11: a partner's cost would follow from its payout or added value beside one's
    own surplus share; so by default neither is shown to anyone outside it."""
    _, proposals = api_partners(network["bo"], proposed)
    for kind, partners in proposals.items():
        for org, partner in partners.items():
            shown = (partner["payout"], partner["added_value"], partner["explanation"])
            assert (None in shown) is (org != "birch"), (kind, org)
    page = page_of(network["dot"], proposed)
    assert "Without " not in page
    assert "<svg" not in page


def test_everyone_reads_each_payout_and_why_in_one_payout_column(
    network, proposed, full_partner_view
):
    """When the network shows the others' money (`NetworkSettings.FULL`)."""
    page = page_of(network["dot"], proposed)
    cheapest, fewest = (
        page.split('<article id="proposal-')[1],
        page.split('<article id="proposal-')[2],
    )
    assert "Shapley payout (not paid)" in cheapest
    assert "Shapley payout" not in fewest
    assert "Shapley share" not in page
    for slug, (hours, _, _, payout, shapley, added) in CHEAPEST.items():
        split = cheapest.split('<table class="data split">')[1]
        row = split.split(f"<td>{NAMES[slug]}</td>")[1].split("</tr>")[0]
        assert f'data-label="Hours">{int(D(hours))}\N{NO-BREAK SPACE}h</td>' in row  # whole hours
        for amount in (payout, shapley, added):
            assert money(amount) in row, (slug, amount)
    assert (
        "Without Alder Co-op the consortium would earn £5,560.00 less: nobody else in it has "
        "Elixir (level 4+)."
    ) in cheapest
    assert (
        "Without Birch Co-op the consortium would earn £599.20 less: the others could cover "
        "its work, but at a higher cost."
    ) in cheapest
    assert (
        "Without Birch Co-op the consortium would earn £5,032.30 less: nobody else in it has "
        "Ux-Design (level 3+)."
    ) in fewest


def test_the_words_follow_the_networks_currency_when_shown(
    network, proposed, settings, full_partner_view
):
    settings.COOPNET_CURRENCY = "EUR"
    page = page_of(network["bo"], proposed)
    assert "Without Birch Co-op the consortium would earn €599.20 less" in page
    assert "Its payout of €1,139.60 is the cost of its own work, €840.00" in page
    assert "£" not in page


# -- the API --------------------------------------------------------------------------------


def api_partners(user, opportunity):
    response = client_for(user).get(f"/api/opportunities/{opportunity.pk}/proposals")
    assert response.status_code == 200
    return response, {
        p["kind"]: {q["organisation"]: q for q in p["partners"]} for p in response.json()
    }


@pytest.mark.parametrize(("name", "slug"), [*ADMINS.items(), ("bea", "birch")])
def test_the_api_sends_a_partner_its_own_payouts_parts_only(
    network, proposed, name, slug, full_partner_view
):
    """Even when the network shows the others' payouts and added values (`FULL`)."""
    response, proposals = api_partners(network[name], proposed)
    for kind, solution, table in (
        ("cheapest", "nucleolus", CHEAPEST),
        ("fewest_organisations", "shapley", FEWEST),
    ):
        assert (kind in proposals) is (slug in table)  # a partner sees its proposals only
        for org, partner in proposals.get(kind, {}).items():
            hours, own_cost, surplus, payout, shapley, added = table[org]
            paid_shapley = None if solution == "shapley" else shapley
            assert (partner["hours"], partner["payout"], partner["added_value"]) == (
                hours,
                payout,
                added,
            )
            assert partner["shapley_payout"] == paid_shapley
            if org != slug:
                assert partner["own"] is None, (kind, org)
                continue
            assert partner["own"] == {
                "own_cost": own_cost,
                "surplus_share": surplus,
                "explanation": own_words(payout, own_cost, surplus, hours, solution),
            }
    body = response.content.decode()
    for value in others_private({slug}) + planted(slug):
        assert value not in body, (name, value)


def test_the_api_sends_the_poster_no_partners_own_cost(network, proposed, full_partner_view):
    response, proposals = api_partners(network["dot"], proposed)
    assert all(p["own"] is None for partners in proposals.values() for p in partners.values())
    birch = proposals["cheapest"]["birch"]
    assert (birch["reason"], birch["unique_skills"]) == ("others_costlier", [])
    alder = proposals["cheapest"]["alder"]
    assert alder["unique_skills"] == [{"skill": "elixir", "min_level": 4}]
    body = response.content.decode()
    for value in others_private(set()) + planted("dove"):
        assert value not in body, value


# -- rows stored before the facts were kept -------------------------------------------------


def test_rows_stored_as_words_show_them_and_no_breakdown(network, proposed):
    cheapest = proposed.proposals.get(kind=Proposal.CHEAPEST)
    old = "Without Birch Co-op the consortium would earn £599.20 less (as it was written)."
    ProposalPartner.objects.filter(proposal=cheapest, organisation__slug="birch").update(
        reason="", legacy_explanation=old, own_cost=None, surplus_share=None
    )
    page = page_of(network["bo"], proposed)
    assert old in page
    assert NOT_KEPT.replace("'", "&#x27;") in page
    _, proposals = api_partners(network["bo"], proposed)
    birch = proposals["cheapest"]["birch"]
    assert (birch["explanation"], birch["reason"]) == (old, "")
    assert birch["own"] == {"own_cost": None, "surplus_share": None, "explanation": NOT_KEPT}
