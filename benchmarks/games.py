"""Game-theory engine (`coopnet.engine.games`) against coopgame-py, the Rust TU-game library.

Three families of cases, each side run in its own fresh worker process:

* exact Shapley value of explicit random games (2^n values);
* nucleolus of random games with a non-empty imputation set;
* sampled Shapley value of 60-player games (a weighted voting game and a function game).

Inputs are regenerated from fixed seeds inside each worker, so both sides see the same games.
Each side imports only its own library.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.common import (
    Measured,
    Prepared,
    Profile,
    Section,
    Table,
    format_error,
    format_mib,
    format_ratio,
    format_seconds,
    progress,
    run_worker,
    verdict,
)

FAMILY = "games"
TITLE = "Games: Shapley value and nucleolus"
INTRO = """
`coopnet.engine.games` against [coopgame-py](https://pypi.org/project/coopgame-py/) (import name
`coopgame`, Rust). Times are for the solve alone, inputs already built on both sides (the peer's
`Game` construction from a Python list is reported in its own column). Each figure is the median
of the timed runs, after a warm-up run for the small cases. Both sides compute the same games
(fixed seeds) and their answers are compared.
"""

SHAPLEY_SEED = 20_240
NUCLEOLUS_SEED = 31_415
SAMPLE_SEED = 27_182
SHAPLEY_TARGET_N, SHAPLEY_TARGET_SECONDS = 24, 0.5
NUCLEOLUS_TARGET_RATIO = 1.5
SAMPLE_TARGET_SECONDS = 2.0
SCHEMES = ("antithetic", "stratified")


# --- inputs (identical on both sides) ----------------------------------------------------------


def explicit_game(n: int, seed: int) -> np.ndarray:
    """A random explicit game: 2^n uniform values indexed by bitmask, v[0] = 0."""
    v = np.random.default_rng([seed, n]).random(1 << n)
    v[0] = 0.0
    return v


def imputation_game(n: int, seed: int, index: int) -> np.ndarray:
    """A random game whose imputation set is non-empty (small stand-alone values)."""
    rng = np.random.default_rng([seed, n, index])
    pop = np.bitwise_count(np.arange(1 << n)).astype(float)
    v = rng.random(1 << n) * pop**1.5
    v[pop == 1] = rng.random(n) * 0.1
    v[0] = 0.0
    return v


def voting_spec(n: int, seed: int) -> tuple[tuple[int, ...], int]:
    """Integer weights in 1..20 and a simple-majority quota."""
    weights = tuple(int(w) for w in np.random.default_rng([seed, n, 0]).integers(1, 21, n))
    return weights, sum(weights) // 2 + 1


def function_spec(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """v(S) = (sum of a over S)^2 - max of b over S: a supermodular quadratic minus an airport
    cost, so convex (hence superadditive), and its exact Shapley value has a closed form."""
    rng = np.random.default_rng([seed, n, 1])
    return rng.random(n), rng.random(n) * 10


# --- exact references for the sampled games (independent of both libraries) --------------------


def voting_shapley_reference(weights: tuple[int, ...], quota: int) -> np.ndarray:
    """Shapley–Shubik index by counting, for each player, the coalitions of the others by size
    and weight in which it is pivotal."""
    n, total = len(weights), sum(weights)
    factor = np.array([1 / (n * math.comb(n - 1, k)) for k in range(n)])
    phi = np.empty(n)
    for i, wi in enumerate(weights):
        count = np.zeros((n, total + 1))
        count[0, 0] = 1.0
        for j, wj in enumerate(weights):
            if j != i:
                count[1:, wj:] += count[:-1, : total + 1 - wj].copy()
        pivotal = count[:, max(0, quota - wi) : quota].sum(axis=1)
        phi[i] = float(pivotal @ factor)
    return phi


def function_shapley_reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(sum a)^2 gives a_i * sum(a); the airport cost max(b) is shared by the Littlechild–Owen
    rule (each cost increment split equally among the players who need it)."""
    order = np.argsort(b, kind="stable")
    steps = np.diff(np.concatenate([[0.0], b[order]])) / (len(b) - np.arange(len(b)))
    airport = np.empty(len(b))
    airport[order] = np.cumsum(steps)
    result: np.ndarray = a * a.sum() - airport
    return result


# --- worker cases ------------------------------------------------------------------------------


def _peer_games(values: list[np.ndarray]) -> tuple[list[Any], float]:
    """coopgame Games built from dense vectors (without v[0], as a list), and the seconds it took.

    The caller passes its only reference to the vectors, so they are freed on return."""
    import time

    import coopgame

    start = time.perf_counter()
    games = [coopgame.Game(v[1:].tolist()) for v in values]
    seconds = time.perf_counter() - start
    values.clear()
    return games, seconds


def case_shapley_exact(side: str, params: dict[str, Any]) -> Prepared:
    n = params["n"]
    summarise: Callable[[list[Any]], dict[str, Any]] = lambda results: {  # noqa: E731
        "values": [float(x) for x in results[0]]
    }
    if side == "ours":
        from coopnet.engine.games import shapley_exact

        v = explicit_game(n, params["seed"])
        return Prepared([lambda: shapley_exact(v)], summarise, params["repeats"], params["warmup"])
    import coopgame

    (game,), seconds = _peer_games([explicit_game(n, params["seed"])])
    return Prepared(
        [lambda: coopgame.shapley(game)], summarise, params["repeats"], params["warmup"], seconds
    )


def case_nucleolus(side: str, params: dict[str, Any]) -> Prepared:
    n, count = params["n"], params["games"]
    games = [imputation_game(n, params["seed"], k) for k in range(count)]

    def summarise(results: list[Any]) -> dict[str, Any]:
        return {"allocations": [[float(x) for x in r] for r in results]}

    if side == "ours":
        from coopnet.engine.games import nucleolus

        jobs = [lambda v=v: nucleolus(v) for v in games]
        return Prepared(jobs, summarise, params["repeats"], params["warmup"])
    import coopgame

    built, seconds = _peer_games(games)
    jobs = [lambda g=g: coopgame.nucleolus(g)["allocation"] for g in built]
    return Prepared(jobs, summarise, params["repeats"], params["warmup"], seconds)


def case_shapley_sample(side: str, params: dict[str, Any]) -> Prepared:
    n, samples, kind = params["n"], params["samples"], params["game"]
    evaluated = [0]  # coalitions evaluated by one run (ours)
    if side == "ours":
        from coopnet.engine.games import FunctionGame, WeightedVotingGame, shapley_sample

        players = tuple(f"p{i}" for i in range(n))
        scheme = params["scheme"]
        ours: FunctionGame | WeightedVotingGame
        if kind == "voting":
            weights, quota = voting_spec(n, SAMPLE_SEED)
            ours = WeightedVotingGame(players, quota=quota, weights=weights)

            def count_voting(members: np.ndarray) -> np.ndarray:
                evaluated[0] += len(members)
                return ours.evaluate(members)

            # Coalitions are counted in one more, untimed, run through a counting wrapper.
            counted: FunctionGame | WeightedVotingGame = FunctionGame(
                players, function=count_voting
            )
        else:
            a, b = function_spec(n, SAMPLE_SEED)

            def worth(members: np.ndarray) -> np.ndarray:
                evaluated[0] += len(members)
                result: np.ndarray = (members @ a) ** 2 - (members * b).max(axis=1, initial=0.0)
                return result

            ours = counted = FunctionGame(players, function=worth)

        def job() -> Any:
            evaluated[0] = 0
            return shapley_sample(ours, samples, seed=0, scheme=scheme)

        def summarise(results: list[Any]) -> dict[str, Any]:
            estimate = results[0]
            if counted is not ours:
                evaluated[0] = 0
                shapley_sample(counted, samples, seed=0, scheme=scheme)
            return {
                "values": estimate.values.tolist(),
                "max_se": float(estimate.standard_errors.max()),
                "evaluations": evaluated[0],
            }

        return Prepared([job], summarise, params["repeats"], params["warmup"])

    import coopgame

    if kind == "voting":
        weights, quota = voting_spec(n, SAMPLE_SEED)
        w = list(weights)

        def peer_worth(members: tuple[int, ...]) -> float:
            return 1.0 if sum(w[i] for i in members) >= quota else 0.0

    else:
        a_list, b_list = (x.tolist() for x in function_spec(n, SAMPLE_SEED))

        def peer_worth(members: tuple[int, ...]) -> float:
            s = sum(a_list[i] for i in members)
            return s * s - max(b_list[i] for i in members)

    game = coopgame.FunctionGame(n, peer_worth)

    def peer_summary(results: list[Any]) -> dict[str, Any]:
        out = results[0]
        return {
            "values": list(out["values"]),
            "max_se": float(max(out["standard_errors"])),
            "evaluations": int(out["evaluations"]),
        }

    return Prepared(
        [lambda: coopgame.shapley_sampling(game, samples, seed=0)],
        peer_summary,
        params["repeats"],
        params["warmup"],
    )


CASES: dict[str, Callable[[str, dict[str, Any]], Prepared]] = {
    "shapley_exact": case_shapley_exact,
    "nucleolus": case_nucleolus,
    "shapley_sample": case_shapley_sample,
}


# --- plans -------------------------------------------------------------------------------------

# n -> (ours warm-up, ours repeats, peer warm-up, peer repeats); the n = 26 peer (about 15 s with
# its Game construction from a 67M-element list) is measured once.
SHAPLEY_PLAN = {20: (1, 7, 1, 5), 24: (1, 5, 0, 3), 26: (0, 3, 0, 1)}
SHAPLEY_QUICK = {12: (1, 3, 1, 3), 14: (1, 3, 1, 3), 16: (1, 3, 1, 3)}
# n -> (games, warm-up, repeats), the same on both sides
NUCLEOLUS_PLAN = {10: (7, 1, 5), 15: (5, 1, 3), 20: (3, 0, 2)}
NUCLEOLUS_QUICK = {6: (3, 1, 2), 8: (3, 1, 2), 10: (2, 1, 2)}
# (players, samples, warm-up, repeats)
SAMPLE_PLAN = (60, 10_000, 1, 3)
SAMPLE_QUICK = (20, 1_000, 1, 2)


# --- the section -------------------------------------------------------------------------------


class _Memory:
    def __init__(self) -> None:
        self.table = Table(
            "Peak memory (RSS, MiB)",
            [
                "case",
                "size",
                "ours peak",
                "peer peak",
                "ours/peer",
                "ours during solve",
                "peer during solve",
            ],
            notes=[
                "Each case and side runs in a fresh `python -m benchmarks.worker` process. "
                "*Peak* is the process's resident high-water mark at the end (interpreter, "
                "imports, inputs and solve), read from `VmHWM` in /proc/self/status: "
                "`ru_maxrss` is recorded too, but a child started by vfork + exec inherits the "
                "runner's high-water mark in it. *During solve* is the high-water mark after "
                "resetting it (`/proc/self/clear_refs`) once the inputs were built, so it counts "
                "the inputs still resident plus what the solver allocates. The peer's peak "
                "includes the Python list its `Game` is built from."
            ],
        )

    def add(self, case: str, size: str, ours: Measured, peer: Measured) -> None:
        self.table.add(
            case,
            size,
            format_mib(ours.peak_rss_mib),
            format_mib(peer.peak_rss_mib),
            format_ratio(ours.peak_rss_mib, peer.peak_rss_mib),
            format_mib(ours.solve_peak_rss_mib),
            format_mib(peer.solve_peak_rss_mib),
        )


def _runs(ours: Measured, peer: Measured) -> str:
    return f"{ours.runs} / {peer.runs}"


def _shapley_exact(profile: Profile, section: Section, memory: _Memory) -> None:
    progress("[games] exact Shapley value")
    table = Table(
        "Exact Shapley value, explicit random game",
        [
            "n",
            "ours",
            "peer",
            "ours/peer",
            "peer Game build",
            "max abs diff",
            "runs (ours / peer)",
            "target",
        ],
        notes=[
            "Ours: `coopnet.engine.games.shapley_exact(v)` on the float64 vector of 2^n values. "
            "Peer: `coopgame.shapley(game)`, `game = coopgame.Game(v[1:].tolist())` built "
            "beforehand (*peer Game build*: the `tolist()` and the constructor). Targets: ours at "
            f"least as fast as the peer (aim: twice as fast), and under {SHAPLEY_TARGET_SECONDS} s "
            f"at n = {SHAPLEY_TARGET_N}."
        ],
    )
    plan = SHAPLEY_QUICK if profile.quick else SHAPLEY_PLAN
    for n, (ow, orep, pw, prep) in plan.items():
        base = {"n": n, "seed": SHAPLEY_SEED}
        ours = run_worker(FAMILY, "shapley_exact", "ours", base | {"warmup": ow, "repeats": orep})
        peer = run_worker(FAMILY, "shapley_exact", "peer", base | {"warmup": pw, "repeats": prep})
        diff = float(np.max(np.abs(np.subtract(ours.summary["values"], peer.summary["values"]))))
        ratio = ours.median / peer.median
        checks = [verdict(ratio <= 1.0, "≤ peer")]
        if ratio <= 1.0:
            checks[0] += ", aim 2×: " + ("met" if ratio <= 0.5 else "not met")
        else:
            section.misses.append(
                f"exact Shapley n = {n}: ours {format_seconds(ours.median)} vs peer "
                f"{format_seconds(peer.median)} (ratio {ratio:.2f} > 1)"
            )
        if n == SHAPLEY_TARGET_N:
            fast = ours.median < SHAPLEY_TARGET_SECONDS
            checks.append(verdict(fast, f"< {SHAPLEY_TARGET_SECONDS} s"))
            if not fast:
                section.misses.append(
                    f"exact Shapley n = {n}: ours {format_seconds(ours.median)} "
                    f"≥ {SHAPLEY_TARGET_SECONDS} s"
                )
        table.add(
            n,
            format_seconds(ours.median),
            format_seconds(peer.median),
            f"{ratio:.2f}",
            format_seconds(peer.build_seconds),
            format_error(diff),
            _runs(ours, peer),
            "; ".join(checks),
        )
        memory.add("exact Shapley", f"n = {n}", ours, peer)
    section.tables.append(table)


def _nucleolus(profile: Profile, section: Section, memory: _Memory) -> None:
    progress("[games] nucleolus")
    table = Table(
        "Nucleolus, random games with imputations",
        [
            "n",
            "games",
            "ours",
            "peer",
            "ours/peer",
            "max abs diff",
            "runs (ours / peer)",
            "target",
        ],
        notes=[
            "Ours: `coopnet.engine.games.nucleolus(v)`. Peer: "
            "`coopgame.nucleolus(game)['allocation']`. Games: `v = rng.random(2**n) * "
            "popcount**1.5`, stand-alone values in [0, 0.1), so the imputation set is never "
            "empty. Times: median over every timed run of every game. Target: ours within "
            f"{NUCLEOLUS_TARGET_RATIO}× of the peer."
        ],
    )
    plan = NUCLEOLUS_QUICK if profile.quick else NUCLEOLUS_PLAN
    for n, (count, warmup, repeats) in plan.items():
        params = {
            "n": n,
            "games": count,
            "seed": NUCLEOLUS_SEED,
            "warmup": warmup,
            "repeats": repeats,
        }
        ours = run_worker(FAMILY, "nucleolus", "ours", params)
        peer = run_worker(FAMILY, "nucleolus", "peer", params)
        diff = max(
            float(np.max(np.abs(np.subtract(x, y))))
            for x, y in zip(ours.summary["allocations"], peer.summary["allocations"], strict=True)
        )
        ratio = ours.median / peer.median
        ok = ratio <= NUCLEOLUS_TARGET_RATIO
        if not ok:
            section.misses.append(
                f"nucleolus n = {n}: ours {format_seconds(ours.median)} vs peer "
                f"{format_seconds(peer.median)} (ratio {ratio:.2f} > {NUCLEOLUS_TARGET_RATIO})"
            )
        table.add(
            n,
            count,
            format_seconds(ours.median),
            format_seconds(peer.median),
            f"{ratio:.2f}",
            format_error(diff),
            _runs(ours, peer),
            verdict(ok, f"≤ {NUCLEOLUS_TARGET_RATIO}× peer"),
        )
        memory.add("nucleolus", f"n = {n}, {count} games", ours, peer)
    section.tables.append(table)


def _shapley_sample(profile: Profile, section: Section, memory: _Memory) -> None:
    progress("[games] sampled Shapley value")
    n, samples, warmup, repeats = SAMPLE_QUICK if profile.quick else SAMPLE_PLAN
    table = Table(
        f"Sampled Shapley value, {n} players, {samples:,} permutations",
        [
            "game",
            "side",
            "time",
            "ours/peer",
            "max std error",
            "max abs error vs exact",
            "coalitions evaluated",
            "runs",
            "target",
        ],
        notes=[
            f"Ours: `shapley_sample(game, {samples}, seed=0, scheme=...)` (antithetic is the "
            "default: each ordering and its reverse, half as many distinct orderings; stratified: "
            "by the position a player joins at). Peer: "
            f"`coopgame.shapley_sampling(coopgame.FunctionGame({n}, g), {samples}, seed=0)`, "
            "`g` a Python function of a tuple of player indices. *Voting*: "
            "`WeightedVotingGame` with integer weights in 1..20 and a majority quota (ours; the "
            "peer's `g` sums the weights). *Function*: `FunctionGame` with "
            "v(S) = (Σ_S a)² − max_S b (ours vectorised over a (k, n) boolean matrix). The "
            "exact values come from an independent reference (pivot counting for voting; "
            "a_i·Σa minus the airport rule for the function game). Coalitions evaluated are "
            "counted by a wrapper around our evaluator (the peer reports its own). "
            f"Target: ours under {SAMPLE_TARGET_SECONDS:g} s."
        ],
    )
    for kind in ("voting", "function"):
        if kind == "voting":
            exact = voting_shapley_reference(*voting_spec(n, SAMPLE_SEED))
        else:
            exact = function_shapley_reference(*function_spec(n, SAMPLE_SEED))
        base = {"game": kind, "n": n, "samples": samples, "seed": SAMPLE_SEED}
        peer = run_worker(FAMILY, "shapley_sample", "peer", base | {"warmup": 0, "repeats": 2})
        rows: list[tuple[str, Measured]] = []
        for scheme in SCHEMES:
            params = base | {"scheme": scheme, "warmup": warmup, "repeats": repeats}
            ours = run_worker(FAMILY, "shapley_sample", "ours", params)
            rows.append((f"ours, {scheme}", ours))
            memory.add(f"sampled Shapley, {kind}", f"n = {n}, ours {scheme}", ours, peer)
        rows.append(("peer", peer))
        for side, measured in rows:
            error = float(np.max(np.abs(np.asarray(measured.summary["values"]) - exact)))
            if side == "peer":
                ratio, target = "–", "–"
            elif side != f"ours, {SCHEMES[0]}":  # the target is for the default scheme
                ratio = f"{measured.median / peer.median:.2f}"
                target = "– (not the default scheme)"
            else:
                ok = measured.median < SAMPLE_TARGET_SECONDS
                ratio = f"{measured.median / peer.median:.2f}"
                target = verdict(ok, f"< {SAMPLE_TARGET_SECONDS:g} s")
                if not ok:
                    section.misses.append(
                        f"sampled Shapley ({kind}, {side}, n = {n}): "
                        f"{format_seconds(measured.median)} ≥ {SAMPLE_TARGET_SECONDS:g} s"
                    )
            table.add(
                kind,
                side,
                format_seconds(measured.median),
                ratio,
                format_error(measured.summary["max_se"]),
                format_error(error),
                f"{measured.summary['evaluations']:,}",
                measured.runs,
                target,
            )
    section.tables.append(table)


def run(profile: Profile) -> Section:
    section = Section(FAMILY, TITLE, INTRO)
    memory = _Memory()
    _shapley_exact(profile, section, memory)
    _nucleolus(profile, section, memory)
    _shapley_sample(profile, section, memory)
    section.tables.append(memory.table)
    return section
