"""The front door (issue 13): a client sends a request without signing in, protected by a
honeypot and a rate limit per address; the coordinator reads it, passes it to the organisations
whose offerings match and turns it into an opportunity the network found (no finder's fee); the
admins it was passed to read it too; everyone else gets 404.

The money case: the policy of test_commission_policy (5% + £250 within £500..£5,000, finder's
fee 2%). A client's £12,000 booking system turned into Outlier's opportunity pays the network
£850.00 and nobody a finder's fee: the partners share 12,000 - 850 = £11,150.00."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import client_for
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from instants import TODAY

from coopnet.books.models import Contract
from coopnet.clients import selectors, services
from coopnet.clients.models import ClientRequest
from coopnet.common.models import AuditEvent
from coopnet.network import services as network
from coopnet.notifications.models import Notification
from coopnet.offerings import services as offerings
from coopnet.opportunities import services as opportunities
from coopnet.opportunities.models import Opportunity, Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "immediate_tasks")]

D = Decimal
POLICY = {"commission": "0.05", "commission_flat": "250", "commission_min": "500",
          "commission_max": "5000", "finder_rate": "0.02"}  # fmt: skip
#: the client's contact details: only the coordinator and the admins it was passed to see them
EMAIL, PHONE = "quokka.ceo@client.example", "+44 7700 900123"
FORM = {
    "organisation": "Quokka Holdings", "contact_name": "Quinn Okka", "email": EMAIL,
    "phone": PHONE, "needs": "A booking system for our clinics.\nWith online payments.",
    "budget": "12000", "deadline": (TODAY + dt.timedelta(days=90)).isoformat(),
    "skill_1": "Elixir", "skill_2": "ux-design", "skill_3": "", "skill_4": "", "website": "",
}  # fmt: skip


@pytest.fixture
def cora(coordinator):
    return coordinator


@pytest.fixture
def world(consortium_cast, cora):
    """Outlier offers Elixir work, Partner Co-op design; Rival offers nothing that matches."""
    network.network_commission_policy_set(actor=cora, **POLICY)
    offerings.offering_create(actor=consortium_cast["alice"], organisation_slug="outlier",
                              name="Web apps", skills=["elixir"])  # fmt: skip
    offerings.offering_create(actor=consortium_cast["pat"], organisation_slug="partner",
                              name="Service design", skills=["ux-design"])  # fmt: skip
    return consortium_cast | {"cora": cora}


def submit(**changed):
    fields = {"organisation": "Quokka Holdings", "contact_name": "Quinn Okka", "email": EMAIL,
              "phone": PHONE, "needs": "A booking system",
              "deadline": TODAY + dt.timedelta(days=90), "skills": ["elixir", "ux-design"],
              "budget": "12000", **changed}  # fmt: skip
    return services.client_request_submit(**fields)


# -- the public form ------------------------------------------------------------------------


def test_anyone_opens_the_front_door_and_the_honeypot_is_hidden_from_people(world):
    page = client_for(None).get("/request/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="honeypot" aria-hidden="true"' in html
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html
    assert 'autocomplete="off"' in html


def test_a_client_request_arrives_with_a_reference_and_a_clear_confirmation(world):
    response = client_for(None).post("/request/", FORM)
    assert response.status_code == 302
    received = ClientRequest.objects.get()
    assert received.reference.startswith("CR-")
    assert len(received.reference) == 11
    assert (received.organisation, received.email, received.phone) == (
        "Quokka Holdings", EMAIL, PHONE)  # fmt: skip
    assert sorted(received.skills.values_list("slug", flat=True)) == ["elixir", "ux-design"]
    assert (received.budget, received.status) == (D("12000.00"), ClientRequest.NEW)
    confirmation = client_for(None).get(response["Location"])
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert received.reference in html
    assert "What happens next" in html
    assert EMAIL not in html  # the confirmation's address holds only the reference


def test_a_filled_honeypot_looks_accepted_but_nothing_is_stored(world):
    response = client_for(None).post("/request/", {**FORM, "website": "http://spam.example"})
    assert response.status_code == 302
    assert client_for(None).get(response["Location"]).status_code == 200
    assert not ClientRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="client_request.received").exists()


def test_a_forged_confirmation_address_is_404(world):
    assert client_for(None).get("/request/sent/CR-AAAAAAAA/").status_code == 404


def test_too_many_requests_from_one_address_get_429_with_a_clear_page(world, settings):
    settings.COOPNET_FRONTDOOR_RATE = "2/hour"
    client = client_for(None)
    assert client.post("/request/", {**FORM, "email": "typo"}).status_code == 400  # not counted
    assert [client.post("/request/", FORM).status_code for _ in range(2)] == [302, 302]
    refused = client.post("/request/", FORM)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many requests from your address" in refused.content.decode()
    assert "try again in 60 minutes" in refused.content.decode()
    assert ClientRequest.objects.count() == 2
    other = client.post("/request/", FORM, REMOTE_ADDR="192.0.2.7")  # another address
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"deadline": TODAY}, "deadline", services.DEADLINE_NOT_AHEAD),
        ({"deadline": TODAY - dt.timedelta(days=1)}, "deadline", services.DEADLINE_NOT_AHEAD),
        ({"deadline": "next week"}, "deadline", services.BAD_DEADLINE),
        ({"email": "not an address"}, "email", services.BAD_EMAIL),
        ({"budget": "0"}, "budget", services.BAD_BUDGET),
        ({"skills": ["cobol"]}, "skills", services.UNKNOWN_SKILLS.format(slugs="cobol")),
        ({"skills": [f"s{n}" for n in range(13)]}, "skills", services.TOO_MANY_SKILLS),
        ({"needs": "  "}, "needs", "This field is required."),
    ],
)
def test_a_bad_request_names_the_field_and_stores_nothing(world, changed, field, message):
    with pytest.raises(ValidationError) as raised:
        submit(**changed)
    assert raised.value.message_dict[field] == [message]
    assert not ClientRequest.objects.exists()


def test_the_page_shows_the_services_error_on_its_field(world):
    response = client_for(None).post("/request/", {**FORM, "deadline": TODAY.isoformat()})
    assert response.status_code == 400
    assert services.DEADLINE_NOT_AHEAD in response.content.decode()
    assert not ClientRequest.objects.exists()


# -- who reads a request --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "pat"])
def test_nobody_but_the_coordinator_reads_a_new_request(world, who):
    received = submit()
    client = client_for(world[who])
    for url in ("/clients/requests/", f"/clients/requests/{received.pk}/",
                f"/clients/requests/{received.pk}/opportunity/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    with pytest.raises(Http404):
        selectors.client_request_for_user(world[who], received.pk)


def test_the_anonymous_are_sent_to_sign_in(world):
    received = submit()
    response = client_for(None).get(f"/clients/requests/{received.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_coordinator_sees_the_request_and_the_organisations_whose_offerings_match(world):
    received = submit()
    page = client_for(world["cora"]).get(f"/clients/requests/{received.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert EMAIL in html
    assert "£12,000.00" in html
    matches = selectors.matching_organisations(received)
    assert [(m.organisation.slug, m.skills) for m in matches] == [
        ("outlier", ("Elixir",)), ("partner", ("Ux-Design",))]  # fmt: skip
    assert "Rival Ltd" not in html  # offers nothing that matches


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "pat"])
def test_only_the_coordinator_passes_or_declines(world, who):
    received = submit()
    with pytest.raises(Http404):
        services.client_request_pass(actor=world[who], request_id=received.pk,
                                     organisation_slugs=["outlier"])  # fmt: skip
    with pytest.raises(Http404):
        services.client_request_decline(actor=world[who], request_id=received.pk)
    client = client_for(world[who])
    assert client.post(f"/clients/requests/{received.pk}/pass/").status_code == 404
    assert ClientRequest.objects.get().status == ClientRequest.NEW


def test_passed_on_the_admins_read_it_in_their_list_and_competitors_still_get_404(world):
    received = submit()
    cora = client_for(world["cora"])
    response = cora.post(f"/clients/requests/{received.pk}/pass/", {"organisations": ["outlier"]})
    assert response.status_code == 302
    assert ClientRequest.objects.get().status == ClientRequest.PASSED
    alice = client_for(world["alice"])
    listing = alice.get("/clients/organisations/outlier/")
    assert listing.status_code == 200
    assert received.reference in listing.content.decode()
    detail = alice.get(f"/clients/requests/{received.pk}/").content.decode()
    assert EMAIL in detail
    assert PHONE in detail
    assert "Partner Co-op" not in detail  # nor whom else it might go to
    for who in ("bob", "charlie", "pat"):
        assert client_for(world[who]).get(f"/clients/requests/{received.pk}/").status_code == 404
    assert client_for(world["bob"]).get("/clients/organisations/outlier/").status_code == 404
    assert client_for(world["charlie"]).get("/clients/organisations/outlier/").status_code == 404
    assert AuditEvent.objects.filter(action="client_request.passed",
                                     organisation_id=world["outlier"].pk).count() == 1  # fmt: skip


def test_passing_to_nobody_or_an_unknown_organisation_is_refused(world):
    received = submit()
    with pytest.raises(ValidationError) as raised:
        services.client_request_pass(actor=world["cora"], request_id=received.pk,
                                     organisation_slugs=[])  # fmt: skip
    assert raised.value.message_dict["organisations"] == [services.NO_ORGANISATION]
    with pytest.raises(ValidationError) as raised:
        services.client_request_pass(actor=world["cora"], request_id=received.pk,
                                     organisation_slugs=["nowhere"])  # fmt: skip
    assert raised.value.message_dict["organisations"] == [
        services.UNKNOWN_ORGANISATIONS.format(slugs="nowhere")]  # fmt: skip


def test_a_declined_request_is_closed(world):
    received = submit()
    services.client_request_decline(actor=world["cora"], request_id=received.pk)
    with pytest.raises(ValidationError) as raised:
        services.client_request_pass(actor=world["cora"], request_id=received.pk,
                                     organisation_slugs=["outlier"])  # fmt: skip
    assert raised.value.messages == [services.CLOSED.format(status="declined")]


# -- turned into an opportunity -------------------------------------------------------------

REQUIREMENTS = [{"skill": "elixir", "min_level": 4, "hours": "40"},
                {"skill": "ux-design", "min_level": 3, "hours": "20"}]  # fmt: skip


def turn(world, who="cora", organisation="outlier", received=None):
    received = received or submit()
    return received, services.client_request_turn(
        actor=world[who], request_id=received.pk, organisation_slug=organisation,
        title="Clinic bookings", value="12000", deadline=TODAY + dt.timedelta(days=90),
        requirements=REQUIREMENTS,
    )  # fmt: skip


def test_the_coordinator_turns_a_request_into_an_opportunity_the_network_found(world):
    received, opportunity = turn(world, organisation="rival")  # any organisation
    assert opportunity.posted_by.slug == "rival"
    assert opportunity.finder is None
    assert (opportunity.client, opportunity.description) == ("Quokka Holdings", "A booking system")
    assert (opportunity.commission_amount, opportunity.finder_amount) == (D("850.00"), D("0.00"))
    assert opportunity.distributable == D("11150.00")
    received.refresh_from_db()
    assert (received.status, received.opportunity_id) == (ClientRequest.OPPORTUNITY, opportunity.pk)
    assert list(received.passed_to.values_list("slug", flat=True)) == ["rival"]


def test_an_admin_it_was_passed_to_turns_it_for_its_own_organisation_only(world):
    received = submit()
    services.client_request_pass(actor=world["cora"], request_id=received.pk,
                                 organisation_slugs=["outlier"])  # fmt: skip
    with pytest.raises(PermissionDenied):
        turn(world, who="alice", organisation="partner", received=received)
    with pytest.raises(Http404):
        turn(world, who="pat", organisation="partner", received=received)
    _, opportunity = turn(world, who="alice", organisation="outlier", received=received)
    assert opportunity.posted_by.slug == "outlier"
    assert opportunity.finder is None
    with pytest.raises(ValidationError) as raised:  # turned once only
        turn(world, received=received)
    assert raised.value.messages == [services.CLOSED.format(status="turned into an opportunity")]
    assert Opportunity.objects.count() == 1


def test_the_payouts_and_the_commission_add_up_to_the_value_to_the_cent(world):
    """From the client's request to a contract: no finder, no finder's fee in the books."""
    _, opportunity = turn(world)
    opportunities.formation_start(actor=world["alice"], opportunity_id=opportunity.pk)
    proposal = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    for partner in proposal.partners.select_related("organisation"):
        admin = {"outlier": "alice", "partner": "pat"}[partner.organisation.slug]
        opportunities.proposal_decide(actor=world[admin], proposal_id=proposal.pk, accept=True)
    contract = Contract.objects.get(proposal=proposal)
    assert contract.finder is None
    assert contract.finder_fee == D("0")
    paid = sum(p.payout for p in proposal.partners.all())
    assert paid == D("11150.00")
    assert paid + opportunity.commission_amount == D("12000.00")


def test_the_turn_page_prefills_from_the_request_and_posts(world):
    received = submit()
    client = client_for(world["cora"])
    page = client.get(f"/clients/requests/{received.pk}/opportunity/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Elixir"' in html
    assert 'value="12000.00"' in html
    data = {"organisation": "outlier", "title": "Clinic bookings", "client": "Quokka Holdings",
            "value": "12000", "deadline": (TODAY + dt.timedelta(days=90)).isoformat(),
            "requirements-TOTAL_FORMS": "2", "requirements-INITIAL_FORMS": "0",
            "requirements-0-skill": "elixir", "requirements-0-min_level": "4",
            "requirements-0-hours": "40", "requirements-1-skill": "ux-design",
            "requirements-1-min_level": "3", "requirements-1-hours": "20"}  # fmt: skip
    response = client.post(f"/clients/requests/{received.pk}/opportunity/", data)
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert (opportunity.title, opportunity.finder_id) == ("Clinic bookings", None)
    detail = client.get(f"/clients/requests/{received.pk}/").content.decode()
    assert "Clinic bookings" in detail
    assert "no finder&#x27;s fee" in detail


@hsettings(max_examples=200, deadline=None)
@given(
    value=st.decimals(min_value=D("0.01"), max_value=D("9999999.99"), places=2),
    rate=st.decimals(min_value=D("0"), max_value=D("0.5"), places=4),
    flat=st.decimals(min_value=D("0"), max_value=D("5000"), places=2),
    finder_rate=st.decimals(min_value=D("0"), max_value=D("0.2"), places=4),
)
def test_without_a_finder_the_commission_and_the_rest_add_up_to_the_value(
    value, rate, flat, finder_rate
):
    """An opportunity the network found keeps the network's finder terms as they were, but
    names no finder: no finder's fee, and the commission and what the partners share add up
    to the value to the cent."""
    found = Opportunity(value=value, commission=rate, commission_flat=flat,
                        finder_rate=finder_rate, finder=None)  # fmt: skip
    assert found.finder_amount == D("0")
    assert found.commission_amount == found.commission_amount.quantize(D("0.01"))
    assert found.distributable >= 0
    assert found.commission_amount + found.finder_amount + found.distributable == value


# -- the API --------------------------------------------------------------------------------


def test_the_api_reads_the_inbox_for_the_coordinator_and_the_passed_to_admins_only(world):
    passed, kept = submit(), submit(organisation="Numbat Health", email="ned@numbat.example")
    services.client_request_pass(actor=world["cora"], request_id=passed.pk,
                                 organisation_slugs=["outlier"])  # fmt: skip
    everything = client_for(world["cora"]).get("/api/clients/requests").json()
    assert [r["reference"] for r in everything] == [kept.reference, passed.reference]
    assert everything[1]["email"] == EMAIL
    assert everything[1]["skills"] == ["elixir", "ux-design"]
    mine = client_for(world["alice"]).get("/api/clients/requests").json()
    assert [r["reference"] for r in mine] == [passed.reference]
    for who in ("bob", "charlie", "pat"):
        assert client_for(world[who]).get("/api/clients/requests").json() == []
        one = client_for(world[who]).get(f"/api/clients/requests/{passed.pk}")
        assert one.status_code == 404
    assert client_for(world["alice"]).get(f"/api/clients/requests/{kept.pk}").status_code == 404
    new = client_for(world["cora"]).get("/api/clients/requests?status=new").json()
    assert [r["reference"] for r in new] == [kept.reference]


# -- who is told ----------------------------------------------------------------------------


def test_the_coordinator_is_told_of_a_new_request_and_the_admins_when_it_is_passed_on(world):
    received = submit()
    link = f"/clients/requests/{received.pk}/"
    arrived = Notification.objects.get()
    assert (arrived.recipient, arrived.kind, arrived.link) == (
        world["cora"],
        "client_request",
        link,
    )
    assert arrived.text == services.ARRIVED.format(reference=received.reference)
    services.client_request_pass(actor=world["cora"], request_id=received.pk,
                                 organisation_slugs=["outlier", "partner"])  # fmt: skip
    told = {n.recipient.username: n.text for n in Notification.objects.exclude(pk=arrived.pk)}
    assert told == {  # their admins; not Bob or Quinn, members
        "alice": services.PASSED_ON.format(reference=received.reference,
                                           organisation="Outlier Co-op"),
        "pat": services.PASSED_ON.format(reference=received.reference,
                                         organisation="Partner Co-op"),
    }  # fmt: skip
    assert EMAIL not in " ".join(Notification.objects.values_list("text", flat=True))
    services.client_request_pass(
        actor=world["cora"], request_id=received.pk, organisation_slugs=["outlier"]
    )  # passed again: not told again
    assert Notification.objects.count() == 3


def test_a_filled_honeypot_tells_nobody(world):
    client_for(None).post("/request/", {**FORM, "website": "http://spam.example"})
    assert not Notification.objects.exists()
