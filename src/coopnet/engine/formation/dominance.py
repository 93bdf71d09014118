"""Organisations that no cheapest consortium needs: dominated by people of other organisations.

Let A be an organisation, E its people with eligible pairs, H their hours and T the hours of
the whole opportunity. A person b of another organisation B *dominates* A when coordinating B
costs no more than A, b can take every requirement any of E can (among the model's pairs), b
costs no more per hour than the cheapest of E, and b has at least min(H, T) hours. If the
people dominating A hold T hours or more, some optimal consortium leaves A out:

- if one of them, b, belongs to an organisation B that takes no part, bring in B instead of A
  and give b all of A's hours (b has the time, the requirements, and is no dearer; B costs no
  more to coordinate; the number of organisations is unchanged);
- otherwise all their organisations take part already, and between them they have at least
  T − (T − A's hours) = A's hours to spare (nobody works more than T hours in all), so A's
  hours move to them at no greater rate and A's coordination is saved.

Either way the cost does not rise and the cap still holds, so removing A keeps the optimum (and
the fewest organisations). Organisations are removed one at a time, each judged against the
people still in the model, so that every removal is justified by what remains.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from coopnet.engine.formation.pairs import EligiblePairs
from coopnet.engine.network import Network, Opportunity

#: Organisations with more eligible people than this are not tested (rarely dominated, and
#: each test costs a pass over everyone).
MAX_PEOPLE = 3


def without_dominated(
    network: Network, opportunity: Opportunity, pairs: EligiblePairs
) -> EligiblePairs:
    """The pairs without those of the organisations that other people dominate."""
    requirements = len(opportunity.requirements)
    if requirements > 62 or len(pairs.person) == 0:
        return pairs
    total = float(sum(r.hours for r in opportunity.requirements))
    people, position = np.unique(pairs.person, return_inverse=True)
    can = np.zeros(len(people), dtype=np.int64)
    np.bitwise_or.at(can, position, np.left_shift(1, pairs.requirement).astype(np.int64))
    org = network.person_org[people]
    hours, rate = network.hours[people], network.rates[people]
    coordination = network.coordination[org]
    alive = np.ones(len(people), dtype=bool)
    order = np.argsort(org, kind="stable")
    orgs, starts, size = np.unique(org[order], return_index=True, return_counts=True)
    dearest_first = np.argsort(-network.coordination[orgs], kind="stable")
    small = dearest_first[size[dearest_first] <= MAX_PEOPLE]
    # per organisation: the requirements its people can take, their least rate, the hours a
    # dominator needs
    needs = np.bitwise_or.reduceat(can[order], starts)
    least_rate = np.minimum.reduceat(rate[order], starts)
    enough = np.minimum(np.add.reduceat(hours[order], starts), total)
    # Who could dominate each small organisation if everyone were still in: a superset of
    # its dominators at its turn (removals only take people away), so those whose possible
    # dominators hold fewer than `total` hours are never removed and are not looked at again.
    possible: dict[int, NDArray[np.int64]] = {}
    for mask in np.unique(needs[small]):
        group = small[needs[small] == mask]
        coordinations = network.coordination[orgs[group]]
        able = np.flatnonzero(
            (np.bitwise_and(can, mask) == mask)
            & (coordination <= coordinations.max())
            & (rate <= least_rate[group].max())
            & (hours >= enough[group].min())
        )
        could = (
            (org[able][None, :] != orgs[group][:, None])
            & (coordination[able][None, :] <= coordinations[:, None])
            & (rate[able][None, :] <= least_rate[group][:, None])
            & (hours[able][None, :] >= enough[group][:, None])
        )
        held = np.where(could, hours[able][None, :], 0.0).sum(axis=1)
        for o, row, h in zip(group, could, held, strict=True):
            if h >= total - 1e-6:
                possible[int(o)] = able[row]
    for o in small:  # in turn, each judged against the people still in
        dominators = possible.get(int(o))
        if dominators is not None and hours[dominators[alive[dominators]]].sum() >= total:
            alive[order[starts[o] : starts[o] + size[o]]] = False
    keep = alive[position]
    return EligiblePairs(pairs.person[keep], pairs.requirement[keep], pairs.upper[keep])
