"""`coopnet form` and `coopnet split` against spec/interfaces.md §2 and §3."""

import json

import pytest

from coopnet.cli import main

NETWORK = {
    "organisations": [
        {"id": "o1", "name": "Outlier Co-op", "coordination_cost": 500},
        {"id": "o2", "name": "Agile Collective", "coordination_cost": "400.00"},
        {"id": "o3", "name": "Animorph", "coordination_cost": 300},
    ],
    "people": [
        {"id": "p1", "org": "o1", "skills": {"elixir": 4}, "hours": 200, "cost_rate": 60},
        {
            "id": "p2",
            "org": "o2",
            "skills": {"ux": 4, "elixir": 3},
            "hours": 200,
            "cost_rate": "50.50",
        },
        {
            "id": "p3",
            "org": "o3",
            "skills": {"devops": 4, "elixir": 3},
            "hours": 150,
            "cost_rate": 55,
        },
    ],
    "collaborations": [{"orgs": ["o1", "o2"], "projects": 3}],
}
OPPORTUNITY = {
    "id": "booking-system",
    "value": 45000,
    "commission": 0.05,
    "requirements": [
        {"skill": "elixir", "min_level": 3, "hours": 300},
        {"skill": "ux", "min_level": 3, "hours": 80},
        {"skill": "devops", "min_level": 3, "hours": 100},
    ],
}


def run(capsys, tmp_path, command, network=NETWORK, opportunity=OPPORTUNITY, *extra):
    net, opp = tmp_path / "network.json", tmp_path / "opportunity.json"
    net.write_text(network if isinstance(network, str) else json.dumps(network))
    opp.write_text(opportunity if isinstance(opportunity, str) else json.dumps(opportunity))
    code = main([command, "--network", str(net), "--opportunity", str(opp), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_form_json_follows_the_spec(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "form", NETWORK, OPPORTUNITY, "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"status", "cost", "organisations", "assignments", "solve_seconds"}
    assert doc["status"] == "optimal"
    assert doc["organisations"] == ["o1", "o2", "o3"]
    hours = {(a["person"], a["skill"]): a["hours"] for a in doc["assignments"]}
    assert sum(h for (p, s), h in hours.items() if s == "elixir") == 300
    assert set(doc["assignments"][0]) == {"person", "org", "skill", "hours"}
    # cheapest first: p2 (50.50) 80h ux + 120h elixir; p3 (55) 100h devops + 50h elixir;
    # p1 (60) the last 130h of elixir; plus 500 + 400 + 300 coordination
    assert doc["cost"] == pytest.approx(130 * 60 + 200 * 50.5 + 150 * 55 + 1200)
    assert hours[("p1", "elixir")] == 130


def test_split_json_follows_the_spec(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "split", NETWORK, OPPORTUNITY, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "optimal"
    assert doc["commission_amount"] == 2250.0
    assert doc["game"]["players"] == ["o1", "o2", "o3"]
    assert set(doc["game"]["solutions"]["shapley"]) == {"o1", "o2", "o3"}
    assert "empty" in doc["game"]["core"]
    assert doc["game"]["core"]["contains"]["shapley"] in (True, False)
    assert round(sum(doc["payouts"].values()) + doc["commission_amount"], 2) == 45000
    assert set(doc["explanations"]) == {"o1", "o2", "o3"}


def test_infeasible_is_not_an_error(capsys, tmp_path):
    opportunity = {**OPPORTUNITY, "requirements": [{"skill": "cobol", "min_level": 2, "hours": 10}]}
    code, out, _ = run(capsys, tmp_path, "form", NETWORK, opportunity, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "infeasible"
    assert doc["uncovered"][0]["skill"] == "cobol"
    assert "no one has the skill" in doc["uncovered"][0]["reason"]
    code, out, _ = run(capsys, tmp_path, "split", NETWORK, opportunity, "--json")
    assert json.loads(out)["status"] == "infeasible"


def test_unprofitable_split(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "split", NETWORK, {**OPPORTUNITY, "value": 1000}, "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["status"] == "unprofitable"
    assert doc["shortfall"] > 0
    assert "payouts" not in doc


def test_readable_tables_without_json(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "split", NETWORK, OPPORTUNITY)
    assert code == 0
    assert "Outlier Co-op" in out
    assert "o2" in out


def person(**changes):
    return {**NETWORK["people"][0], **changes}


BAD = [
    ({**NETWORK, "people": [person(hours=-5)]}, OPPORTUNITY, "people[0].hours"),
    ({**NETWORK, "people": [person(cost_rate="NaN")]}, OPPORTUNITY, "people[0].cost_rate"),
    ({**NETWORK, "people": [person(skills={"elixir": 6})]}, OPPORTUNITY, "people[0].skills.elixir"),
    (
        {**NETWORK, "people": [person(skills={"elixir": 2.5})]},
        OPPORTUNITY,
        "people[0].skills.elixir",
    ),
    ({**NETWORK, "people": [person(org="o9")]}, OPPORTUNITY, "'o9' is not one of"),
    ({**NETWORK, "people": [person(), person()]}, OPPORTUNITY, "used twice"),
    (
        {**NETWORK, "organisations": [{"id": "o1"}, {"id": "o1"}]},
        OPPORTUNITY,
        "organisations[1].id",
    ),
    ({**NETWORK, "people": [person(hours=True)]}, OPPORTUNITY, "people[0].hours"),
    (NETWORK, {**OPPORTUNITY, "value": "lots"}, "value"),
    (NETWORK, {**OPPORTUNITY, "commission": 1.5}, "commission"),
    (NETWORK, {**OPPORTUNITY, "max_organisations": 0}, "max_organisations"),
    (
        NETWORK,
        {**OPPORTUNITY, "requirements": [{"skill": "x", "min_level": 0, "hours": 1}]},
        "min_level",
    ),
    (
        NETWORK,
        {**OPPORTUNITY, "requirements": [{"skill": "x", "min_level": 2, "hours": -1}]},
        "hours",
    ),
    (NETWORK, {**OPPORTUNITY, "requirements": []}, "requirements"),
    ("{not json", OPPORTUNITY, "not valid JSON"),
    (NETWORK, "[]", "opportunity: expected an object"),
]


@pytest.mark.parametrize("command", ["form", "split"])
@pytest.mark.parametrize(("network", "opportunity", "message"), BAD)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, command, network, opportunity, message):
    code, out, err = run(capsys, tmp_path, command, network, opportunity, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err
