"""Shared-service cost pooling: who should join a pooled service (IT support, say), who pays what.

A service costs, per period, `fixed_cost` (paid once if anyone joins) plus `per_member_cost`
for every member plus `unit_cost` for every specialist, one specialist serving up to
`members_per_unit` members. A pool of k members costs

    pool(k) = fixed_cost + per_member_cost·k + unit_cost·ceil(k / members_per_unit),  pool(0) = 0.

Every candidate i can also go alone, at `alone_cost` a_i. The worth of a group S is the cheapest
way for its members to get the service, some of them pooling and the rest going alone:

    c(S) = min over T ⊆ S of pool(|T|) + Σ_{i ∈ S∖T} a_i.

pool(T) depends only on |T|, so the best T of size k is S's k members with the highest a_i, and
c(S) = a(S) + min over k of [pool(k) − (the k largest a_i in S)]. `cost_vector` builds c over
all 2^n groups in n vectorised passes (members in falling order of a_i; each pass adds one to
the rank and its a_i to the running top-k sum of the groups holding it).

The cheapest pool T* of all the candidates N (`cheapest_pool`, exact in decimals, ties broken
towards the larger pool, then towards the earlier member) is the pool that is charged: c(N) =
pool(T*) + a(N∖T*). The others are better off alone: a further member would raise the pool's
cost by more than its own going-alone cost. Those going alone pay a_i, so the pool's members
share pool(T*) in the game of the pool

    c_T(A) = c(A ∪ O) − a(O)   for A ⊆ T*, O = N∖T*,

what A could get the service for on its own, pooling with any of those going alone, each of
whom pays no more than going alone. c_T(T*) = pool(T*), and a split x of it is in the core of
c_T exactly when (x on T*, a_i off it) is in the core of c: no group of candidates, mixing
members and those going alone, could get the service for less than it pays. When T* = N, c_T = c.

The shares of c_T: exact Shapley cost shares, the nucleolus, an equal split and a split in
proportion to the members' going-alone costs, each checked against the core
{x : Σx = c_T(T*), x(A) ≤ c_T(A)}. The fees are the Shapley shares when they are in the core,
else the nucleolus (which is in the core whenever the core is not empty), rounded to the cent so
that they sum to pool(T*) exactly. Since c_T({i}) ≤ c({i}) ≤ a_i, no fee in the core, and no
nucleolus fee, is above going alone. The nucleolus of c_T exists when Σ c_T({i}) ≥ pool(T*);
when it does not (the core is then empty), it is the nucleolus of c restricted to T*, which
always exists (c is subadditive) and charges no member more than c({i}).

>>> problem = parse_pool({"service": {"name": "IT", "fixed_cost": 300, "per_member_cost": 0,
...     "unit_cost": 600, "members_per_unit": 2},
...     "members": [{"id": "a", "alone_cost": 900, "hours_alone": 10},
...                 {"id": "b", "alone_cost": 900, "hours_alone": 10},
...                 {"id": "c", "alone_cost": 500, "hours_alone": 4}]})
>>> result = pool(problem)
>>> result.pool_ids, [str(f) for f in result.fees], result.better_alone
(('a', 'b'), ['450.00', '450.00', '0.00'], [False, False, True])
"""

from coopnet.engine.pooling.allocation import (
    NOBODY_POOLS,
    SOLUTION_NAMES,
    PoolResult,
    pool,
    pool_json,
)
from coopnet.engine.pooling.game import cheapest_pool, cost_vector, in_cost_core
from coopnet.engine.pooling.model import (
    MAX_POOL_MEMBERS,
    Member,
    PoolProblem,
    Service,
    parse_pool,
    parse_service,
)

__all__ = [
    "MAX_POOL_MEMBERS",
    "NOBODY_POOLS",
    "SOLUTION_NAMES",
    "Member",
    "PoolProblem",
    "PoolResult",
    "Service",
    "cheapest_pool",
    "cost_vector",
    "in_cost_core",
    "parse_pool",
    "parse_service",
    "pool",
    "pool_json",
]
