"""A service's forecast is pooled once per set of figures, then read from the cache; any
change of enrolments or prices is a new problem, never a stale answer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache

from coopnet.engine import pooling
from coopnet.sharedservices import pricing, services
from coopnet.sharedservices.models import SharedService

JAN, FEB = dt.date(2031, 1, 1), dt.date(2031, 2, 1)


@pytest.fixture
def it(coordinator, cast):
    services.service_create(
        actor=coordinator,
        name="IT support",
        fixed_cost="300",
        per_member_cost="20",
        unit_cost="600",
        members_per_unit=2,
        today=JAN,
    )
    for user, slug, cost in ((cast["alice"], "outlier", "700"), (cast["charlie"], "rival", "650")):
        services.enrolment_set(
            actor=user,
            service_slug="it-support",
            organisation_slug=slug,
            alone_cost=cost,
            hours_alone="10",
            today=JAN,
        )
    return SharedService.objects.get(slug="it-support")


@pytest.fixture
def counted(it, monkeypatch):
    """The engine's real `pool`, counted from an empty cache once the service is set up
    (enrolling pools too)."""
    cache.clear()
    calls = []

    def pool(problem):
        calls.append(problem)
        return pooling.pool(problem)

    monkeypatch.setattr(pricing, "pool", pool)
    return calls


def test_the_same_figures_are_pooled_once(it, counted):
    first = pricing.compute(it, FEB)
    again = pricing.compute(it, FEB)
    assert len(counted) == 1
    assert again.pooled_cost == first.pooled_cost
    assert [r.fee for r in again.rows] == [r.fee for r in first.rows]


def test_a_changed_going_alone_cost_is_pooled_afresh(it, cast, counted):
    before = pricing.compute(it, FEB)
    services.enrolment_set(
        actor=cast["charlie"],
        service_slug="it-support",
        organisation_slug="rival",
        alone_cost="5000",
        hours_alone="10",
        today=JAN,
    )
    after = pricing.compute(it, FEB)
    assert len(counted) == 2
    rival = {r.slug: r for r in after.rows}["rival"]
    assert rival.alone_cost == Decimal("5000.00")
    assert [r.fee for r in after.rows] != [r.fee for r in before.rows]


def test_a_changed_cost_model_is_pooled_afresh(it, counted):
    pricing.compute(it, FEB)
    SharedService.objects.filter(pk=it.pk).update(fixed_cost=Decimal("900"))
    it.refresh_from_db()
    pricing.compute(it, FEB)
    assert len(counted) == 2
