"""Issue 11, inference leak 3: a partner's cost must not follow from what another partner reads.

A partner's payout is the cost of its own work plus its surplus share: payout_i = c_i + φ_i.
Each partner always reads its own payout, cost, surplus share and added value. What it reads
of the others is the network's `partner_view` setting (`NetworkSettings.PARTNER_VIEWS`).

Why the default shows nothing of the others' money: when every partner is essential (nobody
could deliver without each of them, the usual reason to form a consortium), the Shapley value
gives each the same surplus share, so a partner B that reads any other partner A's payout
gets c_A = payout_A − φ_B from its own φ_B; with two partners, the contract's value alone
gives it too (c_A = D − c_B − 2φ_B, D the value less what is taken off the top). With added
values shown, c_A = payout_A − added_A / 2 for two partners (the issue's finding).

The attack: gather every number partner B can read through the API and the pages (the
opportunity, its proposals, the run, the books' contract), and try to find partner A's planted
`own_cost` among them and among simple linear combinations of them (x ± y, x ± y/2, x − 2y,
x − y − z, x − y − 2z). Two consortia: two partners, and three.
"""

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from casts import client_for, send
from instants import TODAY

from coopnet.books.models import Contract
from coopnet.directory import services as directory
from coopnet.directory.models import NetworkSettings, Skill
from coopnet.opportunities import services
from coopnet.opportunities.models import Proposal, ProposalPartner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

#: a number standing alone: digits run into letters are not figures but parts of words, names
#: and random tokens (a form's CSRF token, whose digits change with every page and once made
#: a sum below hit a cost by coincidence)
NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?!\w)")
#: a month's name, in full or cut short ("February", "Feb", "Sept")
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
#: dates and times, wherever they are written: not figures anyone could solve with (their
#: parts would otherwise join the sums below and, on some days, hit a cost by coincidence)
DATES = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    rf"|\b\d{{1,2}} {_MONTHS} \d{{4}}\b"
    rf"|\b{_MONTHS} \d{{1,2}},? \d{{4}}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
)
#: ids, in addresses ("/opportunities/runs/37/") and in the API's fields ("id": 37,
#: "proposal_id": 12): they grow with the rows a run has made, and on a long run one of them
#: joined the sums below and hit a cost by coincidence; nobody solves for a cost with an id
IDS = re.compile(r"/[\w./-]*\d[\w./-]*/|\"\w*id\":\s*\d+")
CENT = Decimal("0.01")
HALF, TWO = Decimal("0.5"), Decimal(2)


def _numbers(text):
    found = set()
    for match in NUMBER.findall(IDS.sub(" ", DATES.sub(" ", text))):
        value = Decimal(match.replace(",", ""))
        if abs(value) >= 1:  # ids, levels and dates' parts are small; costs are not
            found.add(value)
    return found


def _derivable(numbers):
    """The numbers, and their simple linear combinations, to the cent."""
    values = sorted(numbers)
    found = {v.quantize(CENT) for v in values}
    for x, y in itertools.permutations(values, 2):
        for combination in (x + y, x - y, x - y * HALF, x + y * HALF, x - TWO * y):
            found.add(combination.quantize(CENT))
    for x, y, z in itertools.permutations(values, 3):
        found.add((x - y - z).quantize(CENT))
        found.add((x - y - TWO * z).quantize(CENT))
    return found


def _readable(client, opportunity):
    """Everything `client` may read about `opportunity`, through the API and the pages."""
    urls = [
        "/api/opportunities",
        f"/api/opportunities/{opportunity.pk}",
        f"/api/opportunities/{opportunity.pk}/proposals",
        "/opportunities/",
        f"/opportunities/{opportunity.pk}/",
    ]
    urls += [f"/api/opportunities/runs/{run.pk}" for run in opportunity.runs.all()]
    urls += [f"/opportunities/runs/{run.pk}/progress/" for run in opportunity.runs.all()]
    contract = Contract.objects.filter(proposal__opportunity=opportunity).first()
    if contract is not None:
        urls += ["/api/books/contracts", f"/api/books/contracts/{contract.pk}"]
        urls += ["/books/", f"/books/contracts/{contract.pk}/"]
    numbers = set()
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            numbers |= _numbers(response.content.decode())
    return numbers


def _set_view(view):
    row = NetworkSettings.objects.order_by("pk").first()
    row.partner_view = view
    row.save(update_fields=["partner_view"])


def _form(opportunity, admins):
    services.formation_start(actor=admins[0], opportunity_id=opportunity.pk)
    proposal = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    for admin in admins:
        services.proposal_decide(actor=admin, proposal_id=proposal.pk, accept=True)
    return proposal


@pytest.fixture
def two_partners(consortium_cast, post_opportunity):
    """Outlier (the poster: Ada, Elixir) and Partner Co-op (Grace, UX), each essential."""
    opportunity = post_opportunity()
    proposal = _form(opportunity, [consortium_cast["alice"], consortium_cast["pat"]])
    return {"opportunity": opportunity, "proposal": proposal, "reader": consortium_cast["pat"]}


@pytest.fixture
def three_partners(consortium_cast, post_opportunity):
    """Outlier (the poster: Elixir), Partner Co-op (UX) and Distant (Fortran), each essential."""
    Skill.objects.create(slug="fortran", name="Fortran")
    directory.person_create(
        actor=consortium_cast["dee"],
        organisation_slug="distant",
        name="Fran Allen",
        hours_available=Decimal("64.00"),
        cost_rate=Decimal("88.19"),
        skills={"fortran": 4},
    )
    opportunity = post_opportunity(
        requirements=[
            {"skill": "elixir", "min_level": 4, "hours": "40"},
            {"skill": "ux-design", "min_level": 3, "hours": "20"},
            {"skill": "fortran", "min_level": 3, "hours": "15"},
        ],
        value="19000",
        deadline=TODAY + dt.timedelta(days=90),
    )
    admins = [consortium_cast[name] for name in ("alice", "pat", "dee")]
    proposal = _form(opportunity, admins)
    assert proposal.partners.count() == 3
    return {"opportunity": opportunity, "proposal": proposal, "reader": consortium_cast["pat"]}


def _others_costs(proposal, reader):
    reader_orgs = set(reader.memberships.values_list("organisation_id", flat=True))
    others = ProposalPartner.objects.filter(proposal=proposal).exclude(organisation__in=reader_orgs)
    return {p.organisation.slug: p.own_cost for p in others}


@pytest.mark.parametrize("consortium", ["two_partners", "three_partners"])
def test_no_partners_cost_follows_from_what_another_partner_reads(consortium, request):
    world = request.getfixturevalue(consortium)
    assert NetworkSettings.objects.get().partner_view == NetworkSettings.OWN_ONLY
    reader = client_for(world["reader"])
    derivable = _derivable(_readable(reader, world["opportunity"]))
    for slug, cost in _others_costs(world["proposal"], world["reader"]).items():
        assert cost > 0
        assert cost.quantize(CENT) not in derivable, f"{slug}'s cost {cost} follows"


@pytest.mark.parametrize("consortium", ["two_partners", "three_partners"])
@pytest.mark.parametrize("view", ["payouts", "full"])
def test_showing_the_others_money_gives_their_costs_away(consortium, view, request):
    """Why the default shows none of the others' money: the attack finds their costs when the
    network chooses to show more (the settings say so)."""
    world = request.getfixturevalue(consortium)
    _set_view(view)
    derivable = _derivable(_readable(client_for(world["reader"]), world["opportunity"]))
    costs = _others_costs(world["proposal"], world["reader"])
    assert any(cost.quantize(CENT) in derivable for cost in costs.values())


def test_a_partner_still_reads_its_own_figures_and_the_others_hours(two_partners):
    proposals = client_for(two_partners["reader"]).get(
        f"/api/opportunities/{two_partners['opportunity'].pk}/proposals"
    )
    [formed] = [p for p in proposals.json() if p["status"] == "formed"]
    partners = {p["organisation"]: p for p in formed["partners"]}
    own = partners["partner"]
    figures = (own["payout"], own["added_value"], *own["own"].values())
    assert None not in figures
    other = partners["outlier"]
    assert other["hours"] == "40.00"
    assert (other["payout"], other["added_value"], other["explanation"]) == (None, None, None)
    assert formed["value"] is None  # with the reader's own figures, the value gives A's cost


def test_the_coordinator_sets_what_partners_see(consortium_cast, coordinator):
    assert NetworkSettings().partner_view == NetworkSettings.OWN_ONLY  # the safe default
    url = "/api/network/partner-view"
    cora = client_for(coordinator)
    assert send(cora, "put", url, {"partner_view": "payouts"}).json() == {"partner_view": "payouts"}
    assert NetworkSettings.objects.get().partner_view == NetworkSettings.PAYOUTS
    refused = send(cora, "put", url, {"partner_view": "everything"})
    assert refused.status_code == 422
    assert "partner_view" in refused.content.decode()
    assert (
        send(client_for(consortium_cast["alice"]), "put", url, {"partner_view": "full"}).status_code
        == 404
    )
    assert NetworkSettings.objects.get().partner_view == NetworkSettings.PAYOUTS
