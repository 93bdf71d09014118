"""Joint bids (coopnet.jointbids): rival posters for the same client are told that another
member pursues it (never who, never a figure), may propose a joint bid, and learn who the
others are only when all agree; the joint bid is then formed as any opportunity, and each
organisation sees its own payout beside what its own bid would have paid it alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from casts import client_for
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from coopnet.common.money import network_money
from coopnet.jointbids import selectors, services
from coopnet.jointbids.models import JointBid, JointBidMember
from coopnet.opportunities import services as opportunities
from coopnet.opportunities.models import Opportunity

pytestmark = pytest.mark.django_db

#: Rival's private figures and words, which must not reach Outlier before all agree
RIVAL_TITLE, RIVAL_VALUE = "Rival's secret tender", "45000"


@pytest.fixture
def rival_bids(consortium_cast, post_opportunity, immediate_tasks):
    """Outlier and Rival each post an opportunity for Acme, named differently."""
    outlier = post_opportunity(client="Acme Ltd")
    rival = post_opportunity(
        actor="charlie", organisation="rival", title=RIVAL_TITLE, client="ACME limited.",
        value=RIVAL_VALUE, requirements=[{"skill": "elixir", "min_level": 4, "hours": "200"},
                                         {"skill": "python", "min_level": 3, "hours": "10"}],
    )  # fmt: skip
    return outlier, rival


def test_same_client_by_name_matches_across_posters(rival_bids):
    outlier, rival = rival_bids
    assert list(selectors.rivals_of(outlier)) == [rival]
    assert list(selectors.rivals_of(rival)) == [outlier]


def test_own_opportunities_for_the_same_client_are_no_rivals(consortium_cast, post_opportunity):
    first = post_opportunity(client="Acme")
    post_opportunity(client="Acme Ltd", title="Second")
    assert not selectors.rivals_of(first).exists()


@pytest.mark.parametrize(
    ("field", "outlier_value", "rival_value"),
    [("website", "https://www.acme.example/jobs", "acme.example"),
     ("tender_reference", "AC-2031/7", "ac 2031 7")],
)  # fmt: skip
def test_same_client_by_website_or_tender_reference(
    consortium_cast, post_opportunity, field, outlier_value, rival_value
):
    outlier = post_opportunity(client="Acme")
    rival = post_opportunity(actor="charlie", organisation="rival", client="Northern Widgets")
    assert not selectors.rivals_of(outlier).exists()
    services.pursuit_update(actor=consortium_cast["alice"], opportunity_id=outlier.pk,
                            **{field: outlier_value})  # fmt: skip
    services.pursuit_update(actor=consortium_cast["charlie"], opportunity_id=rival.pk,
                            **{field: rival_value})  # fmt: skip
    assert list(selectors.rivals_of(outlier)) == [rival]


def test_a_formed_opportunity_is_no_longer_pursued(rival_bids):
    outlier, rival = rival_bids
    Opportunity.objects.filter(pk=rival.pk).update(status=Opportunity.FORMED)
    assert not selectors.rivals_of(outlier).exists()


def test_a_client_renamed_is_matched_on_its_new_name(rival_bids):
    outlier, rival = rival_bids
    rival.client = "Other Client"
    rival.save()
    assert not selectors.rivals_of(outlier).exists()


def test_a_bad_website_is_refused_with_its_message(rival_bids, consortium_cast):
    outlier, _ = rival_bids
    with pytest.raises(ValidationError) as error:
        services.pursuit_update(actor=consortium_cast["alice"], opportunity_id=outlier.pk,
                                website="not a site")  # fmt: skip
    assert error.value.message_dict == {
        "website": [services.BAD_WEBSITE.format(value="not a site")]
    }


def test_only_the_posters_admins_may_set_the_keys(rival_bids, consortium_cast):
    outlier, _ = rival_bids
    with pytest.raises(PermissionDenied, match=services.NOT_ADMIN):
        services.pursuit_update(actor=consortium_cast["bob"], opportunity_id=outlier.pk)
    with pytest.raises(Http404):
        services.pursuit_update(actor=consortium_cast["charlie"], opportunity_id=outlier.pk)


def test_the_poster_is_told_another_pursues_the_client_and_nothing_more(
    rival_bids, consortium_cast
):
    outlier, _ = rival_bids
    page = client_for(consortium_cast["alice"]).get(f"/jointbids/opportunities/{outlier.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Another member of the network pursues this client." in body
    assert "Propose a joint bid" in body
    for secret in (
        "Rival",
        RIVAL_TITLE,
        "45,000",
        RIVAL_VALUE,
        "ACME limited",
        "Charlie",
        "Python",
    ):
        assert secret not in body


def test_outsiders_get_404_on_every_page(rival_bids, consortium_cast):
    outlier, _ = rival_bids
    bid = services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    pat = client_for(consortium_cast["pat"])  # of neither organisation
    for url in (f"/jointbids/opportunities/{outlier.pk}/", f"/jointbids/{bid.pk}/"):
        assert pat.get(url).status_code == 404
    for url in (f"/jointbids/opportunities/{outlier.pk}/propose/", f"/jointbids/{bid.pk}/answer/"):
        assert pat.post(url, {"answer": "agree"}).status_code == 404
    # the rival may see the joint bid it is asked to, never the other's pursuit page
    charlie = client_for(consortium_cast["charlie"])
    assert charlie.get(f"/jointbids/opportunities/{outlier.pk}/").status_code == 404
    assert charlie.get(f"/jointbids/{bid.pk}/").status_code == 200


def test_nothing_of_the_others_is_revealed_until_all_agree(rival_bids, consortium_cast):
    outlier, _rival = rival_bids
    bid = services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    asked = client_for(consortium_cast["charlie"]).get(f"/jointbids/{bid.pk}/").content.decode()
    assert "A member of the network proposes a joint bid for this client." in asked
    for secret in ("Outlier", "Booking system", "12,000", "Acme Ltd", "alice", "Ux-Design"):
        assert secret not in asked
    proposer = client_for(consortium_cast["alice"]).get(f"/jointbids/{bid.pk}/").content.decode()
    for secret in ("Rival", RIVAL_TITLE, "45,000", "ACME limited", "Python", "200"):
        assert secret not in proposer
    assert selectors.side_by_side(consortium_cast["alice"], bid) == []


def test_one_decline_ends_it_and_reveals_nobody(rival_bids, consortium_cast):
    outlier, _ = rival_bids
    bid = services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    services.joint_bid_answer(actor=consortium_cast["charlie"], joint_bid_id=bid.pk, agree=False)
    bid.refresh_from_db()
    assert bid.status == JointBid.DECLINED
    assert bid.opportunity is None
    page = client_for(consortium_cast["alice"]).get(f"/jointbids/{bid.pk}/").content.decode()
    assert "was declined" in page
    assert "Rival" not in page
    with pytest.raises(ValidationError, match=services.CLOSED):
        services.joint_bid_answer(actor=consortium_cast["charlie"], joint_bid_id=bid.pk, agree=True)


def test_answers_are_the_admins_and_once(rival_bids, consortium_cast):
    outlier, _ = rival_bids
    bid = services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    with pytest.raises(PermissionDenied, match=services.NOT_MEMBER_ADMIN):
        services.joint_bid_answer(actor=consortium_cast["bob"], joint_bid_id=bid.pk, agree=True)
    with pytest.raises(ValidationError, match=services.ALREADY_ANSWERED):
        services.joint_bid_answer(actor=consortium_cast["alice"], joint_bid_id=bid.pk, agree=True)
    with pytest.raises(ValidationError, match=services.ALREADY_PROPOSED):
        services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=outlier.pk)


def test_no_joint_bid_without_another_pursuer(consortium_cast, post_opportunity):
    alone = post_opportunity(client="Nobody Else")
    with pytest.raises(ValidationError, match=services.NO_OTHER):
        services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=alone.pk)


def test_combined_requirements_take_the_highest_level_and_most_hours():
    from types import SimpleNamespace as R

    elixir, python = R(slug="elixir"), R(slug="python")
    rows = [
        R(skill=elixir, min_level=4, hours=40),
        R(skill=python, min_level=2, hours=5),
        R(skill=elixir, min_level=5, hours=30),
        R(skill=python, min_level=3, hours=10),
    ]
    assert services.combined_requirements(rows) == [
        {"skill": "elixir", "min_level": 5, "hours": 40},
        {"skill": "python", "min_level": 3, "hours": 10},
    ]


def _agree(consortium_cast, outlier):
    bid = services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    services.joint_bid_answer(actor=consortium_cast["charlie"], joint_bid_id=bid.pk, agree=True)
    bid.refresh_from_db()
    return bid


def test_when_all_agree_the_joint_bid_is_posted_and_formed(rival_bids, consortium_cast):
    outlier, rival = rival_bids
    bid = _agree(consortium_cast, outlier)
    joint = bid.opportunity
    assert bid.status == JointBid.AGREED
    assert joint.posted_by == consortium_cast["outlier"]
    assert joint.client == "Acme Ltd"
    assert joint.value == rival.value  # the highest
    assert joint.deadline == outlier.deadline
    wanted = {(r.skill.slug, r.min_level, r.hours) for r in joint.requirements.all()}
    assert wanted == {("elixir", 4, 200), ("ux-design", 3, 20), ("python", 3, 10)}
    assert joint.status == Opportunity.PROPOSED  # its formation ran (immediate tasks)
    assert not selectors.rivals_of(outlier).exists()  # pursued jointly now
    assert not selectors.rivals_of(joint).exists()
    names = client_for(consortium_cast["charlie"]).get(f"/jointbids/{bid.pk}/").content.decode()
    assert "Outlier Co-op" in names
    assert "Rival Ltd" in names


def test_side_by_side_shows_each_its_own_figures_exactly(rival_bids, consortium_cast):
    outlier, _rival = rival_bids
    alice, charlie = consortium_cast["alice"], consortium_cast["charlie"]
    opportunities.formation_start(actor=alice, opportunity_id=outlier.pk)  # Outlier's alone
    alone = selectors.payout_to(outlier, consortium_cast["outlier"].pk)
    bid = _agree(consortium_cast, outlier)
    joint = selectors.payout_to(bid.opportunity, consortium_cast["outlier"].pk)
    rows = selectors.side_by_side(alice, bid)
    # Outlier alone (Ada's Elixir, Grace's UX) against the joint bid (Rita's Elixir hours too)
    assert (alone, joint) == (Decimal("6784.94"), Decimal("13939.24"))
    assert [(r.name, r.own) for r in rows] == [("Outlier Co-op", True), ("Rival Ltd", False)]
    assert (rows[0].joint, rows[0].alone) == (joint, alone)
    assert rows[1].joint is None
    assert rows[1].alone is None
    page = client_for(alice).get(f"/jointbids/{bid.pk}/").content.decode()
    assert network_money(joint) in page
    assert network_money(alone) in page
    # Rival's formation never ran: its figure alone is not known, and Outlier's is not shown
    theirs = selectors.side_by_side(charlie, bid)
    assert (theirs[1].joint, theirs[1].alone, theirs[1].own) == (Decimal("17493.94"), None, True)
    assert theirs[0].joint is None
    assert not theirs[0].own
    rival_page = client_for(charlie).get(f"/jointbids/{bid.pk}/").content.decode()
    assert "Not known: its consortium was not sought" in rival_page
    assert network_money(alone) not in rival_page
    assert network_money(joint) not in rival_page
    assert network_money(Decimal("17493.94")) in rival_page


def test_the_figures_come_from_the_cheapest_proposal(rival_bids, consortium_cast):
    outlier, _ = rival_bids
    opportunities.formation_start(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    cheapest = outlier.proposals.get(kind="cheapest")
    row = cheapest.partners.get(organisation=consortium_cast["outlier"])
    assert selectors.payout_to(outlier, consortium_cast["outlier"].pk) == row.payout
    assert selectors.payout_to(outlier, consortium_cast["partner"].pk + 999) == 0


def test_the_proposer_agrees_by_proposing(rival_bids, consortium_cast):
    outlier, rival = rival_bids
    bid = services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    answers = {m.opportunity_id: m.answer for m in bid.members.all()}
    assert answers == {outlier.pk: JointBidMember.AGREED, rival.pk: JointBidMember.PENDING}


@pytest.mark.usefixtures("clock", "immediate_tasks")
def test_the_demo_turns_a_pair_of_rival_bids_into_a_joint_bid():
    from coopnet.web.demo_data import seed_directory

    seed_directory(people=60, organisations=9, seed=7)
    bid = JointBid.objects.get()
    assert bid.status == JointBid.AGREED
    assert bid.members.count() == 2
    assert bid.opportunity.status == Opportunity.PROPOSED
    first = bid.members.exclude(organisation=bid.proposer).get()
    admin = first.organisation.memberships.filter(role="admin").first().user
    rows = {r.name: r for r in selectors.side_by_side(admin, bid)}
    own = rows[first.organisation.name]
    assert own.own
    # each needs the other's skill: the joint bid pays the first more than its own bid alone
    assert own.joint > own.alone > 0


def test_the_api_walks_a_joint_bid_and_names_nobody_before_all_agree(rival_bids, consortium_cast):
    from casts import send

    outlier, rival = rival_bids
    alice, charlie = client_for(consortium_cast["alice"]), client_for(consortium_cast["charlie"])
    assert charlie.get(f"/api/jointbids/opportunities/{outlier.pk}").status_code == 404
    put = send(alice, "put", f"/api/jointbids/opportunities/{outlier.pk}",
               {"website": "www.acme.example", "tender_reference": "T-1"})  # fmt: skip
    assert put.status_code == 200
    assert put.json()["pursued_by_another"] is True
    assert put.json()["website"] == "www.acme.example"
    made = send(alice, "post", f"/api/jointbids/opportunities/{outlier.pk}/joint-bid")
    assert made.status_code == 201
    bid = made.json()["id"]
    asked = charlie.get(f"/api/jointbids/{bid}").json()
    assert asked == {
        "id": bid,
        "status": "open",
        "own": [{"opportunity": rival.pk, "organisation": "rival", "answer": "pending"}],
        "side_by_side": [],
    }
    answered = send(charlie, "post", f"/api/jointbids/{bid}/answer", {"agree": True}).json()
    assert answered["status"] == "agreed"
    names = [(row["organisation"], row["own"]) for row in answered["side_by_side"]]
    assert names == [("Outlier Co-op", False), ("Rival Ltd", True)]
    assert answered["side_by_side"][0]["joint_payout"] is None
    assert answered["side_by_side"][1]["joint_payout"] == "17493.94"


def test_the_overview_flags_each_own_opportunity_pursued_by_another(
    rival_bids, consortium_cast, post_opportunity, django_assert_max_num_queries
):
    post_opportunity(client="Nobody Else Ltd", title="Quiet work")
    post_opportunity(client="ACME", title="Second for Acme")  # Outlier's own: no rival of it
    with django_assert_max_num_queries(4):
        listed = selectors.listed_pursuits(consortium_cast["alice"])
    flags = {row.opportunity.title: row.pursued_by_another for row in listed}
    assert flags == {"Quiet work": False, "Second for Acme": True, "Booking system": True}
    page = client_for(consortium_cast["alice"]).get("/jointbids/").content.decode()
    assert page.count("Another member of the network pursues this client") == 2
    assert "Rival" not in page


def test_a_joint_bid_closes_when_one_of_its_opportunities_is_no_longer_open(
    rival_bids, consortium_cast
):
    outlier, _ = rival_bids
    bid = services.joint_bid_propose(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    Opportunity.objects.filter(pk=outlier.pk).update(status=Opportunity.FORMED)
    charlie = client_for(consortium_cast["charlie"])
    answered = charlie.post(f"/jointbids/{bid.pk}/answer/", {"answer": "agree"}, follow=True)
    bid.refresh_from_db()
    assert bid.status == JointBid.CLOSED
    assert bid.opportunity is None
    body = answered.content.decode()
    assert services.GONE in body
    assert "This joint bid is closed" in body
    assert "Outlier" not in body


def test_the_others_are_told_of_a_proposal_without_who_and_all_of_the_outcome(
    rival_bids, consortium_cast
):
    from coopnet.notifications.models import JOINT_BID, Notification

    _, rival = rival_bids
    bid = services.joint_bid_propose(actor=consortium_cast["charlie"], opportunity_id=rival.pk)
    told = Notification.objects.get(kind=JOINT_BID)
    assert told.recipient == consortium_cast["alice"]
    assert told.text == services.PROPOSED_TEXT.format(title="Booking system")
    assert "Rival" not in told.text
    assert RIVAL_TITLE not in told.text
    assert told.link == f"/jointbids/{bid.pk}/"
    assert not Notification.objects.filter(recipient=consortium_cast["charlie"]).exists()
    services.joint_bid_answer(actor=consortium_cast["alice"], joint_bid_id=bid.pk, agree=True)
    agreed = Notification.objects.filter(kind=JOINT_BID).exclude(pk=told.pk)
    assert {n.recipient.username: n.text for n in agreed} == {
        "charlie": services.AGREED_TEXT.format(title=RIVAL_TITLE, names="Outlier Co-op"),
    }  # Alice agreed last: she is not told what she did, and sees the names on the page


def test_a_declined_joint_bid_tells_the_proposer_not_who_declined(rival_bids, consortium_cast):
    from coopnet.notifications.models import JOINT_BID, Notification

    _, rival = rival_bids
    bid = services.joint_bid_propose(actor=consortium_cast["charlie"], opportunity_id=rival.pk)
    services.joint_bid_answer(actor=consortium_cast["alice"], joint_bid_id=bid.pk, agree=False)
    ended = Notification.objects.get(kind=JOINT_BID, recipient=consortium_cast["charlie"])
    assert ended.text == services.DECLINED_TEXT.format(title=RIVAL_TITLE)
    assert "Outlier" not in ended.text
