"""The consortium game and the fair split of a contract's value (spec §2).

Players are the organisations of the formed consortium K. The worth of a coalition S is
v(S) = max(0, distributable - cost(S)), where cost(S) is the optimal cost of delivering with S's
people alone and the distributable value is the value less what is taken off the top: the
network's commission and the finder's fee (spec §4). Rather than solving 2^|K| MILPs, the game
is computed exactly from what a coalition's optimum is made of: the organisations T it actually
uses pay their coordination costs plus the cheapest transport of hours among their people,
F(T), an LP. So

    cost(S) = min over T within S (and within the cap on organisations) of coord(T) + F(T),

F is computed once per subset T of K (an LP re-solved from the previous basis, skipped when T's
people lack the hours for some requirement), and the minimum over subsets for every S comes from
one pass of a subset-minimum transform. Beyond `MAX_EXACT_PARTNERS` the Shapley value is sampled,
each sampled coalition solved as a MILP and memoised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import Undefined
from coopnet.engine.formation import (
    EligiblePairs,
    Formation,
    TransportModel,
    eligible_pairs,
    form,
)
from coopnet.engine.games import (
    ExplicitGame,
    FunctionGame,
    GameReport,
    SolveOptions,
    core_check,
    nucleolus,
    recommend,
    solve,
)
from coopnet.engine.games.subsets import FloatVector, subset_sums
from coopnet.engine.money import round_to_total, to_money
from coopnet.engine.network import Network, Opportunity
from coopnet.engine.numeric import unsigned_zero
from coopnet.engine.reasons import (
    Explanation,
    Reason,
    SkillNeed,
    hours_by_org,
    only_suppliers,
    reason,
)

__all__ = [
    "MAX_EXACT_PARTNERS",
    "Explanation",
    "Reason",
    "SkillNeed",
    "Split",
    "coalition_costs",
    "consortium_worths",
    "explain",
    "split",
    "split_plan",
]

#: Exact coalition worths and Shapley values up to this many partner organisations.
MAX_EXACT_PARTNERS = 12
SplitStatus = Literal["optimal", "feasible", "infeasible", "unprofitable"]


@dataclass
class Split:
    status: SplitStatus
    formation: Formation
    value: Decimal
    commission_amount: Decimal
    #: the finder's fee, to `finder` (an organisation id; None when nobody is named)
    finder_amount: Decimal = Decimal("0.00")
    finder: str | None = None
    organisations: tuple[str, ...] = ()
    game: GameReport | None = None
    payouts: dict[str, Decimal] = field(default_factory=dict)
    nucleolus_payouts: dict[str, Decimal] | None = None
    recommended: str = "shapley"
    shortfall: Decimal | None = None
    explanations: tuple[Explanation, ...] = ()
    worths: FloatVector | None = None
    costs: FloatVector | None = None
    #: for each partner, the cheapest delivery by the others alone (inf: they cannot deliver)
    without: FloatVector | None = None


def coalition_costs(network: Network, opportunity: Opportunity, members: list[int]) -> FloatVector:
    """cost(S) for every subset S of the organisations `members` (bitmask over them), exactly;
    infinity where S cannot deliver."""
    k = len(members)
    allowed = np.zeros(len(network.organisations), dtype=bool)
    allowed[members] = True
    pairs = eligible_pairs(network, opportunity, allowed)
    transport = _transport_costs(network, opportunity, members, pairs)
    coordination = subset_sums(network.coordination[members])
    cost = coordination + transport
    cap = opportunity.max_organisations
    if cap is not None:
        sizes = np.bitwise_count(np.arange(1 << k, dtype=np.uint32))
        cost[sizes > cap] = np.inf
    for i in range(k):  # subset-minimum transform: cost(S) = min over T within S
        half = 1 << i
        view = cost.reshape(-1, 2, half)
        np.minimum(view[:, 1, :], view[:, 0, :], out=view[:, 1, :])
    return unsigned_zero(cost)


def _transport_costs(
    network: Network, opportunity: Opportunity, members: list[int], pairs: EligiblePairs
) -> FloatVector:
    """F(T): the cheapest hours among T's people alone, for every subset T of `members`."""
    k = len(members)
    position = np.full(len(network.organisations), -1)
    position[members] = np.arange(k)
    owner = position[network.person_org[pairs.person]]
    hours_by_org = np.zeros((len(opportunity.requirements), k))
    np.add.at(hours_by_org, (pairs.requirement, owner), pairs.upper)
    needed = np.array([float(r.hours) for r in opportunity.requirements])
    coverable = np.ones(1 << k, dtype=bool)
    for r, row in enumerate(hours_by_org):
        coverable &= subset_sums(row) >= needed[r] - 1e-9
    result = np.full(1 << k, np.inf)
    model = TransportModel(network, opportunity, pairs, mip=False)
    allowed = np.zeros(len(network.organisations), dtype=bool)
    for mask in np.flatnonzero(coverable).tolist():
        allowed[:] = False
        allowed[[members[i] for i in range(k) if mask >> i & 1]] = True
        model.restrict(allowed)
        status, hours, _ = model.run(time_limit=60.0)
        if status == "optimal":
            result[mask] = float(hours @ network.rates[pairs.person])
    return result


def consortium_worths(opportunity: Opportunity, costs: FloatVector) -> FloatVector:
    """v(S) = max(0, distributable - cost(S)); 0 where S cannot deliver."""
    net = float(opportunity.distributable)
    worths = np.where(np.isfinite(costs), np.maximum(0.0, net - costs), 0.0)
    worths[0] = 0.0
    return unsigned_zero(worths)


def split(
    network: Network,
    opportunity: Opportunity,
    *,
    samples: int = 2_000,
    seed: int = 0,
    time_limit: float = 60.0,
) -> Split:
    """Form the consortium and share the opportunity's value among its organisations."""
    formation = form(network, opportunity, time_limit=time_limit)
    return _share(network, opportunity, formation, samples, seed, plan=False)


def split_plan(
    network: Network,
    opportunity: Opportunity,
    plan: Formation,
    *,
    samples: int = 2_000,
    seed: int = 0,
) -> Split:
    """Share the value of a given plan (an alternative to the cheapest: fewest organisations,
    or skill sharing) among its organisations. Every smaller coalition is worth what it could
    earn delivering alone, as in `split`; the whole consortium delivers this plan, so it is
    worth the distributable value less the plan's cost. Each partner's payout is then its
    own cost in this plan (its learners' and supervisors' hours included) plus its share, and
    the payouts add up to the distributable value (the value less commission and finder)."""
    return _share(network.restricted(plan.organisations), opportunity, plan, samples, seed, True)


def _share(
    network: Network,
    opportunity: Opportunity,
    formation: Formation,
    samples: int,
    seed: int,
    plan: bool,
) -> Split:
    result = Split(
        formation.status,
        formation,
        opportunity.value,
        opportunity.commission_amount,
        opportunity.finder_amount,
        None if opportunity.finder is None else opportunity.finder.organisation,
    )
    if formation.cost is None:  # infeasible: a formation has a cost exactly when it delivers
        return result
    result.organisations = formation.organisations
    net = opportunity.distributable
    cost = to_money(formation.cost, "cost")
    if cost > net:
        result.status, result.shortfall = "unprofitable", cost - net
        return result
    members = [network.org_index[o] for o in formation.organisations]
    grand_cost = formation.cost if plan else None
    result.game = _consortium_game(
        result, network, opportunity, members, (samples, seed), grand_cost
    )
    shapley = result.game.solutions["shapley"]
    assert shapley is not None
    own = _own_costs(network, formation, members)
    result.payouts = _payouts(formation.organisations, shapley, own, net)
    if result.game.contains.get("shapley") is False and result.worths is not None:
        _offer_nucleolus(result, result.worths, own, net)
    result.recommended = recommend(result.game.solutions, result.game.contains)
    result.explanations = explain(network, opportunity, result, members)
    return result


def _consortium_game(
    result: Split,
    network: Network,
    opportunity: Opportunity,
    members: list[int],
    sampling: tuple[int, int],
    grand_cost: float | None,
) -> GameReport:
    """The consortium game's Shapley value: exact (the worths and costs kept in `result`) up to
    `MAX_EXACT_PARTNERS`, sampled (`sampling`: samples and seed) beyond. The whole consortium
    costs `grand_cost` when it delivers a given plan, else its cheapest delivery."""
    if len(members) <= MAX_EXACT_PARTNERS:
        result.costs = coalition_costs(network, opportunity, members)
        if grand_cost is not None:
            result.costs[-1] = grand_cost
        result.worths = consortium_worths(opportunity, result.costs)
        full = (1 << len(members)) - 1
        result.without = result.costs[[full ^ (1 << i) for i in range(len(members))]]
        game = ExplicitGame(result.organisations, values=result.worths)
        return solve(game, SolveOptions(solutions=("shapley",)))
    samples, seed = sampling
    sampled, cost = _sampled_game(network, opportunity, members, grand_cost)
    options = SolveOptions(solutions=("shapley",), method="sample", samples=samples, seed=seed)
    report = solve(sampled, options)
    rest = ~np.eye(len(members), dtype=bool)
    result.without = np.array([cost(row) for row in rest])
    return report


def _sampled_game(
    network: Network, opportunity: Opportunity, members: list[int], grand_cost: float | None
) -> tuple[FunctionGame, Callable[[NDArray[np.bool_]], float]]:
    """v(S) by a MILP per coalition, memoised: for consortia too large to enumerate (the whole
    consortium at `grand_cost` when it delivers a given plan). With it, the memoised cost of a
    coalition (inf where it cannot deliver)."""
    allowed_all = np.zeros(len(network.organisations), dtype=bool)
    allowed_all[members] = True
    pairs = eligible_pairs(network, opportunity, allowed_all)
    model = TransportModel(network, opportunity, pairs, mip=True, fixing=False)  # small MILPs
    net = float(opportunity.distributable)
    memo: dict[bytes, float] = {}
    if grand_cost is not None:
        memo[np.packbits(np.ones(len(members), dtype=bool)).tobytes()] = grand_cost
    owner = network.person_org[pairs.person]

    def cost(row: NDArray[np.bool_]) -> float:
        key = np.packbits(row).tobytes()
        if key not in memo:
            memo[key] = delivery(row)
        return memo[key]

    def delivery(row: NDArray[np.bool_]) -> float:
        """The cheapest delivery by the coalition `row`, coordination included (inf: none)."""
        allowed = np.zeros(len(network.organisations), dtype=bool)
        allowed[np.asarray(members)[row]] = True
        model.restrict(allowed)
        status, hours, _ = model.run(time_limit=60.0)
        if status == "infeasible":
            return np.inf
        used = np.unique(owner[hours > 0])
        return float(hours @ network.rates[pairs.person] + network.coordination[used].sum())

    def worth(rows: NDArray[np.bool_]) -> FloatVector:
        # 0 where the coalition cannot deliver
        return np.array([max(0.0, net - cost(row)) for row in rows], dtype=np.float64)

    players = tuple(network.organisations[m].id for m in members)
    return FunctionGame(players, function=worth), cost


def _own_costs(network: Network, formation: Formation, members: list[int]) -> FloatVector:
    """Each partner's own cost: its people's assigned hours at their rates, plus coordination."""
    rate = {p.id: float(p.cost_rate) for p in network.people}
    position = {network.organisations[m].id: i for i, m in enumerate(members)}
    own = network.coordination[members].copy()
    for a in formation.assignments:
        own[position[a.org]] += a.hours * rate[a.person]
    return own


def _payouts(
    players: tuple[str, ...], shares: FloatVector, own: FloatVector, net: Decimal
) -> dict[str, Decimal]:
    """Share of the surplus plus own costs, rounded so that the payouts sum to `net` exactly."""
    amounts = round_to_total((shares + own).tolist(), net)
    return dict(zip(players, amounts, strict=True))


def _offer_nucleolus(result: Split, worths: FloatVector, own: FloatVector, net: Decimal) -> None:
    """The nucleolus split beside the Shapley one, which is outside the core."""
    assert result.game is not None
    try:
        stable = nucleolus(worths)
    except Undefined as exc:
        result.game.undefined["nucleolus"] = str(exc)
        result.game.solutions["nucleolus"] = None
        return
    result.game.solutions["nucleolus"] = stable
    result.game.contains["nucleolus"] = core_check(worths, stable).in_core
    result.nucleolus_payouts = _payouts(result.organisations, stable, own, net)


def explain(
    network: Network, opportunity: Opportunity, result: Split, members: list[int]
) -> tuple[Explanation, ...]:
    """Why each partner gets its payout (of the recommended split): the cost of its own work
    plus its share of the surplus, what the consortium would lose without it and which required
    skills only it brings."""
    assert result.game is not None
    assert result.game.added_value is not None
    assert result.without is not None
    net = opportunity.distributable
    payouts = result.nucleolus_payouts if result.recommended == "nucleolus" else result.payouts
    assert payouts is not None
    suppliers = only_suppliers(network, opportunity, members)
    own = _own_costs(network, result.formation, members)
    hours = hours_by_org(result.formation)
    explanations = []
    for i, m in enumerate(members):
        org = network.organisations[m]
        added = to_money(float(result.game.added_value[i]), "added value")
        unique = tuple(
            dict.fromkeys(
                SkillNeed(r.skill, r.min_level)
                for r, who in zip(opportunity.requirements, suppliers, strict=True)
                if who == {m}
            )
        )
        own_cost = to_money(float(own[i]), "own cost")
        explanations.append(
            Explanation(
                org=org.id,
                name=org.name,
                reason=reason(float(result.without[i]), net, unique, added),
                added_value=added,
                unique_skills=unique,
                hours=hours[org.id],  # every partner of a formation has assigned hours
                own_cost=own_cost,
                surplus_share=payouts[org.id] - own_cost,
                payout=payouts[org.id],
                solution=result.recommended,
            )
        )
    return tuple(explanations)
