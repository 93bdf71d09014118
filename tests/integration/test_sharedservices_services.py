"""Shared services, through the services: fees add up to the cent, changes take effect from
the next month and never touch a stored month, bad input names its field."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopnet.directory import services as directory
from coopnet.directory.models import Membership, Organisation
from coopnet.engine.pooling import MAX_POOL_MEMBERS, cost_vector
from coopnet.sharedservices import pricing, services
from coopnet.sharedservices.models import Enrolment, Fee, FeeSchedule, SharedService
from coopnet.sharedservices.pricing import TOO_MANY

JAN, FEB, MAR = dt.date(2031, 1, 1), dt.date(2031, 2, 1), dt.date(2031, 3, 1)


@pytest.fixture
def it(coordinator):
    return services.service_create(
        actor=coordinator,
        name="IT support",
        fixed_cost="300.01",
        per_member_cost="20",
        unit_cost="600",
        members_per_unit=2,
        today=JAN,
    )


def join(user, slug, cost, hours="10", today=JAN):
    return services.enrolment_set(
        actor=user,
        service_slug="it-support",
        organisation_slug=slug,
        alone_cost=cost,
        hours_alone=hours,
        today=today,
    )


def fees(period, service="it-support"):
    stored = FeeSchedule.objects.get(service__slug=service, period=period)
    return stored, {f.organisation.slug: f for f in stored.fees.select_related("organisation")}


def test_periods_are_calendar_months():
    assert pricing.current_period(dt.date(2031, 1, 31)) == JAN
    assert pricing.next_period(dt.date(2031, 12, 1)) == dt.date(2032, 1, 1)
    assert pricing.parse_period("2031-02") == FEB
    with pytest.raises(ValidationError) as error:
        pricing.parse_period("2031-13")
    assert "period" in error.value.message_dict


def test_fees_add_up_to_the_pooled_cost_to_the_cent(cast, it):
    for n in range(3):
        Organisation.objects.create(name=f"Extra {n}", slug=f"extra-{n}")
    join(cast["alice"], "outlier", "987.65")
    join(cast["charlie"], "rival", "800")
    for n in range(3):
        organisation = Organisation.objects.get(slug=f"extra-{n}")
        Enrolment.objects.create(
            service=it, organisation=organisation, alone_cost=Decimal("700"), joins=FEB
        )
    stored = services.period_freeze(it, today=dt.date(2031, 3, 9))
    assert stored.period == MAR
    # 300.01 + 20·5 + 600·3 = 2200.01: any two members pool for 940.01, less than 2/5 of
    # it, so the core is empty; the nucleolus shares it equally, the cent to the first member
    assert stored.pooled_cost == Decimal("2200.01")
    assert stored.core_empty
    assert stored.recommended == "nucleolus"
    amounts = {f.organisation.slug: f.fee for f in stored.fees.all()}
    assert sum(amounts.values()) == stored.pooled_cost
    assert sorted(amounts.values()) == [Decimal("440.00")] * 4 + [Decimal("440.01")]
    for fee in stored.fees.all():
        assert fee.saving == fee.alone_cost - fee.fee
        for name in ("shapley", "nucleolus", "equal", "proportional"):
            assert sum(getattr(f, name) for f in stored.fees.all()) == stored.pooled_cost


def test_joining_and_leaving_take_effect_next_month_and_never_change_a_stored_month(cast, it):
    join(cast["alice"], "outlier", "987.65", today=dt.date(2031, 1, 15))
    jan, jan_fees = fees(JAN)
    assert jan_fees == {}  # nobody this month: the join is for February
    _, feb_fees = fees(FEB)
    assert set(feb_fees) == {"outlier"}
    assert feb_fees["outlier"].fee == Decimal("920.01")

    join(cast["charlie"], "rival", "800", today=dt.date(2031, 1, 20))
    assert fees(JAN)[0].pk == jan.pk
    assert fees(JAN)[0].computed_at == jan.computed_at
    feb, feb_fees = fees(FEB)
    assert set(feb_fees) == {"outlier", "rival"}
    assert sum(f.fee for f in feb_fees.values()) == Decimal("940.01")

    # in February: Charlie leaves and Alice restates; both only from March
    services.enrolment_leave(
        actor=cast["charlie"], service_slug="it-support", organisation_slug="rival", today=FEB
    )
    join(cast["alice"], "outlier", "1500", hours="30", today=dt.date(2031, 2, 11))
    feb_after, feb_fees_after = fees(FEB)
    assert (feb_after.pk, feb_after.computed_at) == (feb.pk, feb.computed_at)
    assert {s: (f.fee, f.alone_cost) for s, f in feb_fees_after.items()} == {
        s: (f.fee, f.alone_cost) for s, f in feb_fees.items()
    }
    _, mar_fees = fees(MAR)
    assert set(mar_fees) == {"outlier"}
    assert mar_fees["outlier"].alone_cost == Decimal("1500.00")
    assert mar_fees["outlier"].hours_alone == Decimal("30.00")
    enrolments = Enrolment.objects.filter(organisation__slug="outlier").order_by("joins")
    assert [(e.joins, e.leaves) for e in enrolments] == [(FEB, MAR), (MAR, None)]


def test_leaving_before_the_start_cancels_the_join(cast, it):
    join(cast["alice"], "outlier", "987.65")
    services.enrolment_leave(
        actor=cast["alice"], service_slug="it-support", organisation_slug="outlier", today=JAN
    )
    assert not Enrolment.objects.exists()
    assert fees(FEB)[1] == {}
    with pytest.raises(ValidationError) as error:
        services.enrolment_leave(
            actor=cast["alice"], service_slug="it-support", organisation_slug="outlier", today=JAN
        )
    assert "organisation" in error.value.message_dict


def test_a_new_cost_model_applies_from_next_month(cast, it, coordinator):
    join(cast["alice"], "outlier", "987.65", today=dt.date(2030, 12, 3))  # from January
    services.service_update(
        actor=coordinator, slug="it-support", fixed_cost="1000", today=dt.date(2031, 1, 5)
    )
    jan, jan_fees = fees(JAN)
    assert jan.fixed_cost == Decimal("300.01")
    assert jan_fees["outlier"].fee == Decimal("920.01")
    feb, feb_fees = fees(FEB)
    assert feb.fixed_cost == Decimal("1000.00")
    # alone, the service would now cost Outlier 1,620.00, more than its 987.65 going alone
    assert feb_fees["outlier"].better_alone
    assert feb_fees["outlier"].fee == feb.pooled_cost == Decimal("0.00")
    assert feb_fees["outlier"].saving == Decimal("0.00")


def test_only_admins_write_and_outsiders_get_404(cast, it):
    with pytest.raises(PermissionDenied):
        join(cast["bob"], "outlier", "10")
    with pytest.raises(Http404):
        join(cast["charlie"], "outlier", "10")
    with pytest.raises(PermissionDenied):
        services.service_create(actor=cast["alice"], name="Mine", fixed_cost="1")
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"fixed_cost": "-1"}, "fixed_cost"),
        ({"per_member_cost": "abc"}, "per_member_cost"),
        ({"unit_cost": "1.001"}, "unit_cost"),
        ({"members_per_unit": 0}, "members_per_unit"),
        ({"members_per_unit": True}, "members_per_unit"),
        ({"name": "  "}, "name"),
        ({"name": "IT support"}, "name"),
        ({"kind": "catering"}, "kind"),
    ],
)
def test_bad_service_input_names_the_field(it, coordinator, fields, field):
    fields = {"name": "Accounts", "fixed_cost": "100", **fields}
    with pytest.raises(ValidationError) as error:
        services.service_create(actor=coordinator, **fields)
    assert field in error.value.message_dict
    assert SharedService.objects.count() == 1


@pytest.mark.parametrize(
    ("cost", "hours", "field"),
    [("-5", "1", "alone_cost"), ("12", "-1", "hours_alone"), ("NaN", "1", "alone_cost")],
)
def test_bad_going_alone_cost_names_the_field(cast, it, cost, hours, field):
    with pytest.raises(ValidationError) as error:
        join(cast["alice"], "outlier", cost, hours=hours)
    assert field in error.value.message_dict
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("cost", "shown"), [(Decimal("1E+400"), "(got 1E+400)"), ("lots", "(got 'lots')")]
)
def test_a_bad_amount_is_quoted_as_typed(cast, it, cost, shown):
    with pytest.raises(ValidationError) as error:
        join(cast["alice"], "outlier", cost)
    assert error.value.message_dict["alone_cost"][0].endswith(shown + ".")


def test_a_twenty_first_member_is_refused(cast, it):
    for n in range(MAX_POOL_MEMBERS):
        organisation = Organisation.objects.create(name=f"Member {n:02}", slug=f"member-{n}")
        Enrolment.objects.create(
            service=it, organisation=organisation, alone_cost=Decimal(500), joins=JAN
        )
    with pytest.raises(ValidationError) as error:
        join(cast["alice"], "outlier", "987.65")
    assert error.value.message_dict["organisation"] == [TOO_MANY]
    assert not Enrolment.objects.filter(organisation__slug="outlier").exists()


def test_one_open_enrolment_per_organisation_is_enforced_by_the_database(cast, it):
    join(cast["alice"], "outlier", "987.65")
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), transaction.atomic():
        Enrolment.objects.create(
            service=it, organisation=cast["outlier"], alone_cost=Decimal(1), joins=MAR
        )


def _groups_within_cost(stored, model):
    """Every group of members, those better off alone paying what going alone costs them, pays
    at most its cost in the game (rounding may put each member a cent over its exact share)."""
    fees = list(stored.fees.order_by("organisation__name"))
    paid = [f.alone_cost if f.better_alone else f.fee for f in fees]
    costs = cost_vector(model, [float(f.alone_cost) for f in fees])
    for size in range(1, len(fees) + 1):
        for group in itertools.combinations(range(len(fees)), size):
            mask = sum(1 << i for i in group)
            if float(sum(paid[i] for i in group)) > costs[mask] + 0.01 * size + 1e-6:
                return False
    return True


costs = st.decimals(min_value=0, max_value=5000, places=2)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fixed=costs,
    per_member=costs,
    unit=costs,
    per_unit=st.integers(min_value=1, max_value=5),
    alone=st.lists(costs, min_size=1, max_size=7),
)
def test_stored_fees_add_up_and_are_stable_when_the_core_is_not_empty(
    coordinator, fixed, per_member, unit, per_unit, alone
):
    with transaction.atomic():
        service = services.service_create(
            actor=coordinator,
            name="Pool",
            fixed_cost=fixed,
            per_member_cost=per_member,
            unit_cost=unit,
            members_per_unit=per_unit,
            today=JAN,
        )
        for n, cost in enumerate(alone):
            organisation = Organisation.objects.create(name=f"Org {n}", slug=f"org-{n}")
            Enrolment.objects.create(
                service=service, organisation=organisation, alone_cost=cost, joins=JAN
            )
        stored = services.period_freeze(service, today=JAN)
        fees = list(Fee.objects.filter(schedule=stored))
        model = pricing.cost_model(service)
        pooled = [f for f in fees if not f.better_alone]
        assert stored.pooled_cost == model.cost(len(pooled))
        assert sum(f.fee for f in fees) == stored.pooled_cost
        assert all(f.fee == 0 for f in fees if f.better_alone)
        assert all(0 <= f.fee <= f.alone_cost for f in pooled)
        if pooled and not stored.core_empty:
            assert stored.contains[stored.recommended] is True
            assert _groups_within_cost(stored, model)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("clock")
def test_demo_seed_stores_this_month_and_plans_a_join_for_next_month(db):
    for n in range(9):
        admin = User.objects.create_user(f"admin{n}", password="pw")
        directory.organisation_create(name=f"Demo Co-op {n}", slug=f"demo-{n}", admin=admin)
    from coopnet.sharedservices.demo import seed_demo

    seed_demo()
    now, nxt = dt.date(2026, 6, 1), dt.date(2026, 7, 1)  # the clock says 17 June 2026
    it_now = FeeSchedule.objects.get(service__slug="it-support", period=now)
    it_next = FeeSchedule.objects.get(service__slug="it-support", period=nxt)
    assert it_now.fees.count() == 7
    assert it_next.fees.count() == 8
    assert it_now.core_empty
    assert it_now.recommended == "nucleolus"
    assert not it_next.core_empty
    assert it_next.contains[it_next.recommended] is True  # stable
    assert max(f.fee for f in it_next.fees.all()) < min(f.fee for f in it_now.fees.all())
    for stored in (it_now, it_next):
        assert sum(f.fee for f in stored.fees.all()) == stored.pooled_cost
    accounts, accounts_next = (
        FeeSchedule.objects.get(service__slug="accounts", period=p) for p in (now, nxt)
    )
    # the known case: fees follow what going alone costs each, in the core
    assert [f.fee for f in accounts.fees.order_by("alone_cost")] == [
        Decimal("263.33"),
        Decimal("380.00"),
        Decimal("426.67"),
        Decimal("460.00"),
    ]
    assert accounts.recommended == "shapley"
    assert accounts.contains["shapley"] is True
    joiner = accounts_next.fees.get(alone_cost=Decimal("95.00"))
    assert joiner.better_alone
    assert joiner.fee == 0
    assert accounts_next.pooled_cost == accounts.pooled_cost == Decimal("1530.00")
    admins = Membership.objects.filter(role=Membership.ADMIN).count()
    assert admins == 9


# -- going alone, worked out ------------------------------------------------------------------


def _join_worked_out(user, slug, **fields):
    return services.enrolment_set(
        actor=user, service_slug="it-support", organisation_slug=slug, today=JAN, **fields
    )


def test_going_alone_is_worked_out_from_hours_rate_and_tools(cast, it):
    # Ada is Outlier's only person with a rate: 77.71 an hour
    found = _join_worked_out(cast["alice"], "outlier", hours_alone="10", tools_cost="50")
    assert found.alone_cost == Decimal("827.10")  # 10 × 77.71 + 50
    assert found.hours_alone == Decimal("10.00")
    found = _join_worked_out(cast["alice"], "outlier", hours_alone="10", rate="40")
    assert found.alone_cost == Decimal("400.00")
    stated = _join_worked_out(cast["alice"], "outlier", alone_cost="999", hours_alone="10")
    assert stated.alone_cost == Decimal("999.00")  # a stated cost wins


def test_the_default_rate_is_weighted_by_hours(cast, it):
    from coopnet.directory import services as directory

    directory.person_create(
        actor=cast["alice"],
        organisation_slug="outlier",
        name="Junior",
        hours_available="123.45",  # as many hours as Ada
        cost_rate="20",
        skills={},
    )
    found = _join_worked_out(cast["alice"], "outlier", hours_alone="1")
    assert found.alone_cost == Decimal("48.86")  # (77.71 + 20) / 2, to the cent


def test_working_it_out_needs_something_to_work_from(cast, it):
    with pytest.raises(ValidationError) as error:
        _join_worked_out(cast["charlie"], "rival", hours_alone="5")  # Rival has no rates
    assert "rate" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _join_worked_out(cast["alice"], "outlier")  # no cost, no hours, no tools
    assert "alone_cost" in error.value.message_dict
    assert not Enrolment.objects.exists()
    found = _join_worked_out(cast["charlie"], "rival", tools_cost="120")
    assert found.alone_cost == Decimal("120.00")  # tools only: no rate needed
