"""Skills resilience: who the network's demanded skills rest on, and a mentoring plan to widen it.

Definitions (all hours are the requirement hours of the given opportunities):

* **Bus factor** of a skill: the number of people holding it at level >= 3 (`HOLD_LEVEL`).
  `free_hours` is the sum of those people's `hours`; `demand` is the sum of the requirement
  hours asked for that skill by the opportunities, whatever their `min_level`.
* **Resilience score** (lower is better): the share of the demanded hours that rest on skills
  with a bus factor of at most 1 (one departure, or none, from being unable to deliver them).
  For an **organisation**, the same share of the *network's* demand, but judged with the
  organisation's own bus factor (its own people at level >= 3): how exposed the organisation
  would be if it had to deliver the whole demand alone. 0.0 when nothing is demanded.
* **At-risk skills**: demanded skills with a network bus factor <= 1, by decreasing demand.

Mentoring plan. A *mentor* for a skill holds it at level >= 4 (`MENTOR_LEVEL`) and has a
mentoring budget: the person's optional `mentor_hours` field, else 10% of their `hours`
(`MENTOR_SHARE`), never more than their `hours`. A *learner* for a skill does not hold it at
level >= 3 and either holds it at level 1 or 2, or lists it in their optional `wants` field.
A pairing (mentor, learner, skill) costs the mentor `session_hours` (default 10) of their
budget and raises the learner to level 3, so the skill's bus factor grows by one. Each learner
takes at most one pairing; mentors stay within budget. Pairs from different organisations are
allowed only when both organisations are in the network's optional `mentoring_opt_in` list.

Objective: the gain in weighted coverage. Raising a skill's bus factor from b to b + 1 is worth
demand × w(b) with w(b) = 1 / (b + 1): the first holder of a skill is worth its whole demand,
the second half of it, and so on. The plan maximises the total gain exactly, as a small
integer program solved by HiGHS: people are grouped into classes that are interchangeable
(the same mentoring pool and the same candidate skills), the diminishing gains of a skill are
its incremental steps (concave, so the LP fills them in order), and only skills with demand and
people who can mentor or learn them are modelled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import BadInput, SolverError
from coopnet.engine.formats import number
from coopnet.engine.network import Network, Opportunity
from coopnet.engine.numeric import unsigned_zero

HOLD_LEVEL = 3
MENTOR_LEVEL = 4
LEARNER_LEVELS = (1, 2)
MENTOR_SHARE = 0.1
SESSION_HOURS = 10.0
_OPT_IN_POOL = -1  # the shared mentoring pool of the organisations that opted in


@dataclass(frozen=True)
class MentoringOptions:
    """The optional mentoring fields of a network file (spec §2 plus this step)."""

    mentor_hours: Mapping[str, float] = field(default_factory=dict)
    wants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    opt_in: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SkillRisk:
    skill: str
    bus_factor: int
    free_hours: float
    demand: float


@dataclass(frozen=True)
class SkillsMap:
    skills: tuple[SkillRisk, ...]  # sorted by skill id
    score: float
    organisation_scores: dict[str, float]
    at_risk: tuple[SkillRisk, ...]
    #: per organisation, how many demanded skills its own people hold at level 3+ once or never
    organisation_at_risk: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Pairing:
    mentor: str
    learner: str
    skill: str
    hours: float


@dataclass(frozen=True)
class MentoringPlan:
    pairings: tuple[Pairing, ...]
    gain: float  # weighted coverage gained (the objective)
    score_before: float
    score_after: float


@dataclass(frozen=True)
class Resilience:
    map: SkillsMap
    plan: MentoringPlan


# --- input -------------------------------------------------------------------------------------


def parse_mentoring(doc: Any, network: Network) -> MentoringOptions:
    """The optional `mentor_hours`, `wants` (per person) and `mentoring_opt_in` (network) fields
    of a network document already accepted by `parse_network`."""
    if not isinstance(doc, dict):
        raise BadInput("network: expected an object")
    mentor_hours: dict[str, float] = {}
    wants: dict[str, tuple[str, ...]] = {}
    for k, entry in enumerate(doc.get("people", [])):
        pid = network.people[k].id
        if "mentor_hours" in entry:
            mentor_hours[pid] = number(entry["mentor_hours"], f"people[{k}].mentor_hours", 0.0)
        if "wants" in entry:
            raw = entry["wants"]
            if not isinstance(raw, list) or not all(isinstance(s, str) and s for s in raw):
                raise BadInput(f"people[{k}].wants: expected a list of skill ids")
            wants[pid] = tuple(raw)
    raw_opt_in = doc.get("mentoring_opt_in", [])
    if not isinstance(raw_opt_in, list):
        raise BadInput("mentoring_opt_in: expected a list of organisation ids")
    for org in raw_opt_in:
        if not isinstance(org, str) or org not in network.org_index:
            raise BadInput(f"mentoring_opt_in: {org!r} is not one of the organisations")
    return MentoringOptions(mentor_hours, wants, frozenset(raw_opt_in))


def demand_by_skill(opportunities: Iterable[Opportunity]) -> dict[str, float]:
    demand: dict[str, Decimal] = defaultdict(Decimal)
    for opportunity in opportunities:
        for requirement in opportunity.requirements:
            demand[requirement.skill] += requirement.hours
    return {skill: float(hours) for skill, hours in demand.items()}


# --- skills map --------------------------------------------------------------------------------


def _holders(network: Network, skill: str) -> NDArray[np.int64]:
    ids, levels = network.skill_index.get(skill, (np.zeros(0, np.int64),) * 2)
    return ids[levels >= HOLD_LEVEL]


def risk_share(bus: Mapping[str, int], demand: Mapping[str, float]) -> float:
    """The share of the demanded hours on skills with a bus factor of at most 1."""
    total = sum(demand.values())
    if total <= 0:
        return 0.0
    return unsigned_zero(sum(h for s, h in demand.items() if bus.get(s, 0) <= 1) / total)


def skills_map(network: Network, demand: Mapping[str, float]) -> SkillsMap:
    """Bus factor, free hours and demand of every skill held or demanded, and the scores."""
    names = sorted(set(network.skill_index) | set(demand))
    skills = []
    for skill in names:
        holders = _holders(network, skill)
        skills.append(
            SkillRisk(
                skill,
                len(holders),
                unsigned_zero(float(network.hours[holders].sum())),
                unsigned_zero(float(demand.get(skill, 0.0))),
            )
        )
    bus = {s.skill: s.bus_factor for s in skills}
    wanted = [s for s in names if demand.get(s, 0.0) > 0]
    total = sum(demand[s] for s in wanted)
    n_orgs = len(network.organisations)
    org_scores = np.zeros(n_orgs)
    org_at_risk = np.zeros(n_orgs, dtype=np.int64)
    if total > 0:
        for skill in wanted:
            org_bus = np.bincount(network.person_org[_holders(network, skill)], minlength=n_orgs)
            org_scores += (org_bus <= 1) * demand[skill]
            org_at_risk += org_bus <= 1
        org_scores = unsigned_zero(org_scores / total)
    at_risk = sorted(
        (s for s in skills if s.demand > 0 and s.bus_factor <= 1),
        key=lambda s: (-s.demand, s.skill),
    )
    return SkillsMap(
        tuple(skills),
        risk_share(bus, demand),
        {org.id: float(org_scores[i]) for i, org in enumerate(network.organisations)},
        tuple(at_risk),
        {org.id: int(org_at_risk[i]) for i, org in enumerate(network.organisations)},
    )


# --- mentoring plan ----------------------------------------------------------------------------


def step_gains(demand: float, bus_factor: int, steps: int) -> list[float]:
    """Gains of raising the bus factor from b to b + 1, b + 1 to b + 2, ...: demand / (b + 1)."""
    return [demand / (bus_factor + k + 1) for k in range(steps)]


def coverage_gain(
    bus: Mapping[str, int], demand: Mapping[str, float], added: Mapping[str, int]
) -> float:
    """The weighted-coverage gain of adding `added[s]` holders to each skill s."""
    return sum(
        sum(step_gains(demand.get(s, 0.0), bus.get(s, 0), count)) for s, count in added.items()
    )


def mentor_budget(network: Network, options: MentoringOptions) -> NDArray[np.float64]:
    budget = network.hours * MENTOR_SHARE
    for k, person in enumerate(network.people):
        if person.id in options.mentor_hours:
            budget[k] = min(options.mentor_hours[person.id], network.hours[k])
    return budget


@dataclass
class _Class:
    """Interchangeable people: the same pool and candidate skills; `members` with capacities."""

    pool: int
    skills: tuple[str, ...]
    members: list[int] = field(default_factory=list)
    capacity: list[int] = field(default_factory=list)


def mentoring_plan(
    network: Network,
    demand: Mapping[str, float],
    options: MentoringOptions | None = None,
    session_hours: float = SESSION_HOURS,
) -> MentoringPlan:
    """The pairings that maximise the weighted-coverage gain (see the module docstring)."""
    if session_hours <= 0:
        raise BadInput(f"session_hours: {session_hours} must be more than 0")
    options = options or MentoringOptions()
    wanted = sorted(s for s, h in demand.items() if h > 0)
    bus = {s: len(_holders(network, s)) for s in wanted}
    before = risk_share(bus, demand)
    opt_in = np.array([o.id in options.opt_in for o in network.organisations], dtype=bool)
    pool = np.where(opt_in[network.person_org], _OPT_IN_POOL, network.person_org)
    slots = np.floor(mentor_budget(network, options) / session_hours + 1e-9).astype(np.int64)

    mentor_skills: dict[int, list[str]] = defaultdict(list)
    learner_skills: dict[int, list[str]] = defaultdict(list)
    for skill in wanted:
        ids, levels = network.skill_index.get(skill, (np.zeros(0, np.int64),) * 2)
        for i in ids[(levels >= MENTOR_LEVEL) & (slots[ids] > 0)]:
            mentor_skills[int(i)].append(skill)
        for i in ids[np.isin(levels, LEARNER_LEVELS)]:
            learner_skills[int(i)].append(skill)
    wanted_set = set(wanted)
    for k, person in enumerate(network.people):
        for skill in options.wants.get(person.id, ()):
            level = person.skills.get(skill, 0)
            if skill in wanted_set and level < HOLD_LEVEL and skill not in learner_skills[k]:
                learner_skills[k].append(skill)

    # Only (pool, skill) pairs with both a mentor and a learner can be used.
    mentor_pools = {(int(pool[i]), s) for i, ss in mentor_skills.items() for s in ss}
    learner_pools = {(int(pool[i]), s) for i, ss in learner_skills.items() for s in ss}
    usable = mentor_pools & learner_pools
    mentors = _classes(mentor_skills, pool, usable, lambda i: int(slots[i]))
    learners = _classes(learner_skills, pool, usable, lambda i: 1)
    counts = _solve(mentors, learners, bus, demand, usable)
    pairings = _assign(network, mentors, learners, counts, session_hours)

    added: dict[str, int] = defaultdict(int)
    for p in pairings:
        added[p.skill] += 1
    after_bus = {s: bus[s] + added.get(s, 0) for s in wanted}
    return MentoringPlan(
        tuple(pairings),
        unsigned_zero(coverage_gain(bus, demand, added)),
        before,
        risk_share(after_bus, demand),
    )


def _classes(
    candidate: Mapping[int, list[str]],
    pool: NDArray[np.int64],
    usable: set[tuple[int, str]],
    capacity: Any,
) -> list[_Class]:
    classes: dict[tuple[int, tuple[str, ...]], _Class] = {}
    for person in sorted(candidate):
        p = int(pool[person])
        skills = tuple(sorted(s for s in candidate[person] if (p, s) in usable))
        if skills:
            entry = classes.setdefault((p, skills), _Class(p, skills))
            entry.members.append(person)
            entry.capacity.append(capacity(person))
    return list(classes.values())


def _solve(
    mentors: Sequence[_Class],
    learners: Sequence[_Class],
    bus: Mapping[str, int],
    demand: Mapping[str, float],
    usable: set[tuple[int, str]],
) -> dict[tuple[str, int, int], int]:
    """Pairings per (skill, mentor class, learner class) maximising the coverage gain."""
    if not usable:
        return {}
    # Columns: y[m, s] (mentor class m on skill s), x[l, s], then z[s, k] (gain steps).
    cols_lower: list[float] = []
    cols_upper: list[float] = []
    cost: list[float] = []
    y: dict[tuple[int, str], int] = {}
    x: dict[tuple[int, str], int] = {}

    def column(upper: float, gain: float) -> int:
        cols_lower.append(0.0)
        cols_upper.append(upper)
        cost.append(gain)
        return len(cost) - 1

    for m, mc in enumerate(mentors):
        for s in mc.skills:
            y[m, s] = column(sum(mc.capacity), 0.0)
    for c, lc in enumerate(learners):
        for s in lc.skills:
            x[c, s] = column(len(lc.members), 0.0)
    integer = len(cost)
    supply: dict[str, int] = defaultdict(int)
    for c, s in x:
        supply[s] += len(learners[c].members)
    mentor_supply: dict[str, int] = defaultdict(int)
    for m, s in y:
        mentor_supply[s] += sum(mentors[m].capacity)
    z: dict[str, list[int]] = {}
    for s in sorted(supply):
        steps = min(supply[s], mentor_supply[s])
        z[s] = [column(1.0, g) for g in step_gains(demand[s], bus[s], steps)]

    rows: list[tuple[float, float, list[int], list[float]]] = []
    for m, mc in enumerate(mentors):  # each mentor class within its sessions
        cols = [y[m, s] for s in mc.skills]
        rows.append((0.0, float(sum(mc.capacity)), cols, [1.0] * len(cols)))
    for c, lc in enumerate(learners):  # each learner at most one pairing
        cols = [x[c, s] for s in lc.skills]
        rows.append((0.0, float(len(lc.members)), cols, [1.0] * len(cols)))
    by_pool: dict[tuple[int, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for (m, s), col in y.items():
        by_pool[mentors[m].pool, s][0].append(col)
    for (c, s), col in x.items():
        by_pool[learners[c].pool, s][1].append(col)
    for ys, xs in by_pool.values():  # learners in a pool need mentors in the same pool
        rows.append((0.0, highspy.kHighsInf, ys + xs, [1.0] * len(ys) + [-1.0] * len(xs)))
    for s, gain_cols in z.items():  # the gain steps of a skill count its learners
        xs = [col for (c, t), col in x.items() if t == s]
        rows.append((0.0, 0.0, xs + gain_cols, [1.0] * len(xs) + [-1.0] * len(gain_cols)))

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    n = len(cost)
    highs.addVars(n, np.array(cols_lower), np.array(cols_upper))
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(cost))
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    for lower, upper, cols, vals in rows:
        highs.addRow(lower, upper, len(cols), np.array(cols, dtype=np.int32), np.array(vals))
    highs.changeColsIntegrality(
        integer,
        np.arange(integer, dtype=np.int32),
        np.full(integer, highspy.HighsVarType.kInteger),
    )
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"mentoring plan: HiGHS stopped with {highs.getModelStatus()}")
    values = np.rint(np.array(highs.getSolution().col_value)).astype(np.int64)
    return _pair_classes(mentors, learners, y, x, values)


def _pair_classes(
    mentors: Sequence[_Class],
    learners: Sequence[_Class],
    y: Mapping[tuple[int, str], int],
    x: Mapping[tuple[int, str], int],
    values: NDArray[np.int64],
) -> dict[tuple[str, int, int], int]:
    """Match the mentor sessions and learners of each (pool, skill), in class order."""
    counts: dict[tuple[str, int, int], int] = defaultdict(int)
    offered: dict[tuple[int, str], list[list[int]]] = defaultdict(list)
    for (m, s), col in y.items():
        if values[col] > 0:
            offered[mentors[m].pool, s].append([m, int(values[col])])
    for (c, s), col in x.items():
        need = int(values[col])
        queue = offered[learners[c].pool, s]
        while need > 0:
            entry = queue[0]
            take = min(need, entry[1])
            counts[s, entry[0], c] += take
            need -= take
            entry[1] -= take
            if entry[1] == 0:
                queue.pop(0)
    return counts


def _assign(
    network: Network,
    mentors: Sequence[_Class],
    learners: Sequence[_Class],
    counts: Mapping[tuple[str, int, int], int],
    session_hours: float,
) -> list[Pairing]:
    """Individual pairings: sessions from each mentor class's members in turn, within their
    own capacity; learners of a class in order."""
    left = [list(mc.capacity) for mc in mentors]
    next_learner = [0] * len(learners)
    pairings = []
    for (skill, m, c), count in sorted(counts.items()):
        for _ in range(count):
            k = next(k for k, cap in enumerate(left[m]) if cap > 0)
            left[m][k] -= 1
            learner = learners[c].members[next_learner[c]]
            next_learner[c] += 1
            mentor = mentors[m].members[k]
            pairings.append(
                Pairing(
                    network.people[mentor].id,
                    network.people[learner].id,
                    skill,
                    unsigned_zero(session_hours),
                )
            )
    pairings.sort(key=lambda p: (p.skill, p.mentor, p.learner))
    return pairings


def resilience(
    network: Network,
    opportunities: Sequence[Opportunity],
    options: MentoringOptions | None = None,
    session_hours: float = SESSION_HOURS,
) -> Resilience:
    """The skills map and the mentoring plan for these opportunities."""
    demand = demand_by_skill(opportunities)
    return Resilience(
        skills_map(network, demand), mentoring_plan(network, demand, options, session_hours)
    )


def resilience_json(result: Resilience) -> dict[str, Any]:
    def skill(s: SkillRisk) -> dict[str, Any]:
        return {
            "skill": s.skill,
            "bus_factor": s.bus_factor,
            "free_hours": s.free_hours,
            "demand": s.demand,
        }

    return {
        "skills": [skill(s) for s in result.map.skills],
        "score": {"network": result.map.score, "organisations": result.map.organisation_scores},
        "at_risk": [skill(s) for s in result.map.at_risk],
        "plan": {
            "pairings": [
                {"mentor": p.mentor, "learner": p.learner, "skill": p.skill, "hours": p.hours}
                for p in result.plan.pairings
            ],
            "gain": result.plan.gain,
            "score_before": result.plan.score_before,
            "score_after": result.plan.score_after,
        },
    }
