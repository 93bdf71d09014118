"""Consortium formation (`coopnet.engine.formation`) and the split's coalition worths
(`coopnet.engine.fairshare`) against the obvious alternatives a user would write.

Three families of cases, each side run in its own fresh worker process:

* formation on three 10,000-person networks, 20 12-requirement opportunities each: ours
  (`form`) against a plain one-shot HiGHS MILP over every eligible pair and a "rarest skill
  first" greedy;
* formation at scale (100,000 people): ours against the plain MILP under a time limit;
* the 2^10 coalition costs of a 10-organisation consortium: ours (`coalition_costs`) against one
  plain MILP per coalition.

Inputs are regenerated from fixed seeds inside each worker (`coopnet.engine.synthetic`), so every
side sees the same network and opportunities. The peers use only the parsed `Network` (its arrays
and `eligible`) and highspy; none of coopnet's models or pruning.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.common import (
    Measured,
    Prepared,
    Profile,
    Section,
    Table,
    format_mib,
    format_seconds,
    progress,
    run_worker,
    verdict,
)

FAMILY = "formation"
#: the columns both formation tables start with
FORM_COLUMNS = (
    "opportunity",
    "cap",
    "eligible pairs (ours after pruning)",
    "orgs in answer",
    "ours",
    "status",
    "plain MILP",
    "ours/MILP",
    "MILP cost − ours (abs)",
)
TITLE = "Formation: consortium formation and coalition costs"
INTRO = """
`coopnet.engine.formation.form` and `coopnet.engine.fairshare.coalition_costs` against what a
user would write without coopnet: a *plain MILP* (one HiGHS model, highspy, over every eligible
(person, requirement) pair: continuous hours x, a binary y per organisation with an eligible
person, big-M links x ≤ hours_p·y, cover and capacity rows and the cap on organisations; HiGHS
defaults except output off, absolute gap 0.005 and relative gap 0, the same optimality
tolerance as ours) and a *greedy* "rarest skill first" heuristic (Lappas, Liu and Terzi, KDD
2009, adapted to costs). Networks and opportunities come from `coopnet.engine.synthetic` with
fixed seeds. Times include building the model from the parsed `Network` on every side (ours:
the whole `form` call); generating and parsing the network are reported apart.
"""

NETWORK_SEED = 1
#: the networks of the formation family (each with its own opportunities)
FORM_SEEDS = (1, 2, 3)
OPPORTUNITY_SEED = 1
#: per instance: proven optimal under this, and no slower than the plain MILP in the same run
FORM_TARGET_SECONDS = 0.5
SCALE_TARGET_SECONDS = 1.0
SPLIT_TARGET_SECONDS = 1.0
#: Absolute optimality gap (half a penny) and the agreement demanded between optimal costs.
MIP_GAP = 0.005
COST_TOLERANCE = 0.01
#: Time limit of the plain MILP at scale, and the budget of the 2^k plain MILPs before sampling.
SCALE_MILP_LIMIT = 60.0
COALITION_BUDGET = 60.0
COALITION_SAMPLE = 100
SAMPLE_SEED = 4_242

# (people, organisations, skills, opportunities per network, repeats ours / plain MILP / greedy)
FORM_PLAN = (10_000, 1_000, 300, 20, (3, 3, 3))
FORM_QUICK = (2_000, 200, 300, 4, (2, 1, 2))
# (people, organisations, skills, opportunities, repeats ours / plain MILP)
SCALE_PLAN = (100_000, 1_000, 300, 6, (3, 1))
SCALE_QUICK = (5_000, 200, 300, 2, (2, 1))
# (people, organisations, skills, consortium size, opportunities searched at most)
SPLIT_PLAN = (10_000, 1_000, 300, 10, 40)
SPLIT_QUICK = (2_000, 200, 300, 6, 40)


# --- inputs (identical on every side) ----------------------------------------------------------


def _inputs(params: dict[str, Any]) -> tuple[Any, list[Any], dict[str, float]]:
    """The parsed network and opportunities of `params`, and the seconds each step took."""
    from coopnet.engine.formats import parse_network, parse_opportunity
    from coopnet.engine.synthetic import generate_network, generate_opportunities

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    doc = generate_network(
        people=params["people"],
        organisations=params["organisations"],
        skills=params["skills"],
        seed=params["seed"],
    )
    found = generate_opportunities(
        doc, count=params["opportunities"], requirements=12, seed=params["opportunity_seed"]
    )
    seconds["generate"] = time.perf_counter() - start
    start = time.perf_counter()
    network = parse_network(doc)
    opportunities = [parse_opportunity(o) for o in found]
    seconds["parse"] = time.perf_counter() - start
    del doc, found
    start = time.perf_counter()
    # The network's lazily built arrays and skill index, so that no timed run pays for them.
    _ = network.person_org, network.hours, network.rates, network.coordination
    _ = network.skill_index
    seconds["index"] = time.perf_counter() - start
    return network, opportunities, seconds


# --- the peers ---------------------------------------------------------------------------------


def plain_milp(
    network: Any,
    opportunity: Any,
    allowed: np.ndarray | None = None,
    time_limit: float | None = None,
) -> dict[str, Any]:
    """The obvious one-shot fixed-charge model, solved by HiGHS.

    Columns: x[p, r] >= 0 for every eligible pair (among the `allowed` organisations' people),
    then a binary y[o] for every organisation with an eligible person. Rows: each requirement's
    hours exactly, each person's hours at most, x[p, r] <= hours_p * y[o] (big-M), and
    sum y <= max_organisations if there is a cap. Objective: rates . x + coordination . y.
    """
    import highspy

    requirements = opportunity.requirements
    per_requirement = []
    for requirement in requirements:
        ids = network.eligible(requirement)
        if allowed is not None:
            ids = ids[allowed[network.person_org[ids]]]
        per_requirement.append(ids)
    person = np.concatenate(per_requirement).astype(np.int64)
    requirement = np.repeat(np.arange(len(requirements)), [len(i) for i in per_requirement])
    n_x = len(person)
    orgs, y_of = np.unique(network.person_org[person], return_inverse=True)
    n_y = len(orgs)
    hours_p = network.hours[person]

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_abs_gap", MIP_GAP)
    highs.setOptionValue("mip_rel_gap", 0.0)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    inf = highspy.kHighsInf
    costs = np.r_[network.rates[person], network.coordination[orgs]]
    upper = np.r_[np.full(n_x, inf), np.ones(n_y)]
    highs.addVars(n_x + n_y, np.zeros(n_x + n_y), upper)
    highs.changeColsCost(n_x + n_y, np.arange(n_x + n_y, dtype=np.int32), costs)
    if n_y:
        y_cols = np.arange(n_x, n_x + n_y, dtype=np.int32)
        highs.changeColsIntegrality(n_y, y_cols, np.full(n_y, highspy.HighsVarType.kInteger))

    lowers: list[np.ndarray] = []
    uppers: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    indices: list[np.ndarray] = []
    values: list[np.ndarray] = []
    # cover: sum over eligible p of x[p, r] = hours_r (columns are grouped by requirement)
    needed = np.array([float(r.hours) for r in requirements])
    lowers.append(needed)
    uppers.append(needed)
    lengths.append(np.array([len(i) for i in per_requirement]))
    indices.append(np.arange(n_x))
    values.append(np.ones(n_x))
    # capacity: sum over r of x[p, r] <= hours_p
    order = np.argsort(person, kind="stable")
    people, counts = np.unique(person[order], return_counts=True)
    lowers.append(np.full(len(people), -inf))
    uppers.append(network.hours[people])
    lengths.append(counts)
    indices.append(order)
    values.append(np.ones(n_x))
    # big-M link: x[p, r] - hours_p * y[o] <= 0
    lowers.append(np.full(n_x, -inf))
    uppers.append(np.zeros(n_x))
    lengths.append(np.full(n_x, 2))
    indices.append(np.column_stack([np.arange(n_x), n_x + y_of]).ravel())
    values.append(np.column_stack([np.ones(n_x), -hours_p]).ravel())
    cap = opportunity.max_organisations
    if cap is not None:
        lowers.append(np.array([-inf]))
        uppers.append(np.array([float(cap)]))
        lengths.append(np.array([n_y]))
        indices.append(np.arange(n_x, n_x + n_y))
        values.append(np.ones(n_y))
    length = np.concatenate(lengths)
    starts = np.r_[0, np.cumsum(length)[:-1]].astype(np.int32)
    index = np.concatenate(indices).astype(np.int32)
    highs.addRows(
        len(length),
        np.concatenate(lowers),
        np.concatenate(uppers),
        len(index),
        starts,
        index,
        np.concatenate(values),
    )

    start = time.perf_counter()
    highs.run()
    run_seconds = time.perf_counter() - start
    status = highs.getModelStatus()
    info = highs.getInfo()
    kinds = highspy.HighsModelStatus
    objective: float | None = None
    if status == kinds.kOptimal:
        label = "optimal"
        objective = float(info.objective_function_value)
    elif status in (kinds.kInfeasible, kinds.kUnboundedOrInfeasible):
        label = "infeasible"
    elif status == kinds.kModelEmpty:  # no eligible pair at all (the empty coalition, say)
        label = "infeasible" if needed.any() else "optimal"
        objective = None if needed.any() else 0.0
    elif status == kinds.kTimeLimit:
        label = "time limit"
        if info.primal_solution_status == 2:
            objective = float(info.objective_function_value)
    else:
        label = highs.modelStatusToString(status)
    organisations = 0
    if objective is not None and n_y:
        y = np.asarray(highs.getSolution().col_value)[n_x:]
        organisations = int(np.sum(y > 0.5))
    return {
        "status": label,
        "cost": objective,
        "organisations": organisations,
        "pairs": n_x,
        "binaries": n_y,
        "rows": len(length),
        "run_seconds": run_seconds,
    }


def greedy(network: Any, opportunity: Any) -> dict[str, Any]:
    """ "Rarest skill first" (Lappas, Liu and Terzi, KDD 2009), adapted to costs.

    Requirements in order of rarity: fewest eligible hours first (ties: listed order). For each,
    the eligible people with hours left, people of organisations already in the team first, then
    cheapest rate (ties: person order), each giving as many hours as are still needed. Once the
    team has `max_organisations` organisations only their people are taken. Infeasible if some
    requirement cannot be covered.
    """
    requirements = opportunity.requirements
    remaining = network.hours.copy()
    org, rates = network.person_org, network.rates
    in_team = np.zeros(len(network.organisations), dtype=bool)
    team = 0
    cap = opportunity.max_organisations
    eligible = [network.eligible(r) for r in requirements]
    rarity = [float(network.hours[ids].sum()) for ids in eligible]
    cost = 0.0
    uncovered = 0
    for r in sorted(range(len(requirements)), key=lambda r: (rarity[r], r)):
        ids = eligible[r]
        ids = ids[remaining[ids] > 0]
        ids = ids[np.lexsort((ids, rates[ids], ~in_team[org[ids]]))]
        need = float(requirements[r].hours)
        for p in ids.tolist():
            o = int(org[p])
            if not in_team[o]:
                if cap is not None and team >= cap:
                    continue
                in_team[o] = True
                team += 1
            give = min(need, float(remaining[p]))
            remaining[p] -= give
            cost += give * float(rates[p])
            need -= give
            if need <= 1e-9:
                break
        if need > 1e-9:
            uncovered += 1
    if uncovered:
        return {"status": "infeasible", "cost": None, "organisations": team}
    cost += float(network.coordination[in_team].sum())
    return {"status": "feasible", "cost": float(cost), "organisations": team}


# --- worker cases ------------------------------------------------------------------------------


def case_form(side: str, params: dict[str, Any]) -> Prepared:
    network, opportunities, seconds = _inputs(params)
    repeats, warmup = params["repeats"], params["warmup"]
    build = seconds["generate"] + seconds["parse"]
    if side == "ours":
        from coopnet.engine.formation import eligible_pairs, form
        from coopnet.engine.formation.dominance import without_dominated

        def ours_summary(results: list[Any]) -> dict[str, Any]:
            everyone = np.ones(len(network.organisations), dtype=bool)
            return {
                "seconds": seconds,
                "results": [
                    {
                        "status": f.status,
                        "cost": f.cost,
                        "organisations": len(f.organisations),
                        "pairs": int(
                            sum(len(network.eligible(r)) for r in opportunity.requirements)
                        ),
                        "pruned_pairs": len(
                            without_dominated(
                                network,
                                opportunity,
                                eligible_pairs(network, opportunity, everyone),
                            ).person
                        ),
                        "cap": opportunity.max_organisations,
                    }
                    for f, opportunity in zip(results, opportunities, strict=True)
                ],
            }

        jobs = [lambda o=o: form(network, o) for o in opportunities]
        return Prepared(jobs, ours_summary, repeats, warmup, build)

    def peer_summary(results: list[Any]) -> dict[str, Any]:
        return {"seconds": seconds, "results": results}

    if side == "milp":
        limit = params.get("time_limit")
        jobs = [lambda o=o: plain_milp(network, o, time_limit=limit) for o in opportunities]
    else:
        jobs = [lambda o=o: greedy(network, o) for o in opportunities]
    return Prepared(jobs, peer_summary, repeats, warmup, build)


def _finite(costs: np.ndarray) -> list[float | None]:
    return [float(c) if math.isfinite(c) else None for c in costs]


def case_split(side: str, params: dict[str, Any]) -> Prepared:
    network, opportunities, seconds = _inputs(params)
    opportunity = opportunities[params["index"]]
    members = [network.org_index[o] for o in params["members"]]
    k = len(members)
    if side == "ours":
        from coopnet.engine.fairshare import coalition_costs, split

        jobs: list[Callable[[], Any]] = [lambda: coalition_costs(network, opportunity, members)]
        if params["whole"]:
            jobs.append(lambda: split(network, opportunity))

        def ours_summary(results: list[Any]) -> dict[str, Any]:
            summary: dict[str, Any] = {"seconds": seconds, "costs": _finite(results[0])}
            if params["whole"]:
                summary["split_status"] = results[1].status
                summary["split_organisations"] = len(results[1].organisations)
            return summary

        return Prepared(jobs, ours_summary, params["repeats"], params["warmup"])

    masks = np.random.default_rng(SAMPLE_SEED).permutation(1 << k).tolist()
    members_array = np.asarray(members)

    def every_coalition() -> dict[str, Any]:
        """One plain MILP per coalition, in a random order; after COALITION_SAMPLE of them,
        stop if all 2^k would exceed the budget (the runner then extrapolates)."""
        costs: dict[int, float | None] = {}
        start = time.perf_counter()
        for done, mask in enumerate(masks, 1):
            allowed = np.zeros(len(network.organisations), dtype=bool)
            allowed[members_array[[mask >> i & 1 == 1 for i in range(k)]]] = True
            answer = plain_milp(network, opportunity, allowed)
            if answer["status"] not in ("optimal", "infeasible"):
                raise RuntimeError(f"coalition {mask}: plain MILP {answer['status']}")
            costs[mask] = answer["cost"]
            if done == COALITION_SAMPLE and len(masks) > done:
                projected = (time.perf_counter() - start) * len(masks) / done
                if projected > COALITION_BUDGET:
                    break
        return {"costs": costs, "seconds": time.perf_counter() - start}

    def peer_summary(results: list[Any]) -> dict[str, Any]:
        out = results[0]
        return {
            "seconds": seconds,
            "costs": {str(m): c for m, c in out["costs"].items()},
            "solved": len(out["costs"]),
        }

    return Prepared([every_coalition], peer_summary, 1, 0)


CASES: dict[str, Callable[[str, dict[str, Any]], Prepared]] = {
    "form": case_form,
    "split": case_split,
}


# --- the section -------------------------------------------------------------------------------


class _Memory:
    def __init__(self) -> None:
        self.table = Table(
            "Peak memory (RSS, MiB)",
            ["case", "side", "peak", "during solve", "inputs resident"],
            notes=[
                "Each case and side runs in a fresh `python -m benchmarks.worker` process that "
                "generates and parses its own network. *Peak* is the process's resident "
                "high-water mark at the end (interpreter, imports, inputs, solves; `VmHWM`). "
                "*During solve* is the high-water mark after resetting it once the inputs were "
                "built (so it counts the inputs still resident plus what the solves allocate); "
                "*inputs resident* is the resident size just before the solves."
            ],
        )

    def add(self, case: str, side: str, measured: Measured) -> None:
        self.table.add(
            case,
            side,
            format_mib(measured.peak_rss_mib),
            format_mib(measured.solve_peak_rss_mib),
            format_mib(measured.inputs_rss_mib),
        )


def _job_median(measured: Measured, job: int) -> float:
    return statistics.median(measured.times[job])


def _ratio(ours: float, peer: float) -> str:
    """ours/peer, with enough digits to be readable from 0.001 to 10,000."""
    if peer <= 0:
        return "–"
    ratio = ours / peer
    if ratio >= 100:
        return f"{ratio:,.0f}"
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"


def _money(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}"


def _size(people: int, organisations: int) -> str:
    return f"{people:,} people / {organisations:,} orgs"


def _form_params(
    people: int, organisations: int, skills: int, count: int, repeats: int, seed: int = NETWORK_SEED
) -> dict[str, Any]:
    return {
        "people": people,
        "organisations": organisations,
        "skills": skills,
        "seed": seed,
        "opportunities": count,
        "opportunity_seed": OPPORTUNITY_SEED,
        "repeats": repeats,
        "warmup": 0,
    }


def _milp_cell(answer: dict[str, Any], ours_cost: float | None) -> tuple[str, str]:
    """The plain MILP's cost cell and its difference from ours."""
    if answer["cost"] is None:
        return answer["status"], "–"
    diff = abs(answer["cost"] - ours_cost) if ours_cost is not None else math.nan
    cost = _money(answer["cost"])
    if answer["status"] != "optimal":
        cost += f" ({answer['status']})"
    return cost, f"{diff:.1e}"


def _per_instance(t_ours: float, t_milp: float, status: str, target: float) -> bool:
    """The target of one instance: proven optimal, under `target`, no slower than the MILP."""
    return status == "optimal" and t_ours < target and t_ours <= t_milp


def _formation(profile: Profile, section: Section, memory: _Memory) -> None:
    progress("[formation] formation, 12 requirements")
    people, organisations, skills, count, (r_ours, r_milp, r_greedy) = (
        FORM_QUICK if profile.quick else FORM_PLAN
    )
    size = _size(people, organisations)
    table = Table(
        f"Formation, {size}, {skills} skills, 12-requirement opportunities",
        ["network seed", *FORM_COLUMNS, "greedy", "ours/greedy", "greedy cost gap", "target"],
    )
    runs: dict[str, list[Measured]] = {"ours": [], "plain MILP": [], "greedy": []}
    for seed in FORM_SEEDS:
        for side, key, repeats in (
            ("ours", "ours", r_ours),
            ("plain MILP", "milp", r_milp),
            ("greedy", "greedy", r_greedy),
        ):
            params = _form_params(people, organisations, skills, count, repeats, seed)
            runs[side].append(run_worker(FAMILY, "form", key, params))
    for side, measured in runs.items():
        memory.add(f"formation, {size}", side, max(measured, key=lambda m: m.peak_rss_mib))
    disagreements: list[str] = []
    over: list[str] = []
    times_ours: list[float] = []
    times_milp: list[float] = []
    times_greedy: list[float] = []
    for seed, ours, milp, greedy_run in zip(FORM_SEEDS, *runs.values(), strict=True):
        for j, (mine, theirs, quick) in enumerate(
            zip(
                ours.summary["results"],
                milp.summary["results"],
                greedy_run.summary["results"],
                strict=True,
            )
        ):
            t_ours, t_milp, t_greedy = (_job_median(m, j) for m in (ours, milp, greedy_run))
            times_ours.append(t_ours)
            times_milp.append(t_milp)
            times_greedy.append(t_greedy)
            milp_cost, diff = _milp_cell(theirs, mine["cost"])
            if mine["cost"] is not None and (
                theirs["cost"] is None or abs(theirs["cost"] - mine["cost"]) > COST_TOLERANCE
            ):
                disagreements.append(f"{seed}/{j + 1}")
            if quick["cost"] is None or mine["cost"] is None:
                gap = quick["status"]
            else:
                gap = f"{100 * (quick['cost'] / mine['cost'] - 1):+.2f} %"
            ok = _per_instance(t_ours, t_milp, mine["status"], FORM_TARGET_SECONDS)
            if not ok:
                over.append(
                    f"network {seed}, opportunity {j + 1}: {format_seconds(t_ours)} "
                    f"({mine['status']}) against the plain MILP's {format_seconds(t_milp)}"
                )
            table.add(
                seed,
                j + 1,
                mine["cap"] if mine["cap"] is not None else "–",
                f"{theirs['pairs']:,} ({mine['pruned_pairs']:,})",
                mine["organisations"],
                format_seconds(t_ours),
                mine["status"],
                format_seconds(t_milp),
                _ratio(t_ours, t_milp),
                diff if theirs["status"] == "optimal" else f"{milp_cost}",
                format_seconds(t_greedy),
                _ratio(t_ours, t_greedy),
                gap,
                "pass" if ok else "**over**",
            )
    instances = len(times_ours)
    worst = max(range(instances), key=lambda i: times_ours[i])
    worst_ratio = max(range(instances), key=lambda i: times_ours[i] / times_milp[i])
    for label, pick in (("worst", worst), ("worst ours/MILP", worst_ratio)):
        table.add(
            f"**{label}**",
            "",
            "",
            "",
            "",
            format_seconds(times_ours[pick]),
            "",
            format_seconds(times_milp[pick]),
            _ratio(times_ours[pick], times_milp[pick]),
            "",
            "",
            "",
            "",
            "",
        )
    median_ours, median_milp = statistics.median(times_ours), statistics.median(times_milp)
    table.add(
        "**all** (median)",
        "",
        "",
        "",
        "",
        format_seconds(median_ours),
        "",
        format_seconds(median_milp),
        _ratio(median_ours, median_milp),
        "",
        format_seconds(statistics.median(times_greedy)),
        _ratio(median_ours, statistics.median(times_greedy)),
        "",
        verdict(
            not over,
            f"every instance proven optimal in < {FORM_TARGET_SECONDS} s and no slower than "
            f"the plain MILP: {instances - len(over)} of {instances}",
        ),
    )
    section.misses.extend(f"formation ({size}), {miss}" for miss in over)
    seconds = runs["ours"][0].summary["seconds"]
    table.notes.append(
        f"Networks `generate_network(people={people}, organisations={organisations}, "
        f"skills={skills}, seed=s)` for s in {', '.join(map(str, FORM_SEEDS))}, each with "
        f"`generate_opportunities(net, count={count}, requirements=12, seed={OPPORTUNITY_SEED})` "
        f"({instances} instances; *cap*: their `max_organisations`, which the generator sets "
        "on about half); every organisation has a coordination cost. For network "
        f"{FORM_SEEDS[0]}, generating took {format_seconds(seconds['generate'])}, parsing "
        f"{format_seconds(seconds['parse'])} and the network's skill index "
        f"{format_seconds(seconds['index'])}, none of it timed. *Eligible pairs (ours after "
        "pruning)*: every (person, requirement) pair the plain MILP has, and in brackets those "
        "left in our model once colleagues and other organisations' people that make them "
        f"unnecessary are taken into account. *Ours*: `form(net, opp)`, median of {r_ours} runs "
        f"per instance. *Plain MILP*: the model above, built and solved per call ({r_milp} "
        "run(s) per instance, median; *MILP cost − ours* must be at most 0.01 in absolute "
        "value). *Greedy*: rarest requirement (fewest eligible hours) first; for each, people "
        "of organisations already in the team first, then cheapest rate, as many hours as "
        "still needed; new organisations refused once the team reaches the cap "
        f"({r_greedy} runs). *Greedy cost gap*: its cost over our optimum. Target, per "
        f"instance (not the median): ours proven optimal in under {FORM_TARGET_SECONDS} s "
        "and no slower than the plain MILP in this run. *Worst*: the instance slowest for us; "
        "*worst ours/MILP*: the one where we compare worst with the plain MILP."
    )
    if disagreements:
        table.notes.append(
            "**Cost disagreement** with the plain MILP on (network, opportunity) "
            + ", ".join(disagreements)
        )
        section.misses.append(
            f"formation ({size}): cost differs from the plain MILP by more than "
            f"{COST_TOLERANCE} on (network/opportunity) {', '.join(disagreements)}"
        )
    section.tables.append(table)


def _scale(profile: Profile, section: Section, memory: _Memory) -> None:
    progress("[formation] formation at scale")
    people, organisations, skills, count, (r_ours, r_milp) = (
        SCALE_QUICK if profile.quick else SCALE_PLAN
    )
    size = _size(people, organisations)
    limit = SCALE_MILP_LIMIT
    table = Table(
        f"Formation at scale, {size}",
        [*FORM_COLUMNS, "target"],
    )
    ours = run_worker(
        FAMILY, "form", "ours", _form_params(people, organisations, skills, count, r_ours)
    )
    milp = run_worker(
        FAMILY,
        "form",
        "milp",
        _form_params(people, organisations, skills, count, r_milp) | {"time_limit": limit},
    )
    memory.add(f"formation, {size}", "ours", ours)
    memory.add(f"formation, {size}", "plain MILP", milp)
    for j, (mine, theirs) in enumerate(
        zip(ours.summary["results"], milp.summary["results"], strict=True)
    ):
        t_ours, t_milp = _job_median(ours, j), _job_median(milp, j)
        ok = _per_instance(t_ours, t_milp, mine["status"], SCALE_TARGET_SECONDS)
        if not ok:
            section.misses.append(
                f"formation at scale ({size}), opportunity {j + 1}: "
                f"{format_seconds(t_ours)} ({mine['status']}) against the plain MILP's "
                f"{format_seconds(t_milp)}; target < {SCALE_TARGET_SECONDS:g} s and no slower"
            )
        milp_cost, diff = _milp_cell(theirs, mine["cost"])
        if (
            theirs["status"] == "optimal"
            and mine["cost"] is not None
            and abs(theirs["cost"] - mine["cost"]) > COST_TOLERANCE
        ):
            section.misses.append(
                f"formation at scale ({size}), opportunity {j + 1}: cost differs from the "
                f"plain MILP by {diff}"
            )
        table.add(
            j + 1,
            mine["cap"] if mine["cap"] is not None else "–",
            f"{theirs['pairs']:,} ({mine['pruned_pairs']:,})",
            mine["organisations"],
            format_seconds(t_ours),
            mine["status"],
            format_seconds(t_milp)
            + (f" ({theirs['status']})" if theirs["status"] != "optimal" else ""),
            _ratio(t_ours, t_milp) if theirs["status"] == "optimal" else "–",
            diff if theirs["status"] == "optimal" else milp_cost,
            verdict(ok, f"< {SCALE_TARGET_SECONDS:g} s, no slower than the MILP"),
        )
    seconds = ours.summary["seconds"]
    table.notes.append(
        f"`generate_network(people={people}, organisations={organisations}, skills={skills}, "
        f"seed={NETWORK_SEED})`, the first {count} opportunities of "
        f"`generate_opportunities(net, count={count}, requirements=12, "
        f"seed={OPPORTUNITY_SEED})`. Generating the network and opportunities took "
        f"{format_seconds(seconds['generate'])}, parsing them {format_seconds(seconds['parse'])} "
        f"and building the network's skill index {format_seconds(seconds['index'])} (not timed "
        f"below). *Ours*: `form(net, opp)`, median of {r_ours} runs. *Plain MILP*: as above, "
        f"{r_milp} run(s), HiGHS time limit {limit:g} s (a *time limit* status shows its "
        f"incumbent cost, if any). Target, per opportunity: ours proven optimal in under "
        f"{SCALE_TARGET_SECONDS:g} s and no slower than the plain MILP."
    )
    section.tables.append(table)


def _find_consortium(
    people: int, organisations: int, skills: int, size: int, searched: int
) -> tuple[dict[str, Any], list[str], bool]:
    """The first generated opportunity whose formed consortium has exactly `size` organisations
    (else the first with more, cut to its first `size`): the worker params, the members, and
    whether the consortium is exactly that size."""
    from coopnet.engine.formation import form

    params = _form_params(people, organisations, skills, searched, 1)
    network, opportunities, _ = _inputs(params)
    larger: tuple[int, tuple[str, ...]] | None = None
    for index, opportunity in enumerate(opportunities):
        found = form(network, opportunity)
        progress(f"    opportunity {index + 1}: {len(found.organisations)} organisations")
        if len(found.organisations) == size:
            return (
                params | {"index": index, "opportunities": index + 1},
                [*found.organisations],
                True,
            )
        if len(found.organisations) > size and larger is None:
            larger = (index, found.organisations)
    if larger is None:
        raise RuntimeError(f"no opportunity among {searched} forms a consortium of {size}")
    chosen = {"index": larger[0], "opportunities": larger[0] + 1}
    return params | chosen, list(larger[1][:size]), False


def _split(profile: Profile, section: Section, memory: _Memory) -> None:
    people, organisations, skills, size, searched = SPLIT_QUICK if profile.quick else SPLIT_PLAN
    progress(f"[formation] coalition costs: searching for a consortium of {size}")
    params, members, whole = _find_consortium(people, organisations, skills, size, searched)
    params = params | {"members": members, "whole": whole}
    ours = run_worker(FAMILY, "split", "ours", params | {"repeats": 3, "warmup": 1})
    peer = run_worker(FAMILY, "split", "peer", params | {"repeats": 1, "warmup": 0})
    label = f"split, {size} orgs"
    memory.add(label, "ours", ours)
    memory.add(label, "1,024 plain MILPs" if size == 10 else f"{1 << size} plain MILPs", peer)

    coalitions = 1 << size
    mine = ours.summary["costs"]
    solved: dict[str, float | None] = peer.summary["costs"]
    diffs = []
    mismatched_feasibility = 0
    for mask, theirs in solved.items():
        own = mine[int(mask)]
        if (own is None) != (theirs is None):
            mismatched_feasibility += 1
        elif own is not None and theirs is not None:
            diffs.append(abs(own - theirs))
    max_diff = max(diffs) if diffs else 0.0
    t_costs = _job_median(ours, 0)
    peer_seconds = peer.median
    sampled = peer.summary["solved"] < coalitions
    peer_total = peer_seconds * coalitions / peer.summary["solved"]
    ok = t_costs < SPLIT_TARGET_SECONDS
    agree = mismatched_feasibility == 0 and max_diff <= COST_TOLERANCE
    table = Table(
        f"Coalition costs of a {size}-organisation consortium ({coalitions:,} coalitions)",
        [
            "what",
            "ours",
            "peer: one plain MILP per coalition",
            "ours/peer",
            "coalitions compared",
            "deliverable",
            "max abs diff",
            "target",
        ],
    )
    peer_cell = format_seconds(peer_total)
    if sampled:
        peer_cell += (
            f" (extrapolated from {peer.summary['solved']} random coalitions, "
            f"{format_seconds(peer_seconds)})"
        )
    deliverable = sum(c is not None for c in mine)
    table.add(
        "`coalition_costs(net, opp, members)`",
        format_seconds(t_costs),
        peer_cell,
        _ratio(t_costs, peer_total),
        f"{len(solved):,}",
        f"{deliverable:,} of {coalitions:,}",
        f"{max_diff:.1e}"
        + (f"; {mismatched_feasibility} feasibility mismatches" if mismatched_feasibility else ""),
        verdict(ok, f"< {SPLIT_TARGET_SECONDS:g} s"),
    )
    if whole:
        t_split = _job_median(ours, 1)
        table.add(
            "`split(net, opp)` (form + costs + Shapley + core check), status "
            + ours.summary["split_status"],
            format_seconds(t_split),
            "",
            "",
            "",
            "",
            "",
            "",
        )
    if not ok:
        section.misses.append(
            f"coalition costs of {size} organisations: {format_seconds(t_costs)} "
            f"≥ {SPLIT_TARGET_SECONDS:g} s"
        )
    if not agree:
        section.misses.append(
            f"coalition costs of {size} organisations disagree with the plain MILPs "
            f"(max abs diff {max_diff:.3g}, {mismatched_feasibility} feasibility mismatches)"
        )
    opportunity = params["index"] + 1
    table.notes.append(
        f"The consortium: opportunity {opportunity} of `generate_opportunities(net, "
        f"count={opportunity}, requirements=12, seed={OPPORTUNITY_SEED})` on "
        f"`generate_network(people={people}, organisations={organisations}, skills={skills}, "
        f"seed={NETWORK_SEED})`, the first whose formed consortium has "
        + (
            f"exactly {size} organisations."
            if whole
            else f"at least {size} organisations, cut to its first {size}."
        )
        + f" *Ours*: median of 3 runs after a warm-up. *Peer*: the plain MILP of the formation "
        "table restricted to the coalition's people, once per coalition (including the empty "
        "one), one run; if the first "
        f"{COALITION_SAMPLE} (in a random order, seed {SAMPLE_SEED}) project beyond "
        f"{COALITION_BUDGET:g} s the rest are skipped and the total is extrapolated. "
        "Coalitions that cannot deliver are infinite on both sides and must agree; most "
        "lack some required skill altogether, which ours sees without an LP and HiGHS's "
        "presolve proves infeasible at once. "
        f"Target: `coalition_costs` under {SPLIT_TARGET_SECONDS:g} s."
    )
    section.tables.append(table)


def run(profile: Profile) -> Section:
    section = Section(FAMILY, TITLE, INTRO)
    memory = _Memory()
    _formation(profile, section, memory)
    _scale(profile, section, memory)
    _split(profile, section, memory)
    section.tables.append(memory.table)
    return section
