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
class CommissionPolicy:
    """The network's commission on an opportunity (spec §4): `rate` x value + `flat`, kept
    between `minimum` and `maximum` (None: no bound). A plain rate is the policy with only a
    rate, so `CommissionPolicy(rate)` means what `commission: 0.05` has always meant.

    >>> CommissionPolicy(Decimal("0.05"), Decimal(250), Decimal(500), Decimal(5000)).amount(
    ...     Decimal(45000))
    Decimal('2500.00')
    """

    rate: Decimal = Decimal(0)
    flat: Decimal = Decimal(0)
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def amount(self, value: Decimal) -> Decimal:
        """clamp(rate x value + flat, minimum, maximum) to the cent (half-even), never more
        than the value itself (a minimum above a small value takes the whole value)."""
        amount = self.rate * value + self.flat
        if self.minimum is not None:
            amount = max(amount, self.minimum)
        if self.maximum is not None:
            amount = min(amount, self.maximum)
        return min(to_money(amount, "commission"), to_money(value, "value"))


@dataclass(frozen=True)
class FinderFee:
    """What the organisation that brought the client gets (spec §4), partner or not: `rate` x
    value or a `flat` amount (the formats and the platform allow one of the two, not both)."""

    organisation: str
    rate: Decimal = Decimal(0)
    flat: Decimal = Decimal(0)

    def amount(self, value: Decimal, left: Decimal) -> Decimal:
        """The fee on `value` to the cent (half-even), at most `left`, what the commission
        leaves: the network's commission comes first, and nothing is ever shared below zero.

        >>> FinderFee("o7", rate=Decimal("0.02")).amount(Decimal(45000), Decimal(42500))
        Decimal('900.00')
        """
        return min(to_money(self.rate * value + self.flat, "finder"), left)


Commission = Decimal | CommissionPolicy


@dataclass(frozen=True)
class Opportunity:
    id: str
    value: Decimal
    requirements: tuple[Requirement, ...]
    max_organisations: int | None = None
    #: a plain rate (spec §2) or a policy (spec §4)
    commission: Commission = Decimal(0)
    finder: FinderFee | None = None

    @property
    def commission_amount(self) -> Decimal:
        return commission_amount(self.value, self.commission)

    @property
    def finder_amount(self) -> Decimal:
        """The finder's fee, to the cent; 0 when no finder is named."""
        return finder_amount(self.value, self.finder, self.commission_amount)

    @property
    def distributable(self) -> Decimal:
        """What the partners share: the value less the commission and the finder's fee, both
        taken off the top, all to the cent; never negative (each is capped by what is left)."""
        return to_money(self.value, "value") - self.commission_amount - self.finder_amount

    @property
    def value_after_commission(self) -> Decimal:
        """The distributable value (the name §2 gave it, before there was a finder's fee)."""
        return self.distributable


def policy(commission: Commission) -> CommissionPolicy:
    """The policy a commission stands for: a plain rate is a policy with only that rate."""
    return commission if isinstance(commission, CommissionPolicy) else CommissionPolicy(commission)


def commission_amount(value: Decimal, commission: Commission) -> Decimal:
    """The network's commission on `value` at a rate or by a policy, to the cent (half-even).

    >>> commission_amount(Decimal("45000"), Decimal("0.05"))
    Decimal('2250.00')
    """
    return policy(commission).amount(value)


def finder_amount(value: Decimal, finder: FinderFee | None, commission: Decimal) -> Decimal:
    """The finder's fee on `value` after a commission of `commission` (0 without a finder)."""
    if finder is None:
        return Decimal("0.00")
    return finder.amount(value, to_money(value, "value") - commission)


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
