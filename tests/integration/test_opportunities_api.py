"""The opportunities API: who may see and do what, for every endpoint, method and member of
the cast. Alice posts for Outlier (Bob is a member); Pat administers Partner Co-op (Quinn is a
member); Charlie (Rival) and Dee (Distant) are outsiders to Outlier's opportunities."""

import datetime as dt
import json

import pytest
from casts import client_for, send
from django.test import Client
from instants import TODAY

from coopnet.opportunities import services
from coopnet.opportunities.models import Opportunity, Proposal, ProposalPartner

# deadlines are dated from today, and cannot be in the past
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

NEW = {
    "organisation": "outlier",
    "title": "Booking system",
    "client": "Acme",
    "value": "12000",
    "deadline": str(TODAY + dt.timedelta(days=90)),
    "requirements": [
        {"skill": "elixir", "min_level": 4, "hours": "40"},
        {"skill": "ux-design", "min_level": 3, "hours": "20"},
    ],
}


@pytest.fixture
def proposed(consortium_cast, post_opportunity):
    """Outlier's opportunity after formation: proposals with Outlier and Partner Co-op."""
    opportunity = post_opportunity()
    run = services.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    cheapest = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    return {"opportunity": opportunity, "run": run, "proposal": cheapest}


def endpoints(opportunity_id, run_id, proposal_id):
    return [
        ("get", f"/api/opportunities/{opportunity_id}", None),
        ("post", f"/api/opportunities/{opportunity_id}/formation", None),
        ("get", f"/api/opportunities/runs/{run_id}", None),
        ("get", f"/api/opportunities/{opportunity_id}/proposals", None),
        ("post", f"/api/opportunities/proposals/{proposal_id}/decision", {"accept": True}),
    ]


def every_endpoint(proposed):
    return endpoints(proposed["opportunity"].pk, proposed["run"].pk, proposed["proposal"].pk)


def without_own(data):
    """`data` without the partners' `own` payouts (their own members', checked in
    test_opportunities_payouts)."""
    if isinstance(data, list):
        return [without_own(item) for item in data]
    if isinstance(data, dict):
        return {k: without_own(v) for k, v in data.items() if k != "own"}
    return data


def assert_nothing_private(response, consortium_cast):
    text = response.content.decode()
    if response.status_code == 200:
        text = json.dumps(without_own(response.json()))
    for planted in consortium_cast["planted"]:
        assert planted not in text, (response.request["PATH_INFO"], planted)
    assert '"cost"' not in text


@pytest.mark.parametrize("outsider", ["charlie", "dee"])
def test_outsider_gets_404_on_every_endpoint_and_method(consortium_cast, proposed, outsider):
    client = client_for(consortium_cast[outsider])
    for method, url, body in every_endpoint(proposed):
        response = send(client, method, url, body)
        assert response.status_code == 404, (method, url)
        assert_nothing_private(response, consortium_cast)
    assert client.get("/api/opportunities").json() == []
    assert not ProposalPartner.objects.exclude(decision=ProposalPartner.PENDING).exists()
    assert proposed["opportunity"].runs.count() == 1


def test_outsider_cannot_post_for_another_organisation(consortium_cast):
    response = send(client_for(consortium_cast["charlie"]), "post", "/api/opportunities", NEW)
    assert response.status_code == 404
    assert not Opportunity.objects.exists()


def test_anonymous_requests_are_unauthorised(proposed):
    anonymous = Client()
    for method, url, body in every_endpoint(proposed):
        assert send(anonymous, method, url, body).status_code == 401, (method, url)
    assert anonymous.get("/api/opportunities").status_code == 401
    assert send(anonymous, "post", "/api/opportunities", NEW).status_code == 401


def test_partner_sees_nothing_before_a_proposal_names_it(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    pat = client_for(consortium_cast["pat"])
    assert pat.get(f"/api/opportunities/{opportunity.pk}").status_code == 404
    assert pat.get(f"/api/opportunities/{opportunity.pk}/proposals").status_code == 404
    assert pat.get("/api/opportunities").json() == []


def test_admin_posts_and_starts_formation(consortium_cast):
    alice = client_for(consortium_cast["alice"])
    created = send(alice, "post", "/api/opportunities", NEW)
    assert created.status_code == 201
    opportunity = created.json()
    assert opportunity["status"] == "draft"
    assert opportunity["commission"] == "0.0500"
    assert opportunity["commission_amount"] == "600.00"
    assert [r["skill"] for r in opportunity["requirements"]] == ["elixir", "ux-design"]
    run = send(alice, "post", f"/api/opportunities/{opportunity['id']}/formation")
    assert run.status_code == 202
    polled = alice.get(f"/api/opportunities/runs/{run.json()['id']}").json()
    assert (polled["status"], polled["progress"]) == ("done", 100)
    assert alice.get(f"/api/opportunities/{opportunity['id']}").json()["status"] == "proposed"


def test_member_of_the_poster_reads_but_cannot_post_start_or_decide(consortium_cast, proposed):
    bob = client_for(consortium_cast["bob"])
    assert send(bob, "post", "/api/opportunities", NEW).status_code == 403
    for method, url, body in every_endpoint(proposed):
        expected = 403 if method == "post" else 200
        assert send(bob, method, url, body).status_code == expected, (method, url)
    assert Opportunity.objects.count() == 1
    assert not ProposalPartner.objects.exclude(decision=ProposalPartner.PENDING).exists()


def test_partner_member_reads_but_cannot_start_or_decide(consortium_cast, proposed):
    quinn = client_for(consortium_cast["quinn"])
    for method, url, body in every_endpoint(proposed):
        expected = 403 if method == "post" else 200
        if "/runs/" in url:
            expected = 404  # the run is the poster's alone (issue 11)
        assert send(quinn, method, url, body).status_code == expected, (method, url)
    assert not ProposalPartner.objects.exclude(decision=ProposalPartner.PENDING).exists()


def test_partner_admin_cannot_start_formation(consortium_cast, proposed):
    pat = client_for(consortium_cast["pat"])
    url = f"/api/opportunities/{proposed['opportunity'].pk}/formation"
    assert send(pat, "post", url).status_code == 403
    assert proposed["opportunity"].runs.count() == 1


def test_list_shows_own_and_partnered_opportunities_only(consortium_cast, proposed):
    expected = {"alice": 1, "bob": 1, "pat": 1, "quinn": 1, "charlie": 0, "dee": 0}
    for name, count in expected.items():
        listed = client_for(consortium_cast[name]).get("/api/opportunities").json()
        assert len(listed) == count, name


def test_partner_sees_split_and_assignments_but_no_private_values(consortium_cast, proposed):
    for name in ("pat", "quinn", "alice", "bob"):
        client = client_for(consortium_cast[name])
        for method, url, _ in every_endpoint(proposed):
            if method == "get":
                response = client.get(url)
                partner = name in ("pat", "quinn")
                expected = 404 if partner and "/runs/" in url else 200  # the poster's alone
                assert response.status_code == expected
                assert_nothing_private(response, consortium_cast)
    proposals = client_for(consortium_cast["pat"]).get(
        f"/api/opportunities/{proposed['opportunity'].pk}/proposals"
    )
    cheapest = next(p for p in proposals.json() if p["kind"] == "cheapest")
    assert {p["organisation"] for p in cheapest["partners"]} == {"outlier", "partner"}
    # issue 11: its own payout and why; none of the others' money by default
    explanations = {p["organisation"]: p["explanation"] for p in cheapest["partners"]}
    assert explanations["partner"].startswith("Without Partner Co-op ")
    assert explanations["outlier"] is None
    assert {(a["person_name"], a["skill"], a["hours"]) for a in cheapest["assignments"]} == {
        ("Ada Lovelace", "elixir", "40.00"),
        ("Grace Hopper", "ux-design", "20.00"),
    }


def test_full_loop_forms_the_consortium_when_every_partner_accepts(consortium_cast):
    alice, pat = client_for(consortium_cast["alice"]), client_for(consortium_cast["pat"])
    opportunity = send(alice, "post", "/api/opportunities", NEW).json()
    send(alice, "post", f"/api/opportunities/{opportunity['id']}/formation")
    proposals = pat.get(f"/api/opportunities/{opportunity['id']}/proposals").json()
    assert {p["kind"] for p in proposals} == {"cheapest", "skill_sharing"}
    decision = f"/api/opportunities/proposals/{proposals[0]['id']}/decision"

    first = send(pat, "post", decision, {"accept": True})
    assert first.status_code == 200
    assert first.json()["status"] == "proposed"
    assert send(pat, "post", decision, {"accept": True}).status_code == 422  # already decided
    last = send(alice, "post", decision, {"accept": True})
    assert last.json()["status"] == "formed"
    assert {p["decision"] for p in last.json()["partners"]} == {"accepted"}
    assert alice.get(f"/api/opportunities/{opportunity['id']}").json()["status"] == "formed"
    rows = ProposalPartner.objects.filter(proposal_id=proposals[0]["id"])
    assert {(r.organisation.slug, r.decided_by.username) for r in rows} == {
        ("outlier", "alice"),
        ("partner", "pat"),
    }
    other = f"/api/opportunities/proposals/{proposals[1]['id']}/decision"
    response = send(pat, "post", other, {"accept": True})
    assert response.status_code == 422
    assert response.json()["detail"]["__all__"] == [services.CLOSED]


def test_a_decline_ends_the_proposal(consortium_cast, proposed):
    pat = client_for(consortium_cast["pat"])
    url = f"/api/opportunities/proposals/{proposed['proposal'].pk}/decision"
    response = send(pat, "post", url, {"accept": False, "reason": "Too busy"})
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    alice = client_for(consortium_cast["alice"])
    assert send(alice, "post", url, {"accept": True}).status_code == 422
    assert Proposal.objects.get(pk=proposed["proposal"].pk).status == Proposal.DECLINED
    assert Opportunity.objects.get(pk=proposed["opportunity"].pk).status == Opportunity.PROPOSED


def test_declined_proposal_is_hidden_from_the_other_partners(consortium_cast, post_opportunity):
    """Distant posts; Outlier and Partner are proposed. Once Partner declines, Outlier no
    longer sees that proposal; Distant (the poster) and Partner (the decliner) still do."""
    opportunity = post_opportunity(actor="dee", organisation="distant")
    services.formation_start(actor=consortium_cast["dee"], opportunity_id=opportunity.pk)
    proposal = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    dee = client_for(consortium_cast["dee"])
    decision = f"/api/opportunities/proposals/{proposal.pk}/decision"
    assert send(dee, "post", decision, {"accept": True}).status_code == 403  # not a partner
    pat = client_for(consortium_cast["pat"])
    assert send(pat, "post", decision, {"accept": False, "reason": "Too busy"}).status_code == 200

    listing = f"/api/opportunities/{opportunity.pk}/proposals"
    sees_it = {"dee": True, "pat": True, "quinn": True, "alice": False, "bob": False}
    for name, sees in sees_it.items():
        ids = [p["id"] for p in client_for(consortium_cast[name]).get(listing).json()]
        assert (proposal.pk in ids) is sees, name
    alice = client_for(consortium_cast["alice"])
    assert send(alice, "post", decision, {"accept": True}).status_code == 404


def test_formation_restarts_only_when_no_proposal_is_open(consortium_cast, proposed):
    alice = client_for(consortium_cast["alice"])
    url = f"/api/opportunities/{proposed['opportunity'].pk}/formation"
    assert send(alice, "post", url).status_code == 422
    pat = client_for(consortium_cast["pat"])
    for proposal in proposed["opportunity"].proposals.all():
        send(
            pat,
            "post",
            f"/api/opportunities/proposals/{proposal.pk}/decision",
            {"accept": False, "reason": "Too busy"},
        )
    assert send(alice, "post", url).status_code == 202
    assert proposed["opportunity"].runs.count() == 2


def test_unknown_ids_are_404_for_everyone(consortium_cast, proposed):
    alice = client_for(consortium_cast["alice"])
    for method, url, body in endpoints(999, 999, 999):
        assert send(alice, method, url, body).status_code == 404, (method, url)


def test_openapi_lists_the_opportunity_endpoints():
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert "/api/opportunities/{opportunity_id}/proposals" in paths
    assert "/api/opportunities/proposals/{proposal_id}/decision" in paths
