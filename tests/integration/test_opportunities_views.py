"""The opportunity pages: who may see and do what, for every page, method and member of the
cast; forms that name the field at fault and save nothing; the whole loop through the pages.
Alice posts for Outlier (Bob is a member); Pat administers Partner Co-op (Quinn is a member);
Charlie (Rival) and Dee (Distant) are outsiders to Outlier's opportunities."""

import datetime as dt
import html
import re

import pytest
from casts import client_for, once
from django.test import Client
from django.utils.html import escape
from instants import TODAY

from coopnet.directory.services import UNKNOWN_SKILL
from coopnet.opportunities import services
from coopnet.opportunities.models import (
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
    Requirement,
)

# deadlines are dated from today, and cannot be in the past
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

INSIDERS = ("alice", "bob", "pat", "quinn")
OUTSIDERS = ("charlie", "dee")
METHODS = ("get", "post", "put", "patch", "delete", "head")
ACCEPT = {"decision": "accept"}


def form_data(organisation="outlier", rows=None, **fields):
    """The opportunity form's POST data; `rows` as (skill, min_level, hours) tuples."""
    rows = [("elixir", "4", "40"), ("ux-design", "3", "20")] if rows is None else rows
    data = {
        "organisation": organisation,
        "title": "Booking system",
        "client": "Acme",
        "description": "Online bookings for a climbing wall.",
        "value": "12000",
        "deadline": str(TODAY + dt.timedelta(days=90)),
        "requirements-TOTAL_FORMS": str(max(len(rows), 4)),
        "requirements-INITIAL_FORMS": "0",
        **fields,
    }
    for n, (skill, level, hours) in enumerate(rows):
        data |= {
            f"requirements-{n}-skill": skill,
            f"requirements-{n}-min_level": level,
            f"requirements-{n}-hours": hours,
        }
    return data


@pytest.fixture
def proposed(consortium_cast, post_opportunity):
    """Outlier's opportunity after formation: proposals with Outlier and Partner Co-op."""
    opportunity = post_opportunity()
    run = services.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    cheapest = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    return {"opportunity": opportunity, "run": run, "proposal": cheapest}


def pages(proposed):
    """(url, POST data) of every page about one opportunity."""
    opportunity, run, proposal = proposed["opportunity"], proposed["run"], proposed["proposal"]
    return [
        (f"/opportunities/{opportunity.pk}/", {}),
        (f"/opportunities/{opportunity.pk}/formation/", {}),
        (f"/opportunities/runs/{run.pk}/progress/", {}),
        (f"/opportunities/proposals/{proposal.pk}/decision/", ACCEPT),
    ]


def text(response):
    return response.content.decode()


#: a partner's own payout, shown to its own members (test_opportunities_payouts checks who)
OWN_PAYOUT = re.compile(r'<section class="own-payout".*?</section>', re.DOTALL)


def assert_nothing_private(response, consortium_cast, proposed=None):
    page = OWN_PAYOUT.sub("", text(response))
    for planted in consortium_cast["planted"]:
        assert planted not in page, (response.request["PATH_INFO"], planted)
    if proposed is not None:
        for proposal in proposed["opportunity"].proposals.all():
            assert f"{proposal.cost:,.2f}" not in page
            assert str(proposal.cost) not in page


def assert_nothing_decided(proposed):
    assert not ProposalPartner.objects.exclude(decision=ProposalPartner.PENDING).exists()
    assert proposed["opportunity"].runs.count() == 1
    assert Opportunity.objects.get(pk=proposed["opportunity"].pk).status == Opportunity.PROPOSED


# -- who may reach what ---------------------------------------------------------------------


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsider_gets_404_on_every_page_and_method(consortium_cast, proposed, outsider):
    client = client_for(consortium_cast[outsider])
    for url, data in pages(proposed):
        for method in METHODS:
            kwargs = {"data": data} if method == "post" else {}
            response = getattr(client, method)(url, **kwargs)
            assert response.status_code == 404, (method, url)
            assert_nothing_private(response, consortium_cast, proposed)
    assert "Booking system" not in text(client.get("/opportunities/"))
    assert_nothing_decided(proposed)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsider_gets_404_posting_for_another_organisation(consortium_cast, outsider):
    response = client_for(consortium_cast[outsider]).post("/opportunities/new/", form_data())
    assert response.status_code == 404
    assert not Opportunity.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(proposed):
    anonymous = Client()
    urls = ["/opportunities/", "/opportunities/new/"] + [url for url, _ in pages(proposed)]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/accounts/login/")
    assert_nothing_decided(proposed)


def test_unknown_ids_are_404_for_everyone(consortium_cast, proposed):
    alice = client_for(consortium_cast["alice"])
    for url in ("/opportunities/999/", "/opportunities/runs/999/progress/"):
        assert alice.get(url).status_code == 404
    assert alice.post("/opportunities/999/formation/").status_code == 404
    assert alice.post("/opportunities/proposals/999/decision/", ACCEPT).status_code == 404


@pytest.mark.parametrize("name", INSIDERS)
def test_insiders_read_every_page_without_private_values(consortium_cast, proposed, name):
    client = client_for(consortium_cast[name])
    opportunity, run = proposed["opportunity"], proposed["run"]
    reads = ["/opportunities/", f"/opportunities/{opportunity.pk}/"]
    if name in ("alice", "bob"):  # the run is the poster's alone (issue 11): partners get 404
        reads.append(f"/opportunities/runs/{run.pk}/progress/")
    else:
        assert client.get(f"/opportunities/runs/{run.pk}/progress/").status_code == 404
    for url in reads:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Booking system" in text(response) or "progress" in url
        assert_nothing_private(response, consortium_cast, proposed)


@pytest.mark.parametrize("name", INSIDERS)
def test_wrong_method_is_405_for_insiders(consortium_cast, proposed, name):
    client = client_for(consortium_cast[name])
    opportunity, run, proposal = proposed["opportunity"], proposed["run"], proposed["proposal"]
    assert client.post(f"/opportunities/{opportunity.pk}/").status_code == 405
    assert client.get(f"/opportunities/{opportunity.pk}/formation/").status_code == 405
    poster = name in ("alice", "bob")  # partners get 404 on the run (issue 11)
    progress = client.post(f"/opportunities/runs/{run.pk}/progress/").status_code
    assert progress == (405 if poster else 404)
    assert client.get(f"/opportunities/proposals/{proposal.pk}/decision/").status_code == 405
    assert client.delete("/opportunities/").status_code == 405
    assert_nothing_decided(proposed)


@pytest.mark.parametrize("name", ["bob", "pat", "quinn"])
def test_only_the_posters_admin_may_start_formation(consortium_cast, proposed, name):
    url = f"/opportunities/{proposed['opportunity'].pk}/formation/"
    response = client_for(consortium_cast[name]).post(url)
    assert response.status_code == 403
    assert services.NOT_ADMIN in text(response)
    page = text(
        client_for(consortium_cast[name]).get(f"/opportunities/{proposed['opportunity'].pk}/")
    )
    assert "Find the consortium</button>" not in page
    assert_nothing_decided(proposed)


@pytest.mark.parametrize("name", ["bob", "quinn"])
def test_members_who_are_not_admins_see_but_cannot_decide(consortium_cast, proposed, name):
    client = client_for(consortium_cast[name])
    page = text(client.get(f"/opportunities/{proposed['opportunity'].pk}/"))
    assert "Partner Co-op" in page
    assert "Added value" in page
    assert ">Accept</button>" not in page
    url = f"/opportunities/proposals/{proposed['proposal'].pk}/decision/"
    for decision in ("accept", "decline"):
        response = client.post(url, {"decision": decision})
        assert response.status_code == 403
        assert services.NOT_PARTNER_ADMIN in text(response)
    assert_nothing_decided(proposed)


def test_partner_admin_sees_accept_and_decline(consortium_cast, proposed):
    page = text(
        client_for(consortium_cast["pat"]).get(f"/opportunities/{proposed['opportunity'].pk}/")
    )
    assert ">Accept</button>" in page
    assert ">Decline</button>" in page
    assert "Find the consortium</button>" not in page


def test_partner_sees_nothing_before_a_proposal_names_it(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    pat = client_for(consortium_cast["pat"])
    assert pat.get(f"/opportunities/{opportunity.pk}/").status_code == 404
    assert pat.post(f"/opportunities/{opportunity.pk}/formation/").status_code == 404
    assert "Booking system" not in text(pat.get("/opportunities/"))


def test_list_shows_own_and_partnered_opportunities_only(consortium_cast, proposed):
    for name in (*INSIDERS, *OUTSIDERS):
        page = text(client_for(consortium_cast[name]).get("/opportunities/"))
        assert ("Booking system" in page) is (name in INSIDERS), name
        can_post = name in ("alice", "pat", "charlie", "dee")
        assert ("Post an opportunity" in page) is can_post, name


def test_csrf_is_enforced_on_every_post(consortium_cast, proposed):
    alice = client_for(consortium_cast["alice"], csrf=True)
    for url, data in pages(proposed)[1:2] + pages(proposed)[3:]:
        assert alice.post(url, data).status_code == 403, url
    assert alice.post("/opportunities/new/", form_data()).status_code == 403
    assert Opportunity.objects.count() == 1
    assert_nothing_decided(proposed)


def test_posts_go_through_with_the_pages_csrf_token(consortium_cast, proposed):
    pat = client_for(consortium_cast["pat"], csrf=True)
    page = text(pat.get(f"/opportunities/{proposed['opportunity'].pk}/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    url = f"/opportunities/proposals/{proposed['proposal'].pk}/decision/"
    response = pat.post(url, {**ACCEPT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    row = ProposalPartner.objects.get(proposal=proposed["proposal"], organisation__slug="partner")
    assert row.decision == ProposalPartner.ACCEPTED


# -- posting an opportunity -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["bob", "quinn"])
def test_members_who_admin_nothing_cannot_post(consortium_cast, name):
    client = client_for(consortium_cast[name])
    assert client.get("/opportunities/new/").status_code == 403
    assert client.post("/opportunities/new/", form_data()).status_code in (403, 404)
    assert not Opportunity.objects.exists()


def test_member_of_the_poster_gets_403_posting_for_it(consortium_cast):
    response = client_for(consortium_cast["bob"]).post("/opportunities/new/", form_data())
    assert response.status_code == 403
    assert not Opportunity.objects.exists()


def test_form_offers_only_organisations_the_user_administers(consortium_cast):
    page = text(client_for(consortium_cast["charlie"]).get("/opportunities/new/"))
    assert 'value="rival"' in page
    assert 'value="outlier"' not in page
    # skills are typed, with suggestions from the taxonomy's search: never all of it
    assert 'data-skill-search="/directory/skills/"' in page
    assert "Elixir" not in page


def test_admin_posts_an_opportunity(consortium_cast):
    alice = client_for(consortium_cast["alice"])
    response = alice.post("/opportunities/new/", form_data() | once(consortium_cast["alice"]))
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/opportunities/{opportunity.pk}/"
    assert (opportunity.posted_by.slug, opportunity.status) == ("outlier", Opportunity.DRAFT)
    rows = [(r.skill.slug, r.min_level, str(r.hours)) for r in opportunity.requirements.all()]
    assert rows == [("elixir", 4, "40.00"), ("ux-design", 3, "20.00")]
    page = text(alice.get(response["Location"]))
    assert "Find the consortium</button>" in page
    assert "£12,000.00" in page
    assert "£600.00" in page


def assert_field_error(page, field_id, message):
    """`message` is shown next to the field with id `field_id`."""
    pattern = rf'id="{field_id}_error"[^>]*>\s*<li>{re.escape(message)}'
    assert re.search(pattern, html.unescape(page)), (field_id, message)


def test_bad_shapes_show_a_message_per_field_and_save_nothing(consortium_cast):
    rows = [("cobol", "4", "40"), ("elixir", "7", "ten"), ("python", "", "5")]
    data = form_data(rows=rows, title="", value="lots", deadline="someday")
    response = client_for(consortium_cast["alice"]).post("/opportunities/new/", data)
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved" in page
    form, rows = response.context["form"], response.context["formset"].forms
    assert set(form.errors) == {"title", "value", "deadline"}
    assert set(rows[0].errors) == {"skill"}
    assert set(rows[1].errors) == {"min_level", "hours"}
    assert set(rows[2].errors) == {"min_level"}
    assert_field_error(page, "id_requirements-0-skill", UNKNOWN_SKILL.format(slug="cobol"))
    assert_field_error(page, "id_requirements-1-hours", "Enter a number.")
    assert_field_error(page, "id_title", "This field is required.")
    assert not Opportunity.objects.exists()
    assert not Requirement.objects.exists()


def test_rules_the_service_enforces_show_on_their_fields_and_save_nothing(consortium_cast):
    past = str(TODAY - dt.timedelta(days=1))
    rows = [("elixir", "4", "40"), ("ux-design", "3", "0")]
    data = form_data(rows=rows, value="0", deadline=past)
    response = client_for(consortium_cast["alice"]).post("/opportunities/new/", data)
    assert response.status_code == 400
    page = text(response)
    assert_field_error(page, "id_deadline", services.PAST_DEADLINE)
    assert_field_error(page, "id_value", services.BAD_MONEY.format(value="0"))
    hours = services.BAD_HOURS.format(value="0")
    assert_field_error(page, "id_requirements-1-hours", hours)
    assert response.context["formset"].forms[0].errors == {}
    assert not Opportunity.objects.exists()
    assert not Requirement.objects.exists()


def test_an_opportunity_needs_at_least_one_requirement(consortium_cast):
    response = client_for(consortium_cast["alice"]).post("/opportunities/new/", form_data(rows=[]))
    assert response.status_code == 400
    assert services.NO_REQUIREMENTS in text(response)
    assert not Opportunity.objects.exists()


# -- formation and its progress -------------------------------------------------------------


def test_progress_bar_polls_while_running_and_reloads_when_done(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    opportunity.status = Opportunity.FORMING
    opportunity.save()
    run = FormationRun.objects.create(
        opportunity=opportunity, status=FormationRun.RUNNING, progress=30, message="Forming."
    )
    alice = client_for(consortium_cast["alice"])
    url = f"/opportunities/runs/{run.pk}/progress/"
    page = text(alice.get(f"/opportunities/{opportunity.pk}/"))
    assert f'hx-get="{url}"' in page
    assert 'hx-trigger="every 1s"' in page
    assert "Find the consortium</button>" not in page
    polled = alice.get(url, HTTP_HX_REQUEST="true")
    assert 'value="30"' in text(polled)
    assert "HX-Refresh" not in polled
    FormationRun.objects.filter(pk=run.pk).update(status=FormationRun.DONE, progress=100)
    done = alice.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in text(done)


def test_starting_again_while_proposals_are_open_shows_why_not(consortium_cast, proposed):
    alice = client_for(consortium_cast["alice"])
    url = f"/opportunities/{proposed['opportunity'].pk}/formation/"
    response = alice.post(url, follow=True)
    assert services.CANNOT_START.format(status="consortium proposed") in text(response)
    assert_nothing_decided(proposed)


def test_an_infeasible_opportunity_says_what_is_missing(consortium_cast, post_opportunity):
    rows = [{"skill": "python", "min_level": 5, "hours": "10"}]
    opportunity = post_opportunity(requirements=rows)
    alice = client_for(consortium_cast["alice"])
    response = alice.post(f"/opportunities/{opportunity.pk}/formation/", follow=True)
    page = text(response)
    assert "No consortium in the network can cover: Python at level 5 or above." in page
    assert "Find the consortium</button>" in page  # the poster may try again after changing things


# -- the whole loop -------------------------------------------------------------------------


def test_full_loop_through_the_pages(consortium_cast):
    alice, pat = client_for(consortium_cast["alice"]), client_for(consortium_cast["pat"])
    posted = alice.post("/opportunities/new/", form_data() | once(consortium_cast["alice"]))
    detail = posted["Location"]
    found = alice.post(f"{detail}formation/")
    assert found.status_code == 302
    assert found["Location"] == detail

    page = text(alice.get(detail))
    assert "Find the consortium</button>" not in page
    for shown in ("Ada Lovelace", "Grace Hopper", "Partner Co-op", "Outlier Co-op"):
        assert shown in page, shown
    assert "Stable" in page or "nucleolus" in page
    # its own added value and why; none of the other partner's money (issue 11)
    assert "Without Outlier Co-op the consortium would earn" in page
    assert "Without Partner Co-op the consortium would earn" not in page
    assert "Alternative: most skill-sharing" in page
    assert "Consortium formed" not in page

    cheapest = Proposal.objects.get(kind=Proposal.CHEAPEST)
    decide = f"/opportunities/proposals/{cheapest.pk}/decision/"
    assert pat.post(decide, ACCEPT)["Location"] == f"{detail}#proposal-{cheapest.pk}"
    partner_page = text(pat.get(detail))
    assert "Your organisation's decision: accepted" in partner_page
    assert "Consortium formed" not in partner_page
    assert_nothing_private(pat.get(detail), consortium_cast)

    response = alice.post(decide, ACCEPT, follow=True)
    assert "Consortium formed" in text(response)
    assert "Consortium formed" in text(pat.get(detail))
    assert Opportunity.objects.get().status == Opportunity.FORMED
    assert "Consortium formed" in text(alice.get("/opportunities/"))


def test_a_second_decision_is_refused_with_a_message(consortium_cast, proposed):
    pat = client_for(consortium_cast["pat"])
    url = f"/opportunities/proposals/{proposed['proposal'].pk}/decision/"
    pat.post(url, ACCEPT)
    response = pat.post(url, {"decision": "decline"}, follow=True)
    assert escape(services.ALREADY_DECIDED) in text(response)
    assert Proposal.objects.get(pk=proposed["proposal"].pk).status == Proposal.PROPOSED


def test_a_decline_ends_the_proposal(consortium_cast, proposed):
    pat = client_for(consortium_cast["pat"])
    url = f"/opportunities/proposals/{proposed['proposal'].pk}/decision/"
    response = pat.post(url, {"decision": "decline", "reason": "Too busy"}, follow=True)
    assert "You declined this consortium." in text(response)
    assert Proposal.objects.get(pk=proposed["proposal"].pk).status == Proposal.DECLINED


def test_a_decision_must_be_accept_or_decline(consortium_cast, proposed):
    pat = client_for(consortium_cast["pat"])
    url = f"/opportunities/proposals/{proposed['proposal'].pk}/decision/"
    assert pat.post(url, {"decision": "maybe"}).status_code == 400
    assert_nothing_decided(proposed)


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(consortium_cast):
    alice = client_for(consortium_cast["alice"])
    rows = [("elixir", "4", "40"), ("ux-design", "3", "20"), ("python", "2", "15"), ("", "", "")]
    response = alice.post("/opportunities/new/", form_data(rows=rows, add_row="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="requirements-TOTAL_FORMS" value="5"' in page
    assert 'name="requirements-4-hours"' in page
    assert 'value="Booking system"' in page
    assert 'name="requirements-2-hours" value="15"' in page
    assert "This field is required" not in page  # nothing is checked yet
    assert not Opportunity.objects.exists()
    # the grown form posts as usual: five rows, three of them filled
    grown = form_data(rows=[*rows, ("", "", "")]) | once(consortium_cast["alice"])
    posted = alice.post("/opportunities/new/", grown)
    assert posted.status_code == 302
    opportunity = Opportunity.objects.get()
    assert opportunity.requirements.count() == 3


def test_add_a_row_stops_at_the_most_rows(consortium_cast):
    alice = client_for(consortium_cast["alice"])
    rows = [("", "", "")] * 39
    page = alice.post("/opportunities/new/", form_data(rows=rows, add_row="1")).content.decode()
    assert 'name="requirements-TOTAL_FORMS" value="40"' in page
    assert "Add a requirement row" not in page
