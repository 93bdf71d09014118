"""`coopnet split`: each partner's payout as the cost of its own work plus its share of the
surplus, and why, checked on a case worked by hand (human output and `--json`)."""

import json
from decimal import Decimal

import pytest
from network_cases import small_case

from coopnet.cli import main

# Three partners bid for a booking system worth 20,000 with a 5% commission (1,000), so
# 19,000 is shared. Elixir (level 3+, 100 hours) can come from Anvil (50/hour, 100 hours) or
# Birch (40/hour, only 60 hours); UX (level 3+, 40 hours) only from Cedar (45/hour).
NETWORK = {
    "organisations": [
        {"id": "a", "name": "Anvil Co-op", "coordination_cost": 100},
        {"id": "b", "name": "Birch Collective", "coordination_cost": 0},
        {"id": "c", "name": "Cedar Studio", "coordination_cost": 200},
    ],
    "people": [
        {"id": "pa", "org": "a", "skills": {"elixir": 4}, "hours": 100, "cost_rate": 50},
        {"id": "pb", "org": "b", "skills": {"elixir": 3}, "hours": 60, "cost_rate": 40},
        {"id": "pc", "org": "c", "skills": {"ux": 3}, "hours": 40, "cost_rate": 45},
    ],
}
OPPORTUNITY = {
    "id": "booking",
    "value": 20000,
    "commission": 0.05,
    "requirements": [
        {"skill": "elixir", "min_level": 3, "hours": 100},
        {"skill": "ux", "min_level": 3, "hours": 40},
    ],
}
# Worked by hand:
#   cost(A,B,C) = Birch 60 h x 40 = 2,400 + Anvil 40 h x 50 = 2,000 + Cedar 40 h x 45 = 1,800
#                 + coordination 100 + 0 + 200                                      = 6,500
#   cost(A,C)   = Anvil 100 h x 50 = 5,000 + Cedar 1,800 + coordination 300         = 7,100
#   B,C cannot deliver (Birch has 60 of the 100 elixir hours); without C nobody has UX.
#   v(ABC) = 19,000 - 6,500 = 12,500;  v(AC) = 19,000 - 7,100 = 11,900;  every other v = 0.
# Shapley: B adds 600 only when it joins {A, C} last (2 of 6 orders): 600 x 2/6 = 200.
#   A adds 11,900 after C alone (1 order) and 12,500 after {B, C} (2 orders), so
#   (11,900 + 2 x 12,500) / 6 = 6,150; C the same by symmetry; 6,150 + 200 + 6,150 = 12,500.
# Own costs: A 2,000 + 100 = 2,100;  B 2,400 + 0 = 2,400;  C 1,800 + 200 = 2,000.
# Payouts:   A 2,100 + 6,150 = 8,250;  B 2,400 + 200 = 2,600;  C 2,000 + 6,150 = 8,150;
#            with the commission 8,250 + 2,600 + 8,150 + 1,000 = 20,000.
# Added values: A 12,500 - v(BC) = 12,500;  B 12,500 - 11,900 = 600;  C 12,500 - 0 = 12,500.
# Core: only {A, C} has a claim (11,900 <= 6,150 + 6,150), so the Shapley split is stable;
#   least core: x_A + x_C >= 11,900 - e and x_B >= -e with the sum 12,500 give e = -300.
EXPECTED = {
    "a": {
        "reason": "others_lack_hours",
        "added_value": 12500.0,
        "unique_skills": [],
        "hours": 40.0,
        "own_cost": 2100.0,
        "surplus_share": 6150.0,
        "payout": 8250.0,
        "solution": "shapley",
    },
    "b": {
        "reason": "others_costlier",
        "added_value": 600.0,
        "unique_skills": [],
        "hours": 60.0,
        "own_cost": 2400.0,
        "surplus_share": 200.0,
        "payout": 2600.0,
        "solution": "shapley",
    },
    "c": {
        "reason": "only_supplier",
        "added_value": 12500.0,
        "unique_skills": [{"skill": "ux", "min_level": 3}],
        "hours": 40.0,
        "own_cost": 2000.0,
        "surplus_share": 6150.0,
        "payout": 8150.0,
        "solution": "shapley",
    },
}


@pytest.fixture(autouse=True)
def _network_currency_unset(monkeypatch):
    monkeypatch.delenv("COOPNET_CURRENCY", raising=False)
    monkeypatch.delenv("COOPNET_LANGUAGE", raising=False)


def split(capsys, tmp_path, *extra, network=NETWORK, opportunity=OPPORTUNITY):
    net, opp = tmp_path / "network.json", tmp_path / "opportunity.json"
    net.write_text(json.dumps(network))
    opp.write_text(json.dumps(opportunity))
    code = main(["split", "--network", str(net), "--opportunity", str(opp), *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_json_gives_the_hand_worked_split(capsys, tmp_path):
    doc = json.loads(split(capsys, tmp_path, "--json"))
    assert doc["cost"] == 6500
    assert doc["game"]["solutions"]["shapley"] == {"a": 6150, "b": 200, "c": 6150}
    assert doc["game"]["added_value"] == {"a": 12500, "b": 600, "c": 12500}
    assert doc["game"]["core"] == {
        "empty": False,
        "least_core_epsilon": -300,
        "contains": {"shapley": True},
    }
    assert doc["payouts"] == {"a": 8250, "b": 2600, "c": 8150}
    assert "recommended" not in doc


def test_json_explanations_carry_the_facts_and_the_words(capsys, tmp_path):
    explanations = json.loads(split(capsys, tmp_path, "--json"))["explanations"]
    texts = {org: facts.pop("text") for org, facts in explanations.items()}
    assert explanations == EXPECTED
    assert texts["c"] == (
        "Without Cedar Studio the consortium would earn £12,500.00 less: nobody else in it has "
        "ux (level 3+). Its payout of £8,150.00 is the cost of its own work, £2,000.00 for 40.00 "
        "hours of its people (and its coordination cost), plus £6,150.00 as its share of the "
        "surplus: its Shapley value: what it adds to the consortium, averaged over every order "
        "in which the partners could have come together."
    )
    assert texts["b"].startswith(
        "Without Birch Collective the consortium would earn £600.00 less: the others could "
        "cover its work, but at a higher cost. Its payout of £2,600.00 is the cost of its own "
        "work, £2,400.00 for 60.00 hours"
    )


def test_table_shows_each_payout_as_own_cost_plus_surplus_share(capsys, tmp_path):
    out = split(capsys, tmp_path)
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    cells = {org: [c.strip() for c in row.split("│")[2:-1]] for org, row in rows.items()}
    assert "Split of £20,000.00 (commission £1,000.00): the Shapley split" in out
    assert cells == {
        "Anvil Co-op (a)": ["40.00", "£2,100.00", "£6,150.00", "£8,250.00"],
        "Birch Collective (b)": ["60.00", "£2,400.00", "£200.00", "£2,600.00"],
        "Cedar Studio (c)": ["40.00", "£2,000.00", "£6,150.00", "£8,150.00"],
    }
    assert "Stable: the Shapley split is in the core." in out


def test_table_is_followed_by_why_in_words(capsys, tmp_path):
    text = " ".join(split(capsys, tmp_path).split())
    assert (
        "• Without Anvil Co-op the consortium would earn £12,500.00 less: the others lack the "
        "hours to deliver without it. Its payout of £8,250.00 is the cost of its own work, "
        "£2,100.00 for 40.00 hours of its people (and its coordination cost), plus £6,150.00 "
        "as its share of the surplus"
    ) in text
    assert "• Without Cedar Studio the consortium would earn £12,500.00 less: nobody else" in text


def unstable_case():
    """A small network whose Shapley split is outside the core (test_fairshare's case)."""
    return small_case(67, max_people=6)


def test_an_unstable_split_explains_the_nucleolus_payouts(capsys, tmp_path):
    network, opportunity = unstable_case()
    doc = json.loads(split(capsys, tmp_path, "--json", network=network, opportunity=opportunity))
    assert doc["recommended"] == "nucleolus"
    for org, facts in doc["explanations"].items():
        own, share = Decimal(str(facts["own_cost"])), Decimal(str(facts["surplus_share"]))
        assert facts["solution"] == "nucleolus"
        assert Decimal(str(facts["payout"])) == own + share
        assert facts["payout"] == doc["nucleolus_payouts"][org]
        assert "the nucleolus: no Shapley split is stable here" in facts["text"]


def test_an_unstable_split_table_follows_the_nucleolus_beside_shapley(capsys, tmp_path):
    network, opportunity = unstable_case()
    doc = json.loads(split(capsys, tmp_path, "--json", network=network, opportunity=opportunity))
    out = split(capsys, tmp_path, network=network, opportunity=opportunity)
    assert "the nucleolus split" in out
    assert "Shapley payout" in out
    assert "the nucleolus split is recommended" in out
    names = {o["id"]: o["name"] for o in network["organisations"]}
    for org, payout in doc["nucleolus_payouts"].items():  # a narrow row wraps its label
        row = next(line for line in out.splitlines() if line.startswith(f"│ {names[org]} "))
        assert row.split("│")[-3].strip() == f"£{payout:,.2f}"
        assert row.split("│")[-2].strip() == f"£{doc['payouts'][org]:,.2f}"
