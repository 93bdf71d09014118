"""The eligible (person, requirement) pairs: the columns of every formation model.

A pair is eligible when the person holds the requirement's skill at its minimum level or above
and has hours to give. Pruning keeps optimality: for a requirement, a person whose cheaper (or
equally cheap) colleagues in the same organisation, all eligible, already hold as many hours as
the whole opportunity needs is never needed there (any hours of theirs could move to a
colleague with spare time, at no extra cost and with the same organisations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from coopnet.engine.network import Network, Opportunity


@dataclass
class EligiblePairs:
    """The eligible (person, requirement) pairs that survive pruning."""

    person: NDArray[np.int64]
    requirement: NDArray[np.int64]
    upper: NDArray[np.float64]


def eligible_pairs(
    network: Network, opportunity: Opportunity, allowed: NDArray[np.bool_]
) -> EligiblePairs:
    """Eligible pairs among the allowed organisations' people, pruned without losing optimality."""
    total = float(sum(r.hours for r in opportunity.requirements))
    persons: list[NDArray[np.int64]] = []
    requirements: list[NDArray[np.int64]] = []
    for r, needed in enumerate(opportunity.requirements):
        ids = network.eligible(needed)
        ids = ids[allowed[network.person_org[ids]] & (network.hours[ids] > 0)]
        ids = _cheapest_sufficient(network, ids, total)
        persons.append(ids)
        requirements.append(np.full(len(ids), r, dtype=np.int64))
    person = np.concatenate(persons)
    requirement = np.concatenate(requirements)
    hours_needed = np.array([float(r.hours) for r in opportunity.requirements])
    upper = np.minimum(network.hours[person], hours_needed[requirement])
    return EligiblePairs(person, requirement, upper)


def _cheapest_sufficient(
    network: Network, ids: NDArray[np.int64], total: float
) -> NDArray[np.int64]:
    """Per organisation, the cheapest people until their hours reach `total` (ties in order)."""
    if len(ids) == 0:
        return ids
    orgs, rates, hours = network.person_org[ids], network.rates[ids], network.hours[ids]
    order = np.lexsort((rates, orgs))
    orgs, hours = orgs[order], hours[order]
    cumulative = np.cumsum(hours)
    starts = np.flatnonzero(np.r_[True, orgs[1:] != orgs[:-1]])
    group_start = np.repeat(cumulative[starts] - hours[starts], np.diff(np.r_[starts, len(orgs)]))
    before = cumulative - hours - group_start  # hours of cheaper colleagues
    return np.sort(ids[order][before < total])
