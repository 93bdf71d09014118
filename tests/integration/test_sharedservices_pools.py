"""The shared-services pool with every member's way out: the issue's known case on the stored
schedule, the page and the API; a member better off alone told so, and nobody else; the joining
forecast through the same game; a fee above going alone never called stable."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import client_for
from django.contrib.auth.models import User

from coopnet.directory import services as directory
from coopnet.directory.models import Organisation
from coopnet.sharedservices import pricing, services
from coopnet.sharedservices.models import Fee, FeeSchedule, SharedService

#: the issue's known case: Outlier is the member whose going-alone cost is 345.00
KNOWN = {"outlier": "345.00", "rival": "520.00", "dune": "640.00", "ash": "590.00"}
FEES = {"outlier": "263.33", "rival": "380.00", "dune": "460.00", "ash": "426.67"}
FEES_URL = "/api/services/accounts/fees"
# the pages show this month's fees and next month's: this month is June 2026 (instants.TODAY)
pytestmark = pytest.mark.usefixtures("clock")


def _admin(name, slug, organisation):
    user = User.objects.create_user(name, password=f"pw-{name}-123")
    directory.organisation_create(name=organisation, slug=slug, admin=user)
    return user


def _join(user, slug, cost, today=None):
    services.enrolment_set(
        actor=user,
        service_slug="accounts",
        organisation_slug=slug,
        alone_cost=cost,
        hours_alone="4",
        today=today,
    )


@pytest.fixture
def accounts(cast, coordinator, clock):
    """Accounts (150 a month, 120 a member, 900 a bookkeeper for up to six), joined last month
    by Outlier, Rival, Dune and Ash at the known case's going-alone costs."""
    services.service_create(
        actor=coordinator,
        name="Accounts",
        fixed_cost="150",
        per_member_cost="120",
        unit_cost="900",
        members_per_unit=6,
    )
    cast["dana"] = _admin("dana", "dune", "Dune Co-op")
    cast["ash"] = _admin("ash", "ash", "Ash Co-op")
    last_month = pricing.current_period() - dt.timedelta(days=1)
    admins = {"outlier": "alice", "rival": "charlie", "dune": "dana", "ash": "ash"}
    for slug, cost in KNOWN.items():
        _join(cast[admins[slug]], slug, cost, today=last_month)
    return cast


@pytest.fixture
def tiny(accounts):
    """Tiny Books joins from next month: its books cost it 95.00 a month alone, less than the
    120.00 a fifth member adds to the pool."""
    accounts["tina"] = _admin("tina", "tiny", "Tiny Books")
    _join(accounts["tina"], "tiny", "95.00")
    return accounts


def _next():
    return pricing.next_period(pricing.current_period()).strftime("%Y-%m")


def test_the_known_case_on_the_stored_schedule_the_page_and_the_api(accounts, coordinator):
    stored = FeeSchedule.objects.get(service__slug="accounts", period=pricing.current_period())
    fees = {f.organisation.slug: str(f.fee) for f in stored.fees.select_related("organisation")}
    assert fees == FEES
    assert (stored.pooled_cost, stored.recommended) == (Decimal("1530.00"), "shapley")
    assert stored.contains == {
        "shapley": True,
        "nucleolus": True,
        "equal": False,  # 382.50 each: more than Outlier's 345.00 alone
        "proportional": True,
    }
    page = client_for(coordinator).get("/services/accounts/").content.decode()
    for fee in FEES.values():
        assert f"£{fee}" in page
    assert "The fees are stable." in page
    assert "<strong>The cheapest pool</strong> is all 4 members" in page
    api = client_for(coordinator).get(FEES_URL).json()
    assert {f["organisation"]: f["fee"] for f in api["fees"]} == FEES
    assert api["stable"] is True
    assert api["optimal_pool"] == ["Ash Co-op", "Dune Co-op", "Outlier Co-op", "Rival Ltd"]
    assert api["cheapest_cost"] == api["everyone_pooled_cost"] == "1530.00"
    bob = client_for(accounts["bob"]).get("/services/accounts/").content.decode()
    assert "Fee <strong>£263.33</strong>; going alone £345.00." in bob
    assert "£81.67</strong> a month saved" in bob


def test_a_member_better_off_alone_is_told_so_and_only_it_and_the_coordinator_know(
    tiny, coordinator
):
    nxt = FeeSchedule.objects.get(
        service__slug="accounts", period=pricing.next_period(pricing.current_period())
    )
    stored = {f.organisation.slug: f for f in nxt.fees.select_related("organisation")}
    assert stored["tiny"].better_alone
    assert stored["tiny"].fee == Decimal("0.00")
    assert {s: str(f.fee) for s, f in stored.items() if s != "tiny"} == FEES
    assert nxt.pooled_cost == sum(f.fee for f in stored.values()) == Decimal("1530.00")

    tina = client_for(tiny["tina"]).get("/services/accounts/").content.decode()
    assert "Better off alone: joining would add <strong>£120.00</strong> a month" in tina
    assert "more than the £95.00 going alone costs you" in tina
    assert "Not charged; going alone £95.00." in tina
    own = client_for(tiny["tina"]).get(f"{FEES_URL}?period={_next()}").json()
    assert [(f["organisation"], f["better_alone"], f["fee"]) for f in own["fees"]] == [
        ("tiny", True, "0.00")
    ]
    assert own["fees"][0]["joining_adds"] == "120.00"
    assert (own["optimal_pool"], own["better_alone"], own["cheapest_cost"]) == (None, None, None)

    # Outlier's people see the public member list, never who is left out of the pool
    for user in ("alice", "bob", "charlie"):
        page = client_for(tiny[user]).get("/services/accounts/").content.decode()
        assert "Tiny Books" in page
        assert "better off alone" not in page.lower(), user
        assert "£95.00" not in page
        fees = client_for(tiny[user]).get(f"{FEES_URL}?period={_next()}").json()
        assert all(not f["better_alone"] for f in fees["fees"])
        assert fees["better_alone"] is None

    cora = client_for(coordinator).get("/services/accounts/").content.decode()
    assert "Tiny Books is better off alone" in cora
    assert "£1,625.00 a month in all, against £1,650.00 if all 5 pooled" in cora
    api = client_for(coordinator).get(f"{FEES_URL}?period={_next()}").json()
    assert api["better_alone"] == ["Tiny Books"]
    assert api["cheapest_cost"] == "1625.00"
    assert api["everyone_pooled_cost"] == "1650.00"


def test_the_joining_forecast_goes_through_the_same_game(accounts):
    services.enrolment_leave(
        actor=accounts["alice"], service_slug="accounts", organisation_slug="outlier"
    )
    page = client_for(accounts["bob"]).get("/services/accounts/").content.decode()
    # at the 345.00 Outlier last stated, rejoining gives back this month's fee
    assert "at the £345.00 a month going alone last cost it, Outlier Co-op would pay" in page
    assert "<strong>£263.33</strong> a month, saving £81.67" in page
    member = client_for(accounts["bob"]).get("/api/services/accounts/members/outlier").json()
    assert member["joining"] == {
        "alone_cost": "345.00",
        "members": 4,
        "fee": "263.33",
        "saving": "81.67",
        "better_alone": False,
        "joining_adds": None,
    }


def test_the_forecast_says_when_joining_would_not_pay(tiny):
    # Tiny Books is a member this month too, then leaves
    last_month = pricing.current_period() - dt.timedelta(days=1)
    services.enrolment_leave(actor=tiny["tina"], service_slug="accounts", organisation_slug="tiny")
    _join(tiny["tina"], "tiny", "95.00", today=last_month)
    services.enrolment_leave(actor=tiny["tina"], service_slug="accounts", organisation_slug="tiny")
    page = client_for(tiny["tina"]).get("/services/accounts/").content.decode()
    assert "Tiny Books would be <strong>better off alone</strong>" in page
    assert "it would add £120.00 a month to the pool's cost" in page
    member = client_for(tiny["tina"]).get("/api/services/accounts/members/tiny").json()
    assert member["joining"]["better_alone"] is True
    assert member["joining"]["joining_adds"] == "120.00"


def test_a_stored_fee_above_going_alone_is_never_called_stable(cast, coordinator):
    """A month stored before coopnet knew each member's way out: Outlier and Rival shared the
    1,290.00 equally, so Outlier paid 645.00 against 345.00 alone, and the verdict stored then
    said the Shapley shares were in the core. The pages and the API do not call it stable."""
    model = {"fixed_cost": 150, "per_member_cost": 120, "unit_cost": 900, "members_per_unit": 6}
    service = SharedService.objects.create(name="Accounts", slug="accounts", **model)
    stored = FeeSchedule.objects.create(
        service=service,
        period=pricing.current_period(),
        pooled_cost=Decimal("1290.00"),
        recommended="shapley",
        core_empty=False,
        contains={"shapley": True},
        **model,
    )
    for slug, cost in [("outlier", Decimal("345.00")), ("rival", Decimal("520.00"))]:
        Fee.objects.create(
            schedule=stored,
            organisation=Organisation.objects.get(slug=slug),
            fee=Decimal("645.00"),
            alone_cost=cost,
            hours_alone=Decimal(4),
            saving=cost - Decimal("645.00"),
        )
    for user in (coordinator, cast["alice"]):
        page = client_for(user).get("/services/accounts/").content.decode()
        assert "The fees are not stable." in page
        assert "The fees are stable." not in page
    assert client_for(coordinator).get(FEES_URL).json()["stable"] is False
    alice = client_for(cast["alice"]).get("/services/accounts/").content.decode()
    assert "You pay <strong>£300.00</strong> more than alone" in alice
