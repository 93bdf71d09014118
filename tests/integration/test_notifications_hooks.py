"""Who is told what, by the services that do it: a proposal, a partner's decision, a
consortium formed, a milestone delivered and its invoice, a payment, a payout, next month's
shared-service fee, a mentoring pairing. Exact texts, exact recipients, and never a private
figure of another organisation."""

import pytest

from coopnet.notifications.models import Notification
from coopnet.opportunities import services


def told(kind=None):
    """(recipient, text) of every notification (of `kind`), in order."""
    rows = Notification.objects.order_by("pk")
    rows = rows.filter(kind=kind) if kind else rows
    return [(n.recipient.username, n.text) for n in rows.select_related("recipient")]


def recipients(kind):
    return sorted({name for name, _ in told(kind)})


@pytest.fixture
def proposed(consortium_cast, post_opportunity, immediate_tasks):
    opportunity = post_opportunity()
    services.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    return opportunity.proposals.order_by("pk").first()


PROPOSED = (
    "Outlier Co-op proposes your organisation in a consortium for “Booking system”: "
    "accept or decline."
)


def test_each_partner_s_admins_are_told_once_of_a_search_s_proposals(proposed):
    # two proposals (the cheapest and the skill-sharing one), both of Outlier and Partner Co-op
    assert proposed.opportunity.proposals.count() == 2
    assert told("proposed") == [("alice", PROPOSED), ("pat", PROPOSED)]
    link = Notification.objects.filter(kind="proposed").values_list("link", flat=True)[0]
    assert link == f"/opportunities/{proposed.opportunity_id}/"


def test_a_decline_needs_a_reason(consortium_cast, proposed):
    with pytest.raises(services.ValidationError) as refused:
        services.proposal_decide(actor=consortium_cast["pat"], proposal_id=proposed.pk,
                                 accept=False, reason="   ")  # fmt: skip
    assert refused.value.message_dict == {"reason": [services.NO_REASON]}
    assert proposed.partners.get(organisation__slug="partner").decision == "pending"


def test_the_poster_reads_who_declined_and_why(consortium_cast, proposed):
    reason = "Our designers are booked until May."
    services.proposal_decide(actor=consortium_cast["pat"], proposal_id=proposed.pk,
                             accept=False, reason=reason)  # fmt: skip
    assert told("decision") == [
        ("alice", "Partner Co-op declined the proposal for “Booking system”: "
                  "Our designers are booked until May."),
    ]  # fmt: skip
    partner = proposed.partners.get(organisation__slug="partner")
    assert partner.decline_reason == "Our designers are booked until May."


def test_the_other_partners_are_told_the_proposal_ended_not_who_ended_it(consortium_cast, proposed):
    # Alice declines for Outlier (poster and partner): Partner Co-op is the other partner
    services.proposal_decide(actor=consortium_cast["alice"], proposal_id=proposed.pk,
                             accept=False, reason="The client withdrew.")  # fmt: skip
    assert told("proposal_ended") == [
        ("pat", "The proposal for “Booking system” from Outlier Co-op ended: a partner "
                "declined it."),
    ]  # fmt: skip
    assert told("decision") == []  # Alice, who declined, is not told of it; Bob is no admin


def test_an_acceptance_is_told_to_the_poster_and_a_formation_to_everyone_in_it(
    consortium_cast, proposed
):
    services.proposal_decide(actor=consortium_cast["pat"], proposal_id=proposed.pk, accept=True)
    assert told("decision") == [
        ("alice", "Partner Co-op accepted the proposal for “Booking system”.")
    ]
    services.proposal_decide(actor=consortium_cast["alice"], proposal_id=proposed.pk, accept=True)
    formed = "A consortium was formed for “Booking system”: every partner accepted."
    assert told("formed") == [(name, formed) for name in ("alice", "bob", "pat", "quinn")]
    # the skill-sharing proposal, superseded, had the same partners: nobody is told it ended
    assert told("proposal_ended") == []


def test_the_books_tell_the_parties_of_a_delivery_and_the_poster_of_its_invoice(
    consortium_cast, form_contract, coordinator
):
    from coopnet.books import details, settlement
    from coopnet.books import services as books

    contract = form_contract()
    Notification.objects.all().delete()
    milestone = contract.milestones.order_by("position").first()
    invoice = books.milestone_deliver(actor=consortium_cast["alice"], milestone_id=milestone.pk)
    delivered = f"Milestone “{milestone.title}” of “Booking system” was delivered."
    assert told("milestone") == [(n, delivered) for n in ("bob", "pat", "quinn")]  # not Alice
    assert told("invoice") == [
        ("cora", f"Invoice {invoice.code} was issued to Acme for “Booking system”: "
                 f"{milestone.title}."),
    ]  # fmt: skip
    settlement.payment_record(actor=coordinator, invoice_id=invoice.pk,
                              amount=str(invoice.gross), reference="x")  # fmt: skip
    paid = f"A payment from Acme was recorded against invoice {invoice.code}."
    assert told("payment") == [("alice", paid)]
    details.bank_account_set(actor=consortium_cast["pat"], organisation_slug="partner",
                             holder="Partner", iban="GB94BARC10201530093459",
                             bic="BARCGB22")  # fmt: skip
    run = settlement.payout_run(actor=coordinator, reference="June")
    payouts = {p.organisation.slug: p for p in run.payouts.select_related("organisation")}
    from coopnet.common.money import network_money

    pat_payout = payouts["partner"]
    assert (
        "pat",
        f"A payout of {network_money(pat_payout.amount)} to your organisation was made "
        f"(reference {pat_payout.reference}).",
    ) in told("payout")
    assert "quinn" not in recipients("payout")
    # Outlier's payout is told to Outlier's admin only
    assert [name for name, _ in told("payout")].count("pat") == 1


def test_no_notification_holds_another_organisation_s_private_figure(consortium_cast, proposed):
    services.proposal_decide(actor=consortium_cast["pat"], proposal_id=proposed.pk, accept=True)
    services.proposal_decide(actor=consortium_cast["alice"], proposal_id=proposed.pk, accept=True)
    texts = " ".join(text for _, text in told())
    assert texts
    for planted in consortium_cast["planted"]:
        assert planted not in texts
    for partner in proposed.partners.all():  # payouts, costs and surplus shares neither
        for figure in (partner.payout, partner.own_cost, partner.surplus_share):
            assert f"{figure:,.2f}" not in texts
            assert str(figure) not in texts


def test_each_member_is_told_its_own_fee_for_next_month_when_it_changes(cast, coordinator):
    import datetime as dt

    from coopnet.common.money import network_money
    from coopnet.sharedservices import services as shared

    jan = dt.date(2031, 1, 1)
    it = shared.service_create(actor=coordinator, name="IT support", fixed_cost="300", today=jan)
    shared.enrolment_set(actor=cast["alice"], service_slug=it.slug, organisation_slug="outlier",
                         alone_cost="987.65", today=jan)  # fmt: skip
    alone = f"IT support: your organisation's fee for February 2031 is {network_money(300)}."
    assert told("service_fee") == [("alice", alone)]
    shared.enrolment_set(actor=cast["charlie"], service_slug=it.slug, organisation_slug="rival",
                         alone_cost="800", today=jan)  # fmt: skip
    fees = it.schedules.get(period=dt.date(2031, 2, 1)).fees
    outlier, rival = (fees.get(organisation__slug=s).fee for s in ("outlier", "rival"))
    assert outlier + rival == 300
    said = "IT support: your organisation's fee for February 2031 is {}."
    assert told("service_fee")[1:] == [
        ("alice", said.format(network_money(outlier))),
        ("charlie", said.format(network_money(rival))),
    ]
    # restating the same cost changes no fee: nobody is told again
    shared.enrolment_set(actor=cast["charlie"], service_slug=it.slug, organisation_slug="rival",
                         alone_cost="800", today=jan)  # fmt: skip
    assert len(told("service_fee")) == 3
    # the private cost of going alone is never told
    assert "987.65" not in " ".join(t for _, t in told())
    assert "800" not in told()[-1][1]
