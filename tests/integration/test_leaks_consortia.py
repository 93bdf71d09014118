"""Issue 11, inference leak 4: what a consortium tells those outside it, and its partners.

- A formed consortium's opportunity title shows on its partners' public profiles only with
  the poster's consent (a flag on the opportunity, off by default, set by the poster's admins).
- A partner reads only its own proposal(s) of an opportunity: not the formation run (whose
  message counts the proposals), not the others' proposals.
- When a consortium forms, the opportunity's other open proposals read "superseded" and can no
  longer be accepted.
"""

import pytest
from casts import client_for, send
from django.core.exceptions import ValidationError

from coopnet.opportunities import services
from coopnet.opportunities.models import Opportunity, Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]


@pytest.fixture
def proposed(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    run = services.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    assert opportunity.proposals.count() >= 2
    return {"opportunity": opportunity, "run": run}


def _form(consortium_cast, proposal):
    for admin in ("alice", "pat"):
        services.proposal_decide(actor=consortium_cast[admin], proposal_id=proposal.pk, accept=True)


@pytest.fixture
def formed(consortium_cast, proposed):
    proposal = proposed["opportunity"].proposals.get(kind=Proposal.CHEAPEST)
    _form(consortium_cast, proposal)
    return {**proposed, "proposal": proposal}


# -- titles on public profiles -----------------------------------------------------------------


def _past_consortia(consortium_cast, viewer, slug):
    page = client_for(consortium_cast[viewer]).get(f"/organisations/{slug}/").content.decode()
    return page[page.index("Past consortia") :]


@pytest.mark.parametrize("viewer", ["charlie", "dee", "pat"])
def test_a_formed_consortiums_title_is_not_public_by_default(consortium_cast, formed, viewer):
    assert formed["opportunity"].title_public is False
    for slug in ("outlier", "partner"):
        section = _past_consortia(consortium_cast, viewer, slug)
        assert "Booking system" not in section
        assert "Outlier Co-op, Partner Co-op" in section  # who worked with whom stays public


def test_the_posters_admin_consents_through_the_api(consortium_cast, formed):
    url = f"/api/opportunities/{formed['opportunity'].pk}/title-consent"
    answer = send(client_for(consortium_cast["alice"]), "post", url, {"public": True})
    assert answer.status_code == 200
    assert answer.json()["title_public"] is True
    assert "Booking system" in _past_consortia(consortium_cast, "charlie", "partner")
    send(client_for(consortium_cast["alice"]), "post", url, {"public": False})
    assert "Booking system" not in _past_consortia(consortium_cast, "charlie", "partner")


@pytest.mark.parametrize(("who", "status"), [("bob", 403), ("pat", 403), ("charlie", 404)])
def test_only_the_posters_admins_consent(consortium_cast, formed, who, status):
    url = f"/api/opportunities/{formed['opportunity'].pk}/title-consent"
    answer = send(client_for(consortium_cast[who]), "post", url, {"public": True})
    assert answer.status_code == status
    assert Opportunity.objects.get(pk=formed["opportunity"].pk).title_public is False


def test_the_posters_admin_consents_on_the_page(consortium_cast, formed):
    opportunity = formed["opportunity"]
    alice = client_for(consortium_cast["alice"])
    assert 'name="title_public"' in alice.get(f"/opportunities/{opportunity.pk}/").content.decode()
    response = alice.post(f"/opportunities/{opportunity.pk}/title/", {"title_public": "on"})
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=opportunity.pk).title_public is True
    pat = client_for(consortium_cast["pat"])
    assert (
        'name="title_public"' not in pat.get(f"/opportunities/{opportunity.pk}/").content.decode()
    )
    assert pat.post(f"/opportunities/{opportunity.pk}/title/", {}).status_code == 403


# -- partners read their own proposal, not the run ---------------------------------------------


def test_a_partner_cannot_read_the_formation_run(consortium_cast, proposed):
    run = proposed["run"]
    run.refresh_from_db()
    assert "proposal" in run.message  # "n consortium proposal(s) ready": the poster's to read
    pat = client_for(consortium_cast["pat"])
    assert pat.get(f"/api/opportunities/runs/{run.pk}").status_code == 404
    assert pat.get(f"/opportunities/runs/{run.pk}/progress/").status_code == 404
    page = pat.get(f"/opportunities/{proposed['opportunity'].pk}/").content.decode()
    assert run.message not in page
    alice = client_for(consortium_cast["alice"])
    assert alice.get(f"/api/opportunities/runs/{run.pk}").status_code == 200


def test_a_partner_reads_only_the_proposals_it_is_in(consortium_cast, proposed):
    opportunity = proposed["opportunity"]
    mine = set(
        opportunity.proposals.filter(partners__organisation__slug="partner").values_list(
            "pk", flat=True
        )
    )
    listed = client_for(consortium_cast["pat"]).get(
        f"/api/opportunities/{opportunity.pk}/proposals"
    )
    assert {p["id"] for p in listed.json()} == mine


# -- superseded proposals ----------------------------------------------------------------------


def test_a_formed_consortium_supersedes_the_other_open_proposals(consortium_cast, formed):
    others = formed["opportunity"].proposals.exclude(pk=formed["proposal"].pk)
    assert others.exists()
    assert set(others.values_list("status", flat=True)) == {Proposal.SUPERSEDED}
    other = others.first()
    with pytest.raises(ValidationError):
        services.proposal_decide(actor=consortium_cast["alice"], proposal_id=other.pk, accept=True)
    listed = client_for(consortium_cast["alice"]).get(
        f"/api/opportunities/{formed['opportunity'].pk}/proposals"
    )
    statuses = {p["id"]: p["status"] for p in listed.json()}
    assert statuses[other.pk] == "superseded"
    page = client_for(consortium_cast["alice"]).get(f"/opportunities/{formed['opportunity'].pk}/")
    assert "Superseded" in page.content.decode()
