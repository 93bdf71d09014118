"""Small random networks and an independent brute-force optimum, for formation tests."""

from functools import cache
from itertools import product

import numpy as np

UNIT = 10  # hours come in units of 10, so integral optima are found by enumeration


def small_case(seed, max_people=6, max_requirements=3, cap=None, coordination=True):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 5))
    orgs = [
        {
            "id": f"o{i}",
            "name": f"Org {i}",
            "coordination_cost": int(rng.integers(0, 4)) * 100 if coordination else 0,
        }
        for i in range(k)
    ]
    skills = [f"s{j}" for j in range(3)]
    people = []
    for j in range(int(rng.integers(1, max_people + 1))):
        held = rng.choice(3, int(rng.integers(1, 4)), replace=False)
        people.append(
            {
                "id": f"p{j}",
                "org": f"o{rng.integers(k)}",
                "skills": {skills[s]: int(rng.integers(1, 6)) for s in held},
                "hours": int(rng.integers(1, 5)) * UNIT,
                "cost_rate": int(rng.integers(20, 90)),
            }
        )
    chosen = rng.choice(3, int(rng.integers(1, max_requirements + 1)), replace=False)
    requirements = [
        {
            "skill": skills[s],
            "min_level": int(rng.integers(1, 4)),
            "hours": int(rng.integers(1, 4)) * UNIT,
        }
        for s in chosen
    ]
    opportunity = {"id": "x", "value": 20000, "requirements": requirements, "commission": 0.05}
    if cap is not None:
        opportunity["max_organisations"] = cap
    return {"organisations": orgs, "people": people}, opportunity


def brute_force_cost(network, opportunity):
    """The optimal cost by exhaustive search over whole units of hours (None if infeasible)."""
    people = network["people"]
    coordination = {o["id"]: o["coordination_cost"] for o in network["organisations"]}
    requirements = opportunity["requirements"]
    cap = opportunity.get("max_organisations")

    def eligible(r):
        req = requirements[r]
        return [
            i for i, p in enumerate(people) if p["skills"].get(req["skill"], 0) >= req["min_level"]
        ]

    @cache
    def best(r, capacity, used):
        if r == len(requirements):
            if cap is not None and len(used) > cap:
                return float("inf")
            return sum(coordination[o] for o in used)
        who = eligible(r)
        units = requirements[r]["hours"] // UNIT
        result = float("inf")
        for split in product(range(units + 1), repeat=len(who)):
            if sum(split) != units or any(s > capacity[i] for i, s in zip(who, split, strict=True)):
                continue
            rest = list(capacity)
            orgs = set(used)
            cost = 0.0
            for i, s in zip(who, split, strict=True):
                rest[i] -= s
                cost += s * UNIT * people[i]["cost_rate"]
                if s:
                    orgs.add(people[i]["org"])
            result = min(result, cost + best(r + 1, tuple(rest), frozenset(orgs)))
        return result

    cost = best(0, tuple(p["hours"] // UNIT for p in people), frozenset())
    return None if cost == float("inf") else cost
