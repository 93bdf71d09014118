"""Consortium formation against an independent brute force, and its feasibility."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from network_cases import brute_force_cost, small_case

from coopnet.engine.errors import BadInput
from coopnet.engine.formation import form
from coopnet.engine.formats import parse_network, parse_opportunity


def solve_case(network, opportunity, **options):
    return form(parse_network(network), parse_opportunity(opportunity), **options)


def assert_feasible(network, opportunity, result):
    people = {p["id"]: p for p in network["people"]}
    worked = dict.fromkeys(people, 0.0)
    covered = [0.0] * len(opportunity["requirements"])
    for a in result.assignments:
        person = people[a.person]
        requirement = opportunity["requirements"][a.requirement]
        assert a.org == person["org"]
        assert a.skill == requirement["skill"]
        assert person["skills"].get(a.skill, 0) >= requirement["min_level"]
        assert a.hours > 0
        worked[a.person] += a.hours
        covered[a.requirement] += a.hours
    for pid, hours in worked.items():
        assert hours <= people[pid]["hours"] + 1e-6
    for r, requirement in enumerate(opportunity["requirements"]):
        assert covered[r] == pytest.approx(requirement["hours"], abs=1e-6)
    assert set(result.organisations) == {a.org for a in result.assignments}
    cap = opportunity.get("max_organisations")
    if cap is not None:
        assert len(result.organisations) <= cap


@pytest.mark.parametrize("seed", range(120))
def test_optimal_cost_matches_brute_force(seed):
    cap = [None, 1, 2][seed % 3]
    network, opportunity = small_case(seed, cap=cap)
    expected = brute_force_cost(network, opportunity)
    result = solve_case(network, opportunity)
    if expected is None:
        assert result.status == "infeasible"
        assert result.uncovered
    else:
        assert result.status == "optimal"
        assert result.cost == pytest.approx(expected, abs=0.01)
        assert_feasible(network, opportunity, result)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([None, 1, 2, 3]), st.booleans())
def test_every_returned_assignment_is_feasible(seed, cap, coordination):
    network, opportunity = small_case(seed, max_people=8, cap=cap, coordination=coordination)
    result = solve_case(network, opportunity)
    if result.status != "infeasible":
        assert_feasible(network, opportunity, result)
        people = {p["id"]: p for p in network["people"]}
        coord = {o["id"]: o["coordination_cost"] for o in network["organisations"]}
        recomputed = sum(a.hours * people[a.person]["cost_rate"] for a in result.assignments)
        recomputed += sum(coord[o] for o in result.organisations)
        assert result.cost == pytest.approx(recomputed, abs=1e-6)


def test_fewest_organisations_then_cheapest():
    network = {
        "organisations": [{"id": "big", "coordination_cost": 0}, {"id": "a"}, {"id": "b"}],
        "people": [
            {"id": "p1", "org": "big", "skills": {"x": 3, "y": 3}, "hours": 100, "cost_rate": 90},
            {"id": "p2", "org": "a", "skills": {"x": 3}, "hours": 100, "cost_rate": 20},
            {"id": "p3", "org": "b", "skills": {"y": 3}, "hours": 100, "cost_rate": 20},
        ],
    }
    opportunity = {
        "value": 10000,
        "requirements": [
            {"skill": "x", "min_level": 2, "hours": 40},
            {"skill": "y", "min_level": 2, "hours": 40},
        ],
    }
    cheapest = solve_case(network, opportunity)
    assert cheapest.organisations == ("a", "b")
    assert cheapest.cost == pytest.approx(1600)
    fewest = solve_case(network, opportunity, objective="organisations")
    assert fewest.organisations == ("big",)
    assert fewest.cost == pytest.approx(7200)


def test_include_and_exclude_organisations():
    network, opportunity = small_case(7, cap=None)
    everyone = solve_case(network, opportunity)
    assert everyone.status == "optimal"
    dropped = everyone.organisations[0]
    without = solve_case(network, opportunity, exclude=[dropped])
    assert dropped not in without.organisations
    with pytest.raises(BadInput, match="not in the network"):
        solve_case(network, opportunity, include=["nobody"])


def test_infeasible_opportunities_name_the_uncovered_requirements_and_why():
    network = {
        "organisations": [{"id": "o1"}],
        "people": [
            {
                "id": "p1",
                "org": "o1",
                "skills": {"python": 4, "ux": 2},
                "hours": 100,
                "cost_rate": 50,
            },
            {"id": "p2", "org": "o1", "skills": {"devops": 3}, "hours": 30, "cost_rate": 50},
        ],
    }
    opportunity = {
        "value": 10000,
        "requirements": [
            {"skill": "elixir", "min_level": 3, "hours": 10},
            {"skill": "ux", "min_level": 4, "hours": 10},
            {"skill": "devops", "min_level": 3, "hours": 50},
            {"skill": "python", "min_level": 3, "hours": 20},
        ],
    }
    result = solve_case(network, opportunity)
    assert result.status == "infeasible"
    reasons = {u.skill: u.reason for u in result.uncovered}
    assert set(reasons) == {"elixir", "ux", "devops"}
    assert "no one has the skill" in reasons["elixir"]
    assert "best level anyone has is 2" in reasons["ux"]
    assert "only 30 hours" in reasons["devops"]


def test_people_shared_between_requirements_are_diagnosed():
    network = {
        "organisations": [{"id": "o1"}],
        "people": [
            {"id": "p1", "org": "o1", "skills": {"a": 3, "b": 3}, "hours": 50, "cost_rate": 50},
        ],
    }
    opportunity = {
        "value": 10000,
        "requirements": [
            {"skill": "a", "min_level": 3, "hours": 40},
            {"skill": "b", "min_level": 3, "hours": 40},
        ],
    }
    result = solve_case(network, opportunity)
    assert result.status == "infeasible"
    assert any("also needed for other requirements" in u.reason for u in result.uncovered)


def test_the_cap_on_organisations_is_diagnosed():
    network = {
        "organisations": [{"id": "o1"}, {"id": "o2"}],
        "people": [
            {"id": "p1", "org": "o1", "skills": {"a": 3}, "hours": 50, "cost_rate": 50},
            {"id": "p2", "org": "o2", "skills": {"b": 3}, "hours": 50, "cost_rate": 50},
        ],
    }
    opportunity = {
        "value": 10000,
        "max_organisations": 1,
        "requirements": [
            {"skill": "a", "min_level": 3, "hours": 40},
            {"skill": "b", "min_level": 3, "hours": 40},
        ],
    }
    result = solve_case(network, opportunity)
    assert result.status == "infeasible"
    assert any("at most 1 organisations" in u.reason for u in result.uncovered)


def test_pruning_keeps_the_optimum_on_a_larger_network():
    rng = np.random.default_rng(11)
    orgs = [{"id": f"o{i}", "coordination_cost": int(rng.integers(0, 5)) * 100} for i in range(8)]
    people = [
        {
            "id": f"p{j}",
            "org": f"o{rng.integers(8)}",
            "skills": {"a": int(rng.integers(1, 6)), "b": int(rng.integers(1, 6))},
            "hours": int(rng.integers(1, 4)) * 10,
            "cost_rate": int(rng.integers(20, 40)),
        }
        for j in range(80)
    ]
    opportunity = {
        "value": 10000,
        "requirements": [
            {"skill": "a", "min_level": 2, "hours": 30},
            {"skill": "b", "min_level": 3, "hours": 20},
        ],
    }
    network = parse_network({"organisations": orgs, "people": people})
    from coopnet.engine.formation import pairs

    pruned = form(network, parse_opportunity(opportunity))
    original = pairs._cheapest_sufficient
    pairs._cheapest_sufficient = lambda network, ids, total: ids  # no pruning
    try:
        unpruned = form(network, parse_opportunity(opportunity))
    finally:
        pairs._cheapest_sufficient = original
    assert pruned.cost == pytest.approx(unpruned.cost, abs=0.01)


def freelancer_network(seed):
    """Many one-person organisations with overlapping skills, so that some dominate others."""
    rng = np.random.default_rng(seed)
    people = []
    orgs = []
    for j in range(int(rng.integers(4, 9))):
        orgs.append({"id": f"o{j}", "coordination_cost": int(rng.integers(0, 4)) * 100})
        held = rng.choice(3, int(rng.integers(1, 4)), replace=False)
        people.append(
            {
                "id": f"p{j}",
                "org": f"o{j}",
                "skills": {f"s{s}": 3 for s in held},
                "hours": int(rng.integers(1, 5)) * 10,
                "cost_rate": int(rng.choice([20, 30, 40])),
            }
        )
    requirements = [
        {"skill": f"s{s}", "min_level": 3, "hours": int(rng.integers(1, 3)) * 10}
        for s in rng.choice(3, int(rng.integers(1, 3)), replace=False)
    ]
    opportunity = {"id": "x", "value": 20000, "requirements": requirements}
    return {"organisations": orgs, "people": people}, opportunity


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([None, 1, 2]))
def test_leaving_out_dominated_organisations_keeps_the_optimum(seed, cap):
    from coopnet.engine.formation import eligible_pairs
    from coopnet.engine.formation.dominance import without_dominated

    network, opportunity = freelancer_network(seed)
    if cap is not None:
        opportunity["max_organisations"] = cap
    expected = brute_force_cost(network, opportunity)
    result = solve_case(network, opportunity)
    if expected is None:
        assert result.status == "infeasible"
    else:
        assert result.status == "optimal"
        assert result.cost == pytest.approx(expected, abs=0.01)
        assert_feasible(network, opportunity, result)
    net, opp = parse_network(network), parse_opportunity(opportunity)
    pairs = eligible_pairs(net, opp, np.ones(len(net.organisations), dtype=bool))
    kept = without_dominated(net, opp, pairs)
    assert set(kept.person.tolist()) <= set(pairs.person.tolist())


def test_a_dominated_freelancer_is_left_out():
    network = {
        "organisations": [
            {"id": "dear", "coordination_cost": 300},
            {"id": "cheap1", "coordination_cost": 100},
            {"id": "cheap2", "coordination_cost": 200},
        ],
        "people": [
            {"id": "d", "org": "dear", "skills": {"a": 3}, "hours": 20, "cost_rate": 50},
            {"id": "c1", "org": "cheap1", "skills": {"a": 3, "b": 3}, "hours": 30, "cost_rate": 40},
            {"id": "c2", "org": "cheap2", "skills": {"a": 4}, "hours": 20, "cost_rate": 50},
        ],
    }
    opportunity = {"value": 10000, "requirements": [{"skill": "a", "min_level": 3, "hours": 40}]}
    from coopnet.engine.formation import eligible_pairs
    from coopnet.engine.formation.dominance import without_dominated

    net, opp = parse_network(network), parse_opportunity(opportunity)
    pairs = eligible_pairs(net, opp, np.ones(3, dtype=bool))
    kept = without_dominated(net, opp, pairs)
    # "dear" is dominated by c1 and c2 (50 hours >= 40 needed); c2 only by c1 (30 < 40)
    assert sorted(net.people[p].id for p in kept.person) == ["c1", "c2"]
    result = solve_case(network, opportunity)
    assert result.organisations == ("cheap1", "cheap2")
    assert result.cost == pytest.approx(30 * 40 + 10 * 50 + 300)


def test_of_two_freelancers_that_dominate_each_other_one_stays():
    """Twins (same coordination, rate, skill and hours, each with the whole opportunity's
    hours) dominate each other: the first judged is left out, and the second, judged against
    the people still in, is not, so the opportunity can still be delivered."""
    network = {
        "organisations": [
            {"id": "twin1", "coordination_cost": 100},
            {"id": "twin2", "coordination_cost": 100},
        ],
        "people": [
            {"id": "t1", "org": "twin1", "skills": {"a": 3}, "hours": 40, "cost_rate": 50},
            {"id": "t2", "org": "twin2", "skills": {"a": 3}, "hours": 40, "cost_rate": 50},
        ],
    }
    opportunity = {"value": 10000, "requirements": [{"skill": "a", "min_level": 3, "hours": 40}]}
    from coopnet.engine.formation import eligible_pairs
    from coopnet.engine.formation.dominance import without_dominated

    net, opp = parse_network(network), parse_opportunity(opportunity)
    kept = without_dominated(net, opp, eligible_pairs(net, opp, np.ones(2, dtype=bool)))
    assert [net.people[p].id for p in kept.person] == ["t2"]
    result = solve_case(network, opportunity)
    assert result.organisations == ("twin2",)
    assert result.cost == pytest.approx(40 * 50 + 100)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([None, 1, 2]))
@example(87, None)
@example(150, 2)
@example(249, None)
@example(368, 2)
@example(418, 2)
def test_the_search_beyond_the_candidate_organisations_keeps_the_optimum(seed, cap):
    """With no neighbours among the candidates (only the organisations the relaxation uses),
    a cheaper consortium elsewhere must be found by the search for one with an organisation
    outside them (the examples: cases where it is), and the candidates' own consortium proven
    optimal when there is none."""
    from coopnet.engine.formation import transport

    network, opportunity = freelancer_network(seed)
    if cap is not None:
        opportunity["max_organisations"] = cap
    expected = brute_force_cost(network, opportunity)
    neighbours = transport.NEIGHBOURS
    transport.NEIGHBOURS = 0
    try:
        result = solve_case(network, opportunity)
    finally:
        transport.NEIGHBOURS = neighbours
    if expected is None:
        assert result.status == "infeasible"
    else:
        assert result.status == "optimal"
        assert result.cost == pytest.approx(expected, abs=0.01)
        assert_feasible(network, opportunity, result)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([None, 1, 2]))
def test_organisations_left_out_of_the_second_search_stay_in_the_last(seed, cap):
    """With no neighbours among the candidates and a single organisation joining them in the
    second search, the others the relaxations used are still beyond for the last MILP, which
    must find the optimum when it is there."""
    from coopnet.engine.formation import transport

    network, opportunity = freelancer_network(seed)
    if cap is not None:
        opportunity["max_organisations"] = cap
    expected = brute_force_cost(network, opportunity)
    neighbours, joining = transport.NEIGHBOURS, transport.JOINING
    transport.NEIGHBOURS, transport.JOINING = 0, 1
    try:
        result = solve_case(network, opportunity)
    finally:
        transport.NEIGHBOURS, transport.JOINING = neighbours, joining
    if expected is None:
        assert result.status == "infeasible"
    else:
        assert result.status == "optimal"
        assert result.cost == pytest.approx(expected, abs=0.01)
        assert_feasible(network, opportunity, result)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([None, 1, 2]))
def test_flow_cover_cuts_keep_the_optimum(seed, cap):
    """The requirements' flow-cover cuts, added round after round at the relaxation's
    solutions, leave the MILP's optimum where the brute force has it."""
    from coopnet.engine.formation import eligible_pairs
    from coopnet.engine.formation.covers import FlowCovers
    from coopnet.engine.formation.transport import TransportModel, _relaxation

    network, opportunity = small_case(seed, max_people=8, cap=cap)
    expected = brute_force_cost(network, opportunity)
    net, opp = parse_network(network), parse_opportunity(opportunity)
    pairs = eligible_pairs(net, opp, np.ones(len(net.organisations), dtype=bool))
    if expected is None or not len(pairs.person):
        return
    model = TransportModel(net, opp, pairs, mip=True, fixing=False)
    y_cols = model._y_cols()
    covers = FlowCovers(pairs.requirement, model._owner, pairs.upper, model.needed, y_cols)
    for _ in range(5):
        if _relaxation(model.highs, y_cols) is None:
            break
        values = np.asarray(model.highs.getSolution().col_value)
        if not covers.add_violated(model.highs, values):
            break
    status, _, _ = model.run(60.0)
    assert status == "optimal"
    assert model.objective == pytest.approx(expected, abs=0.01)


def test_a_flow_cover_cut_counts_the_organisations_that_a_relaxation_opens_a_little():
    """One requirement of 100 hours, organisation a can give 60 and b 100 (b costs more to
    coordinate): the relaxation opens a fully and b two fifths of the way for the other 40
    hours. The cut with cover {a} (λ = 40) and b counted by its binary, 40 y_b >= 40, forces
    b fully open, and the relaxation then reaches the optimum: b alone."""
    from coopnet.engine.formation import eligible_pairs
    from coopnet.engine.formation.covers import FlowCovers
    from coopnet.engine.formation.transport import TransportModel, _relaxation

    network = {
        "organisations": [
            {"id": "a", "coordination_cost": 100},
            {"id": "b", "coordination_cost": 1000},
        ],
        "people": [
            {"id": "pa", "org": "a", "skills": {"s": 3}, "hours": 60, "cost_rate": 10},
            {"id": "pb", "org": "b", "skills": {"s": 3}, "hours": 100, "cost_rate": 10},
        ],
    }
    opportunity = {"value": 10000, "requirements": [{"skill": "s", "min_level": 3, "hours": 100}]}
    net, opp = parse_network(network), parse_opportunity(opportunity)
    pairs = eligible_pairs(net, opp, np.ones(2, dtype=bool))
    model = TransportModel(net, opp, pairs, mip=True, fixing=False)
    y_cols = model._y_cols()
    lower, _, _ = _relaxation(model.highs, y_cols)
    assert lower == pytest.approx(100 * 10 + 100 + 0.4 * 1000)
    covers = FlowCovers(pairs.requirement, model._owner, pairs.upper, model.needed, y_cols)
    assert covers.add_violated(model.highs, np.asarray(model.highs.getSolution().col_value))
    tighter, _, _ = _relaxation(model.highs, y_cols)
    assert tighter == pytest.approx(100 * 10 + 1000)


def test_the_slowest_benchmark_formation_is_the_plain_milps_optimum():
    """docs/benchmarks.md, network seed 1, opportunity 3 (no cap, 5,777 pairs after pruning,
    12 organisations in the answer): the candidates' consortium costs 76,406.10, the optimum
    (the plain MILP's) 75,843.80 has an organisation the first relaxation ranks 183rd, found by
    the second search and proven by the cuts and the search beyond the candidates."""
    from coopnet.engine.synthetic import generate_network, generate_opportunities

    document = generate_network(people=10000, organisations=1000, skills=300, seed=1)
    opportunity = generate_opportunities(document, count=20, requirements=12, seed=1)[2]
    result = form(parse_network(document), parse_opportunity(opportunity))
    assert result.status == "optimal"
    assert len(result.organisations) == 12
    assert result.cost == pytest.approx(75843.80, abs=0.005)
