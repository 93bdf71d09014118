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
from coopnet.engine.formation.pairs import EligiblePairs
from coopnet.engine.formation.result import Formation
from coopnet.engine.formation.solve import form, formation_of
from coopnet.engine.network import Network, Opportunity
from coopnet.engine.numeric import unsigned_zero

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
    pairs, role = _candidates(network, opportunity)
    cheapest = form(network, opportunity, time_limit=time_limit)
    if cheapest.status == "infeasible" or len(pairs.person) == 0:
        return _only_work(cheapest, None)
    model = _Model(network, opportunity, pairs, role, share, supervision)
    hours = model.solve(time_limit)
    if hours is None:
        return _only_work(cheapest, 0.0)
    formation = formation_of(network, opportunity, pairs, hours, "optimal", None, started)
    assert formation.cost is not None
    assert cheapest.cost is not None
    used = np.flatnonzero(hours > 0)
    return SkillSharing(
        formation,
        float(hours[role == _LEARN].sum()),
        float(hours[role == _SUPERVISE].sum()),
        unsigned_zero(formation.cost - cheapest.cost),
        tuple(_ROLES[role[k]] for k in used),
    )


def _only_work(cheapest: Formation, extra_cost: float | None) -> SkillSharing:
    """The cheapest consortium itself, when no junior can learn on it."""
    return SkillSharing(cheapest, 0.0, 0.0, extra_cost, ("work",) * len(cheapest.assignments))


def _candidates(
    network: Network, opportunity: Opportunity
) -> tuple[EligiblePairs, NDArray[np.int64]]:
    """Every (person, requirement) pair a person may take, and its role: work at the minimum
    level or above, learning one level below it, supervising at expert level."""
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
    people = np.concatenate(person).astype(np.int64)
    requirements = np.concatenate(requirement).astype(np.int64)
    hours_needed = np.array([float(r.hours) for r in opportunity.requirements])
    upper = np.minimum(network.hours[people], hours_needed[requirements])
    return EligiblePairs(people, requirements, upper), np.concatenate(role).astype(np.int64)


class _Model:
    def __init__(
        self,
        network: Network,
        opportunity: Opportunity,
        pairs: EligiblePairs,
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
        self.network, self.person, self.role = network, pairs.person, role
        self.n = len(pairs.person)
        self.highs.addVars(self.n, np.zeros(self.n), pairs.upper)
        self._add_requirement_rows(opportunity, pairs.requirement, share, supervision)
        for p in np.unique(self.person):
            cols = np.flatnonzero(self.person == p)
            self._row(-highspy.kHighsInf, float(network.hours[p]), cols, np.ones(len(cols)))
        self.orgs = np.unique(network.person_org[self.person])
        if needs_mip(network, opportunity, self.orgs):
            self._fixed_charges(pairs.upper, opportunity.max_organisations)

    def _add_requirement_rows(
        self,
        opportunity: Opportunity,
        requirement: NDArray[np.int64],
        share: float,
        supervision: float,
    ) -> None:
        """Per requirement: its hours covered by work and learning, learning within `share` of
        them, and `supervision` expert hours for every learning hour."""
        role, inf = self.role, highspy.kHighsInf
        for r, needed in enumerate(opportunity.requirements):
            hours = float(needed.hours)
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
