"""The skill-sharing alternative: juniors learn on the job, paired with an expert.

A junior (one level below a requirement's minimum) may work up to `share` of its hours, and
every junior hour needs `supervision` hours from an expert (level 4 or more, and at least the
minimum) on the same requirement. The model first maximises the junior hours, then minimises
the cost among plans that achieve them; the result states how much more it costs than the
cheapest consortium, so the network can decide what the training is worth.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.formation.fixed_charges import MIP_ABSOLUTE_GAP, add_fixed_charges, needs_mip
from coopnet.engine.formation.result import Assignment, Formation
from coopnet.engine.formation.solve import form
from coopnet.engine.network import Network, Opportunity

EXPERT_LEVEL = 4
_WORK, _LEARN, _SUPERVISE = 0, 1, 2
_ROLES = ("work", "learning", "supervising")


@dataclass(frozen=True)
class SkillSharing:
    formation: Formation
    learning_hours: float
    supervising_hours: float
    extra_cost: float | None
    roles: tuple[str, ...]  # per assignment of `formation`: work, learning or supervising


def form_with_skill_sharing(
    network: Network,
    opportunity: Opportunity,
    *,
    share: float = 0.25,
    supervision: float = 0.25,
    time_limit: float = 60.0,
) -> SkillSharing:
    started = time.perf_counter()
    person, requirement, role = _candidates(network, opportunity)
    cheapest = form(network, opportunity, time_limit=time_limit)
    if cheapest.status == "infeasible" or len(person) == 0:
        return SkillSharing(cheapest, 0.0, 0.0, None, ("work",) * len(cheapest.assignments))
    model = _Model(network, opportunity, person, requirement, role, share, supervision)
    hours = model.solve(time_limit)
    if hours is None:
        return SkillSharing(cheapest, 0.0, 0.0, 0.0, ("work",) * len(cheapest.assignments))
    used = np.flatnonzero(hours > 1e-7)
    assignments = tuple(
        Assignment(
            network.people[person[k]].id,
            network.people[person[k]].org,
            opportunity.requirements[requirement[k]].skill,
            float(hours[k]),
            int(requirement[k]),
        )
        for k in used
    )
    orgs = np.unique(network.person_org[person[used]])
    cost = float(hours[used] @ network.rates[person[used]] + network.coordination[orgs].sum())
    formation = Formation(
        "optimal",
        cost,
        tuple(network.organisations[o].id for o in orgs),
        assignments,
        time.perf_counter() - started,
    )
    learning = float(hours[role == _LEARN].sum())
    supervising = float(hours[role == _SUPERVISE].sum())
    extra = cost - cheapest.cost if cheapest.cost is not None else None
    return SkillSharing(
        formation, learning, supervising, extra, tuple(_ROLES[role[k]] for k in used)
    )


def _candidates(
    network: Network, opportunity: Opportunity
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Every (person, requirement, role) a person may take: work at the minimum level or
    above, learning one level below it, supervising at expert level."""
    person, requirement, role = [], [], []
    for r, needed in enumerate(opportunity.requirements):
        ids, levels = network.skill_index.get(needed.skill, (np.zeros(0, np.int64),) * 2)
        for kind, chosen in (
            (_WORK, ids[levels >= needed.min_level]),
            (_LEARN, ids[levels == needed.min_level - 1]),
            (_SUPERVISE, ids[levels >= max(EXPERT_LEVEL, needed.min_level)]),
        ):
            chosen = chosen[network.hours[chosen] > 0]
            person.append(chosen)
            requirement.append(np.full(len(chosen), r))
            role.append(np.full(len(chosen), kind))
    return (
        np.concatenate(person).astype(np.int64),
        np.concatenate(requirement).astype(np.int64),
        np.concatenate(role).astype(np.int64),
    )


class _Model:
    def __init__(
        self,
        network: Network,
        opportunity: Opportunity,
        person: NDArray[np.int64],
        requirement: NDArray[np.int64],
        role: NDArray[np.int64],
        share: float,
        supervision: float,
    ):
        self.highs = highspy.Highs()
        for option, value in (
            ("output_flag", False),
            ("mip_abs_gap", MIP_ABSOLUTE_GAP),
            ("mip_rel_gap", 0.0),
        ):
            self.highs.setOptionValue(option, value)
        self.network, self.person, self.role = network, person, role
        needed = np.array([float(r.hours) for r in opportunity.requirements])
        upper = np.minimum(network.hours[person], needed[requirement])
        n = len(person)
        self.highs.addVars(n, np.zeros(n), upper)
        self.n = n
        inf = highspy.kHighsInf
        for r, hours in enumerate(needed):
            on_r = requirement == r
            cover = np.flatnonzero(on_r & (role != _SUPERVISE))
            self._row(hours, hours, cover, np.ones(len(cover)))
            learn = np.flatnonzero(on_r & (role == _LEARN))
            self._row(-inf, share * hours, learn, np.ones(len(learn)))
            supervise = np.flatnonzero(on_r & (role == _SUPERVISE))
            cols = np.r_[supervise, learn]
            self._row(
                0.0, inf, cols, np.r_[np.ones(len(supervise)), -supervision * np.ones(len(learn))]
            )
        for p in np.unique(person):
            cols = np.flatnonzero(person == p)
            self._row(-inf, float(network.hours[p]), cols, np.ones(len(cols)))
        self.orgs = np.unique(network.person_org[person])
        if needs_mip(network, opportunity, self.orgs):
            self._fixed_charges(upper, opportunity.max_organisations)

    def _row(
        self, lower: float, upper: float, cols: NDArray[np.int64], values: NDArray[np.float64]
    ) -> None:
        self.highs.addRow(lower, upper, len(cols), cols.astype(np.int32), values.astype(np.float64))

    def _fixed_charges(self, upper: NDArray[np.float64], cap: int | None) -> None:
        owner = self.network.person_org[self.person]
        coordination = self.network.coordination[self.orgs]
        y_of = add_fixed_charges(self.highs, owner, upper, self.orgs, coordination, cap)
        self.y = np.unique(y_of)

    def solve(self, time_limit: float) -> NDArray[np.float64] | None:
        """Most learning hours first, then the least cost among plans that reach them."""
        self.highs.setOptionValue("time_limit", float(time_limit))
        learn = np.flatnonzero(self.role == _LEARN).astype(np.int32)
        all_x = np.arange(self.n, dtype=np.int32)
        self.highs.changeColsCost(len(learn), learn, -np.ones(len(learn)))
        if hasattr(self, "y"):  # learning first: coordination costs count only afterwards
            self.highs.changeColsCost(len(self.y), self.y.astype(np.int32), np.zeros(len(self.y)))
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        most = -float(self.highs.getInfo().objective_function_value)
        self.highs.changeColsCost(len(learn), learn, np.zeros(len(learn)))
        self._row(most - 1e-6, highspy.kHighsInf, learn.astype(np.int64), np.ones(len(learn)))
        self.highs.changeColsCost(self.n, all_x, self.network.rates[self.person])
        if hasattr(self, "y"):
            self.highs.changeColsCost(
                len(self.y), self.y.astype(np.int32), self.network.coordination[self.orgs]
            )
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        values = np.array(self.highs.getSolution().col_value[: self.n])
        return np.where(values > 1e-7, values, 0.0)
