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
    for o in dearest_first[size[dearest_first] <= MAX_PEOPLE]:
        mine = order[starts[o] : starts[o] + size[o]]
        needs = np.bitwise_or.reduce(can[mine])
        dominators = (
            alive
            & (org != orgs[o])
            & (coordination <= coordination[mine[0]])
            & (np.bitwise_and(can, needs) == needs)
            & (rate <= rate[mine].min())
            & (hours >= min(float(hours[mine].sum()), total))
        )
        if hours[dominators].sum() >= total:
            alive[mine] = False
    keep = alive[position]
    return EligiblePairs(pairs.person[keep], pairs.requirement[keep], pairs.upper[keep])
