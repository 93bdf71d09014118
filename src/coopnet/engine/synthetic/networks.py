"""Synthetic spec §2 networks: organisations, their people, skills, hours and rates.

- organisation sizes are heavy-tailed: about a third are freelancers (one person), most of the
  rest are small co-ops, a few are firms of tens to hundreds of people;
- each organisation has a focus family, each person a primary family (usually their
  organisation's focus) and a few skills from neighbouring families, so skills co-occur as in
  real work;
- levels are skewed (5s are rare) and rise with seniority; cost rates rise with level and
  seniority (£25–£120 an hour); coordination costs rise with organisation size (200–3000).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from coopnet.engine.synthetic.names import organisation_names
from coopnet.engine.synthetic.taxonomy import (
    Families,
    FloatArray,
    IntArray,
    Skill,
    load_skills,
)

#: Share of organisations that are freelancers (exactly one person) when people allow it.
FREELANCER_SHARE = 0.35
#: Log-normal spread of the sizes of the other organisations (bigger = heavier tail).
SIZE_SPREAD = 1.25
#: Chance that a person's primary family is their organisation's focus family.
FOCUS_LOYALTY = 0.65


def check_count(value: Any, name: str, minimum: int) -> int:
    """An integer argument of at least `minimum` (TypeError or ValueError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def generate_network(
    *, people: int, organisations: int, skills: int = 300, seed: int = 0
) -> dict[str, Any]:
    """A synthetic spec §2 network of `people` people in `organisations` organisations.

    Uses the `skills` most popular skills of the packaged taxonomy (ValueError if it has fewer).
    Ids are "o1".."oN" and "p1".."pM"; people are listed organisation by organisation.
    """
    people = check_count(people, "people", 1)
    organisations = check_count(organisations, "organisations", 1)
    skills = check_count(skills, "skills", 1)
    seed = check_count(seed, "seed", 0)
    if people < organisations:
        raise ValueError(
            f"every organisation needs at least one person: people={people} is fewer than "
            f"organisations={organisations}"
        )
    chosen = _chosen_skills(skills)
    rng = np.random.default_rng(seed)
    sizes = _organisation_sizes(rng, people, organisations)
    families = Families(chosen)
    focus = rng.choice(families.count, size=organisations, p=families.weight)
    staff = _staff(rng, families, sizes, focus)
    coordination = _coordination_costs(rng, sizes)
    names = organisation_names(random.Random(int(rng.integers(2**63))), sizes, focus)
    org_ids = [f"o{i + 1}" for i in range(organisations)]
    return {
        "organisations": [
            {"id": org_ids[i], "name": names[i], "coordination_cost": int(c)}
            for i, c in enumerate(coordination.tolist())
        ],
        "people": _people_docs(staff, org_ids, [s.id for s in chosen]),
        "collaborations": _collaborations(rng, sizes, focus, org_ids),
    }


def _chosen_skills(skills: int) -> tuple[Skill, ...]:
    taxonomy = load_skills()
    if skills > len(taxonomy):
        raise ValueError(
            f"skills={skills} asked for, but the packaged taxonomy has only {len(taxonomy)} skills"
        )
    return taxonomy[:skills]


@dataclass(frozen=True)
class _Staff:
    """Everyone's organisation, hours and rate, and (person, skill, level) triples by person."""

    org_of: IntArray
    owner: IntArray
    skill: IntArray
    level: IntArray
    hours: FloatArray
    rate: FloatArray


def _staff(
    rng: np.random.Generator, families: Families, sizes: IntArray, focus: IntArray
) -> _Staff:
    people = int(sizes.sum())
    org_of = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    size_of = sizes[org_of]
    seniority = rng.beta(2.0, 2.5, people)
    seniority = np.where(size_of == 1, 0.3 + 0.7 * seniority, seniority)
    loyal = rng.random(people) < FOCUS_LOYALTY
    primary = np.where(
        loyal, focus[org_of], rng.choice(families.count, size=people, p=families.weight)
    )
    owner, skill, level = _person_skills(rng, families, primary, seniority)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    best_level = np.maximum.reduceat(level, starts)
    hours = np.clip(5 * np.rint(rng.lognormal(math.log(110.0), 0.6, people) / 5), 20, 400)
    log_size = np.log2(sizes.astype(np.float64))
    raw_rate = (
        18.0
        + 9.0 * best_level
        + 30.0 * seniority
        + 0.75 * log_size[org_of]
        + rng.normal(0.0, 5.0, people)
    )
    rate = np.clip(raw_rate, 25.0, 120.0).round(2)
    return _Staff(org_of, owner, skill, level, hours, rate)


def _coordination_costs(rng: np.random.Generator, sizes: IntArray) -> FloatArray:
    """200 to 3000 per organisation, in tens, rising with its size."""
    log_size = np.log2(sizes.astype(np.float64))
    noise = rng.lognormal(0.0, 0.15, len(sizes))
    coordination = 200.0 + 60.0 * rng.random(len(sizes)) + 400.0 * log_size * noise
    clipped: FloatArray = np.clip(10 * np.rint(coordination / 10), 200, 3000)
    return clipped


def _people_docs(staff: _Staff, org_ids: list[str], skill_ids: list[str]) -> list[dict[str, Any]]:
    starts = np.flatnonzero(np.r_[True, staff.owner[1:] != staff.owner[:-1]])
    person_skill = [skill_ids[k] for k in staff.skill.tolist()]
    person_level: list[int] = staff.level.tolist()
    bounds = [*starts.tolist(), len(person_skill)]
    org_list: list[int] = staff.org_of.tolist()
    hours_list: list[float] = staff.hours.tolist()
    rate_list: list[float] = staff.rate.tolist()
    return [
        {
            "id": f"p{i + 1}",
            "org": org_ids[org_list[i]],
            "skills": dict(
                zip(
                    person_skill[bounds[i] : bounds[i + 1]],
                    person_level[bounds[i] : bounds[i + 1]],
                    strict=True,
                )
            ),
            "hours": int(hours_list[i]),
            "cost_rate": rate_list[i],
        }
        for i in range(len(org_list))
    ]


def _organisation_sizes(rng: np.random.Generator, people: int, organisations: int) -> IntArray:
    """Heavy-tailed sizes, each at least 1, summing exactly to `people`."""
    sizes = np.ones(organisations, dtype=np.int64)
    extra = people - organisations
    if extra == 0:
        return sizes
    freelance = rng.random(organisations) < FREELANCER_SHARE
    freelance[int(rng.integers(organisations))] = False  # someone takes the extra people
    weight = np.where(freelance, 0.0, rng.lognormal(0.0, SIZE_SPREAD, organisations))
    # Firms of up to ~200 people when the average organisation is small; bigger ones only when
    # the average itself is big. The cap always leaves room for everyone.
    open_slots = int(np.count_nonzero(weight))
    cap = max(200, 20 * people // organisations, 2 * -(-extra // open_slots) + 1)
    while extra > 0:
        share = rng.multinomial(extra, weight / weight.sum())
        sizes += share
        over = sizes > cap
        extra = int((sizes[over] - cap).sum())
        sizes[over] = cap
        weight[over] = 0.0
    return sizes


def _person_skills(
    rng: np.random.Generator,
    families: Families,
    primary: IntArray,
    seniority: FloatArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """(person, skill, level) triples sorted by person then skill; everyone has a skill."""
    people = len(primary)
    n_primary = np.minimum(1 + rng.poisson(2.5, people), 8)
    n_secondary = np.minimum(rng.poisson(1.3, people), 5)
    first = np.repeat(np.arange(people, dtype=np.int64), n_primary)
    second = np.repeat(np.arange(people, dtype=np.int64), n_secondary)
    home = primary[second]
    slot = (rng.random(len(second)) * families.neighbour_count[home]).astype(np.int64)
    owner = np.concatenate([first, second])
    family = np.concatenate([primary[first], families.neighbours[home, slot]])
    skill = families.draw(rng, family)
    in_primary = np.concatenate([np.ones(len(first), bool), np.zeros(len(second), bool)])
    # Drop repeats; np.unique keeps the first draw, so a skill drawn twice counts as primary.
    _, keep = np.unique(owner * len(families.of_skill) + skill, return_index=True)
    owner, skill, in_primary = owner[keep], skill[keep], in_primary[keep]
    p = np.clip(0.15 + 0.5 * seniority[owner] + 0.12 * in_primary, 0.05, 0.92)
    level = 1 + rng.binomial(4, p)
    return owner, skill, level.astype(np.int64)


def _collaborations(
    rng: np.random.Generator, sizes: IntArray, focus: IntArray, org_ids: list[str]
) -> list[dict[str, Any]]:
    """A sparse random set of pairs (about 1.2 per organisation), likelier between big ones."""
    n = len(sizes)
    total = n * (n - 1) // 2
    wanted = min(total, round(1.2 * n))
    if wanted == 0:
        return []
    weight = sizes.astype(np.float64) ** 0.5
    weight /= weight.sum()
    if total <= 200_000:
        a, b = np.triu_indices(n, k=1)
        pair_weight = weight[a] * weight[b] * np.where(focus[a] == focus[b], 2.0, 1.0)
        pick = rng.choice(total, size=wanted, replace=False, p=pair_weight / pair_weight.sum())
        first, second = a[pick].astype(np.int64), b[pick].astype(np.int64)
    else:
        keys = np.empty(0, dtype=np.int64)
        while len(keys) < wanted:
            a = rng.choice(n, size=2 * wanted, p=weight)
            b = rng.choice(n, size=2 * wanted, p=weight)
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            fresh = (lo * n + hi)[lo != hi]
            keys = np.concatenate([keys, fresh])
            _, first_seen = np.unique(keys, return_index=True)
            keys = keys[np.sort(first_seen)]
        keys = keys[:wanted]
        first, second = keys // n, keys % n
    order = np.lexsort((second, first))
    first, second = first[order], second[order]
    projects = rng.geometric(0.45, wanted)
    return [
        {"orgs": [org_ids[i], org_ids[j]], "projects": int(k)}
        for i, j, k in zip(first.tolist(), second.tolist(), projects.tolist(), strict=True)
    ]
