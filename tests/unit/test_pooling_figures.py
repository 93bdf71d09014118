"""Pools worked by hand, every figure of the `coopnet pool --json` document pinned: the issue's
known case (everybody pools, the Shapley shares in the core), a pool that leaves a member better
off alone, a pool whose core is empty (the nucleolus of c on the pool stands in), nobody pooling
and a pool of cents; the game c itself, and the tolerance of the core check."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from pool_cases import KNOWN_ALONE, KNOWN_FEES, doc

from coopnet.engine.errors import TooLarge
from coopnet.engine.pooling import (
    NOBODY_POOLS,
    Service,
    cost_vector,
    in_cost_core,
    parse_pool,
    pool,
    pool_json,
)


def document_of(pooling: dict[str, Any]) -> dict[str, Any]:
    out = pool_json(pool(parse_pool(pooling)))
    json.dumps(out, allow_nan=False)
    return out


def assert_document(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every field equal; the solvers' shares and the least-core epsilon to 1e-9 (float noise)."""
    actual, expected = dict(actual), dict(expected)
    shares, expected_shares = actual.pop("solutions"), expected.pop("solutions")
    assert (
        list(shares) == list(expected_shares) == ["shapley", "nucleolus", "equal", "proportional"]
    )
    for name, want in expected_shares.items():
        if want is None:
            assert shares[name] is None, name
        else:
            assert list(shares[name]) == list(want), name
            assert shares[name] == pytest.approx(want, rel=0, abs=1e-9), name
    core, expected_core = dict(actual.pop("core")), dict(expected.pop("core"))
    epsilon, expected_epsilon = (
        core.pop("least_core_epsilon"),
        expected_core.pop("least_core_epsilon"),
    )
    if expected_epsilon is None:
        assert epsilon is None
    else:
        assert epsilon == pytest.approx(expected_epsilon, rel=0, abs=1e-9)
    assert core == expected_core
    assert actual == expected


def row(
    name: str, fee: float, alone: float, saving: float, hours: float, **extra: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "fee": fee,
        "alone_cost": alone,
        "saving": saving,
        "hours_recovered": hours,
        "gains": saving > 0,
        "better_alone": "joining_adds" in extra,
        **extra,
    }


# -- the known case -----------------------------------------------------------------

# pool(k) = 150 + 120 k + 900 ceil(k / 6): 1,170, 1,290, 1,410 and 1,530 for k = 1..4;
# going alone a = 520, 640, 345, 590 (A = 2,095). Every pair pools for more than it pays alone
# (the dearest pair: 640 + 590 = 1,230 < 1,290), every triple pools (1,410 < 1,455, the
# cheapest triple alone), so c(S) = a(S) for |S| <= 2, 1,410 for |S| = 3, 1,530 for N.
KNOWN = doc(KNOWN_ALONE, fixed=150, per_member=120, unit=900, per_unit=6)


def test_the_known_game_by_hand() -> None:
    problem = parse_pool(KNOWN)
    costs = cost_vector(problem.service, [520, 640, 345, 590])
    assert costs.tolist() == [
        0, 520, 640, 1160, 345, 865, 985, 1410,
        590, 1110, 1230, 1410, 935, 1410, 1410, 1530,
    ]  # fmt: skip


def test_the_known_case_document() -> None:
    # Shapley: i's marginal cost is a_i alone or after one other (weight 1/4 + 1/4), 1,410 - a(S)
    # after a pair S of the other three (1/12 each; those pairs sum to 2 (A - a_i)), and
    # 1,530 - 1,410 = 120 last (1/4): x_i = a_i/2 + (3 × 1,410 - 2 (2,095 - a_i))/12 + 30
    # = 2 a_i / 3 + 100/3: 380, 460, 263.33, 426.67.
    # Nucleolus: the largest excess is m2's: x_2 <= 345 + e and x_2 >= 1,530 - 1,410 - e (the
    # other three), so e = -112.5 and x_2 = 232.50; the other three then share 1,297.50 with the
    # same slack below going alone: x_i = a_i - (1,750 - 1,297.5)/3 = a_i - 150.83.
    # Equal: 382.50, over m2's 345. Proportional: 1,530 a_i / 2,095.
    assert_document(
        document_of(KNOWN),
        {
            "service": "IT",
            "pooled_cost": 1530.0,
            "optimal_pool": ["m0", "m1", "m2", "m3"],
            "better_alone": [],
            "everyone_pooled_cost": 1530.0,
            "cheapest_cost": 1530.0,
            "members": {
                "m0": row("Member 0", 380.0, 520.0, 140.0, 10.0),
                "m1": row("Member 1", 460.0, 640.0, 180.0, 11.0),
                "m2": row("Member 2", 263.33, 345.0, 81.67, 12.0),
                "m3": row("Member 3", 426.67, 590.0, 163.33, 13.0),
            },
            "solutions": {
                "shapley": {"m0": 380.0, "m1": 460.0, "m2": 790 / 3, "m3": 1280 / 3},
                "nucleolus": {
                    "m0": 520 - 452.5 / 3,
                    "m1": 640 - 452.5 / 3,
                    "m2": 232.5,
                    "m3": 590 - 452.5 / 3,
                },
                "equal": dict.fromkeys(["m0", "m1", "m2", "m3"], 382.5),
                "proportional": {
                    "m0": 1530 * 520 / 2095,
                    "m1": 1530 * 640 / 2095,
                    "m2": 1530 * 345 / 2095,
                    "m3": 1530 * 590 / 2095,
                },
            },
            "core": {
                "empty": False,
                "least_core_epsilon": -112.5,
                "contains": {
                    "shapley": True,
                    "nucleolus": True,
                    "equal": False,
                    "proportional": True,
                },
            },
            "recommended": "shapley",
            "stable": True,
        },
    )
    assert pool(parse_pool(KNOWN)).fees == KNOWN_FEES


# -- a member better off alone --------------------------------------------------------------

# pool(k) = 100 + 100 k + 600 ceil(k / 2): 800, 900, 1,600. Going alone 1,000, 500 and 300:
# all alone 1,800; m0 pooling 800 + 800 = 1,600; m0 and m1 900 + 300 = 1,200; all three 1,600.
# T* = {m0, m1}; m2 would add 700 > 300. The pool's game (O = {m2}, a = 300):
# c_T(m0) = c(m0, m2) - 300 = min(1,300, 800 + 300, 900) - 300 = 600,
# c_T(m1) = c(m1, m2) - 300 = min(800, 800 + 300, 900) - 300 = 500, c_T(m0, m1) = 900.
BETTER_ALONE = doc([1000, 500, 300], fixed=100, per_member=100, unit=600, per_unit=2)


def test_a_member_better_off_alone_document() -> None:
    # Shapley: m0 = (600 + (900 - 500))/2 = 500, m1 = (500 + (900 - 600))/2 = 400; with two
    # members the nucleolus is the same split. Core: x_0 <= 600, x_1 <= 500, so x_0 in
    # [400, 600]: equal (450 each) and proportional (900 × 1,000/1,500 = 600, 300) are in it.
    # Least core: 2e >= 900 - 1,100, e = -100.
    assert_document(
        document_of(BETTER_ALONE),
        {
            "service": "IT",
            "pooled_cost": 900.0,
            "optimal_pool": ["m0", "m1"],
            "better_alone": ["m2"],
            "everyone_pooled_cost": 1600.0,
            "cheapest_cost": 1200.0,  # 900 pooled + 300 alone
            "members": {
                "m0": row("Member 0", 500.0, 1000.0, 500.0, 10.0),
                "m1": row("Member 1", 400.0, 500.0, 100.0, 11.0),
                "m2": row("Member 2", 0.0, 300.0, 0.0, 0.0, joining_adds=700.0),
            },
            "solutions": {
                "shapley": {"m0": 500.0, "m1": 400.0},
                "nucleolus": {"m0": 500.0, "m1": 400.0},
                "equal": {"m0": 450.0, "m1": 450.0},
                "proportional": {"m0": 600.0, "m1": 300.0},
            },
            "core": {
                "empty": False,
                "least_core_epsilon": -100.0,
                "contains": dict.fromkeys(["shapley", "nucleolus", "equal", "proportional"], True),
            },
            "recommended": "shapley",
            "stable": True,
        },
    )


def test_the_pool_of_a_member_better_off_alone_by_its_fields() -> None:
    result = pool(parse_pool(BETTER_ALONE))
    assert result.in_pool == (True, True, False)
    assert result.fees == [Decimal("500.00"), Decimal("400.00"), Decimal("0.00")]
    assert result.savings == [Decimal("500.00"), Decimal("100.00"), Decimal("0.00")]
    assert result.hours_recovered == [Decimal(10), Decimal(11), Decimal(0)]
    assert result.gains == [True, True, False]
    assert result.joining_adds == Decimal("700.00")


# -- an empty core: the nucleolus of c on the pool ------------------------------------------

# 1,000 a specialist for two, nothing else: pool(1) = pool(2) = 1,000, pool(3) = 2,000. Going
# alone 1,000, 800 and 600: all alone 2,400; m0 pooling 1,000 + 1,400; m0 and m1 1,000 + 600
# = 1,600; all three 2,000. T* = {m0, m1}; m2 would add 1,000 > 600. The pool's game:
# c_T(m0) = c(m0, m2) - 600 = 1,000 - 600 = 400 (the pair pools), c_T(m1) = 400 likewise,
# c_T(m0, m1) = 1,000 > 400 + 400: no split has x_i <= c_T(i), the core is empty, the least
# core needs 2e >= 1,000 - 800, e = 100, and the nucleolus of c_T does not exist.
EMPTY_CORE = doc([1000, 800, 600], fixed=0, unit=1000, per_unit=2)


def test_an_empty_core_document() -> None:
    # The fallback: the nucleolus of c on {m0, m1}: c(m0) = 1,000, c(m1) = 800, c(m0, m1) =
    # 1,000; two players split the saving 1,800 - 1,000 equally: 1,000 - 400, 800 - 400.
    # Shapley and equal are 500 each (c_T is symmetric); proportional 1,000 × 1,000/1,800 and
    # 1,000 × 800/1,800. None is in the (empty) core.
    assert_document(
        document_of(EMPTY_CORE),
        {
            "service": "IT",
            "pooled_cost": 1000.0,
            "optimal_pool": ["m0", "m1"],
            "better_alone": ["m2"],
            "everyone_pooled_cost": 2000.0,
            "cheapest_cost": 1600.0,
            "members": {
                "m0": row("Member 0", 600.0, 1000.0, 400.0, 10.0),
                "m1": row("Member 1", 400.0, 800.0, 400.0, 11.0),
                "m2": row("Member 2", 0.0, 600.0, 0.0, 0.0, joining_adds=1000.0),
            },
            "solutions": {
                "shapley": {"m0": 500.0, "m1": 500.0},
                "nucleolus": {"m0": 600.0, "m1": 400.0},
                "equal": {"m0": 500.0, "m1": 500.0},
                "proportional": {"m0": 1e6 / 1800, "m1": 8e5 / 1800},
            },
            "core": {
                "empty": True,
                "least_core_epsilon": 100.0,
                "contains": dict.fromkeys(["shapley", "nucleolus", "equal", "proportional"], False),
            },
            "recommended": "nucleolus",
            "stable": False,
        },
    )
    result = pool(parse_pool(EMPTY_CORE))
    assert result.undefined == {}  # the pool's own nucleolus stands in for c_T's
    assert result.fees == [Decimal("600.00"), Decimal("400.00"), Decimal("0.00")]


# -- nobody pools ---------------------------------------------------------------------------


def test_nobody_pooling_document() -> None:
    # pool(1) = pool(2) = 1,000 + 600 = 1,600, against 100 and 200 going alone
    assert_document(
        document_of(doc([100, 200], fixed=1000)),
        {
            "service": "IT",
            "pooled_cost": 0.0,
            "optimal_pool": [],
            "better_alone": ["m0", "m1"],
            "everyone_pooled_cost": 1600.0,
            "cheapest_cost": 300.0,
            "members": {
                "m0": row("Member 0", 0.0, 100.0, 0.0, 0.0, joining_adds=1600.0),
                "m1": row("Member 1", 0.0, 200.0, 0.0, 0.0, joining_adds=1600.0),
            },
            "solutions": dict.fromkeys(["shapley", "nucleolus", "equal", "proportional"]),
            "core": {
                "empty": False,
                "least_core_epsilon": None,
                "contains": dict.fromkeys(["shapley", "nucleolus", "equal", "proportional"]),
            },
            "recommended": None,
            "stable": False,
            "undefined": dict.fromkeys(
                ["shapley", "nucleolus", "equal", "proportional"], NOBODY_POOLS
            ),
        },
    )


# -- a pool of cents ------------------------------------------------------------------------


def test_a_pool_of_cents_is_shared_in_proportion_to_going_alone() -> None:
    # 0.20 for the pool, whoever joins; going alone 0.30 and 0.10 (together 0.40, under one
    # unit of money). c(m0) = 0.20, c(m1) = 0.10, c(N) = 0.20. Shapley: m0 = (0.20 + 0.10)/2
    # = 0.15, m1 = (0.10 + 0)/2 = 0.05; proportional 0.20 × 0.30/0.40 = 0.15 and 0.05; equal
    # 0.10 each (m1's 0.10 alone: in the core). Least core: 2e >= 0.20 - 0.30, e = -0.05.
    assert_document(
        document_of(doc(["0.30", "0.10"], fixed="0.20", unit=0)),
        {
            "service": "IT",
            "pooled_cost": 0.2,
            "optimal_pool": ["m0", "m1"],
            "better_alone": [],
            "everyone_pooled_cost": 0.2,
            "cheapest_cost": 0.2,
            "members": {
                "m0": row("Member 0", 0.15, 0.3, 0.15, 10.0),
                "m1": row("Member 1", 0.05, 0.1, 0.05, 11.0),
            },
            "solutions": {
                "shapley": {"m0": 0.15, "m1": 0.05},
                "nucleolus": {"m0": 0.15, "m1": 0.05},
                "equal": {"m0": 0.1, "m1": 0.1},
                "proportional": {"m0": 0.15, "m1": 0.05},
            },
            "core": {
                "empty": False,
                "least_core_epsilon": -0.05,
                "contains": dict.fromkeys(["shapley", "nucleolus", "equal", "proportional"], True),
            },
            "recommended": "shapley",
            "stable": True,
        },
    )


# -- the game's limits and the core check ---------------------------------------------------


def test_the_game_refuses_more_than_twenty_members() -> None:
    service = Service("IT", Decimal(1), Decimal(0), Decimal(0), 1)
    with pytest.raises(TooLarge) as raised:
        cost_vector(service, [1.0] * 21)
    assert str(raised.value) == "members: 21 members exceeds the exact limit of 20"


def test_the_core_check_wants_the_whole_cost_shared() -> None:
    # c = 0, 10, 10, 15: (7, 7) charges no member more than 10 but 14 is not 15
    costs = np.array([0.0, 10.0, 10.0, 15.0])
    assert in_cost_core(costs, np.array([7.5, 7.5]))
    assert not in_cost_core(costs, np.array([7.0, 7.0]))
    assert not in_cost_core(costs, np.array([8.0, 8.0]))
    assert not in_cost_core(costs, np.array([11.0, 4.0]))  # m0 charged 11 > 10


def test_the_core_checks_tolerance_is_1e_9_at_least() -> None:
    # a game of zeros: 1e-9 is the tolerance, a share of 1e-9 over is within it, 1.5e-9 not
    zeros = np.zeros(4)
    assert in_cost_core(zeros, np.array([1e-9, -1e-9]))
    assert in_cost_core(zeros, np.array([1e-10, -1e-10]))
    assert not in_cost_core(zeros, np.array([1.5e-9, -1.5e-9]))
    # 1e-9 short of the whole cost is within the tolerance
    assert in_cost_core(np.array([0.0, 0.0, 0.0, 1e-9]), np.array([0.0, 0.0]))


def test_the_core_checks_tolerance_scales_with_the_largest_cost_or_share() -> None:
    # the largest cost is 1e10: a tolerance of 10, so charging m0 5 over its cost of 0 passes
    assert in_cost_core(np.array([0.0, 0.0, 1e10, 1.0]), np.array([5.0, -4.0]))
    # the largest share is -1e10 (the largest cost 5e9): a tolerance of 10, so 7.5 over passes
    # and 12.5 over does not
    costs = np.array([0.0, 0.0, 5e9 - 7.5, -5e9])
    assert in_cost_core(costs, np.array([-1e10, 5e9]))
    costs[2] = 5e9 - 12.5
    assert not in_cost_core(costs, np.array([-1e10, 5e9]))
