"""Shared-service cost pooling: the cost game with a way out for every member, the cheapest
pool, exact allocations in its game, fees to the cent."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pool_cases import CENT, KNOWN_ALONE, KNOWN_FEES, doc

from coopnet.engine.errors import BadInput
from coopnet.engine.games.subsets import popcounts, subset_sums
from coopnet.engine.pooling import (
    NOBODY_POOLS,
    Service,
    cheapest_pool,
    cost_vector,
    parse_pool,
    pool,
    pool_json,
)


def known(*extra: Any) -> dict[str, Any]:
    return doc([*KNOWN_ALONE, *extra], fixed=150, per_member=120, unit=900, per_unit=6)


def brute_force(service: Service, alone: list[float]) -> list[float]:
    """c(S) = min over T ⊆ S of pool(|T|) + the going-alone costs of S∖T, group by group."""
    n = len(alone)
    values = []
    for mask in range(1 << n):
        group = [i for i in range(n) if mask >> i & 1]
        values.append(
            min(
                float(service.cost(len(pooled))) + sum(alone[i] for i in group if i not in pooled)
                for size in range(len(group) + 1)
                for pooled in itertools.combinations(group, size)
            )
        )
    return values


def paid(result: Any) -> np.ndarray:
    """What each candidate pays for the service: its fee in the pool, else going alone."""
    return np.array(
        [
            float(fee if inside else m.alone_cost)
            for m, fee, inside in zip(
                result.problem.members, result.fees, result.in_pool, strict=True
            )
        ]
    )


# -- the game -------------------------------------------------------------------------------


services = st.fixed_dictionaries(
    {
        "fixed": st.integers(0, 1000),
        "per_member": st.integers(0, 300),
        "unit": st.integers(0, 2500),
        "per_unit": st.integers(1, 5),
        "alone": st.lists(
            st.decimals(min_value=0, max_value=3000, places=2), min_size=1, max_size=6
        ),
    }
)


@settings(max_examples=60, deadline=None)
@given(services)
def test_the_game_is_the_cheapest_way_to_get_the_service(case: dict[str, Any]) -> None:
    problem = parse_pool(doc(case.pop("alone"), **case))
    alone = [float(m.alone_cost) for m in problem.members]
    costs = cost_vector(problem.service, alone)
    np.testing.assert_allclose(costs, brute_force(problem.service, alone), rtol=0, atol=1e-6)


def test_a_member_is_never_worth_more_than_going_alone() -> None:
    # pool(1) = 900: the member of 400 goes alone, the member of 1,000 pools by itself
    service = parse_pool(doc([1000, 400])).service
    assert cost_vector(service, [1000, 400]).tolist() == [0, 900, 400, 900]


def test_twenty_members_match_the_formula_on_sampled_groups() -> None:
    service = Service("IT", Decimal("1000"), Decimal("37.5"), Decimal("900"), 3)
    alone = np.random.default_rng(3).integers(300, 3000, size=20).astype(float)
    costs = cost_vector(service, alone)
    assert len(costs) == 1 << 20
    rng = np.random.default_rng(4)
    for mask in [0, 1, (1 << 20) - 1, *rng.integers(0, 1 << 20, size=30).tolist()]:
        group = sorted((alone[i] for i in range(20) if mask >> i & 1), reverse=True)
        direct = min(float(service.cost(k)) + sum(group[k:]) for k in range(len(group) + 1))
        assert costs[mask] == pytest.approx(direct, abs=1e-6)


def test_the_cheapest_pool_breaks_ties_towards_the_larger_pool_then_the_earlier_member() -> None:
    # fixed 0, 1,000 a specialist for two: pool(1) = pool(2) = 1,000
    service = Service("IT", Decimal(0), Decimal(0), Decimal(1000), 2)
    # 600 + 400 alone or 1,000 pooled: a tie, so both pool
    assert cheapest_pool(service, [Decimal(600), Decimal(400)]) == (0, 1)
    # three of 500: two pool (1,000 + 500), either pair; the earlier members
    assert cheapest_pool(service, [Decimal(500)] * 3) == (0, 1)
    assert cheapest_pool(service, [Decimal(100), Decimal(200)]) == ()


# -- known cases ----------------------------------------------------------------------------


def test_the_known_case_shares_by_what_going_alone_costs_each_member() -> None:
    result = pool(parse_pool(known()))
    assert result.pool_ids == ("m0", "m1", "m2", "m3")
    assert result.pooled_cost == result.cheapest_cost == Decimal("1530.00")
    assert result.fees == KNOWN_FEES
    assert result.recommended == "shapley"
    assert result.stable
    assert not result.core_empty
    assert result.contains == {
        "shapley": True,
        "nucleolus": True,
        "equal": False,  # 382.50 each: more than the 345.00 going alone costs m2
        "proportional": True,
    }
    assert result.savings == [Decimal(s) for s in ("140.00", "180.00", "81.67", "163.33")]
    assert all(result.gains)
    equal = result.solutions["equal"]
    assert equal is not None
    np.testing.assert_allclose(equal, [382.5] * 4)


def test_a_member_whose_way_out_is_cheaper_is_better_off_alone() -> None:
    result = pool(parse_pool(known("95.00")))
    assert result.better_alone == [False, False, False, False, True]
    assert result.fees == [*KNOWN_FEES, Decimal("0.00")]  # not charged; the others unchanged
    assert result.joining_adds == Decimal("120.00")  # more than its 95.00 going alone
    assert result.everyone_cost == Decimal("1650.00")
    assert result.cheapest_cost == Decimal("1625.00")  # 1,530 pooled + 95 alone
    assert result.savings[4] == Decimal(0)
    assert result.hours_recovered[4] == Decimal(0)
    assert not result.gains[4]
    assert result.stable


def test_a_capacity_step_leaves_the_cheapest_member_out() -> None:
    # pool(1) = pool(2) = 900, pool(3) = 1,500: the third member would add 600 > 400
    result = pool(parse_pool(doc([1000, 800, 400])))
    assert result.pool_ids == ("m0", "m1")
    assert result.fees == [Decimal("450.00"), Decimal("450.00"), Decimal("0.00")]
    assert result.joining_adds == Decimal("600.00")
    assert (result.pooled_cost, result.cheapest_cost, result.everyone_cost) == (
        Decimal("900.00"),
        Decimal("1300.00"),
        Decimal("1500.00"),
    )
    # either member could pool with m2 instead (m2 paying its 400): 500 each at most
    assert result.stable
    assert result.savings == [Decimal("550.00"), Decimal("350.00"), Decimal("0.00")]


def test_a_pool_with_a_rival_among_those_going_alone_is_not_called_stable() -> None:
    # 1,000 a specialist for two. m0 and m1 pool for 1,000; m2 goes alone for 600. But m0 and
    # m2 could pool for 1,000 too, so m0 pays at most 400 and so does m1: 800 < 1,000.
    result = pool(parse_pool(doc([900, 900, 600], fixed=0, unit=1000)))
    assert result.pool_ids == ("m0", "m1")
    assert result.core_empty
    assert not result.stable
    assert result.recommended == "nucleolus"
    assert result.least_core_epsilon == pytest.approx(100)
    assert result.fees == [Decimal("500.00"), Decimal("500.00"), Decimal("0.00")]
    assert "nucleolus" not in result.undefined  # the pool's own nucleolus stands in


def test_nobody_pools_when_everyone_is_better_off_alone() -> None:
    result = pool(parse_pool(doc([100, 200], fixed=1000)))
    assert result.pool_ids == ()
    assert result.fees == [Decimal("0.00")] * 2
    assert result.pooled_cost == Decimal("0.00")
    assert result.cheapest_cost == Decimal("300.00")
    assert result.recommended == ""
    assert not result.stable
    document = pool_json(result)
    assert document["recommended"] is None
    assert document["solutions"] == dict.fromkeys(("shapley", "nucleolus", "equal", "proportional"))
    assert document["undefined"]["shapley"] == NOBODY_POOLS
    json.dumps(document, allow_nan=False)


def test_fees_sum_to_the_cent() -> None:
    result = pool(parse_pool(doc([200] * 7, fixed="100.01", unit=0)))
    assert sum(result.fees) == result.pooled_cost == Decimal("100.01")
    assert max(result.fees) - min(result.fees) == Decimal("0.01")


def test_an_additive_service_is_shared_exactly() -> None:
    # pool(k) = 320 k: every group costs 320 a head, whatever its going-alone costs
    alone = ["856.15", "1860.45", "2071.83", "854.53"]
    result = pool(parse_pool(doc(alone, fixed=0, per_member=20, unit=300, per_unit=1)))
    assert result.fees == [Decimal("320.00")] * 4
    assert result.stable


def test_twenty_members_allocated_exactly() -> None:
    alone = [str(1500 + 97 * i) for i in range(20)]
    result = pool(parse_pool(doc(alone, fixed=1000, per_member="37.5", unit=900, per_unit=4)))
    assert all(result.in_pool)
    assert sum(result.fees) == result.pooled_cost == Decimal("6250.00")  # 1,000 + 750 + 5 × 900
    assert result.stable
    assert all(f <= m.alone_cost for f, m in zip(result.fees, result.problem.members, strict=True))


# -- properties -----------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(services)
def test_fees_add_up_to_the_pool_and_are_stable_whenever_the_core_is_not_empty(
    case: dict[str, Any],
) -> None:
    problem = parse_pool(doc(case.pop("alone"), **case))
    result = pool(problem)
    alone = [float(m.alone_cost) for m in problem.members]
    costs = cost_vector(problem.service, alone)
    size = sum(result.in_pool)
    assert result.pooled_cost == problem.service.cost(size).quantize(CENT) == sum(result.fees)
    assert float(result.cheapest_cost) == pytest.approx(costs[-1], abs=1e-6)
    for member, fee, inside in zip(problem.members, result.fees, result.in_pool, strict=True):
        assert fee <= member.alone_cost if inside else fee == 0
        if not inside:
            assert result.joining_adds is not None
            assert member.alone_cost < result.joining_adds
    if size and not result.core_empty:
        assert result.stable
        # every group of candidates, those going alone included, pays at most its cost
        # (rounding to the cent may put each member a cent over its exact share)
        charged = subset_sums(paid(result))
        assert np.all(charged <= costs + 0.01 * popcounts(len(alone)) + 1e-6)


@settings(max_examples=40, deadline=None)
@given(services)
def test_every_solution_shares_the_pools_cost(case: dict[str, Any]) -> None:
    result = pool(parse_pool(doc(case.pop("alone"), **case)))
    if not result.pool_ids:
        return
    for name, x in result.solutions.items():
        assert x is not None, name
        assert float(np.sum(x)) == pytest.approx(float(result.pooled_cost), abs=1e-6), name


# -- the document and the command -----------------------------------------------------------


def test_json_document_keys() -> None:
    document = pool_json(pool(parse_pool(doc([1000, 800, 400]))))
    assert set(document) >= {
        "service",
        "pooled_cost",
        "optimal_pool",
        "better_alone",
        "everyone_pooled_cost",
        "cheapest_cost",
        "members",
        "solutions",
        "core",
        "recommended",
        "stable",
    }
    assert document["optimal_pool"] == ["m0", "m1"]
    assert document["better_alone"] == ["m2"]
    assert set(document["members"]["m0"]) == {
        "name",
        "fee",
        "alone_cost",
        "saving",
        "hours_recovered",
        "gains",
        "better_alone",
    }
    assert document["members"]["m2"]["joining_adds"] == 600.0
    assert set(document["solutions"]["shapley"]) == {"m0", "m1"}
    assert set(document["core"]) == {"empty", "least_core_epsilon", "contains"}
    json.dumps(document, allow_nan=False)


def test_parse_errors_are_bad_input() -> None:
    with pytest.raises(BadInput, match="service"):
        parse_pool({"members": []})
