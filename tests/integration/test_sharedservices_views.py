"""Shared services on the pages and through the API, for each role: who sees what (Charlie
never sees Outlier's going-alone cost), 404 for outsiders on every method, CSRF, 400/422 for
bad input with the field named."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import client_for, once, send
from django.test import Client

from coopnet.common.models import ApiToken
from coopnet.sharedservices import pricing, services
from coopnet.sharedservices.models import Enrolment, FeeSchedule, SharedService
from coopnet.sharedservices.selectors import services_of

#: Outlier's going-alone cost, hours and so saving (fee 524.45): only Outlier and the coordinator
PLANTED = ["987.65", "37.25", "463.20"]
#: Rival's, the same for Rival
RIVAL = ["811.11", "12.75"]
MEMBER_URL = "/api/services/it-support/members/{}"
# the pages show this month's fees and next month's: this month is June 2026 (instants.TODAY)
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def pool(cast, coordinator, clock):
    """IT support (300 + 20 a member + 600 a specialist for two), which Outlier and Rival
    joined last month, so both are in this month's stored fees and next month's."""
    services.service_create(
        actor=coordinator,
        name="IT support",
        fixed_cost="300",
        per_member_cost="20",
        unit_cost="600",
        members_per_unit=2,
    )
    last_month = pricing.current_period() - dt.timedelta(days=1)
    for user, slug, (cost, hours) in [
        ("alice", "outlier", PLANTED[:2]),
        ("charlie", "rival", RIVAL),
    ]:
        services.enrolment_set(
            actor=cast[user],
            service_slug="it-support",
            organisation_slug=slug,
            alone_cost=cost,
            hours_alone=hours,
            today=last_month,
        )
    return cast


def _pages_and_reads():
    period = pricing.next_period(pricing.current_period()).strftime("%Y-%m")
    return [
        "/services/",
        "/services/it-support/",
        "/api/services",
        "/api/services/it-support",
        "/api/services/it-support/fees",
        f"/api/services/it-support/fees?period={period}",
        MEMBER_URL.format("rival"),
    ]


def test_charlie_never_sees_outliers_going_alone_cost(pool):
    charlie = client_for(pool["charlie"])
    for url in _pages_and_reads():
        response = charlie.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for planted in PLANTED:
            assert planted not in body, (url, planted)
        assert "Outlier Co-op" in body or url.startswith(MEMBER_URL[:-2]), url
    fees = charlie.get("/api/services/it-support/fees").json()
    assert [f["organisation"] for f in fees["fees"]] == ["rival"]
    assert fees["complete"] is False
    # with two members, a proportional share would reveal the other's cost
    assert fees["fees"][0]["solutions"]["proportional"] is None
    assert "proportional" not in fees["in_core"]


@pytest.mark.parametrize("method", ["get", "put", "delete", "post", "patch", "head", "options"])
def test_outsiders_get_404_on_outliers_member_endpoint_whatever_the_method(pool, method):
    charlie = client_for(pool["charlie"])
    bodies = [{"alone_cost": "1"}, {"alone_cost": "not money"}, None]
    for body in bodies if method not in ("get", "head") else [None]:
        response = send(charlie, method, MEMBER_URL.format("outlier"), body)
        assert response.status_code == 404, (method, body)
    assert Enrolment.objects.get(organisation__slug="outlier").alone_cost == Decimal("987.65")


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_outsiders_get_404_on_outliers_pages_whatever_the_method(pool, method):
    charlie = client_for(pool["charlie"])
    for action in ("enrolment", "leave"):
        response = getattr(charlie, method)(f"/services/it-support/outlier/{action}/")
        assert response.status_code == 404
    assert Enrolment.objects.get(organisation__slug="outlier").leaves is None


def test_bob_sees_his_own_organisations_fee_saving_and_hours(pool):
    bob = client_for(pool["bob"])
    page = bob.get("/services/it-support/").content.decode()
    # 940 pooled; alone, the service would cost Outlier 920 and Rival its 811.11: Shapley
    assert "£524.45" in page
    assert "£463.20" in page  # his organisation's saving
    assert "37.25 billable hours" in page
    for private in RIVAL:
        assert private not in page
    member = bob.get(MEMBER_URL.format("outlier")).json()
    assert member["this_period"]["fee"] == "524.45"
    assert member["alone_cost"] == "987.65"
    assert member["enrolled_next_period"] is True
    # a member, not an admin: may read, not change
    assert send(bob, "put", MEMBER_URL.format("outlier"), {"alone_cost": "1"}).status_code == 403
    assert bob.post("/services/it-support/outlier/leave/").status_code == 403


def test_the_coordinator_sees_every_member_and_every_solution(pool, coordinator):
    cora = client_for(coordinator)
    page = cora.get("/services/it-support/").content.decode()
    for private in PLANTED + RIVAL:
        assert private in page
    fees = cora.get("/api/services/it-support/fees").json()
    assert fees["complete"] is True
    assert fees["stored"] is True
    assert [f["organisation"] for f in fees["fees"]] == ["outlier", "rival"]
    proportional = [Decimal(f["solutions"]["proportional"]) for f in fees["fees"]]
    assert sum(proportional) == Decimal(fees["pooled_cost"]) == Decimal("940.00")
    assert proportional[0] > proportional[1]  # Outlier's going-alone cost is the higher
    assert cora.get(MEMBER_URL.format("rival")).json()["alone_cost"] == "811.11"
    # the coordinator reads, but does not act for an organisation
    assert send(cora, "delete", MEMBER_URL.format("outlier")).status_code == 404


def test_everyone_sees_the_cost_model_members_and_pooled_cost(pool):
    service = client_for(pool["bob"]).get("/api/services/it-support").json()
    assert service["unit_cost"] == "600.00"
    assert service["this_period"]["members"] == ["Outlier Co-op", "Rival Ltd"]
    assert service["this_period"]["pooled_cost"] == "940.00"
    assert client_for(None).get("/api/services").status_code == 401
    assert client_for(None).get("/services/").status_code == 302


def test_joining_through_the_api_shows_next_months_fee_and_keeps_this_month(pool):
    before = FeeSchedule.objects.get(period=pricing.current_period())
    alice = client_for(pool["alice"])
    response = send(alice, "delete", MEMBER_URL.format("outlier"))
    assert response.status_code == 200
    left = response.json()
    assert left["enrolled_this_period"] is True
    assert left["enrolled_next_period"] is False
    assert left["this_period"]["fee"] == "524.45"
    now = FeeSchedule.objects.get(period=pricing.current_period())
    assert (now.pk, now.computed_at, now.pooled_cost) == (
        before.pk,
        before.computed_at,
        before.pooled_cost,
    )
    response = send(alice, "put", MEMBER_URL.format("outlier"), {"alone_cost": "1000"})
    assert response.status_code == 200
    assert response.json()["next_period"]["fee"] == "524.45"
    assert response.json()["next_period"]["saving"] == "475.55"


def test_csrf_is_enforced_on_unsafe_api_requests_with_a_session(pool):
    alice = client_for(pool["alice"], csrf=True)
    for method in ("put", "delete"):
        response = send(alice, method, MEMBER_URL.format("outlier"), {"alone_cost": "5"})
        assert response.status_code == 403
    assert Enrolment.objects.get(organisation__slug="outlier", leaves__isnull=True)
    _, key = ApiToken.issue(pool["alice"], "script")
    client = Client(enforce_csrf_checks=True)
    response = client.put(
        MEMBER_URL.format("outlier"),
        data='{"alone_cost": "5", "hours_alone": "1"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    outlier = Enrolment.objects.get(organisation__slug="outlier", leaves__isnull=True)
    assert outlier.alone_cost == Decimal("5.00")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Accounts", "fixed_cost": "-5"}, "fixed_cost"),
        ({"name": "Accounts", "fixed_cost": "5", "members_per_unit": 0}, "members_per_unit"),
        ({"name": "IT support", "fixed_cost": "5"}, "name"),
    ],
)
def test_bad_service_input_is_422_naming_the_field(pool, coordinator, body, field):
    response = send(client_for(coordinator), "post", "/api/services", body)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert SharedService.objects.count() == 1


def test_the_api_creates_and_edits_services_for_the_coordinator_only(pool, coordinator):
    body = {"name": "Accounts", "fixed_cost": "150", "unit_cost": "900", "members_per_unit": 6}
    assert send(client_for(pool["alice"]), "post", "/api/services", body).status_code == 403
    cora = client_for(coordinator)
    created = send(cora, "post", "/api/services", body)
    assert created.status_code == 201
    assert created.json()["slug"] == "accounts"
    patch = {"per_member_cost": "12.5"}
    assert (
        send(client_for(pool["alice"]), "patch", "/api/services/accounts", patch).status_code == 403
    )
    edited = send(cora, "patch", "/api/services/accounts", patch)
    assert edited.json()["per_member_cost"] == "12.50"
    assert send(cora, "patch", "/api/services/accounts", {"unit_cost": "-1"}).status_code == 422


def test_bad_member_and_period_input_is_422(pool):
    alice = client_for(pool["alice"])
    response = send(alice, "put", MEMBER_URL.format("outlier"), {"alone_cost": "-1"})
    assert response.status_code == 422
    assert "alone_cost" in response.json()["detail"]
    assert send(alice, "put", MEMBER_URL.format("outlier"), {}).status_code == 422
    response = alice.get("/api/services/it-support/fees?period=2031-13")
    assert response.status_code == 422
    assert "period" in response.json()["detail"]
    assert alice.get("/api/services/it-support/fees?period=2001-01").status_code == 404


# -- the pages --------------------------------------------------------------------------------


def test_an_admin_joins_on_the_page_and_sees_next_months_fee(cast, coordinator):
    services.service_create(actor=coordinator, name="Accounts", fixed_cost="100")
    alice = client_for(cast["alice"])
    page = alice.get("/services/accounts/").content.decode()
    assert "Join from next month" in page
    response = alice.post(
        "/services/accounts/outlier/enrolment/", {"alone_cost": "250", "hours_alone": "6"}
    )
    assert response.status_code == 302
    page = alice.get(response.url).content.decode()
    assert "joins “Accounts”" in page
    assert 'class="next-fee">£100.00' in page
    assert "£150.00</strong> a month saved" in page
    assert "Leave from next month" in page
    bob_page = client_for(cast["bob"]).get("/services/accounts/").content.decode()
    assert 'class="next-fee">£100.00' in bob_page
    assert "Join from next month" not in bob_page  # a member, not an admin


def test_invalid_posts_are_400_with_the_field_named(pool, coordinator):
    alice = client_for(pool["alice"])
    response = alice.post("/services/it-support/outlier/enrolment/", {"alone_cost": "-3"})
    assert response.status_code == 400
    assert "An amount of money, 0 or more, to the cent at most." in response.content.decode()
    assert alice.get("/services/it-support/outlier/enrolment/").status_code == 405
    assert alice.delete("/services/it-support/").status_code == 405
    cora = client_for(coordinator)
    form = {"name": "Kit", "kind": "equipment", "fixed_cost": "10", "per_member_cost": "0"}
    response = cora.post("/services/new/", {**form, "unit_cost": "0", "members_per_unit": "0"})
    assert response.status_code == 400
    assert "A whole number of members, at least 1." in response.content.decode()
    form |= once(coordinator)
    response = cora.post("/services/new/", {**form, "unit_cost": "0", "members_per_unit": "1"})
    assert response.status_code == 302
    assert SharedService.objects.filter(slug="kit", kind="equipment").exists()


def test_leaving_twice_is_400(pool):
    alice = client_for(pool["alice"])
    assert alice.post("/services/it-support/outlier/leave/").status_code == 302
    response = alice.post("/services/it-support/outlier/leave/")
    assert response.status_code == 400
    assert "is not enrolled" in response.content.decode()


def test_service_forms_are_the_coordinators_alone(pool, coordinator):
    alice = client_for(pool["alice"])
    for url in ("/services/new/", "/services/it-support/edit/"):
        assert alice.get(url).status_code == 404
        assert alice.post(url, {"name": "Mine", "fixed_cost": "1"}).status_code == 404
    cora = client_for(coordinator)
    assert cora.get("/services/it-support/edit/").status_code == 200
    form = {"name": "IT support", "kind": "it-support", "fixed_cost": "500"}
    form |= {"per_member_cost": "20", "unit_cost": "600", "members_per_unit": "2"}
    assert cora.post("/services/it-support/edit/", form).status_code == 302
    now = FeeSchedule.objects.get(period=pricing.current_period())
    assert now.pooled_cost == Decimal("940.00")  # this month stands
    page = cora.get("/services/it-support/").content.decode()
    assert "this month's fees use the model as it was" in page


def test_the_page_draws_both_charts(pool, coordinator):
    page = client_for(coordinator).get("/services/it-support/").content.decode()
    assert page.count("<svg") == 2
    assert 'class="bar current' in page
    assert "Every member's fee and going-alone cost" in page
    own = client_for(pool["alice"]).get("/services/it-support/").content.decode()
    assert "Your fee and going-alone cost" in own


def test_an_empty_core_is_explained_and_the_nucleolus_recommended(pool, coordinator):
    from coopnet.directory.models import Organisation

    # a third member needs a second specialist: two members alone would pay less per head
    third = Organisation.objects.create(name="Third Co-op", slug="third")
    Enrolment.objects.create(
        service=SharedService.objects.get(slug="it-support"),
        organisation=third,
        alone_cost=Decimal("900"),
        joins=pricing.next_period(pricing.current_period()),
    )
    cora = client_for(coordinator)
    period = pricing.next_period(pricing.current_period()).strftime("%Y-%m")
    fees = cora.get(f"/api/services/it-support/fees?period={period}").json()
    assert fees["core_empty"] is True
    assert fees["recommended"] == "nucleolus"
    assert Decimal(fees["least_core_epsilon"]) > 0
    page = cora.get("/services/it-support/").content.decode()
    assert "No split is stable." in page
    assert "The fees are stable." in page  # this month, with two members


def test_an_organisations_profile_lists_its_services_this_month(pool):
    charlie = client_for(pool["charlie"])
    page = charlie.get("/organisations/outlier/").content.decode()
    assert 'href="/services/it-support/">IT support</a>' in page
    for secret in PLANTED:
        assert secret not in page
    services.enrolment_leave(
        actor=pool["alice"], service_slug="it-support", organisation_slug="outlier"
    )
    assert "IT support" in charlie.get("/organisations/outlier/").content.decode()  # till month end
    next_month = pricing.next_period(pricing.current_period())
    assert services_of(pool["outlier"], today=next_month) == []
    assert [s.name for s in services_of(pool["outlier"])] == ["IT support"]


def test_a_prospective_member_sees_what_joining_would_cost(pool):
    from django.contrib.auth.models import User

    from coopnet.directory import services as directory

    pat = User.objects.create_user("pat", password="pw-pat-123")
    directory.organisation_create(name="Partner Co-op", slug="partner", admin=pat)
    page = client_for(pat).get("/services/it-support/").content.decode()
    # three members: 300 + 3 × 20 + 2 specialists × 600 = 1,560, so 520 each
    assert "with 3 members, Partner Co-op would pay about <strong>£520.00</strong>" in page
    assert client_for(pat).get("/api/services/it-support").json()["joining_fee"] == "520.00"
    alice_page = client_for(pool["alice"]).get("/services/it-support/").content.decode()
    assert "joining-outlier" not in alice_page  # Outlier is in next month's pool
    response = client_for(pat).post(
        "/services/it-support/partner/enrolment/", {"alone_cost": "900", "hours_alone": "5"}
    )
    assert response.status_code == 302
    page = client_for(pat).get("/services/it-support/").content.decode()
    assert 'class="next-fee">£520.00' in page  # the forecast was the fee
    assert "would pay about" not in page


def test_going_alone_can_be_worked_out_on_the_page_and_through_the_api(cast, coordinator):
    services.service_create(actor=coordinator, name="Accounts", fixed_cost="100")
    alice = client_for(cast["alice"])
    response = alice.post(
        "/services/accounts/outlier/enrolment/",
        {"alone_cost": "", "hours_alone": "2", "rate": "", "tools_cost": "15"},
    )
    assert response.status_code == 302
    assert Enrolment.objects.get().alone_cost == Decimal("170.42")  # 2 × 77.71 + 15
    url = "/api/services/accounts/members/outlier"
    response = send(alice, "put", url, {"hours_alone": "3", "rate": "50"})
    assert response.status_code == 200
    assert response.json()["alone_cost"] == "150.00"
    rival = send(
        client_for(cast["charlie"]), "put", url.replace("outlier", "rival"), {"hours_alone": "3"}
    )
    assert rival.status_code == 422
    assert "rate" in rival.json()["detail"]


def test_leaving_before_the_first_period_began_is_204_and_nothing_remains(pool):
    from django.contrib.auth.models import User

    from coopnet.directory.services import organisation_create

    nadia = User.objects.create_user("nadia", password="pw-nadia-123")
    organisation_create(name="Newcomer Co-op", slug="newcomer", admin=nadia)
    client = client_for(nadia)
    joined = send(client, "put", MEMBER_URL.format("newcomer"), {"alone_cost": "900"})
    assert joined.status_code == 200  # from next month
    left = send(client, "delete", MEMBER_URL.format("newcomer"))
    assert left.status_code == 204  # it never began: gone, nothing to show (was a 404)
    assert send(client, "get", MEMBER_URL.format("newcomer")).status_code == 404
