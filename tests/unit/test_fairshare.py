"""The consortium game and the fair split."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from network_cases import small_case

from coopnet.common.explanations import why
from coopnet.engine.fairshare import Reason, SkillNeed, coalition_costs, split
from coopnet.engine.formation import form
from coopnet.engine.formats import parse_network, parse_opportunity
from coopnet.engine.games import core_check, shapley_exact


def parsed(network, opportunity):
    return parse_network(network), parse_opportunity(opportunity)


@pytest.mark.parametrize("seed", range(40))
def test_coalition_costs_equal_formation_restricted_to_each_coalition(seed):
    network, opportunity = parsed(*small_case(seed, cap=[None, 2][seed % 2]))
    members = list(range(len(network.organisations)))
    costs = coalition_costs(network, opportunity, members)
    for mask in range(1, 1 << len(members)):
        orgs = [network.organisations[i].id for i in members if mask >> i & 1]
        reference = form(network, opportunity, include=orgs)
        if reference.status == "infeasible":
            assert np.isinf(costs[mask])
        else:
            assert costs[mask] == pytest.approx(reference.cost, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(["0", "0.05", "0.125"]), st.integers(1000, 10**6))
def test_payouts_and_commission_add_up_to_the_value_to_the_cent(seed, commission, value_cents):
    network, opportunity = small_case(seed, max_people=7)
    opportunity["commission"] = commission
    opportunity["value"] = str(Decimal(value_cents) / 100)
    result = split(*parsed(network, opportunity))
    if result.status not in ("optimal", "feasible"):
        return
    value = Decimal(opportunity["value"])
    assert sum(result.payouts.values()) + result.commission_amount == value
    for amount in result.payouts.values():
        assert amount == amount.quantize(Decimal("0.01"))
    if result.nucleolus_payouts is not None:
        assert sum(result.nucleolus_payouts.values()) + result.commission_amount == value
    shapley = result.game.solutions["shapley"]
    assert shapley.sum() == pytest.approx(result.worths[-1], abs=1e-6)
    assert np.allclose(shapley, shapley_exact(result.worths))


def test_an_unstable_shapley_split_offers_the_nucleolus():
    network, opportunity = small_case(67, max_people=6)
    result = split(*parsed(network, opportunity))
    assert result.game.contains["shapley"] is False
    assert result.recommended == "nucleolus"
    assert result.nucleolus_payouts is not None
    stable = result.game.solutions["nucleolus"]
    assert core_check(result.worths, stable).in_core
    assert set(result.nucleolus_payouts) == set(result.organisations)


def test_unprofitable_opportunities_report_the_shortfall():
    network, opportunity = small_case(3)
    opportunity["value"] = 1
    result = split(*parsed(network, opportunity))
    assert result.status == "unprofitable"
    assert result.shortfall == Decimal(repr(result.formation.cost)).quantize(
        Decimal("0.01")
    ) - Decimal("0.95")
    assert result.payouts == {}


PRIVATE_RATES = (83.17, 61.29, 47.53)


def test_explanations_reveal_no_partner_rates():
    network = {
        "organisations": [
            {"id": "o1", "name": "Outlier Co-op", "coordination_cost": 500},
            {"id": "o2", "name": "Agile Collective", "coordination_cost": 400},
            {"id": "o3", "name": "Animorph", "coordination_cost": 300},
        ],
        "people": [
            {
                "id": "p1",
                "org": "o1",
                "skills": {"elixir": 4},
                "hours": 200,
                "cost_rate": PRIVATE_RATES[0],
            },
            {
                "id": "p2",
                "org": "o2",
                "skills": {"ux": 4, "elixir": 3},
                "hours": 200,
                "cost_rate": PRIVATE_RATES[1],
            },
            {
                "id": "p3",
                "org": "o3",
                "skills": {"devops": 4, "elixir": 3},
                "hours": 150,
                "cost_rate": PRIVATE_RATES[2],
            },
        ],
    }
    opportunity = {
        "value": 45000,
        "commission": 0.05,
        "requirements": [
            {"skill": "elixir", "min_level": 3, "hours": 300},
            {"skill": "ux", "min_level": 3, "hours": 80},
            {"skill": "devops", "min_level": 3, "hours": 100},
        ],
    }
    result = split(*parsed(network, opportunity))
    assert result.status == "optimal"
    shown = {e.org: public_why(e) for e in result.explanations}  # what other partners read
    text = " ".join(shown.values())
    for rate in PRIVATE_RATES:
        assert f"{rate}" not in text
        assert f"{rate:,.2f}" not in text
    by_org = {e.org: e for e in result.explanations}
    assert by_org["o2"].unique_skills == (SkillNeed("ux", 3),)
    assert by_org["o2"].reason == Reason.ONLY_SUPPLIER
    assert "nobody else in it has ux (level 3+)" in shown["o2"]
    assert "Without Agile Collective the consortium would earn" in shown["o2"]


def public_why(e):
    skills = [(need.skill, need.min_level) for need in e.unique_skills]
    return why(e.name, e.added_value, e.reason, skills, "£{:,.2f}".format)


def test_large_consortia_are_sampled_with_standard_errors(monkeypatch):
    from coopnet.engine import fairshare

    network, opportunity = small_case(67, max_people=6)
    exact = split(*parsed(network, opportunity))
    monkeypatch.setattr(fairshare, "MAX_EXACT_PARTNERS", 1)
    sampled = split(*parsed(network, opportunity), samples=400, seed=3)
    errors = sampled.game.standard_error["shapley"]
    difference = sampled.game.solutions["shapley"] - exact.game.solutions["shapley"]
    assert np.all(np.abs(difference) <= 5 * errors + 1e-6)
    value = Decimal(opportunity["value"])
    assert sum(sampled.payouts.values()) + sampled.commission_amount == value
