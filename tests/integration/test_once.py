"""A create form is accepted once (coopnet.common.once): five identical posts of one rendered
form make one row, and each repeat is sent where the first went; a post without the form's
token saves nothing, yet an outsider still gets 404 and a bad form its errors."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from casts import client_for, once
from instants import TODAY

from coopnet.books import services as books
from coopnet.books import settlement
from coopnet.books.models import Invoice, Payment, PayoutRun, ServiceMonth
from coopnet.common.models import AuditEvent, FormSubmission
from coopnet.common.once import ALREADY, STALE
from coopnet.directory import services as directory
from coopnet.directory.models import Organisation, Person
from coopnet.mentoring.models import Session
from coopnet.opportunities.models import Opportunity
from coopnet.sharedservices.models import Fee, FeeSchedule, SharedService

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

TOKEN = re.compile(r'name="form_once" value="([^"]+)"')


def _invoiced(world):
    contract = world["form_contract"]()
    milestone = contract.milestones.get()
    invoice = books.milestone_deliver(actor=world["alice"], milestone_id=milestone.pk)
    return contract, invoice


def _person(world):
    data = {"name": "Eve", "hours_available": "3", "cost_rate": "10"}
    data |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0"}
    url = "/organisations/outlier/people/new/"
    return "alice", url, url, data, lambda: Person.objects.count()


def _opportunity(world):
    data = {
        "organisation": "outlier",
        "title": "Booking system",
        "client": "Acme",
        "value": "12000",
        "deadline": str(TODAY + dt.timedelta(days=90)),
        "requirements-TOTAL_FORMS": "1",
        "requirements-INITIAL_FORMS": "0",
        "requirements-0-skill": "elixir",
        "requirements-0-min_level": "4",
        "requirements-0-hours": "40",
    }
    url = "/opportunities/new/"
    return "alice", url, url, data, lambda: Opportunity.objects.count()


def _service(world):
    data = {"name": "Kit", "kind": "equipment", "fixed_cost": "10", "per_member_cost": "0"}
    data |= {"unit_cost": "0", "members_per_unit": "1"}
    url = "/services/new/"
    return "cora", url, url, data, lambda: SharedService.objects.count()


def _organisation(world):
    data = {"name": "Newcomer Co-op", "slug": "newcomer", "admin_email": "nia@newcomer.coop"}
    return "cora", "/network/", "/network/organisations/", data, Organisation.objects.count


def _payment(world):
    contract, invoice = _invoiced(world)
    url = f"/books/invoices/{invoice.pk}/payment/"
    data = {"amount": "100", "received": str(TODAY)}
    return "cora", f"/books/contracts/{contract.pk}/", url, data, Payment.objects.count


def _credit_note(world):
    contract, invoice = _invoiced(world)
    url = f"/books/invoices/{invoice.pk}/credit-note/"
    count = Invoice.objects.filter(kind=Invoice.CREDIT_NOTE).count
    return "cora", f"/books/contracts/{contract.pk}/", url, {"reason": "Acme withdrew"}, count


def _payout_run(world):
    _, invoice = _invoiced(world)
    settlement.payment_record(actor=world["cora"], invoice_id=invoice.pk, amount="12000")
    data = {"reference": "JUNE"}
    return "cora", "/books/network/", "/books/network/payout-run/", data, PayoutRun.objects.count


def _service_month(world):
    model = {"fixed_cost": 150, "per_member_cost": 0, "unit_cost": 0, "members_per_unit": 1}
    service = SharedService.objects.create(name="Payroll", slug="payroll-desk", **model)
    period = TODAY.replace(day=1)
    schedule = FeeSchedule.objects.create(
        service=service, period=period, pooled_cost=Decimal("150.00"), recommended="shapley",
        core_empty=False, contains={"shapley": True}, **model,
    )  # fmt: skip
    Fee.objects.create(
        schedule=schedule, organisation=Organisation.objects.get(slug="outlier"),
        fee=Decimal("70"), alone_cost=Decimal(200), hours_alone=Decimal(4), saving=Decimal(1),
    )  # fmt: skip
    data = {"period": period.strftime("%Y-%m")}
    url = "/books/network/service-month/"
    return "cora", "/books/network/", url, data, ServiceMonth.objects.count


def _milestones(world):
    contract = world["form_contract"]()
    url = f"/books/contracts/{contract.pk}/milestones/"
    data = {"milestones": "Design: 4,000\nBuild: 8000.00"}
    count = AuditEvent.objects.filter(action="milestones.set").count  # each save replaces rows
    return "alice", f"/books/contracts/{contract.pk}/", url, data, count


def _session(world):
    olive = directory.person_create(
        actor=world["alice"],
        organisation_slug="outlier",
        name="Olive Oyl",
        hours_available="40",
        cost_rate="50",
        skills={"elixir": 2},
    )
    data = {"mentor": world["person"].pk, "learner": olive.pk, "skill": "elixir"}
    data |= {"hours": "2", "date": str(TODAY - dt.timedelta(days=3))}
    page = "/skills/organisations/outlier/"
    return "alice", page, f"{page}sessions/", data, Session.objects.count


FORMS = {
    "new person": _person,
    "new opportunity": _opportunity,
    "new shared service": _service,
    "new organisation": _organisation,
    "payment": _payment,
    "credit note": _credit_note,
    "payout run": _payout_run,
    "service month": _service_month,
    "milestones": _milestones,
    "mentoring session": _session,
}


@pytest.fixture
def world(consortium_cast, coordinator, form_contract):
    return {**consortium_cast, "cora": coordinator, "form_contract": form_contract}


@pytest.fixture(params=list(FORMS))
def form(request, world):
    actor, page, url, data, count = FORMS[request.param](world)
    return {"client": client_for(world[actor]), "page": page, "url": url, "data": data}, count


def test_five_identical_posts_of_a_rendered_form_make_one_row(form):
    form, count = form
    client, before = form["client"], count()
    page = client.get(form["page"])
    assert page.status_code == 200
    [token, *_] = TOKEN.findall(page.content.decode())
    data = {**form["data"], "form_once": token}
    first = client.post(form["url"], data)
    assert first.status_code == 302, html.unescape(first.content.decode())[-2000:]
    repeats = [client.post(form["url"], data) for _ in range(4)]
    assert count() == before + 1
    assert [r.status_code for r in repeats] == [302] * 4
    assert {r["Location"] for r in repeats} == {first["Location"]}
    shown = client.get(first["Location"]).content.decode()
    assert ALREADY in html.unescape(shown)


def test_a_post_without_the_forms_token_saves_nothing(form):
    form, count = form
    before = count()
    response = form["client"].post(form["url"], form["data"])
    assert response.status_code == 400
    assert html.escape(STALE) in response.content.decode()
    assert count() == before
    assert not FormSubmission.objects.exists()


def test_an_outsider_still_gets_404_with_or_without_a_token(consortium_cast, coordinator):
    charlie = client_for(consortium_cast["charlie"])
    data = {"name": "Mallory", "hours_available": "1", "cost_rate": "1"}
    data |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0"}
    url = "/organisations/outlier/people/new/"
    assert charlie.post(url, data).status_code == 404
    assert charlie.post(url, data | once(consortium_cast["charlie"])).status_code == 404
    assert client_for(consortium_cast["pat"]).post("/network/organisations/", {}).status_code == 404
    assert not Person.objects.filter(name="Mallory").exists()
    assert not FormSubmission.objects.exists()  # a refused post frees its token


def test_a_form_with_errors_may_be_corrected_and_sent_with_the_same_token(cast):
    alice = client_for(cast["alice"])
    data = {"name": "", "hours_available": "3", "cost_rate": "10"}
    data |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0", **once(cast["alice"])}
    url = "/organisations/outlier/people/new/"
    refused = alice.post(url, data)
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert alice.post(url, data | {"name": "Eve"}).status_code == 302
    assert alice.post(url, data | {"name": "Eve"}).status_code == 302
    assert Person.objects.filter(name="Eve").count() == 1


def test_another_users_token_is_no_token(cast):
    alice = client_for(cast["alice"])
    data = {"name": "Eve", "hours_available": "3", "cost_rate": "10"}
    data |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0", **once(cast["bob"])}
    response = alice.post("/organisations/outlier/people/new/", data)
    assert response.status_code == 400
    assert not Person.objects.filter(name="Eve").exists()


def test_a_token_expires(cast, clock):
    data = {"name": "Eve", "hours_available": "3", "cost_rate": "10"}
    data |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0", **once(cast["alice"])}
    clock.shift(dt.timedelta(days=3))
    response = client_for(cast["alice"]).post("/organisations/outlier/people/new/", data)
    assert response.status_code == 400
    assert not Person.objects.filter(name="Eve").exists()
