"""The network coordinator's pages and API, and past consortia on public profiles.

Cora coordinates the network: she sees it as a whole, sets the commission and admits
organisations, but never an organisation's rates, hours or costs, nor partners' payouts.
Everyone else (Alice and Pat, admins; Bob and Quinn, members; Charlie and Dee, admins of
other organisations) gets 404 on her pages and endpoints, whatever the method."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from casts import client_for, once, send
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client

from coopnet.common.models import ApiToken
from coopnet.directory import selectors as directory_selectors
from coopnet.directory import services as directory
from coopnet.directory.models import (
    Invitation,
    Membership,
    NetworkSettings,
    Organisation,
)
from coopnet.network import services
from coopnet.network.forms import COMMISSION_PERCENT
from coopnet.opportunities import services as opportunity_services
from coopnet.opportunities.consortia import formed_consortia, past_consortia
from coopnet.opportunities.models import Opportunity, Proposal, ProposalPartner
from coopnet.opportunities.payouts import why_words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

SITE = "http://testserver"
OTHERS = ("alice", "bob", "pat", "quinn", "charlie", "dee")
METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
PAGES = ("/network/", "/network/commission/", "/network/organisations/")
ENDPOINTS = ("/api/network/summary", "/api/network/commission")
ADMIT = {"name": "Newcomer Co-op", "slug": "newcomer", "admin_email": "nia@newcomer.coop"}


@pytest.fixture
def cora(coordinator):
    return coordinator


@pytest.fixture
def formed(consortium_cast, post_opportunity):
    """Outlier's booking system, formed with Partner Co-op: both admins accepted the
    cheapest proposal."""
    opportunity = post_opportunity()
    opportunity_services.formation_start(
        actor=consortium_cast["alice"], opportunity_id=opportunity.pk
    )
    proposal = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    for admin in ("alice", "pat"):
        opportunity_services.proposal_decide(
            actor=consortium_cast[admin], proposal_id=proposal.pk, accept=True
        )
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.FORMED
    return {"opportunity": opportunity, "proposal": proposal}


def text(response):
    return response.content.decode()


def commission():
    return NetworkSettings.objects.order_by("pk").first().commission


def private_values(consortium_cast, formed):
    """What must never reach the coordinator: the cast's planted rates, hours and costs
    (Outlier's cost of 500 among them), and each partner's payout and its parts."""
    values = [*consortium_cast["planted"], "500.00", "£500"]
    for proposal in formed["opportunity"].proposals.all():
        values += [str(proposal.cost), f"{proposal.cost:,.2f}"]
        for partner in proposal.partners.all():
            amounts = (partner.payout, partner.shapley_payout, partner.added_value)
            for amount in (*amounts, partner.own_cost, partner.surplus_share):
                values += [str(amount), f"{amount:,.2f}"]
            values.append(why_words(partner))
        values += [f"{a.hours}" for a in proposal.assignments.all()]
    return values


def assert_nothing_private(response, consortium_cast, formed):
    body = text(response)
    for value in private_values(consortium_cast, formed):
        assert value not in body, (response.request["PATH_INFO"], value)
    assert not re.search(r"(?<![\d.,])500(?![\d])", body), response.request["PATH_INFO"]
    for word in (
        '"payout"',
        "shapley",
        "added_value",
        "cost_rate",
        "hours_available",
        "coordination",
    ):
        assert word not in body.lower(), word


# -- who may reach what ---------------------------------------------------------------------


def test_coordinator_sees_the_dashboard(cora, formed):
    response = client_for(cora).get("/network/")
    assert response.status_code == 200
    page = text(response)
    assert re.search(r'id="organisations-count">4<', page)
    assert re.search(r'id="people-count">5<', page)
    assert re.search(r'id="skills-count">3<', page)
    assert re.search(r'id="commission-now">5% ', page)
    assert "<svg" in page
    assert "3 of 3" in page  # Elixir: Ada, Rita and Dora, all at level 3 or above
    assert "2 of 3" in page  # UX design: Linus is a junior
    assert "single point of failure" in page  # Python: Linus alone
    assert "Booking system" in page
    assert "Outlier Co-op, Partner Co-op" in page
    assert "£12,000.00" in page
    assert "£600.00" in page
    summary = response.context["summary"]
    counts = {row.status: row.count for row in summary.opportunities}
    assert counts[Opportunity.FORMED] == 1
    assert sum(counts.values()) == 1


def test_the_network_link_shows_to_coordinators_only(cora, consortium_cast):
    assert 'href="/network/"' in text(client_for(cora).get("/"))
    for name in OTHERS:
        assert 'href="/network/"' not in text(client_for(consortium_cast[name]).get("/")), name


@pytest.mark.parametrize("name", OTHERS)
def test_everyone_else_gets_404_on_every_page_and_method(cora, consortium_cast, name):
    client = client_for(consortium_cast[name])
    for url in PAGES:
        for method in METHODS:
            data = {"percent": "20", **ADMIT} if method == "post" else None
            kwargs = {"data": data} if data else {}
            response = getattr(client, method)(url, **kwargs)
            assert response.status_code == 404, (name, method, url)
            assert "Network</a>" not in text(response)
    assert commission() == Decimal("0.05")
    assert not Organisation.objects.filter(slug="newcomer").exists()


@pytest.mark.parametrize("name", OTHERS)
def test_everyone_else_gets_404_on_every_endpoint_and_method(cora, consortium_cast, name):
    client = client_for(consortium_cast[name])
    for url in ENDPOINTS:
        for method in METHODS:
            bodies = [None] if method in ("get", "head") else [{"commission": "0.2"}, "lots", None]
            for body in bodies:
                response = send(client, method, url, body)
                assert response.status_code == 404, (name, method, url, body)
                assert "commission" not in text(response)
    assert commission() == Decimal("0.05")


def test_a_bearer_token_of_someone_else_gets_404(cora, consortium_cast):
    _, key = ApiToken.issue(consortium_cast["alice"], "script")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/network/summary").status_code == 404
    assert send(client, "put", "/api/network/commission", {"commission": "0.2"}).status_code == 404
    assert commission() == Decimal("0.05")


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(cora, consortium_cast):
    anonymous = Client()
    for url in PAGES:
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/accounts/login/")
    assert anonymous.get("/api/network/summary").status_code == 401
    response = send(anonymous, "put", "/api/network/commission", {"commission": "0.2"})
    assert response.status_code == 401
    assert commission() == Decimal("0.05")


def test_wrong_methods_are_405_for_the_coordinator(cora, consortium_cast):
    client = client_for(cora)
    assert client.post("/network/").status_code == 405
    assert client.delete("/network/").status_code == 405
    assert client.get("/network/commission/").status_code == 405
    assert client.get("/network/organisations/").status_code == 405
    assert send(client, "post", "/api/network/summary").status_code == 405
    assert send(client, "get", "/api/network/commission").status_code == 405
    assert commission() == Decimal("0.05")


def test_the_coordinator_sees_no_organisations_private_pages(cora, consortium_cast):
    client = client_for(cora)
    assert client.get("/organisations/outlier/manage/").status_code == 404
    assert client.get("/organisations/outlier/people.csv").status_code == 404
    assert client.get("/api/organisations/outlier/people").status_code == 404
    assert client.get(f"/api/people/{consortium_cast['person'].pk}").status_code == 404


# -- nothing private reaches the coordinator ------------------------------------------------


def test_dashboard_and_summary_show_no_private_values(cora, consortium_cast, formed):
    client = client_for(cora)
    for response in (client.get("/network/"), client.get("/api/network/summary")):
        assert response.status_code == 200
        assert_nothing_private(response, consortium_cast, formed)


def test_error_answers_show_no_private_values(cora, consortium_cast, formed):
    client = client_for(cora)
    responses = [
        client.post("/network/commission/", {"percent": "60"}),
        client.post("/network/organisations/", {**ADMIT, "slug": "outlier"}),
        send(client, "put", "/api/network/commission", {"commission": "0.6"}),
    ]
    for response in responses:
        assert response.status_code in (400, 422)
        assert_nothing_private(response, consortium_cast, formed)


def test_summary_api_gives_the_network_as_a_whole(cora, formed):
    data = client_for(cora).get("/api/network/summary").json()
    assert (data["organisations"], data["people"], data["skills_in_use"]) == (4, 5, 3)
    assert Decimal(data["commission"]) == Decimal("0.05")
    elixir = next(s for s in data["skills"] if s["skill"] == "elixir")
    assert (elixir["people"], elixir["experts"]) == (3, 3)
    assert {"status": "formed", "label": "Consortium formed", "count": 1} in data["opportunities"]
    [consortium] = data["consortia"]
    assert consortium["title"] == "Booking system"
    assert consortium["partners"] == ["Outlier Co-op", "Partner Co-op"]
    assert Decimal(consortium["value"]) == Decimal("12000")
    assert Decimal(consortium["commission_amount"]) == Decimal("600")
    assert set(consortium) == {
        "opportunity",
        "title",
        "posted_by",
        "partners",
        "formed",
        "value",
        "commission",
        "commission_amount",
    }


# -- CSRF -----------------------------------------------------------------------------------


def test_csrf_is_enforced_on_every_post(cora, consortium_cast):
    client = client_for(cora, csrf=True)
    assert client.post("/network/commission/", {"percent": "20"}).status_code == 403
    assert client.post("/network/organisations/", ADMIT).status_code == 403
    response = send(client, "put", "/api/network/commission", {"commission": "0.2"})
    assert response.status_code == 403
    assert commission() == Decimal("0.05")
    assert not Organisation.objects.filter(slug="newcomer").exists()
    assert not mail.outbox


def test_posts_go_through_with_the_pages_csrf_token(cora, consortium_cast):
    client = client_for(cora, csrf=True)
    page = text(client.get("/network/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/network/commission/", {"percent": "7.5", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert commission() == Decimal("0.075")


def test_a_json_number_sets_the_exact_commission(cora, consortium_cast):
    response = send(client_for(cora), "put", "/api/network/commission", {"commission": 0.07})
    assert response.status_code == 200
    assert commission() == Decimal("0.07")


def test_scripts_set_the_commission_with_a_bearer_token(cora, consortium_cast):
    _, key = ApiToken.issue(cora, "script")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    response = send(client, "put", "/api/network/commission", {"commission": "0.08"})
    assert response.status_code == 200
    assert Decimal(response.json()["commission"]) == Decimal("0.08")
    assert commission() == Decimal("0.08")


# -- the commission -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["0.6", "-0.01", "0.50001", "0.12345", "lots", "", "NaN", "Infinity", None, True]
)
def test_a_bad_commission_names_the_field_and_saves_nothing(cora, consortium_cast, value):
    with pytest.raises(ValidationError) as error:
        services.network_commission_set(actor=cora, commission=value)
    expected = services.BAD_COMMISSION.format(value=str(value))
    assert error.value.message_dict == {"commission": [expected]}
    assert commission() == Decimal("0.05")


@pytest.mark.parametrize("value", ["60", "-1", "12.345", "lots", ""])
def test_a_bad_commission_on_the_page_is_shown_on_its_field(cora, consortium_cast, value):
    response = client_for(cora).post("/network/commission/", {"percent": value})
    assert response.status_code == 400
    page = text(response)
    assert "The commission was not changed" in page
    message = "This field is required." if value == "" else COMMISSION_PERCENT
    found = re.search(rf'id="id_percent_error"[^>]*>\s*<li>{re.escape(message)}', unescape(page))
    assert found
    assert commission() == Decimal("0.05")


@pytest.mark.parametrize("value", ["0.6", "-0.01", "0.12345", 0.75])
def test_a_bad_commission_through_the_api_is_422_with_the_fields_message(
    cora, consortium_cast, value
):
    response = send(client_for(cora), "put", "/api/network/commission", {"commission": value})
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["commission"]
    assert commission() == Decimal("0.05")


@pytest.mark.parametrize("value", ["0", "0.5", "0.0125", Decimal("0.3")])
def test_commissions_from_0_to_half_are_accepted(cora, consortium_cast, value):
    services.network_commission_set(actor=cora, commission=value)
    assert commission() == Decimal(value)
    assert NetworkSettings.objects.count() == 1


def test_only_coordinators_may_set_the_commission(cora, consortium_cast):
    for name in OTHERS:
        with pytest.raises(Http404):
            services.network_commission_set(actor=consortium_cast[name], commission="0.2")
    assert commission() == Decimal("0.05")


def test_the_commission_applies_to_opportunities_posted_afterwards(
    cora, consortium_cast, post_opportunity
):
    before = post_opportunity(title="Before")
    response = client_for(cora).post("/network/commission/", {"percent": "10"}, follow=True)
    assert "The commission is now 10% for opportunities posted from now on." in text(response)
    after = post_opportunity(title="After")
    assert Opportunity.objects.get(pk=before.pk).commission == Decimal("0.05")
    assert Opportunity.objects.get(pk=after.pk).commission == Decimal("0.1")
    send(client_for(cora), "put", "/api/network/commission", {"commission": "0.02"})
    assert post_opportunity(title="Later").commission == Decimal("0.02")
    assert Opportunity.objects.get(pk=after.pk).commission == Decimal("0.1")


def test_a_network_without_settings_gets_its_row(cora, cast):
    assert not NetworkSettings.objects.exists()
    services.network_commission_set(actor=cora, commission="0.04")
    assert NetworkSettings.objects.get().commission == Decimal("0.04")
    assert directory_selectors.current_commission() == Decimal("0.04")


# -- admitting organisations ----------------------------------------------------------------


def test_the_coordinator_admits_an_organisation_and_invites_its_admin(cora, consortium_cast):
    response = client_for(cora).post(
        "/network/organisations/", {**ADMIT, **once(cora)}, follow=True
    )
    assert response.status_code == 200
    assert "Newcomer Co-op was admitted; an invitation was sent to nia@newcomer.coop." in text(
        response
    )
    organisation = Organisation.objects.get(slug="newcomer")
    membership = Membership.objects.get(organisation=organisation)
    assert membership.role == Membership.ADMIN
    admin = membership.user
    assert admin.email == "nia@newcomer.coop"
    assert not admin.has_usable_password()
    assert not Membership.objects.filter(user=cora).exists()
    [email] = mail.outbox
    assert email.to == ["nia@newcomer.coop"]
    assert "Newcomer Co-op" in email.subject
    assert "/accounts/reset/" in email.body


def test_admitting_with_an_existing_account_asks_it_first(cora, consortium_cast):
    alice = consortium_cast["alice"]
    alice.email = "alice@outlier.coop"
    alice.save()
    data = {**ADMIT, "admin_email": "Alice@Outlier.coop"}
    assert client_for(cora).post("/network/organisations/", data | once(cora)).status_code == 302
    assert not Membership.objects.filter(organisation__slug="newcomer").exists()
    invitation = Invitation.objects.get(organisation__slug="newcomer")
    assert (invitation.user, invitation.role) == (alice, Membership.ADMIN)
    [email] = mail.outbox
    assert f"/invitations/{invitation.token}/" in email.body
    accepted = client_for(alice).post(f"/invitations/{invitation.token}/", {"answer": "accept"})
    assert accepted.status_code == 302
    membership = Membership.objects.get(organisation__slug="newcomer")
    assert (membership.user, membership.role) == (alice, Membership.ADMIN)


def test_bad_admissions_name_each_field_and_save_nothing(cora, consortium_cast):
    users = User.objects.count()
    data = {"name": "Outlier Co-op", "slug": "outlier", "admin_email": "not an email"}
    response = client_for(cora).post("/network/organisations/", data)
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved" in page
    assert set(response.context["admit_form"].errors) == {"admin_email"}
    data["admin_email"] = "nia@newcomer.coop"
    response = client_for(cora).post("/network/organisations/", data)
    assert response.status_code == 400
    assert set(response.context["admit_form"].errors) == {"name", "slug"}
    assert Organisation.objects.count() == 4
    assert User.objects.count() == users
    assert not mail.outbox


def test_the_admission_service_checks_every_field_before_saving(cora, consortium_cast):
    with pytest.raises(ValidationError) as error:
        services.organisation_admit(
            actor=cora, name="", slug="Not a slug!", admin_email="x", site_url=SITE
        )
    assert set(error.value.message_dict) == {"name", "slug", "admin_email"}
    assert error.value.message_dict["admin_email"] == [services.BAD_EMAIL]
    assert Organisation.objects.count() == 4


def test_only_coordinators_may_admit(cora, consortium_cast):
    for name in OTHERS:
        with pytest.raises(Http404):
            services.organisation_admit(actor=consortium_cast[name], site_url=SITE, **ADMIT)
    assert not Organisation.objects.filter(slug="newcomer").exists()
    assert not User.objects.filter(email="nia@newcomer.coop").exists()


# -- past consortia on public profiles ------------------------------------------------------


@pytest.mark.parametrize("viewer", ["alice", "pat", "charlie", "dee"])
def test_past_consortia_show_partners_and_no_money(consortium_cast, formed, viewer):
    """With the poster's consent to show the title (off by default: test_leaks_consortia)."""
    formed["opportunity"].title_public = True
    formed["opportunity"].save(update_fields=["title_public"])
    client = client_for(consortium_cast[viewer])
    formed_on = ProposalPartner.objects.filter(proposal=formed["proposal"]).latest("decided_at")
    for slug in ("outlier", "partner"):
        response = client.get(f"/organisations/{slug}/")
        page = text(response)
        section = page[page.index("Past consortia") :]
        assert "Booking system" in section
        assert "Outlier Co-op, Partner Co-op" in section
        assert formed_on.decided_at.strftime("%-d %b %Y") in section
        assert "£" not in section
        assert "12,000" not in page
        assert "12000" not in page
        assert "Acme" not in page  # the client stays the partners' business
        assert_nothing_private(response, consortium_cast, formed)


def test_organisations_outside_a_consortium_list_none(consortium_cast, formed):
    page = text(client_for(consortium_cast["alice"]).get("/organisations/rival/"))
    assert "Rival Ltd has not formed a consortium yet." in page
    assert "Booking system" not in page


def test_proposals_not_yet_formed_are_not_past_consortia(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    opportunity_services.formation_start(
        actor=consortium_cast["alice"], opportunity_id=opportunity.pk
    )
    proposal = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    opportunity_services.proposal_decide(
        actor=consortium_cast["alice"], proposal_id=proposal.pk, accept=True
    )
    page = text(client_for(consortium_cast["charlie"]).get("/organisations/outlier/"))
    assert "Outlier Co-op has not formed a consortium yet." in page
    assert "Booking system" not in page


def test_past_consortia_latest_first_as_in_the_coordinators_record(
    consortium_cast, form_contract, clock
):
    """Two consortia, the second formed a day after the first: each partner's profile lists
    them as the coordinator's record of formed consortia has them (the latest first, the
    partners by name, the same dates), with a title only where its poster consented."""
    first = form_contract()
    clock.shift(dt.timedelta(days=1))
    second = form_contract(title="Payroll app")
    opportunity_services.opportunity_title_consent(
        actor=consortium_cast["alice"], opportunity_id=second.proposal.opportunity_id, public=True
    )
    record = formed_consortia()
    partners = ("Outlier Co-op", "Partner Co-op")
    for organisation in (consortium_cast["outlier"], Organisation.objects.get(slug="partner")):
        past = past_consortia(organisation)
        assert [(c.opportunity_id, c.title, c.partners) for c in past] == [
            (second.proposal.opportunity_id, "Payroll app", partners),
            (first.proposal.opportunity_id, None, partners),
        ]
        assert [(c.opportunity_id, c.formed) for c in past] == [
            (c.opportunity_id, c.formed) for c in record
        ]
        assert past[0].formed - past[1].formed >= dt.timedelta(days=1)
    assert past_consortia(Organisation.objects.get(slug="rival")) == []


def test_a_long_coverage_table_folds_after_25_skills(cast, cora):
    from coopnet.directory.models import Skill

    extra = [Skill.objects.create(slug=f"skill-{n:02}", name=f"Skill {n:02}") for n in range(30)]
    directory.person_create(
        actor=cast["alice"],
        organisation_slug="outlier",
        name="Polly Math",
        hours_available="10",
        cost_rate="10",
        skills={s.slug: 2 for s in extra},
    )
    page = client_for(cora).get("/network/").content.decode()
    folded = page[page.index('<details id="more-skills">') :]
    assert "The other 6 skills" in folded  # 31 skills in use: Elixir and the 30 new ones
    assert page.count("<tr>") - folded.count("<tr>") >= 25
