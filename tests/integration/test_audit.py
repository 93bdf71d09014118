"""The audit trail: each kind of event is written by the service that does the thing (decisions,
rates and hours changed, members admitted, tokens issued, money recorded), and read only by the
admins of the organisation concerned and by the coordinator, who never learns a private figure
from it. A competitor gets 404 on another organisation's trail and never sees its events."""

import html
from decimal import Decimal

import pytest
from casts import PLANTED_HOURS, PLANTED_RATE, client_for
from django.test import Client, RequestFactory
from instants import TODAY

from coopnet.books import services as books
from coopnet.books import settlement
from coopnet.common import audit
from coopnet.common.models import ApiToken, AuditEvent
from coopnet.directory import services as directory
from coopnet.directory.models import Invitation, Organisation
from coopnet.network import services as network
from coopnet.opportunities import services as opportunities
from coopnet.sharedservices.models import Fee, FeeSchedule, SharedService

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SITE = "https://net.example"
#: the new figures the tests set: they must never reach the trail
NEW_RATE, NEW_HOURS = "88.19", "17.25"


def events(action, organisation=None):
    found = AuditEvent.objects.filter(action=action)
    if organisation is not None:
        found = found.filter(organisation_id=Organisation.objects.get(slug=organisation).pk)
    return list(found.order_by("pk"))


def figures_absent(text):
    for figure in (str(PLANTED_RATE), str(PLANTED_HOURS), NEW_RATE, NEW_HOURS, "500.00"):
        assert figure not in text
        assert figure.removesuffix("0").rstrip(".") not in text


# -- rates and hours ------------------------------------------------------------------------


def test_a_rate_and_hours_change_is_recorded_without_its_values(cast):
    ada = cast["person"]
    directory.person_update(
        actor=cast["alice"], person_id=ada.pk, cost_rate=NEW_RATE, hours_available=NEW_HOURS
    )
    [rate] = events("person.rate_changed", "outlier")
    [hours] = events("person.hours_changed", "outlier")
    assert (rate.actor, rate.object_type, rate.object_id) == (
        cast["alice"],
        "directory.person",
        str(ada.pk),
    )
    assert rate.summary == "The cost rate of Ada Lovelace changed"
    assert hours.summary == "The available hours of Ada Lovelace changed"
    figures_absent(rate.summary + hours.summary)


def test_a_change_that_keeps_the_rate_records_no_rate_change(cast):
    directory.person_update(actor=cast["alice"], person_id=cast["person"].pk, name="Ada King")
    directory.person_update(
        actor=cast["alice"], person_id=cast["person"].pk, cost_rate=str(PLANTED_RATE)
    )
    assert events("person.rate_changed") == events("person.hours_changed") == []


def test_an_import_that_changes_a_rate_is_recorded(cast):
    from coopnet.directory import csv_io

    data = f"name,hours_available,cost_rate,skills\nAda Lovelace,{PLANTED_HOURS},{NEW_RATE},\n"
    csv_io.people_import(
        actor=cast["alice"], organisation_slug="outlier", data=data.encode(), filename="p.csv"
    )
    assert len(events("person.rate_changed", "outlier")) == 1
    assert events("person.hours_changed") == []


# -- members, invitations, organisations, tokens --------------------------------------------


def _invite_charlie(cast):
    cast["charlie"].email = "charlie@example.org"
    cast["charlie"].save()
    directory.member_invite(
        actor=cast["alice"],
        organisation_slug="outlier",
        email="charlie@example.org",
        role="member",
        site_url=SITE,
    )
    return Invitation.objects.get(user=cast["charlie"])


def test_an_invitation_and_its_acceptance_are_recorded(cast):
    invitation = _invite_charlie(cast)
    [sent] = events("invitation.sent", "outlier")
    assert (sent.actor, sent.summary) == (cast["alice"], "Invited charlie as member")
    assert events("member.admitted") == []
    directory.invitation_answer(actor=cast["charlie"], invitation_id=invitation.pk, accept=True)
    [admitted] = events("member.admitted", "outlier")
    assert admitted.actor == cast["charlie"]
    assert admitted.summary == "charlie joined as member (accepted the invitation)"


def test_a_declined_invitation_is_recorded_and_admits_nobody(cast):
    invitation = _invite_charlie(cast)
    directory.invitation_answer(actor=cast["charlie"], invitation_id=invitation.pk, accept=False)
    assert len(events("invitation.declined", "outlier")) == 1
    assert events("member.admitted") == []


def test_a_new_account_made_a_member_is_recorded(cast):
    directory.member_invite(
        actor=cast["alice"],
        organisation_slug="outlier",
        email="dana@example.org",
        role="admin",
        site_url=SITE,
    )
    [admitted] = events("member.admitted", "outlier")
    assert (
        admitted.summary
        == "dana@example.org joined as organisation admin (invited with a new account)"
    )


def test_the_admission_of_an_organisation_is_recorded(cast, coordinator):
    network.organisation_admit(
        actor=coordinator, name="Newcomer", slug="newcomer", admin_email="n@new.coop", site_url=SITE
    )
    [admitted] = events("organisation.admitted", "newcomer")
    assert (admitted.actor, admitted.summary) == (coordinator, "Admitted Newcomer to the network")
    assert len(events("member.admitted", "newcomer")) == 1


def test_a_token_issued_is_recorded_without_its_key(cast, capsys):
    from coopnet.cli.platform import token

    token("alice", name="nightly export")
    key = capsys.readouterr().out.strip()
    issued = ApiToken.objects.get(user=cast["alice"])
    [event] = events("token.issued")
    assert (event.actor, event.object_id, event.organisation_id) == (
        cast["alice"],
        str(issued.pk),
        None,
    )
    assert event.summary == "Issued API token 'nightly export' to alice"
    assert key
    assert key not in event.summary
    assert issued.digest not in event.summary


def test_tokens_issued_and_revoked_in_the_pages_and_api_are_recorded(cast):
    from coopnet.common.tokens import token_issue, token_revoke

    token, _ = token_issue(actor=cast["bob"], name="laptop")
    token_revoke(actor=cast["bob"], token_id=token.pk)
    [issued] = events("token.issued")
    [revoked] = events("token.revoked")
    assert (issued.actor, revoked.actor) == (cast["bob"], cast["bob"])
    assert revoked.summary == "Revoked API token 'laptop' of bob"


# -- decisions ------------------------------------------------------------------------------


def test_each_partners_acceptance_is_recorded_for_it(form_contract):
    contract = form_contract()
    for slug in ("outlier", "partner"):
        [accepted] = events("proposal.accepted", slug)
        assert accepted.object_id == str(contract.proposal_id)
        assert accepted.summary == "Accepted the proposal for Booking system"


def test_a_decline_is_recorded(consortium_cast, post_opportunity, immediate_tasks):
    opportunity = post_opportunity()
    opportunities.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    proposal = opportunity.proposals.order_by("pk").first()
    opportunities.proposal_decide(
        actor=consortium_cast["pat"], proposal_id=proposal.pk, accept=False, reason="Too busy"
    )
    [declined] = events("proposal.declined", "partner")
    assert declined.actor == consortium_cast["pat"]
    assert events("proposal.declined", "outlier") == []


# -- money ----------------------------------------------------------------------------------


@pytest.fixture
def invoiced(form_contract, consortium_cast, coordinator):
    contract = form_contract()
    milestone = contract.milestones.get()
    invoice = books.milestone_deliver(actor=consortium_cast["alice"], milestone_id=milestone.pk)
    return {**consortium_cast, "cora": coordinator, "contract": contract, "invoice": invoice}


def test_an_invoice_issued_is_recorded_for_the_poster(invoiced):
    [issued] = events("invoice.issued", "outlier")
    assert (
        issued.summary
        == f"Delivered Delivery of Booking system: invoice {invoiced['invoice'].code}"
    )


def test_a_payment_and_its_reversal_are_recorded_without_amounts(invoiced):
    cora, invoice = invoiced["cora"], invoiced["invoice"]
    payment = settlement.payment_record(actor=cora, invoice_id=invoice.pk, amount="1234.56")
    [recorded] = events("payment.recorded", "outlier")
    assert recorded.summary == f"Recorded a payment from Acme for {invoice.code}"
    settlement.entry_reverse(actor=cora, entry_id=payment.entry_id, reason="wrong invoice")
    [reversed_] = events("entry.reversed", "outlier")
    assert reversed_.actor == cora
    assert "1234" not in recorded.summary + reversed_.summary


def test_a_credit_note_is_recorded(invoiced):
    settlement.credit_note_issue(
        actor=invoiced["cora"], invoice_id=invoiced["invoice"].pk, reason="Client went away"
    )
    [credited] = events("credit_note.issued", "outlier")
    assert invoiced["invoice"].code in credited.summary


def test_a_payout_run_is_recorded_for_the_network_and_each_organisation_paid(invoiced):
    cora = invoiced["cora"]
    settlement.payment_record(actor=cora, invoice_id=invoiced["invoice"].pk, amount="12000")
    run = settlement.payout_run(actor=cora, reference="JUNE-RUN")
    [made] = events("payout_run.made")
    assert (made.organisation_id, made.summary) == (None, "Made payout run JUNE-RUN")
    paid = {Organisation.objects.get(pk=e.organisation_id).slug for e in events("payout.made")}
    assert paid == {p.organisation.slug for p in run.payouts.all()} == {"outlier", "partner"}
    payout = run.payouts.get(organisation__slug="partner")
    settlement.entry_reverse(actor=cora, entry_id=payout.entry_id, reason="bounced")
    assert len(events("entry.reversed", "partner")) == 1


def test_a_service_month_is_recorded_for_the_network_and_each_member_charged(
    consortium_cast, coordinator
):
    model = {"fixed_cost": 150, "per_member_cost": 0, "unit_cost": 0, "members_per_unit": 1}
    service = SharedService.objects.create(name="Payroll", slug="payroll-desk", **model)
    period = TODAY.replace(day=1)
    schedule = FeeSchedule.objects.create(
        service=service, period=period, pooled_cost=Decimal("150.00"), recommended="shapley",
        core_empty=False, contains={"shapley": True}, **model,
    )  # fmt: skip
    for slug, fee in (("outlier", "70.00"), ("partner", "80.00"), ("rival", "0")):
        Fee.objects.create(
            schedule=schedule, organisation=Organisation.objects.get(slug=slug),
            fee=Decimal(fee), alone_cost=Decimal(200), hours_alone=Decimal(4), saving=Decimal(1),
        )  # fmt: skip
    settlement.service_month_charge(actor=coordinator, period=period)
    [month] = events("service_month.charged")
    assert month.summary == f"Charged the month: Payroll, {period:%B %Y}"
    charged = {
        Organisation.objects.get(pk=e.organisation_id).slug for e in events("service_fee.charged")
    }
    assert charged == {"outlier", "partner"}  # no fee, no event
    assert "70" not in "".join(e.summary for e in events("service_fee.charged"))


# -- who reads the trail --------------------------------------------------------------------


@pytest.fixture
def trail(cast, coordinator):
    """Alice changes Ada's rate and hours; Charlie adds someone to Rival."""
    directory.person_update(
        actor=cast["alice"],
        person_id=cast["person"].pk,
        cost_rate=NEW_RATE,
        hours_available=NEW_HOURS,
    )
    directory.person_create(
        actor=cast["charlie"],
        organisation_slug="rival",
        name="Rex Rival",
        hours_available="3",
        cost_rate="41.17",
    )
    return {**cast, "cora": coordinator}


def _page(user, url):
    response = client_for(user).get(url)
    return response.status_code, html.unescape(response.content.decode())


def test_an_admin_reads_its_organisations_trail(trail):
    status, page = _page(trail["alice"], "/organisations/outlier/audit/")
    assert status == 200
    assert "The cost rate of Ada Lovelace changed" in page
    assert "Rex Rival" not in page
    figures_absent(page)
    listed = client_for(trail["alice"]).get("/api/audit").json()
    assert {e["organisation"] for e in listed} == {"outlier"}
    assert "person.rate_changed" in {e["action"] for e in listed}


def test_a_competitor_gets_404_and_never_sees_anothers_events(trail):
    charlie = trail["charlie"]
    assert _page(charlie, "/organisations/outlier/audit/")[0] == 404
    assert client_for(charlie).get("/api/audit?organisation=outlier").status_code == 404
    own = client_for(charlie).get("/api/audit").json()
    assert {e["organisation"] for e in own} == {"rival"}
    assert "Ada" not in str(own)
    assert _page(charlie, "/audit/")[0] == 404


def test_a_member_who_is_not_an_admin_reads_no_trail(trail):
    bob = trail["bob"]
    assert _page(bob, "/organisations/outlier/audit/")[0] == 404
    assert client_for(bob).get("/api/audit").json() == []
    assert client_for(bob).get("/api/audit?organisation=outlier").status_code == 404


def test_nobody_signed_out_reads_it(trail):
    assert Client().get("/organisations/outlier/audit/").status_code == 302
    assert Client().get("/api/audit").status_code == 401


def test_the_coordinator_reads_every_event_and_no_private_figure(trail):
    status, page = _page(trail["cora"], "/audit/")
    assert status == 200
    assert "The cost rate of Ada Lovelace changed" in page
    assert "Added Rex Rival" in page
    assert "Outlier Co-op" in page
    assert "Rival Ltd" in page
    figures_absent(page)
    assert "41.17" not in page
    listed = client_for(trail["cora"]).get("/api/audit?limit=1000").json()
    assert {e["organisation"] for e in listed} == {"outlier", "rival"}
    figures_absent(str(listed))
    assert "41.17" not in str(listed)
    one = client_for(trail["cora"]).get("/api/audit?organisation=rival").json()
    assert {e["organisation"] for e in one} == {"rival"}


def test_an_event_written_during_a_request_carries_its_id(cast):
    request = RequestFactory().get("/")
    request.request_id = "req-4f2a"

    def view(_request):
        audit.record(actor=cast["alice"], action="test.done", summary="Done")
        return

    audit.AuditMiddleware(view)(request)
    assert events("test.done")[0].request_id == "req-4f2a"
    outside = audit.record(actor=None, action="test.outside", summary="Outside a request")
    assert (outside.request_id, outside.actor_name) == ("", "")


def test_a_page_write_carries_a_request_id(cast):
    client = client_for(cast["alice"])
    data = {
        "name": "Ada Lovelace",
        "hours_available": str(PLANTED_HOURS),
        "cost_rate": NEW_RATE,
        "skills-TOTAL_FORMS": "0",
        "skills-INITIAL_FORMS": "0",
    }
    assert client.post(f"/people/{cast['person'].pk}/edit/", data).status_code == 302
    [changed] = events("person.rate_changed")
    assert len(changed.request_id) >= 8
    assert changed.actor == cast["alice"]
