"""The network of organisations and people, and a client opportunity (spec §2).

Plain frozen dataclasses with exact `Decimal` money and hours; the solvers convert to floats at
their edge. A `Network` keeps an index from skill to the people who hold it, so eligibility for a
requirement is found without scanning everyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from coopnet.engine.money import to_money


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    coordination_cost: Decimal = Decimal(0)


@dataclass(frozen=True)
class Person:
    id: str
    org: str
    skills: Mapping[str, int]
    hours: Decimal
    cost_rate: Decimal


@dataclass(frozen=True)
class Collaboration:
    orgs: tuple[str, str]
    projects: int


@dataclass(frozen=True)
class Requirement:
    skill: str
    min_level: int
    hours: Decimal


@dataclass(frozen=True)
class Opportunity:
    id: str
    value: Decimal
    requirements: tuple[Requirement, ...]
    max_organisations: int | None = None
    commission: Decimal = Decimal(0)

    @property
    def value_after_commission(self) -> Decimal:
        return self.value - self.commission_amount

    @property
    def commission_amount(self) -> Decimal:
        return commission_amount(self.value, self.commission)


def commission_amount(value: Decimal, rate: Decimal) -> Decimal:
    """The network's commission on `value` at `rate`, to the cent (half-even).

    >>> commission_amount(Decimal("45000"), Decimal("0.05"))
    Decimal('2250.00')
    """
    return to_money(value * rate, "commission")


@dataclass(frozen=True)
class Network:
    organisations: tuple[Organisation, ...]
    people: tuple[Person, ...]
    collaborations: tuple[Collaboration, ...] = field(default=())

    @cached_property
    def org_index(self) -> dict[str, int]:
        return {org.id: i for i, org in enumerate(self.organisations)}

    @cached_property
    def person_org(self) -> NDArray[np.int64]:
        """The organisation index of every person."""
        index = self.org_index
        return np.array([index[p.org] for p in self.people], dtype=np.int64)

    @cached_property
    def hours(self) -> NDArray[np.float64]:
        return np.array([float(p.hours) for p in self.people])

    @cached_property
    def rates(self) -> NDArray[np.float64]:
        return np.array([float(p.cost_rate) for p in self.people])

    @cached_property
    def coordination(self) -> NDArray[np.float64]:
        return np.array([float(o.coordination_cost) for o in self.organisations])

    @cached_property
    def skill_index(self) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]:
        """skill -> (person indices, levels) of everyone who holds it."""
        holders: dict[str, tuple[list[int], list[int]]] = {}
        for i, person in enumerate(self.people):
            for skill, level in person.skills.items():
                entry = holders.setdefault(skill, ([], []))
                entry[0].append(i)
                entry[1].append(level)
        return {
            skill: (np.array(ids, dtype=np.int64), np.array(levels, dtype=np.int64))
            for skill, (ids, levels) in holders.items()
        }

    def eligible(self, requirement: Requirement) -> NDArray[np.int64]:
        """Indices of the people with the skill at the minimum level or above."""
        ids, levels = self.skill_index.get(requirement.skill, (np.zeros(0, np.int64),) * 2)
        return ids[levels >= requirement.min_level]

    def best_level(self, skill: str) -> int:
        _, levels = self.skill_index.get(skill, (None, np.zeros(0, np.int64)))
        return int(levels.max()) if len(levels) else 0

    def restricted(self, org_ids: Iterable[str]) -> Network:
        """The same network with only these organisations and their people."""
        keep = set(org_ids)
        return Network(
            tuple(o for o in self.organisations if o.id in keep),
            tuple(p for p in self.people if p.org in keep),
            tuple(c for c in self.collaborations if set(c.orgs) <= keep),
        )
