"""Synthetic spec §2 opportunities that a given network can deliver.

Skills are drawn by demand (a skill held by more people is asked for more often) and together
with skills that co-occur with them in people's profiles. A greedy assignment of the network's
people proves each opportunity deliverable and prices it.
"""

from __future__ import annotations

import math
import random
from typing import Any

from coopnet.engine.synthetic.names import GENERIC_PROJECTS, PROJECTS
from coopnet.engine.synthetic.networks import check_count
from coopnet.engine.synthetic.taxonomy import load_skills

#: Commission on every generated opportunity.
COMMISSION = 0.05


class _NetworkIndex:
    """Who holds which skill at which level, read from a spec §2 network document."""

    def __init__(self, network: dict[str, Any]):
        if not isinstance(network, dict):
            raise TypeError("network must be a dict (a spec §2 network document)")
        try:
            orgs = network["organisations"]
            people = network["people"]
        except KeyError as missing:
            raise ValueError(f"network has no {missing.args[0]!r} list") from None
        self.coordination: dict[str, float] = {
            str(o["id"]): float(o.get("coordination_cost", 0)) for o in orgs
        }
        self.org: list[str] = []
        self.hours: list[float] = []
        self.rate: list[float] = []
        self.levels: list[dict[str, int]] = []
        self.holders: dict[str, list[int]] = {}
        for i, person in enumerate(people):
            self.org.append(str(person["org"]))
            self.hours.append(float(person["hours"]))
            self.rate.append(float(person["cost_rate"]))
            levels = {str(k): int(v) for k, v in person.get("skills", {}).items()}
            self.levels.append(levels)
            for k in levels:
                self.holders.setdefault(k, []).append(i)
        self.skilled = [i for i, levels in enumerate(self.levels) if levels]


def generate_opportunities(
    network: dict[str, Any], *, count: int = 5, requirements: int = 12, seed: int = 0
) -> list[dict[str, Any]]:
    """`count` spec §2 opportunities, each deliverable by `network`.

    Skills are drawn by demand (a skill held by more people is asked for more often) and
    together with skills that co-occur with them in people's profiles. Every opportunity is
    feasible as a whole: a greedy assignment of the network's people covers all its
    requirements within everyone's hours (and within `max_organisations` when given); its value
    is that assignment's cost marked up 1.3–1.8x, after commission. Requirements are distinct
    skills with min_level 2–4 and 20–400 hours; in the rare case that the network's hours run
    out, an opportunity has fewer than `requirements` requirements.
    """
    count = check_count(count, "count", 0)
    requirements = check_count(requirements, "requirements", 1)
    seed = check_count(seed, "seed", 0)
    index = _NetworkIndex(network)
    if requirements > len(index.holders):
        raise ValueError(
            f"requirements={requirements} distinct skills asked for, but the network's people "
            f"hold only {len(index.holders)} distinct skills"
        )
    family = {s.id: s.family for s in load_skills()}
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    for number in range(1, count + 1):
        doc = _opportunity(index, rnd, requirements)
        first_family = family.get(doc["requirements"][0]["skill"], "")
        project = rnd.choice(PROJECTS.get(first_family, GENERIC_PROJECTS))
        out.append({"id": f"{project}-{number}", **doc})
    return out


def _opportunity(index: _NetworkIndex, rnd: random.Random, wanted: int) -> dict[str, Any]:
    draft = _Draft(index, rnd)
    for _ in range(40 * wanted):
        if len(draft.chosen) == wanted:
            break
        if draft.chosen and rnd.random() < 0.8:
            # Someone who holds the opportunity's first skill (or, less often, another chosen
            # one): their other skills are the ones that go with it.
            source = draft.chosen[0] if rnd.random() < 0.5 else rnd.choice(draft.chosen)
            person = rnd.choice(index.holders[source])
        else:
            person = rnd.choice(index.skilled)
        options = [k for k in index.levels[person] if draft.open(k)]
        if options:
            draft.try_skill(rnd.choice(options))
    if len(draft.chosen) < wanted:  # fall back on every remaining skill, most held first
        for skill in sorted(index.holders, key=lambda k: (-len(index.holders[k]), k)):
            if len(draft.chosen) == wanted:
                break
            if draft.open(skill):
                draft.try_skill(skill)
    if not draft.requirements:
        raise ValueError("the network's people have no hours to deliver any requirement")
    return draft.document()


class _Draft:
    """An opportunity being drawn: its requirements, and the greedy assignment that delivers
    them (the people's remaining hours, the organisations used, the cost so far)."""

    def __init__(self, index: _NetworkIndex, rnd: random.Random):
        self.index, self.rnd = index, rnd
        self.remaining = list(index.hours)
        self.used_orgs: set[str] = set()
        self.cost = 0.0
        self.chosen: list[str] = []
        self.refused: set[str] = set()
        self.requirements: list[dict[str, Any]] = []

    def open(self, skill: str) -> bool:
        """Neither asked for yet nor found short of hours."""
        return skill not in self.chosen and skill not in self.refused

    def try_skill(self, skill: str) -> None:
        """Ask for `skill` if enough people with it have hours left, and assign them."""
        min_level = self.rnd.choices((2, 3, 4), weights=(0.45, 0.4, 0.15))[0]
        hours = min(400, max(20, 5 * round(self.rnd.lognormvariate(math.log(80.0), 0.7) / 5)))
        found = self._eligible(skill, min_level)
        if found is None:
            self.refused.add(skill)
            return
        level, eligible, available = found
        hours = min(hours, 5 * int(available // 5))
        self._assign(eligible, float(hours))
        self.chosen.append(skill)
        self.requirements.append({"skill": skill, "min_level": level, "hours": hours})

    def _eligible(self, skill: str, min_level: int) -> tuple[int, list[int], float] | None:
        """The highest level from `min_level` down to 2 with at least 20 hours left among its
        holders: the level, those holders and their hours."""
        levels, remaining = self.index.levels, self.remaining
        holders = self.index.holders[skill]
        for level in range(min_level, 1, -1):
            eligible = [i for i in holders if levels[i][skill] >= level and remaining[i] > 0]
            available = sum(remaining[i] for i in eligible)
            if available >= 20:
                return level, eligible, available
        return None

    def _assign(self, eligible: list[int], need: float) -> None:
        """Cheapest first, preferring organisations already in the consortium."""
        index = self.index
        eligible.sort(key=lambda i: (index.org[i] not in self.used_orgs, index.rate[i], i))
        for i in eligible:
            give = min(need, self.remaining[i])
            self.remaining[i] -= give
            self.cost += give * index.rate[i]
            self.used_orgs.add(index.org[i])
            need -= give
            if need <= 0:
                break

    def document(self) -> dict[str, Any]:
        """The opportunity: valued at its cost marked up 1.3-1.8x, after commission."""
        rnd = self.rnd
        cost = self.cost + sum(self.index.coordination.get(o, 0.0) for o in self.used_orgs)
        value = 100 * math.ceil(cost * rnd.uniform(1.3, 1.8) / (1 - COMMISSION) / 100)
        doc: dict[str, Any] = {"value": value, "requirements": self.requirements}
        if rnd.random() < 0.5:
            doc["max_organisations"] = len(self.used_orgs) + rnd.randint(0, 2)
        doc["commission"] = COMMISSION
        return doc
