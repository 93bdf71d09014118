"""The fair split's figures on small networks, worked by hand to the cent.

Each network is small enough to enumerate every coalition on paper: its cost (the cheapest
delivery with its own people, coordination costs included), its worth v(S) = max(0, value after
commission - cost(S)), the Shapley value, each partner's own cost (its assigned hours at its
people's rates, plus its coordination cost) and payout (own cost + Shapley share of the surplus).
Coalitions are written as bitmasks over the partners in network order (first partner = bit 0).
For three players a, b, c (each order of joining has weight 1/6):
    phi_a = v(a) / 3 + (v(ab) - v(b)) / 6 + (v(ac) - v(c)) / 6 + (v(abc) - v(bc)) / 3;
for two: phi_a = (v(a) + v(ab) - v(b)) / 2.
"""

from decimal import Decimal

import numpy as np
import pytest

from coopnet.engine import fairshare
from coopnet.engine.errors import BadInput
from coopnet.engine.fairshare import (
    Explanation,
    Reason,
    SkillNeed,
    coalition_costs,
    split,
    split_plan,
)
from coopnet.engine.formation import Assignment, Formation
from coopnet.engine.formats import parse_network, parse_opportunity
from coopnet.engine.games import ExplicitGame, SolveOptions, solve

D = Decimal
INF = np.inf


def org(org_id, coordination=0):
    return {"id": org_id, "name": org_id.title(), "coordination_cost": coordination}


def person(person_id, org_id, skills, hours, rate):
    return {"id": person_id, "org": org_id, "skills": skills, "hours": hours, "cost_rate": rate}


def opportunity(value, requirements, commission=0, **extra):
    return {
        "id": "job",
        "value": value,
        "commission": commission,
        "requirements": [
            {"skill": skill, "min_level": level, "hours": hours}
            for skill, level, hours in requirements
        ],
        **extra,
    }


def parsed(network, job):
    return parse_network(network), parse_opportunity(job)


def explanation(org_id, reason, added, hours, own, share, payout, solution="shapley", unique=()):
    return Explanation(
        org=org_id,
        name=org_id.title(),
        reason=reason,
        added_value=D(added),
        unique_skills=unique,
        hours=D(hours),
        own_cost=D(own),
        surplus_share=D(share),
        payout=D(payout),
        solution=solution,
    )


def assert_explained(result, game_path, *expected):
    """The explanations in full, the same on both paths: the sampled game keeps the cost of the
    others without each partner, so its reasons are the exact path's."""
    assert result.explanations == expected


@pytest.fixture(params=["exact", "sampled"])
def game_path(request, monkeypatch):
    """Both ways of computing a small consortium's game: exactly, and (with the exact limit
    below its size) by the sampled game, a MILP per coalition. With two partners every
    antithetic pair of orderings is (ab, ba), whose average is the Shapley value itself, so
    the sampled figures are the exact ones."""
    if request.param == "sampled":
        monkeypatch.setattr(fairshare, "MAX_EXACT_PARTNERS", 1)
    return request.param


# --- Three partners: a designer, a coder, a coder with few hours ------------------------------
#
# Requirements: design (level 3) 10 h, code (level 2) 40 h. Value 4,000 at 5% commission:
# commission 200.00, value after commission 3,800.
#   ash    (coordination 100): a1 design 4, 10 h at 50; a2 code 2, 10 h at 80
#   birch  (coordination 200): b1 code 3, 30 h at 40
#   cedar  (coordination  50): c1 code 2, 20 h at 60
#   dogwood (coordination 5,000): d1 design 5, 10 h at 50 - a designer, but far too dear
# Only ash (or dogwood) can design, so every coalition without ash fails; code needs 40 h.
#   {ash}: code 10 h < 40; {ash, cedar}: 10 + 20 = 30 h < 40: cannot deliver.
#   {ash, birch}: design a1 10 x 50 = 500, code b1 30 x 40 + a2 10 x 80 = 2,000,
#       + coordination 300 = 2,800.
#   {ash, birch, cedar}: 500 + b1 30 x 40 + c1 10 x 60 = 2,300, + coordination 350 = 2,650
#       (the cheapest; dogwood alone costs 5,000 in coordination).
# Worths: v(ash, birch) = 3,800 - 2,800 = 1,000; v(all) = 3,800 - 2,650 = 1,150; others 0.
# Shapley: each order of joining (a = ash, b = birch, c = cedar) and the marginal contributions
# of ash, birch, cedar in it:
#   abc: 0, 1000, 150   acb: 0, 1150, 0   bac: 1000, 0, 150
#   bca: 1150, 0, 0     cab: 0, 1150, 0   cba: 1150, 0, 0
#   ash (0+0+1000+1150+0+1150)/6 = 550, birch 3300/6 = 550, cedar 300/6 = 50.
# In the core: ash + birch = 1,100 >= v(ash, birch) = 1,000.
# Own costs: ash 500 + 100 = 600; birch 1,200 + 200 = 1,400; cedar 600 + 50 = 650 (2,650).
# Payouts: ash 600 + 550 = 1,150; birch 1,400 + 550 = 1,950; cedar 650 + 50 = 700 (3,800).

THREE = {
    "organisations": [org("ash", 100), org("birch", 200), org("cedar", 50), org("dogwood", 5000)],
    "people": [
        person("a1", "ash", {"design": 4}, 10, 50),
        person("a2", "ash", {"code": 2}, 10, 80),
        person("b1", "birch", {"code": 3}, 30, 40),
        person("c1", "cedar", {"code": 2}, 20, 60),
        person("d1", "dogwood", {"design": 5}, 10, 50),
    ],
}
THREE_JOB = opportunity(4000, [("design", 3, 10), ("code", 2, 40)], commission="0.05")


def test_three_partners_are_paid_their_own_costs_plus_their_shapley_shares():
    result = split(*parsed(THREE, THREE_JOB))
    assert result.status == "optimal"
    assert result.organisations == ("ash", "birch", "cedar")
    assert result.value == D("4000")
    assert result.commission_amount == D("200.00")
    assert result.formation.cost == pytest.approx(2650)
    assert result.costs.tolist() == [INF, INF, INF, 2800, INF, INF, INF, 2650]
    assert result.worths.tolist() == [0, 0, 0, 1000, 0, 0, 0, 1150]
    assert result.game.solutions["shapley"] == pytest.approx([550, 550, 50])
    assert result.game.added_value == pytest.approx([1150, 1150, 150])
    assert result.game.contains == {"shapley": True}
    assert result.payouts == {"ash": D("1150.00"), "birch": D("1950.00"), "cedar": D("700.00")}
    assert result.nucleolus_payouts is None
    assert result.recommended == "shapley"
    assert result.shortfall is None


def test_three_partners_explanations():
    # Added values: v(all) - v(all but one): ash 1,150 - 0; birch 1,150 - v(ash, cedar) = 1,150;
    # cedar 1,150 - 1,000 = 150. Ash alone in the consortium designs (dogwood is not in it):
    # only supplier. Without birch the others lack the code hours; without cedar they could
    # deliver, for 150 more.
    result = split(*parsed(THREE, THREE_JOB))
    assert result.explanations == (
        explanation(
            "ash",
            Reason.ONLY_SUPPLIER,
            "1150",
            "10",
            "600",
            "550",
            "1150",
            unique=(SkillNeed("design", 3),),
        ),
        explanation("birch", Reason.OTHERS_LACK_HOURS, "1150", "30", "1400", "550", "1950"),
        explanation("cedar", Reason.OTHERS_COSTLIER, "150", "10", "650", "50", "700"),
    )


# --- Three partners in a ring: each pair can deliver, the Shapley split is not stable --------
#
# Requirements x, y, z (level 3), 10 h each. Value 1,562.50 at 4%: commission 62.50, after
# commission 1,500. Each partner has a cheap specialist (10 h at 10) and a dear generalist.
#   a (coordination 30): ax x at 10; ag y at 70
#   b (coordination 60): by y at 10; bg z at 30
#   c (coordination 90): cz z at 10; cg x at 70
# No partner alone has all three skills. Costs (hours + coordination):
#   ab: ax 100 + by 100 + bg 300 + 90 = 590     ac: ax 100 + cz 100 + ag 700 + 120 = 1,020
#   bc: by 100 + cz 100 + cg 700 + 150 = 1,050  abc: 3 x 100 + 180 = 480
# Worths: v(ab) = 910, v(ac) = 480, v(bc) = 450, v(abc) = 1,020.
# Shapley: a = (910 + 480)/6 + (1020 - 450)/3 = 421.67 (1265/3)
#          b = (910 + 450)/6 + (1020 - 480)/3 = 406.67 (1220/3)
#          c = (480 + 450)/6 + (1020 - 910)/3 = 191.67 (575/3)
# Not in the core: a + b = 828.33 < v(ab) = 910.
# Nucleolus: the excesses of c and of ab add up to x_c + (1020 - x_c - 910) = 110, so the least
# excess is at most 55, reached with x_c = 55; then ac and bc: (x_a + 55 - 480) and
# (x_b + 55 - 450) add up to 965 + 110 - 930 = 145, 72.5 each: x_a = 497.5, x_b = 467.5.
# It is in the core (ab 965 >= 910, ac 552.5 >= 480, bc 522.5 >= 450).
# Own costs: a 100 + 30 = 130, b 100 + 60 = 160, c 100 + 90 = 190 (480).
# Shapley payouts: 551.666.., 566.666.., 381.666..: floors 551.66, 566.66, 381.66 leave two
# cents, which go to the earlier of the equal remainders: 551.67, 566.67, 381.66.
# Nucleolus payouts: 130 + 497.5 = 627.50, 160 + 467.5 = 627.50, 190 + 55 = 245.00.

RING = {
    "organisations": [org("a", 30), org("b", 60), org("c", 90)],
    "people": [
        person("ax", "a", {"x": 3}, 10, 10),
        person("ag", "a", {"y": 3}, 10, 70),
        person("by", "b", {"y": 3}, 10, 10),
        person("bg", "b", {"z": 3}, 10, 30),
        person("cz", "c", {"z": 3}, 10, 10),
        person("cg", "c", {"x": 3}, 10, 70),
    ],
}
RING_JOB = opportunity("1562.50", [("x", 3, 10), ("y", 3, 10), ("z", 3, 10)], commission="0.04")
RING_COSTS = [INF, INF, INF, 590, INF, 1020, 1050, 480]
RING_WORTHS = [0, 0, 0, 910, 0, 480, 450, 1020]
RING_OWN = [130, 160, 190]


def test_an_unstable_shapley_split_offers_the_nucleolus_worked_by_hand():
    result = split(*parsed(RING, RING_JOB))
    assert result.status == "optimal"
    assert result.commission_amount == D("62.50")
    assert result.costs.tolist() == RING_COSTS
    assert result.worths.tolist() == RING_WORTHS
    assert result.game.solutions["shapley"] == pytest.approx([1265 / 3, 1220 / 3, 575 / 3])
    assert result.game.solutions["nucleolus"] == pytest.approx([497.5, 467.5, 55])
    assert result.game.contains == {"shapley": False, "nucleolus": True}
    assert result.payouts == {"a": D("551.67"), "b": D("566.67"), "c": D("381.66")}
    assert result.nucleolus_payouts == {"a": D("627.50"), "b": D("627.50"), "c": D("245.00")}
    assert result.recommended == "nucleolus"
    # The explanations follow the recommended (nucleolus) split. Added values: 1,020 less
    # v(bc) = 450, v(ac) = 480, v(ab) = 910; every pair can deliver, at a higher cost.
    assert result.explanations == (
        explanation(
            "a", Reason.OTHERS_COSTLIER, "570", "10", "130", "497.50", "627.50", "nucleolus"
        ),
        explanation(
            "b", Reason.OTHERS_COSTLIER, "540", "10", "160", "467.50", "627.50", "nucleolus"
        ),
        explanation("c", Reason.OTHERS_COSTLIER, "110", "10", "190", "55", "245", "nucleolus"),
    )


def test_coalition_costs_keep_to_the_cap_on_organisations():
    # With at most two organisations, the whole ring cannot use all three specialists (480):
    # it delivers as its cheapest pair, ab, at 590.
    network, job = parsed(RING, RING_JOB)
    assert coalition_costs(network, job, [0, 1, 2]).tolist() == RING_COSTS
    network, job = parsed(RING, {**RING_JOB, "max_organisations": 2})
    assert coalition_costs(network, job, [0, 1, 2]).tolist() == [*RING_COSTS[:-1], 590]
    # members in another order: bit 0 is now c, bit 1 a
    assert coalition_costs(network, job, [2, 0]).tolist() == [INF, INF, INF, 1020]


def test_a_consortium_of_max_exact_partners_is_solved_exactly(monkeypatch):
    monkeypatch.setattr(fairshare, "MAX_EXACT_PARTNERS", 3)
    result = split(*parsed(RING, RING_JOB))
    assert result.worths.tolist() == RING_WORTHS
    assert result.game.standard_error == {}
    monkeypatch.setattr(fairshare, "MAX_EXACT_PARTNERS", 2)
    result = split(*parsed(RING, RING_JOB), samples=100)
    assert result.worths is None
    assert result.costs is None
    assert set(result.game.standard_error) == {"shapley"}


# --- The ring, sampled -------------------------------------------------------------------------


def sampled_reference(players, worths, samples, seed):
    """The seeded Shapley estimate of the hand-worked game: the sampled split evaluates the
    same coalitions in the same orderings, so it must give these figures."""
    game = ExplicitGame(players, values=np.array(worths, dtype=float))
    options = SolveOptions(solutions=("shapley",), method="sample", samples=samples, seed=seed)
    return solve(game, options)


def assert_sampled_split(result, players, worths, own, samples, seed):
    reference = sampled_reference(players, worths, samples, seed)
    shapley = result.game.solutions["shapley"]
    assert shapley == pytest.approx(reference.solutions["shapley"], abs=1e-9)
    assert result.game.standard_error["shapley"] == pytest.approx(
        reference.standard_error["shapley"], abs=1e-9
    )
    # payout = own cost + sampled share, to the cent, adding up to the value after commission
    for player, own_cost, share in zip(players, own, shapley, strict=True):
        assert abs(result.payouts[player] - D(own_cost) - D(repr(float(share)))) <= D("0.01")
    return shapley


def test_a_sampled_split_is_the_seeded_estimate_of_the_hand_worked_game(monkeypatch):
    monkeypatch.setattr(fairshare, "MAX_EXACT_PARTNERS", 2)
    result = split(*parsed(RING, RING_JOB), samples=60, seed=5)
    assert_sampled_split(result, ("a", "b", "c"), RING_WORTHS, RING_OWN, 60, 5)
    assert sum(result.payouts.values()) == D("1500.00")
    # the whole game is small enough for the core check and the added values
    assert result.game.added_value == pytest.approx([570, 540, 110])
    assert result.game.contains == {"shapley": False}
    assert result.nucleolus_payouts is None  # the nucleolus needs every coalition's worth
    assert result.recommended == "shapley"
    assert [e.own_cost for e in result.explanations] == [D(130), D(160), D(190)]


def test_a_sampled_split_is_pinned_by_its_seed(monkeypatch):
    monkeypatch.setattr(fairshare, "MAX_EXACT_PARTNERS", 2)
    network, job = parsed(RING, RING_JOB)
    first = split(network, job, samples=40, seed=11)
    again = split(network, job, samples=40, seed=11)
    other = split(network, job, samples=40, seed=12)
    assert again.payouts == first.payouts
    assert np.array_equal(again.game.solutions["shapley"], first.game.solutions["shapley"])
    assert not np.allclose(other.game.solutions["shapley"], first.game.solutions["shapley"])
    # the defaults: 2,000 orderings from seed 0
    default = split(network, job)
    assert_sampled_split(default, ("a", "b", "c"), RING_WORTHS, RING_OWN, 2000, 0)


# --- Two partners: one that could deliver alone, one that makes it cheaper -------------------
#
# Requirement x (level 2), 20 h.
#   alder (no coordination): a1 10 h at 10, a2 10 h at 30
#   beech (no coordination): b1 10 h at 20
# cost(alder) = 100 + 300 = 400; beech alone has 10 h < 20; cost(alder, beech) = a1 100 + b1 200
# = 300. Own costs in the cheapest delivery: alder 100, beech 200.

PAIR = {
    "organisations": [org("alder"), org("beech")],
    "people": [
        person("a1", "alder", {"x": 3}, 10, 10),
        person("a2", "alder", {"x": 3}, 10, 30),
        person("b1", "beech", {"x": 3}, 10, 20),
    ],
}


def pair_job(value, commission=0):
    return opportunity(value, [("x", 2, 20)], commission=commission)


def test_two_partners_with_commission(game_path):
    # Value 1,000 at 5%: commission 50, after commission 950. v(alder) = 950 - 400 = 550,
    # v(beech) = 0, v(both) = 950 - 300 = 650. Shapley: alder (550 + 650 - 0)/2 = 600,
    # beech (0 + 650 - 550)/2 = 50, in the core (600 >= 550). Payouts: alder 100 + 600 = 700,
    # beech 200 + 50 = 250; 700 + 250 + 50 commission = 1,000.
    result = split(*parsed(PAIR, pair_job(1000, "0.05")))
    assert result.status == "optimal"
    assert result.commission_amount == D("50.00")
    assert result.game.solutions["shapley"] == pytest.approx([600, 50])
    assert result.payouts == {"alder": D("700.00"), "beech": D("250.00")}
    assert result.recommended == "shapley"
    assert_explained(
        result,
        game_path,
        explanation("alder", Reason.OTHERS_LACK_HOURS, "650", "10", "100", "600", "700"),
        explanation("beech", Reason.OTHERS_COSTLIER, "100", "10", "200", "50", "250"),
    )


def test_a_coalition_that_would_deliver_at_a_loss_is_worth_nothing(game_path):
    # Value 350: alder alone would lose 50, so v(alder) = max(0, 350 - 400) = 0; v(both) = 50.
    # Shapley 25 each. Payouts: alder 100 + 25 = 125, beech 200 + 25 = 225. Without beech the
    # others could deliver, but not at a profit.
    result = split(*parsed(PAIR, pair_job(350)))
    if game_path == "exact":
        assert result.worths.tolist() == [0, 0, 0, 50]
    assert result.game.solutions["shapley"] == pytest.approx([25, 25])
    assert result.payouts == {"alder": D("125.00"), "beech": D("225.00")}
    assert_explained(
        result,
        game_path,
        explanation("alder", Reason.OTHERS_LACK_HOURS, "50", "10", "100", "25", "125"),
        explanation("beech", Reason.OTHERS_UNPROFITABLE, "50", "10", "200", "25", "225"),
    )


def test_a_break_even_opportunity_pays_the_costs_and_nothing_more(game_path):
    # Value 300 = the cost: profitable enough (not "unprofitable"), every worth 0, payouts
    # are the own costs.
    result = split(*parsed(PAIR, pair_job(300)))
    assert result.status == "optimal"
    assert result.shortfall is None
    assert result.payouts == {"alder": D("100.00"), "beech": D("200.00")}
    assert_explained(
        result,
        game_path,
        explanation("alder", Reason.OTHERS_LACK_HOURS, "0", "10", "100", "0", "100"),
        explanation("beech", Reason.OTHERS_UNPROFITABLE, "0", "10", "200", "0", "200"),
    )


def test_an_unprofitable_opportunity_reports_its_shortfall_to_the_cent():
    result = split(*parsed(PAIR, pair_job("299.99")))
    assert result.status == "unprofitable"
    assert result.shortfall == D("0.01")  # 300.00 - 299.99
    assert result.organisations == ("alder", "beech")
    assert result.commission_amount == D("0.00")
    assert result.payouts == {}
    assert result.game is None
    assert result.explanations == ()


def test_a_partner_worth_fifty_pence(game_path):
    # beech at 29.95: cost(both) = 100 + 299.50 = 399.50, 50p less than alder alone (400).
    # Value 400.50: v(alder) = 0.50, v(both) = 1.00. Shapley: alder (0.50 + 1.00)/2 = 0.75,
    # beech (1.00 - 0.50)/2 = 0.25. Payouts 100.75 and 299.75. Beech adds 0.50, and the others
    # would still make 0.50 without it: costlier, not unprofitable.
    network = {
        **PAIR,
        "people": [*PAIR["people"][:2], person("b1", "beech", {"x": 3}, 10, "29.95")],
    }
    result = split(*parsed(network, pair_job("400.50")))
    assert result.game.solutions["shapley"] == pytest.approx([0.75, 0.25])
    assert result.payouts == {"alder": D("100.75"), "beech": D("299.75")}
    assert_explained(
        result,
        game_path,
        explanation("alder", Reason.OTHERS_LACK_HOURS, "1.00", "10", "100", "0.75", "100.75"),
        explanation("beech", Reason.OTHERS_COSTLIER, "0.50", "10", "299.50", "0.25", "299.75"),
    )


# --- A partner that works one hour --------------------------------------------------------------
#
# Requirement x 11 h. elm: e1 10 h at 10, no coordination; fir: f1 5 h at 20, coordination 5.
# Neither alone has 11 h; together e1 10 h + f1 1 h: 100 + 20 + 5 = 125. Value 200: v(both) = 75,
# 37.50 each. Payouts: elm 100 + 37.50 = 137.50; fir 20 + 5 + 37.50 = 62.50.


def test_a_partner_working_one_hour_still_pays_its_coordination(game_path):
    network = {
        "organisations": [org("elm"), org("fir", 5)],
        "people": [
            person("e1", "elm", {"x": 1}, 10, 10),
            person("f1", "fir", {"x": 1}, 5, 20),
        ],
    }
    result = split(*parsed(network, opportunity(200, [("x", 1, 11)])))
    assert result.payouts == {"elm": D("137.50"), "fir": D("62.50")}
    assert_explained(
        result,
        game_path,
        explanation("elm", Reason.OTHERS_LACK_HOURS, "75", "10", "100", "37.50", "137.50"),
        explanation("fir", Reason.OTHERS_LACK_HOURS, "75", "1", "25", "37.50", "62.50"),
    )


# --- Given plans ------------------------------------------------------------------------------


def pair_plan(cost, *work):
    """A plan on PAIR: (person, organisation, hours) on its one requirement."""
    assignments = tuple(Assignment(p, o, "x", float(h), 0) for p, o, h in work)
    organisations = tuple(o for o in ("alder", "beech") if any(a.org == o for a in assignments))
    return Formation("optimal", float(cost), organisations, assignments, 0.0)


NO_IMPUTATION = "no imputation exists: the players' stand-alone values add up to more than v(N)"


def test_a_costlier_plan_is_worth_its_own_cost_and_shares_accordingly(game_path):
    # The plan has a2 (at 30) and b1 work 10 h each: 300 + 200 = 500, not the cheapest 300.
    # At 950 after commission: v(alder) = 550 as before, v(both) = 950 - 500 = 450.
    # Shapley: alder (550 + 450)/2 = 500, beech (450 - 550)/2 = -50. Payouts: alder 300 + 500 =
    # 800, beech 200 - 50 = 150 (950). Alder alone makes more than the plan, so no imputation
    # exists: the nucleolus is undefined and the Shapley split stands.
    plan = pair_plan(500, ("a2", "alder", 10), ("b1", "beech", 10))
    result = split_plan(*parsed(PAIR, pair_job(1000, "0.05")), plan)
    assert result.status == "optimal"
    assert result.organisations == ("alder", "beech")
    if game_path == "exact":
        assert result.costs.tolist() == [INF, 400, INF, 500]
        assert result.worths.tolist() == [0, 550, 0, 450]
        assert result.game.undefined == {"nucleolus": NO_IMPUTATION}
        assert "nucleolus" in result.game.solutions
        assert result.game.solutions["nucleolus"] is None
    assert result.game.solutions["shapley"] == pytest.approx([500, -50])
    assert result.game.contains == {"shapley": False}
    assert result.payouts == {"alder": D("800.00"), "beech": D("150.00")}
    assert result.nucleolus_payouts is None
    assert result.recommended == "shapley"
    # Beech's added value is negative: alder alone would make 100 more than the plan, so the
    # others could do its work for less. Without alder, beech (10 h) cannot deliver 20 h.
    assert result.explanations == (
        explanation("alder", Reason.OTHERS_LACK_HOURS, "450", "10", "300", "500", "800"),
        explanation("beech", Reason.OTHERS_CHEAPER, "-100", "10", "200", "-50", "150"),
    )


def test_a_plan_at_the_cost_of_the_others_alone(game_path):
    # a1 5 h + a2 5 h + b1 10 h = 50 + 150 + 200 = 400 = alder alone. v(alder) = v(both) = 550:
    # beech adds nothing (the others could do its work at the same cost). Shapley: alder 550,
    # beech 0. Payouts: alder 200 + 550 = 750, beech 200.
    plan = pair_plan(400, ("a1", "alder", 5), ("a2", "alder", 5), ("b1", "beech", 10))
    result = split_plan(*parsed(PAIR, pair_job(1000, "0.05")), plan)
    assert result.payouts == {"alder": D("750.00"), "beech": D("200.00")}
    assert result.game.contains == {"shapley": True}
    assert_explained(
        result,
        game_path,
        explanation("alder", Reason.OTHERS_LACK_HOURS, "550", "10", "200", "550", "750"),
        explanation("beech", Reason.OTHERS_SAME_COST, "0", "10", "200", "0", "200"),
    )


def test_a_plan_that_just_breaks_even(game_path):
    # The 500 plan at value 500: v(both) = 0 (not negative), v(alder) = 100. Shapley: alder
    # (100 + 0)/2 = 50, beech (0 - 100)/2 = -50. Payouts: alder 350, beech 150.
    plan = pair_plan(500, ("a2", "alder", 10), ("b1", "beech", 10))
    result = split_plan(*parsed(PAIR, pair_job(500)), plan)
    assert result.status == "optimal"
    assert result.game.solutions["shapley"] == pytest.approx([50, -50])
    assert result.payouts == {"alder": D("350.00"), "beech": D("150.00")}
    unprofitable = split_plan(*parsed(PAIR, pair_job("499.99")), plan)
    assert unprofitable.status == "unprofitable"
    assert unprofitable.shortfall == D("0.01")
    assert unprofitable.payouts == {}


def test_a_plan_without_a_cost_is_not_shared():
    infeasible = Formation("infeasible", None, (), (), 0.0)
    result = split_plan(*parsed(PAIR, pair_job(1000)), infeasible)
    assert result.status == "infeasible"
    assert result.payouts == {}
    assert result.game is None


def test_a_plan_whose_cost_is_not_a_number_is_refused_naming_the_cost():
    plan = pair_plan(float("nan"), ("a1", "alder", 10), ("b1", "beech", 10))
    with pytest.raises(BadInput, match=r"^cost: nan is not a finite number$"):
        split_plan(*parsed(PAIR, pair_job(1000)), plan)


# --- A three-partner plan, exact and sampled --------------------------------------------------
#
# Requirement x (level 1), 30 h. Value 2,000, no commission.
#   alder (no coordination): a1 30 h at 50
#   beech (coordination 200): b1 10 h at 40
#   cedar (no coordination): c1 10 h at 45
# The plan: 10 h each, 500 + 400 + 200 + 450 = 1,550 (the cheapest is alder and cedar, 1,450).
# Coalitions: alder alone 1,500; beech, cedar, beech + cedar lack the hours;
#   alder + beech: with beech 400 + 1,000 + 200 = 1,600, so alder alone, 1,500 (beech saves
#   100 in hours but costs 200 to bring in); alder + cedar: 450 + 1,000 = 1,450.
# Worths: v(a) = 500, v(ab) = 500, v(ac) = 550, v(abc) = 2,000 - 1,550 = 450, others 0.
# Shapley: alder 500/3 + 500/6 + 550/6 + 450/3 = 2950/6 = 491.67
#          beech (450 - 550)/3 = -33.33;  cedar (550 - 500)/6 + (450 - 500)/3 = -8.33
# Own costs: alder 500, beech 600, cedar 450. Payouts: 991.666.., 566.666.., 441.666..:
# floors leave two cents for the first two: 991.67, 566.67, 441.66 (2,000).

TRIO = {
    "organisations": [org("alder"), org("beech", 200), org("cedar")],
    "people": [
        person("a1", "alder", {"x": 2}, 30, 50),
        person("b1", "beech", {"x": 2}, 10, 40),
        person("c1", "cedar", {"x": 2}, 10, 45),
    ],
}
TRIO_JOB = opportunity(2000, [("x", 1, 30)])
TRIO_PLAN = Formation(
    "optimal",
    1550.0,
    ("alder", "beech", "cedar"),
    tuple(
        Assignment(p, o, "x", 10.0, 0)
        for p, o in (("a1", "alder"), ("b1", "beech"), ("c1", "cedar"))
    ),
    0.0,
)
TRIO_WORTHS = [0, 500, 0, 500, 0, 550, 0, 450]
TRIO_OWN = [500, 600, 450]


def test_a_three_partner_plan_worked_by_hand():
    result = split_plan(*parsed(TRIO, TRIO_JOB), TRIO_PLAN)
    assert result.costs.tolist() == [INF, 1500, INF, 1500, INF, 1450, INF, 1550]
    assert result.worths.tolist() == TRIO_WORTHS
    assert result.game.solutions["shapley"] == pytest.approx([2950 / 6, -100 / 3, -50 / 6])
    assert result.payouts == {"alder": D("991.67"), "beech": D("566.67"), "cedar": D("441.66")}


def test_a_sampled_plan_is_the_seeded_estimate_of_its_game(monkeypatch):
    monkeypatch.setattr(fairshare, "MAX_EXACT_PARTNERS", 2)
    players = ("alder", "beech", "cedar")
    network, job = parsed(TRIO, TRIO_JOB)
    result = split_plan(network, job, TRIO_PLAN, samples=50, seed=8)
    assert_sampled_split(result, players, TRIO_WORTHS, TRIO_OWN, 50, 8)
    # added values: 450 - v(bc) = 450, 450 - v(ac) = -100, 450 - v(ab) = -50
    assert result.game.added_value == pytest.approx([450, -100, -50])
    again = split_plan(network, job, TRIO_PLAN, samples=50, seed=8)
    assert again.payouts == result.payouts
    other = split_plan(network, job, TRIO_PLAN, samples=50, seed=9)
    assert not np.allclose(other.game.solutions["shapley"], result.game.solutions["shapley"])
    # the defaults: 2,000 orderings from seed 0
    default = split_plan(network, job, TRIO_PLAN)
    assert_sampled_split(default, players, TRIO_WORTHS, TRIO_OWN, 2000, 0)
    with pytest.raises(BadInput, match=r"^samples: need at least 4 .*, got 2$"):
        split_plan(network, job, TRIO_PLAN, samples=2)
