"""The commission policy and the finder's fee on the platform (spec §4): the coordinator sets
them, each opportunity keeps them from when it was posted (exemptions applied), the coordinator
may override one opportunity's commission until a consortium is proposed, and the proposals
share what is left once both are taken off the top.

The case: Dee's Distant Co-op brought the client for a £12,000 booking system but has too few
Elixir hours to take part; Outlier and Partner Co-op deliver it. The policy is 5% + £250 within
£500..£5,000, so the commission is 600 + 250 = £850.00; the finder's fee is 2%, £240.00, to
Distant; the partners share 12,000 - 850 - 240 = £10,910.00.
"""

from decimal import Decimal

import pytest
from casts import client_for, send
from django.core.exceptions import ValidationError
from django.http import Http404

from coopnet.directory.models import NetworkSettings
from coopnet.network import services as network
from coopnet.opportunities import services
from coopnet.opportunities.models import Opportunity, Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

D = Decimal
POLICY = {
    "commission": "0.05",
    "commission_flat": "250",
    "commission_min": "500",
    "commission_max": "5000",
    "finder_rate": "0.02",
}


@pytest.fixture
def cora(coordinator):
    return coordinator


@pytest.fixture
def policy(cora, consortium_cast):
    return network.network_commission_policy_set(actor=cora, **POLICY)


def form_consortium(cast, opportunity, admins=("alice", "pat")):
    """Search, then every partner of the cheapest proposal accepts it."""
    services.formation_start(actor=cast[admins[0]], opportunity_id=opportunity.pk)
    proposal = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    for partner in proposal.partners.all():
        admin = next(a for a in ("alice", "pat", "dee") if cast[a].memberships.filter(
            organisation=partner.organisation).exists())  # fmt: skip
        services.proposal_decide(actor=cast[admin], proposal_id=proposal.pk, accept=True)
    return Opportunity.objects.get(pk=opportunity.pk)


def test_a_finder_who_is_not_a_partner_gets_its_fee_and_the_payouts_add_up(
    consortium_cast, post_opportunity, policy
):
    opportunity = post_opportunity(actor="dee", organisation="distant")
    assert opportunity.finder.slug == "distant"
    assert (opportunity.commission_amount, opportunity.finder_amount) == (D("850.00"), D("240.00"))
    services.formation_start(actor=consortium_cast["dee"], opportunity_id=opportunity.pk)
    proposals = list(opportunity.proposals.all())
    assert proposals
    cheapest = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    assert "distant" not in {p.organisation.slug for p in cheapest.partners.all()}
    for proposal in proposals:
        paid = sum(p.payout for p in proposal.partners.all())
        assert paid == D("10910.00")
        assert paid + opportunity.commission_amount + opportunity.finder_amount == D("12000")


def test_the_policy_is_frozen_when_posted(consortium_cast, post_opportunity, policy, cora):
    opportunity = post_opportunity()
    network.network_commission_policy_set(actor=cora, commission="0.1")
    opportunity.refresh_from_db()
    assert opportunity.commission_amount == D("850.00")
    assert opportunity.finder_amount == D("240.00")
    assert opportunity.finder.slug == "outlier"  # the poster brought the client


def test_the_proposal_api_and_page_show_what_is_taken_off_the_top(
    consortium_cast, post_opportunity, policy, full_partner_view
):
    """With every payout shown (the waterfall needs them all: `full_partner_view`)."""
    opportunity = post_opportunity(actor="dee", organisation="distant")
    services.formation_start(actor=consortium_cast["dee"], opportunity_id=opportunity.pk)
    client = client_for(consortium_cast["dee"])
    proposals = client.get(f"/api/opportunities/{opportunity.pk}/proposals").json()
    assert {(p["commission_amount"], p["finder"], p["finder_amount"]) for p in proposals} == {
        ("850.00", "distant", "240.00")
    }
    page = " ".join(client.get(f"/opportunities/{opportunity.pk}/").content.decode().split())
    assert ">Finder: Distant Co-op<" in page  # the waterfall's bar
    assert "£850.00 (5% of the value plus £250.00, at least £500.00, at most £5,000.00)" in page
    assert (
        "Taken off the top of £12,000.00: the network&#x27;s commission, £850.00, and a "
        "finder&#x27;s fee of £240.00 to Distant Co-op, which brought the client; the partners "
        "share £10,910.00."
    ) in page


def test_an_exempt_organisation_pays_no_commission_but_the_finder_is_paid(
    consortium_cast, post_opportunity, cora
):
    network.network_commission_policy_set(actor=cora, **POLICY, commission_exempt=["distant"])
    exempt = post_opportunity(actor="dee", organisation="distant")
    other = post_opportunity()
    assert (exempt.commission_amount, exempt.finder_amount) == (D("0.00"), D("240.00"))
    assert other.commission_amount == D("850.00")
    assert list(NetworkSettings.objects.get().commission_exempt.values_list("slug", flat=True)) == [
        "distant"
    ]


def test_the_first_formed_consortia_are_commission_free(consortium_cast, post_opportunity, cora):
    network.network_commission_policy_set(actor=cora, **POLICY, commission_free_contracts=1)
    first = post_opportunity()
    assert first.commission_amount == D("0.00")
    assert form_consortium(consortium_cast, first).status == Opportunity.FORMED
    second = post_opportunity()
    assert second.commission_amount == D("850.00")
    assert post_opportunity(actor="dee", organisation="distant").commission_amount == 0


def test_the_coordinator_overrides_one_opportunitys_commission(
    consortium_cast, post_opportunity, policy, cora
):
    opportunity = post_opportunity()
    response = send(
        client_for(cora),
        "put",
        f"/api/network/opportunities/{opportunity.pk}/commission",
        {"commission": "0.01", "commission_max": "100"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["commission_amount"], body["finder"], body["finder_amount"]) == (
        "100.00",
        "outlier",
        "240.00",
    )
    opportunity.refresh_from_db()
    assert opportunity.commission_amount == D("100.00")  # 1% = 120, capped at 100


@pytest.mark.parametrize("who", ["alice", "pat", "dee"])
def test_only_the_coordinator_may_override(consortium_cast, post_opportunity, policy, who):
    opportunity = post_opportunity()
    url = f"/api/network/opportunities/{opportunity.pk}/commission"
    response = send(client_for(consortium_cast[who]), "put", url, {"commission": "0"})
    assert response.status_code == 404
    with pytest.raises(Http404):
        network.opportunity_commission_override(
            actor=consortium_cast[who], opportunity_id=opportunity.pk, rate="0"
        )
    opportunity.refresh_from_db()
    assert opportunity.commission_amount == D("850.00")


def test_no_override_once_a_consortium_is_proposed(consortium_cast, post_opportunity, policy, cora):
    opportunity = post_opportunity()
    services.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    with pytest.raises(ValidationError) as error:
        network.opportunity_commission_override(actor=cora, opportunity_id=opportunity.pk, rate="0")
    assert error.value.messages == [network.OVERRIDE_CLOSED.format(status="consortium proposed")]
    formed = form_consortium(consortium_cast, post_opportunity())
    response = send(
        client_for(cora),
        "put",
        f"/api/network/opportunities/{formed.pk}/commission",
        {"commission": "0"},
    )
    assert response.status_code == 422
    assert formed.commission_amount == D("850.00")


def test_an_unknown_opportunity_is_404_for_the_coordinator(cora):
    response = send(client_for(cora), "put", "/api/network/opportunities/999/commission", {
        "commission": "0"})  # fmt: skip
    assert response.status_code == 404


BAD = [
    ({"commission": "0.6"}, "commission", network.BAD_COMMISSION.format(value="0.6")),
    ({"commission_flat": "-1"}, "commission_flat", network.BAD_AMOUNT.format(value="-1")),
    ({"commission_min": "1.234"}, "commission_min", network.BAD_AMOUNT.format(value="1.234")),
    ({"commission_max": "lots"}, "commission_max", network.BAD_AMOUNT.format(value="lots")),
    ({"commission_min": "600", "commission_max": "500"}, "commission_min", network.MIN_ABOVE_MAX),
    ({"finder_rate": "0.7"}, "finder_rate", network.BAD_FINDER_RATE.format(value="0.7")),
    ({"finder_flat": "100"}, "finder_flat", network.RATE_AND_FLAT),
    (
        {"commission_free_contracts": -1},
        "commission_free_contracts",
        network.BAD_FREE_CONTRACTS.format(value=-1),
    ),
    (
        {"commission_exempt": ["nowhere"]},
        "commission_exempt",
        network.UNKNOWN_ORGANISATION.format(slug="nowhere"),
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_a_bad_setting_names_the_field_and_saves_nothing(
    consortium_cast, policy, cora, change, field, message
):
    with pytest.raises(ValidationError) as error:
        network.network_commission_policy_set(actor=cora, **{**POLICY, **change})
    assert error.value.message_dict == {field: [message]}
    assert NetworkSettings.objects.get().commission_flat == D("250")


def test_the_api_sets_and_reads_the_policy(consortium_cast, cora):
    client = client_for(cora)
    body = {**POLICY, "commission_free_contracts": 2, "commission_exempt": ["rival"]}
    response = send(client, "put", "/api/network/commission-policy", body)
    assert response.status_code == 200, response.content
    read = client.get("/api/network/commission-policy").json()
    assert read["commission_max"] == "5000.00"
    assert (read["commission_free_contracts"], read["commission_exempt"]) == (2, ["rival"])
    bad = send(client, "put", "/api/network/commission-policy", {**POLICY, "finder_flat": 5})
    assert bad.status_code == 422
    assert bad.json()["detail"] == {"finder_flat": [network.RATE_AND_FLAT]}


@pytest.mark.parametrize("who", ["alice", "pat"])
def test_the_policy_api_is_404_for_everyone_else(consortium_cast, who):
    client = client_for(consortium_cast[who])
    assert client.get("/api/network/commission-policy").status_code == 404
    assert send(client, "put", "/api/network/commission-policy", POLICY).status_code == 404
    assert not NetworkSettings.objects.get().commission_flat


def test_the_page_sets_the_policy_and_shows_errors_on_the_fields(consortium_cast, cora):
    client = client_for(cora)
    fields = {"percent": "5", "flat": "250", "minimum": "500", "maximum": "5000"}
    response = client.post("/network/commission/", {**fields, "finder_percent": "2"})
    assert response.status_code == 302
    row = NetworkSettings.objects.get()
    assert (row.commission_flat, row.finder_rate) == (D("250"), D("0.02"))
    response = client.post("/network/commission/", {**fields, "minimum": "6000"})
    assert response.status_code == 400
    assert network.MIN_ABOVE_MAX in response.content.decode()
    assert NetworkSettings.objects.get().commission_min == D("500")
