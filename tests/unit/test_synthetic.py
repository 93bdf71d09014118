"""The synthetic network and opportunity generator (coopnet.engine.synthetic)."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter, defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopnet.engine.synthetic import (
    NEIGHBOURS,
    generate_network,
    generate_opportunities,
    load_skills,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def medium() -> dict[str, Any]:
    return generate_network(people=3000, organisations=300, seed=7)


def sizes_of(network: dict[str, Any]) -> Counter[str]:
    return Counter(p["org"] for p in network["people"])


def check_network(net: dict[str, Any], people: int, organisations: int, skills: int) -> None:
    orgs, persons = net["organisations"], net["people"]
    assert [o["id"] for o in orgs] == [f"o{i}" for i in range(1, organisations + 1)]
    assert [p["id"] for p in persons] == [f"p{i}" for i in range(1, people + 1)]
    names = [o["name"] for o in orgs]
    assert len(set(names)) == len(names)
    assert all(isinstance(n, str) and n.strip() == n and n for n in names)
    for org in orgs:
        assert 200 <= org["coordination_cost"] <= 3000
    known = {s.id for s in load_skills()[:skills]}
    org_ids = {o["id"] for o in orgs}
    for person in persons:
        assert person["org"] in org_ids
        assert person["skills"], person
        assert set(person["skills"]) <= known
        assert all(type(v) is int and 1 <= v <= 5 for v in person["skills"].values())
        assert 20 <= person["hours"] <= 400
        assert person["hours"] % 5 == 0
        assert 25 <= person["cost_rate"] <= 120
        assert round(person["cost_rate"], 2) == person["cost_rate"]
    sizes = sizes_of(net)
    assert set(sizes) == org_ids  # every organisation has a person
    assert sum(sizes.values()) == people
    pairs = [tuple(c["orgs"]) for c in net["collaborations"]]
    assert len(set(pairs)) == len(pairs)
    for collaboration in net["collaborations"]:
        a, b = collaboration["orgs"]
        assert a != b
        assert {a, b} <= org_ids
        assert type(collaboration["projects"]) is int
        assert collaboration["projects"] >= 1


def individually_feasible(net: dict[str, Any], requirement: dict[str, Any]) -> bool:
    skill, level = requirement["skill"], requirement["min_level"]
    supply = sum(p["hours"] for p in net["people"] if p["skills"].get(skill, 0) >= level)
    return bool(supply >= requirement["hours"])


def jointly_feasible(net: dict[str, Any], opportunity: dict[str, Any]) -> bool:
    """Max-flow source -> requirements -> eligible people -> sink covers every requirement."""
    reqs = opportunity["requirements"]
    people = net["people"]
    n_req = len(reqs)
    source, sink = 0, 1 + n_req + len(people)
    capacity: dict[int, dict[int, float]] = defaultdict(dict)
    for r, req in enumerate(reqs):
        capacity[source][1 + r] = req["hours"]
        for i, person in enumerate(people):
            if person["skills"].get(req["skill"], 0) >= req["min_level"]:
                capacity[1 + r][1 + n_req + i] = float("inf")
    for i, person in enumerate(people):
        capacity[1 + n_req + i][sink] = person["hours"]
    flow = 0.0
    while True:  # Edmonds-Karp
        parent = {source: source}
        queue = [source]
        for node in queue:
            for nxt, cap in capacity[node].items():
                if cap > 1e-9 and nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if sink not in parent:
            break
        path, node = [], sink
        while node != source:
            path.append((parent[node], node))
            node = parent[node]
        push = min(capacity[u][v] for u, v in path)
        for u, v in path:
            capacity[u][v] -= push
            capacity[v][u] = capacity[v].get(u, 0.0) + push
        flow += push
    return bool(flow >= sum(r["hours"] for r in reqs) - 1e-6)


# --- taxonomy ---------------------------------------------------------------------------------


def test_taxonomy_is_a_usable_list_of_skills() -> None:
    skills = load_skills()
    assert len(skills) >= 300
    ids = [s.id for s in skills]
    assert len(set(ids)) == len(ids)
    assert all(SLUG.match(i) for i in ids)
    assert set(NEIGHBOURS) == {s.family for s in skills}
    assert {"python", "ux-design", "kubernetes", "javascript"} <= set(ids)
    head = {s.family for s in skills[:300]}
    assert {"frontend", "backend", "data", "devops-cloud", "security", "design-ux"} <= head
    assert {"mobile", "project-management"} <= head


# --- networks ---------------------------------------------------------------------------------


@FAST
@given(
    organisations=st.integers(1, 60),
    extra=st.integers(0, 300),
    skills=st.integers(1, 400),
    seed=st.integers(0, 2**32),
)
def test_network_is_well_formed(organisations: int, extra: int, skills: int, seed: int) -> None:
    people = organisations + extra
    net = generate_network(people=people, organisations=organisations, skills=skills, seed=seed)
    check_network(net, people, organisations, skills)


def test_deterministic_for_a_seed() -> None:
    a = generate_network(people=500, organisations=60, seed=11)
    b = generate_network(people=500, organisations=60, seed=11)
    c = generate_network(people=500, organisations=60, seed=12)
    assert a == b
    assert a != c
    assert generate_opportunities(a, seed=3) == generate_opportunities(b, seed=3)
    assert generate_opportunities(a, seed=3) != generate_opportunities(a, seed=4)


def test_round_trips_through_json(medium: dict[str, Any]) -> None:
    assert json.loads(json.dumps(medium, allow_nan=False)) == medium
    opportunities = generate_opportunities(medium, count=3, seed=1)
    assert json.loads(json.dumps(opportunities, allow_nan=False)) == opportunities


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sizes_are_heavy_tailed(seed: int) -> None:
    net = generate_network(people=5000, organisations=500, seed=seed)
    sizes = sorted(sizes_of(net).values())
    assert max(sizes) >= 10 * statistics.median(sizes)
    assert sizes.count(1) >= 0.2 * len(sizes)  # plenty of freelancers
    assert sum(s >= 50 for s in sizes) >= 3  # and a few firms
    assert max(sizes) <= 200


def test_edge_sizes() -> None:
    one = generate_network(people=25, organisations=1, seed=0)
    assert {p["org"] for p in one["people"]} == {"o1"}
    assert one["collaborations"] == []
    flat = generate_network(people=40, organisations=40, seed=0)
    assert sorted(sizes_of(flat).values()) == [1] * 40


def test_skill_popularity_is_uneven(medium: dict[str, Any]) -> None:
    counts = Counter(k for p in medium["people"] for k in p["skills"])
    total = sum(counts.values())
    top = sum(c for _, c in counts.most_common(30))  # 10% of 300 skills
    assert top / total >= 0.3
    # and follows the taxonomy's order, roughly
    assert counts["javascript"] > counts["vue"] > counts.get("coffeescript", 0)


def test_skills_co_occur_within_families(medium: dict[str, Any]) -> None:
    family = {s.id: s.family for s in load_skills()}
    people = medium["people"]
    same = sum(
        Counter(family[k] for k in p["skills"]).most_common(1)[0][1] / len(p["skills"])
        for p in people
    ) / len(people)
    assert same >= 0.6  # most of a person's skills come from one family
    with_html = [p for p in people if "html" in p["skills"]]
    with_python = [p for p in people if "python" in p["skills"]]
    css_given_html = sum("css" in p["skills"] for p in with_html) / len(with_html)
    css_given_python = sum("css" in p["skills"] for p in with_python) / len(with_python)
    assert css_given_html > 2 * css_given_python


def test_levels_are_skewed_and_rates_follow_them(medium: dict[str, Any]) -> None:
    levels = Counter(v for p in medium["people"] for v in p["skills"].values())
    total = sum(levels.values())
    assert levels[5] / total < 0.12
    assert levels[5] < levels[4] < levels[3]
    by_best: dict[int, list[float]] = defaultdict(list)
    for person in medium["people"]:
        by_best[max(person["skills"].values())].append(person["cost_rate"])
    assert statistics.mean(by_best[5]) > statistics.mean(by_best[3]) > statistics.mean(by_best[2])


def test_coordination_cost_rises_with_size(medium: dict[str, Any]) -> None:
    sizes = sizes_of(medium)
    cost = {o["id"]: o["coordination_cost"] for o in medium["organisations"]}
    small = [cost[o] for o, s in sizes.items() if s == 1]
    large = [cost[o] for o, s in sizes.items() if s >= 30]
    assert small
    assert large
    assert statistics.mean(large) > 3 * statistics.mean(small)


def test_skills_parameter_takes_the_most_popular() -> None:
    net = generate_network(people=300, organisations=30, skills=20, seed=5)
    top20 = {s.id for s in load_skills()[:20]}
    assert {k for p in net["people"] for k in p["skills"]} <= top20
    everything = generate_network(people=50, organisations=5, skills=len(load_skills()), seed=1)
    check_network(everything, 50, 5, len(load_skills()))


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="taxonomy has only"):
        generate_network(people=10, organisations=2, skills=len(load_skills()) + 1)
    with pytest.raises(ValueError, match="at least one person"):
        generate_network(people=3, organisations=4)
    with pytest.raises(ValueError, match="at least 1"):
        generate_network(people=0, organisations=0)
    with pytest.raises(TypeError, match="integer"):
        generate_network(people=10.0, organisations=2)  # type: ignore[arg-type]
    net = generate_network(people=10, organisations=2, skills=5, seed=0)
    distinct = len({k for p in net["people"] for k in p["skills"]})
    with pytest.raises(ValueError, match="distinct skills"):
        generate_opportunities(net, requirements=distinct + 1)
    assert generate_opportunities(net, count=0, requirements=1) == []


def test_twenty_thousand_people_quickly() -> None:
    start = time.perf_counter()
    net = generate_network(people=20_000, organisations=1_000, seed=42)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0
    sizes = sorted(sizes_of(net).values())
    assert len(sizes) == 1_000
    assert sum(sizes) == 20_000
    assert max(sizes) >= 10 * statistics.median(sizes)
    assert len({p["id"] for p in net["people"]}) == 20_000
    opportunities = generate_opportunities(net, count=5, seed=42)
    for opportunity in opportunities:
        assert len(opportunity["requirements"]) == 12
        assert all(individually_feasible(net, r) for r in opportunity["requirements"])


# --- opportunities ----------------------------------------------------------------------------


@FAST
@given(
    organisations=st.integers(2, 25),
    extra=st.integers(20, 200),
    requirements=st.integers(1, 12),
    seed=st.integers(0, 2**32),
)
def test_opportunities_are_valid_and_feasible(
    organisations: int, extra: int, requirements: int, seed: int
) -> None:
    net = generate_network(people=organisations + extra, organisations=organisations, seed=seed)
    opportunities = generate_opportunities(net, count=3, requirements=requirements, seed=seed)
    assert len(opportunities) == 3
    assert len({o["id"] for o in opportunities}) == 3
    held = {k for p in net["people"] for k in p["skills"]}
    cheapest = min(p["cost_rate"] for p in net["people"])
    for opportunity in opportunities:
        assert SLUG.match(opportunity["id"])
        reqs = opportunity["requirements"]
        assert 1 <= len(reqs) <= requirements
        skills = [r["skill"] for r in reqs]
        assert len(set(skills)) == len(skills)
        assert set(skills) <= held
        for r in reqs:
            assert 2 <= r["min_level"] <= 4
            assert 20 <= r["hours"] <= 400
            assert individually_feasible(net, r)
        assert jointly_feasible(net, opportunity)
        hours = sum(r["hours"] for r in reqs)
        assert opportunity["value"] * (1 - opportunity["commission"]) > 1.3 * hours * cheapest
        assert opportunity["commission"] == 0.05
        if "max_organisations" in opportunity:
            assert opportunity["max_organisations"] >= 1


def test_opportunities_ask_for_popular_skills(medium: dict[str, Any]) -> None:
    opportunities = generate_opportunities(medium, count=40, requirements=6, seed=2)
    asked = Counter(r["skill"] for o in opportunities for r in o["requirements"])
    holders = Counter(k for p in medium["people"] for k in p["skills"])
    popular = {k for k, _ in holders.most_common(30)}
    share = sum(c for k, c in asked.items() if k in popular) / sum(asked.values())
    assert share >= 0.4
    assert all(len(o["requirements"]) == 6 for o in opportunities)


def test_the_project_parser_accepts_the_output(medium: dict[str, Any]) -> None:
    formats = pytest.importorskip("coopnet.engine.formats")
    network = formats.parse_network(medium)
    assert len(network.people) == 3000
    for opportunity in generate_opportunities(medium, count=3, seed=5):
        parsed = formats.parse_opportunity(opportunity)
        assert parsed.id == opportunity["id"]
