"""Skills resilience: bus factors, scores and the mentoring plan (coopnet.engine.resilience)."""

import json
import math
from collections import Counter

import numpy as np
import pytest

from coopnet.cli import main
from coopnet.engine.errors import BadInput
from coopnet.engine.formats import parse_network, parse_opportunity
from coopnet.engine.resilience import (
    MentoringOptions,
    coverage_gain,
    demand_by_skill,
    mentoring_plan,
    parse_mentoring,
    resilience,
    resilience_json,
    skills_map,
)


def tiny_doc(opt_in=None):
    doc = {
        "organisations": [{"id": "o1"}, {"id": "o2"}],
        "people": [
            {"id": "a", "org": "o1", "skills": {"py": 5, "ux": 2}, "hours": 100, "cost_rate": 1},
            {"id": "b", "org": "o1", "skills": {"py": 3}, "hours": 50, "cost_rate": 1},
            {"id": "c", "org": "o2", "skills": {"ux": 4}, "hours": 200, "cost_rate": 1},
            {"id": "d", "org": "o2", "skills": {"py": 1}, "hours": 40, "cost_rate": 1},
            {"id": "e", "org": "o2", "skills": {"ml": 3}, "hours": 30, "cost_rate": 1},
            {"id": "f", "org": "o2", "skills": {}, "hours": 10, "cost_rate": 1, "wants": ["ux"]},
        ],
    }
    if opt_in is not None:
        doc["mentoring_opt_in"] = opt_in
    return doc


OPPORTUNITIES = [
    {
        "id": "one",
        "value": 1000,
        "requirements": [
            {"skill": "py", "min_level": 3, "hours": 100},
            {"skill": "ux", "min_level": 2, "hours": 50},
        ],
    },
    {
        "id": "two",
        "value": 1000,
        "requirements": [
            {"skill": "ml", "min_level": 4, "hours": 30},
            {"skill": "rust", "min_level": 1, "hours": 20},
        ],
    },
]


def tiny(opt_in=None):
    doc = tiny_doc(opt_in)
    net = parse_network(doc)
    return net, [parse_opportunity(o) for o in OPPORTUNITIES], parse_mentoring(doc, net)


def test_bus_factors_free_hours_and_demand_by_hand():
    net, opps, _ = tiny()
    result = skills_map(net, demand_by_skill(opps))
    got = {s.skill: (s.bus_factor, s.free_hours, s.demand) for s in result.skills}
    assert got == {
        "py": (2, 150.0, 100.0),  # a (5) and b (3); d is level 1
        "ux": (1, 200.0, 50.0),  # c (4); a is level 2
        "ml": (1, 30.0, 30.0),
        "rust": (0, 0.0, 20.0),  # demanded, held by nobody
    }


def test_scores_and_at_risk_by_hand():
    net, opps, _ = tiny()
    result = skills_map(net, demand_by_skill(opps))
    assert result.score == pytest.approx((50 + 30 + 20) / 200)
    # o1 holds py twice, nothing else at level 3; o2 holds ux and ml once each.
    assert result.organisation_scores == pytest.approx({"o1": 100 / 200, "o2": 200 / 200})
    assert [s.skill for s in result.at_risk] == ["ux", "ml", "rust"]
    # o1: py held twice, ux, ml and rust once or never; o2: every demanded skill at most once
    assert result.organisation_at_risk == {"o1": 3, "o2": 4}


def test_no_demand_scores_zero_and_no_plan():
    net, _, options = tiny()
    result = resilience(net, [], options)
    assert result.map.score == 0.0
    assert result.map.at_risk == ()
    assert result.plan.pairings == ()


def test_plan_without_opt_in_stays_inside_organisations():
    net, opps, options = tiny()
    plan = resilience(net, opps, options).plan
    # a could teach py to d and c could teach ux to a, but both cross o1/o2; f wants ux in o2.
    assert [(p.mentor, p.learner, p.skill) for p in plan.pairings] == [("c", "f", "ux")]
    assert plan.gain == pytest.approx(50 / 2)
    assert plan.score_before == pytest.approx(0.5)
    assert plan.score_after == pytest.approx(50 / 200)


def test_plan_with_opt_in_crosses_organisations():
    net, opps, options = tiny(["o1", "o2"])
    plan = resilience(net, opps, options).plan
    got = {(p.mentor, p.learner, p.skill) for p in plan.pairings}
    assert got == {("a", "d", "py"), ("c", "a", "ux"), ("c", "f", "ux")}
    assert plan.gain == pytest.approx(100 / 3 + 50 / 2 + 50 / 3)
    assert all(p.hours == 10 for p in plan.pairings)


def test_one_sided_opt_in_is_not_enough():
    net, opps, options = tiny(["o1"])
    plan = resilience(net, opps, options).plan
    assert [(p.mentor, p.learner) for p in plan.pairings] == [("c", "f")]


def test_mentor_hours_field_limits_the_budget():
    doc = tiny_doc(["o1", "o2"])
    doc["people"][2]["mentor_hours"] = 15  # c: one session of 10 hours, not two
    net = parse_network(doc)
    plan = mentoring_plan(
        net,
        demand_by_skill(parse_opportunity(o) for o in OPPORTUNITIES),
        parse_mentoring(doc, net),
    )
    assert Counter(p.mentor for p in plan.pairings) == {"a": 1, "c": 1}


def test_session_hours_changes_the_number_of_sessions():
    net, opps, options = tiny(["o1", "o2"])
    plan = mentoring_plan(net, demand_by_skill(opps), options, session_hours=20)
    # budgets: a 10 (no 20-hour session), c 20 (one session)
    assert [(p.mentor, p.skill, p.hours) for p in plan.pairings] == [("c", "ux", 20)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mentoring_opt_in": ["o9"]}, "mentoring_opt_in"),
        ({"mentoring_opt_in": "o1"}, "mentoring_opt_in"),
        ({"wants": "ux"}, "people[0].wants"),
        ({"mentor_hours": -1}, "people[0].mentor_hours"),
        ({"mentor_hours": "lots"}, "people[0].mentor_hours"),
    ],
)
def test_bad_mentoring_fields(change, field):
    doc = tiny_doc()
    if "mentoring_opt_in" in change:
        doc.update(change)
    else:
        doc["people"][0].update(change)
    net = parse_network(doc)
    with pytest.raises(BadInput, match=field.replace("[", r"\[").replace("]", r"\]")):
        parse_mentoring(doc, net)


# --- optimality against brute force -------------------------------------------------------------


def random_case(seed):
    rng = np.random.default_rng(seed)
    skills = ["s0", "s1", "s2"][: int(rng.integers(2, 4))]
    n_orgs = int(rng.integers(1, 4))
    orgs = [f"o{k}" for k in range(n_orgs)]
    people = []
    for i in range(int(rng.integers(4, 7))):
        levels = {s: int(rng.integers(0, 6)) for s in skills}
        person = {
            "id": f"p{i}",
            "org": orgs[int(rng.integers(n_orgs))],
            "skills": {s: v for s, v in levels.items() if v > 0},
            "hours": int(rng.choice([50, 100, 150, 200, 250])),
            "cost_rate": 1,
        }
        if rng.random() < 0.3:
            person["mentor_hours"] = int(rng.choice([0, 10, 30]))
        if rng.random() < 0.3:
            person["wants"] = [str(rng.choice(skills))]
        people.append(person)
    opt_in = [o for o in orgs if rng.random() < 0.5]
    doc = {"organisations": [{"id": o} for o in orgs], "people": people, "mentoring_opt_in": opt_in}
    demand = {s: float(rng.integers(0, 5) * 25) for s in skills}
    return doc, demand


def brute_force(doc, demand, session=10.0):
    """Best coverage gain over every feasible set of pairings, by exhaustive search."""
    people = doc["people"]
    opt_in = set(doc["mentoring_opt_in"])
    bus = {s: sum(p["skills"].get(s, 0) >= 3 for p in people) for s in demand}
    slots = []
    for p in people:
        budget = min(p.get("mentor_hours", 0.1 * p["hours"]), p["hours"])
        slots.append(math.floor(budget / session + 1e-9))

    def allowed(m, learner):
        same = people[m]["org"] == people[learner]["org"]
        return same or (people[m]["org"] in opt_in and people[learner]["org"] in opt_in)

    options = []  # per learner: the (mentor, skill) pairs open to them
    for li, lp in enumerate(people):
        mine = []
        for s in demand:
            if demand[s] <= 0:
                continue
            level = lp["skills"].get(s, 0)
            if not (level in (1, 2) or (level < 3 and s in lp.get("wants", []))):
                continue
            for mi, mp in enumerate(people):
                if mi != li and mp["skills"].get(s, 0) >= 4 and slots[mi] > 0 and allowed(mi, li):
                    mine.append((mi, s))
        options.append(mine)

    best = 0.0

    def search(i, left, added):
        nonlocal best
        if i == len(people):
            best = max(best, coverage_gain(bus, demand, added))
            return
        search(i + 1, left, added)
        for m, s in options[i]:
            if left[m] > 0:
                left[m] -= 1
                added[s] += 1
                search(i + 1, left, added)
                added[s] -= 1
                left[m] += 1

    search(0, list(slots), Counter())
    return best


def check_feasible(doc, plan, session=10.0):
    people = {p["id"]: p for p in doc["people"]}
    opt_in = set(doc["mentoring_opt_in"])
    learners = Counter(p.learner for p in plan.pairings)
    assert all(count == 1 for count in learners.values())
    used = Counter(p.mentor for p in plan.pairings)
    for mentor, count in used.items():
        person = people[mentor]
        budget = min(person.get("mentor_hours", 0.1 * person["hours"]), person["hours"])
        assert count * session <= budget + 1e-9
    for p in plan.pairings:
        mentor, learner = people[p.mentor], people[p.learner]
        assert mentor["skills"].get(p.skill, 0) >= 4
        level = learner["skills"].get(p.skill, 0)
        assert level in (1, 2) or (level < 3 and p.skill in learner.get("wants", []))
        assert mentor["org"] == learner["org"] or {mentor["org"], learner["org"]} <= opt_in


@pytest.mark.parametrize("seed", range(40))
def test_plan_is_optimal_against_brute_force(seed):
    doc, demand = random_case(seed)
    net = parse_network(doc)
    plan = mentoring_plan(net, demand, parse_mentoring(doc, net))
    check_feasible(doc, plan)
    assert plan.gain == pytest.approx(brute_force(doc, demand), abs=1e-9)


def test_plan_on_a_larger_network_is_feasible():
    from coopnet.engine.synthetic import generate_network, generate_opportunities

    doc = generate_network(people=600, organisations=60, seed=3)
    orgs = [o["id"] for o in doc["organisations"]]
    doc["mentoring_opt_in"] = orgs[::2]
    opps = [parse_opportunity(o) for o in generate_opportunities(doc, count=3, seed=3)]
    net = parse_network(doc)
    result = resilience(net, opps, parse_mentoring(doc, net))
    check_feasible(doc, result.plan)
    assert result.plan.score_after <= result.plan.score_before
    assert result.plan.gain > 0


def test_default_options_are_used_without_extras():
    net, opps, _ = tiny()
    plan = mentoring_plan(net, demand_by_skill(opps), MentoringOptions())
    assert plan.pairings == ()  # without `wants`, f is no learner; the rest cross organisations


# --- command line ------------------------------------------------------------------------------


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def test_cli_json(capsys, tmp_path):
    network = write(tmp_path, "net.json", tiny_doc(["o1", "o2"]))
    one = write(tmp_path, "one.json", OPPORTUNITIES[0])
    two = write(tmp_path, "two.json", OPPORTUNITIES[1])
    code, out, err = run(
        capsys, "resilience", "--network", network, "--opportunities", one,
        "--opportunities", two, "--json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"skills", "score", "at_risk", "plan"}
    assert set(doc["skills"][0]) == {"skill", "bus_factor", "free_hours", "demand"}
    assert doc["score"]["network"] == pytest.approx(0.5)
    assert doc["score"]["organisations"] == pytest.approx({"o1": 0.5, "o2": 1.0})
    assert [s["skill"] for s in doc["at_risk"]] == ["ux", "ml", "rust"]
    plan = doc["plan"]
    assert {"pairings", "score_before", "score_after"} <= set(plan)
    assert set(plan["pairings"][0]) == {"mentor", "learner", "skill", "hours"}
    assert len(plan["pairings"]) == 3
    assert plan["score_after"] == pytest.approx(50 / 200)


def test_cli_takes_several_files_after_one_option(capsys, tmp_path):
    network = write(tmp_path, "net.json", tiny_doc(["o1", "o2"]))
    one = write(tmp_path, "one.json", OPPORTUNITIES[0])
    two = write(tmp_path, "two.json", OPPORTUNITIES[1])
    code, listed, _ = run(
        capsys, "resilience", "--network", network, "--opportunities", one, two, "--json"
    )
    assert code == 0
    code, repeated, _ = run(
        capsys, "resilience", "--network", network, "--opportunities", one,
        "--opportunities", two, "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(listed) == json.loads(repeated)
    assert json.loads(listed)["score"]["network"] == pytest.approx(0.5)


def test_cli_refuses_files_without_the_option(capsys, tmp_path):
    network = write(tmp_path, "net.json", tiny_doc())
    one = write(tmp_path, "one.json", OPPORTUNITIES[0])
    code, out, err = run(capsys, "resilience", "--network", network, one)
    assert code == 2
    assert out == ""
    assert err.strip().startswith("error: unexpected argument")
    assert len(err.strip().splitlines()) == 1


def test_cli_json_matches_the_engine(capsys, tmp_path):
    network = write(tmp_path, "net.json", tiny_doc())
    one = write(tmp_path, "one.json", OPPORTUNITIES[0])
    code, out, _ = run(capsys, "resilience", "--network", network, "--opportunity", one, "--json")
    assert code == 0
    net, opps, options = tiny()
    assert json.loads(out) == resilience_json(resilience(net, opps[:1], options))


def test_cli_table(capsys, tmp_path):
    network = write(tmp_path, "net.json", tiny_doc())
    one = write(tmp_path, "one.json", OPPORTUNITIES[0])
    code, out, _ = run(capsys, "resilience", "--network", network, "--opportunities", one)
    assert code == 0
    assert "mentoring plan" in out
    assert "py" in out


@pytest.mark.parametrize(
    ("net_change", "opp_change", "field"),
    [
        ({"people": [{"id": "a", "org": "o1", "skills": {"py": 7}, "hours": 1, "cost_rate": 1}]},
         None, "people[0].skills.py"),
        ({"mentoring_opt_in": ["nobody"]}, None, "mentoring_opt_in"),
        (None, {"requirements": [{"skill": "py", "hours": -5}]}, "requirements[0].hours"),
    ],
)  # fmt: skip
def test_cli_bad_input(capsys, tmp_path, net_change, opp_change, field):
    network = write(tmp_path, "net.json", tiny_doc() | (net_change or {}))
    one = write(tmp_path, "one.json", OPPORTUNITIES[0] | (opp_change or {}))
    code, out, err = run(capsys, "resilience", "--network", network, "--opportunities", one)
    assert code == 2
    assert out == ""
    assert err.startswith("error:")
    assert field in err
    assert len(err.strip().splitlines()) == 1


def test_cli_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "resilience", "--network", tmp_path / "none.json", "--json")
    assert code == 2
    assert err.startswith("error:")
