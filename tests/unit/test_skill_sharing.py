"""The skill-sharing alternative: juniors paired with experts, at a stated extra cost."""

import json
from decimal import Decimal

import pytest

from coopnet.cli import main
from coopnet.engine.fairshare import split_plan
from coopnet.engine.formation import form_with_skill_sharing
from coopnet.engine.formats import parse_network, parse_opportunity

NETWORK = {
    "organisations": [
        {"id": "o1", "coordination_cost": 100},
        {"id": "o2", "coordination_cost": 100},
    ],
    "people": [
        {"id": "senior", "org": "o1", "skills": {"elixir": 5}, "hours": 200, "cost_rate": 80},
        {"id": "junior", "org": "o2", "skills": {"elixir": 2}, "hours": 100, "cost_rate": 30},
        {"id": "mid", "org": "o2", "skills": {"elixir": 3}, "hours": 200, "cost_rate": 50},
    ],
}
OPPORTUNITY = {"value": 30000, "requirements": [{"skill": "elixir", "min_level": 3, "hours": 200}]}


def test_juniors_take_a_bounded_share_under_expert_supervision():
    result = form_with_skill_sharing(parse_network(NETWORK), parse_opportunity(OPPORTUNITY))
    hours = {
        (a.person, role): a.hours
        for a, role in zip(result.formation.assignments, result.roles, strict=True)
    }
    assert hours == {
        ("mid", "work"): 150,
        ("junior", "learning"): 50,
        ("senior", "supervising"): 12.5,
    }
    assert result.learning_hours == 50
    assert result.supervising_hours == 12.5
    # cheapest: mid 200 h x 50 + 100 = 10,100; sharing: 7,500 + 1,500 + 1,000 + 200 = 10,200
    assert result.formation.cost == pytest.approx(10200)
    assert result.extra_cost == pytest.approx(100)


def test_no_juniors_means_no_skill_sharing():
    network = {**NETWORK, "people": NETWORK["people"][::2]}
    result = form_with_skill_sharing(parse_network(network), parse_opportunity(OPPORTUNITY))
    assert result.learning_hours == 0
    assert result.extra_cost == pytest.approx(0)


def test_form_alternatives_in_json(capsys, tmp_path):
    net, opp = tmp_path / "n.json", tmp_path / "o.json"
    net.write_text(json.dumps(NETWORK))
    opp.write_text(json.dumps(OPPORTUNITY))
    code = main(
        ["form", "--network", str(net), "--opportunity", str(opp), "--alternatives", "--json"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["cost"] == pytest.approx(10100)
    assert doc["alternatives"]["fewest_organisations"]["organisations"] == ["o2"]
    sharing = doc["alternatives"]["skill_sharing"]
    assert sharing["extra_cost"] == pytest.approx(100)
    assert {a["role"] for a in sharing["assignments"]} == {"work", "learning", "supervising"}


def test_a_plan_is_shared_with_each_partner_paid_its_own_cost_in_that_plan():
    network, opportunity = parse_network(NETWORK), parse_opportunity(OPPORTUNITY)
    plan = form_with_skill_sharing(network, opportunity).formation
    shared = split_plan(network, opportunity, plan)
    # own costs in the plan: o1 supervises 12.5 h x 80 + 100 = 1,100; o2 has mid 150 h x 50 +
    # junior 50 h x 30 + 100 = 9,100. Alone: o1 16,100 (worth 13,900), o2 10,100 (19,900); the
    # pair delivers this plan for 10,200 (worth 19,800). Shapley: o1 = (13,900 + 19,800 -
    # 19,900) / 2 = 6,900; o2 = (19,900 + 19,800 - 13,900) / 2 = 12,900.
    facts = {e.org: e for e in shared.explanations}
    assert {o: (e.hours, e.own_cost, e.surplus_share) for o, e in facts.items()} == {
        "o1": (Decimal("12.50"), Decimal("1100.00"), Decimal("6900.00")),
        "o2": (Decimal("200.00"), Decimal("9100.00"), Decimal("12900.00")),
    }
    assert shared.payouts == {"o1": Decimal("8000.00"), "o2": Decimal("22000.00")}
    assert shared.game is not None
    assert shared.game.contains["shapley"] is False  # o2 alone would earn more: not stable
    assert shared.recommended == "shapley"  # no imputation exists, so no nucleolus
