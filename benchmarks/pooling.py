"""Shared-service cost pooling (`coopnet.engine.pooling.pool`): the whole exact allocation of a
pooled service among up to 20 candidate members, 2^20 coalitions.

Each case builds a synthetic service and members from a fixed seed inside a fresh worker and
times one `pool` call: the cheapest pool, the dense cost game over every group of its members
(each group's cheapest way to get the service, some pooling and the rest going alone), exact
Shapley cost shares, the nucleolus, the equal and proportional splits, the core checks, the
least-core epsilon and the fees rounded to the cent. Every member's going-alone cost is above
what one more member adds to the pool, so that every candidate joins and the game has all
2^n groups.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from benchmarks.common import (
    Measured,
    Prepared,
    Profile,
    Section,
    Table,
    format_mib,
    format_seconds,
    run_worker,
    verdict,
)

FAMILY = "pooling"
TITLE = "Pooling: exact allocation of a shared service"
INTRO = """
`coopnet.engine.pooling.pool` on a synthetic shared service (fixed cost, per-member cost and
specialists serving three members each) with n candidate members, each of whom could also go
alone: the cheapest pool, the dense cost game over all 2^n groups (each group's cheapest way to
get the service, some pooling and the rest going alone), exact Shapley cost shares, the
nucleolus, equal and proportional splits, the core checks and fees to the cent, in one call.
Target: 20 members (2^20 coalitions) in under 5 s.
"""

TARGET_SECONDS = 5.0
SEED = 7
# (members, repeats, warmup)
PLAN = ((10, 5, 1), (16, 3, 1), (20, 3, 1))
QUICK = ((12, 2, 0), (20, 2, 0))


def pool_document(n: int, seed: int) -> dict[str, Any]:
    """A pooling document with n members, reproducible from the seed. Going alone costs each
    member 2,600 to 6,000 a month, more than a further member ever adds to the pool (at most
    35.50 + 2,400), so every candidate is in the cheapest pool."""
    import numpy as np

    rng = np.random.default_rng(seed)
    alone = rng.integers(260_000, 600_000, size=n) / 100
    hours = rng.integers(5, 40, size=n)
    return {
        "service": {
            "name": f"Synthetic service ({n} members)",
            "fixed_cost": "1200.00",
            "per_member_cost": "35.50",
            "unit_cost": "2400.00",
            "members_per_unit": 3,
        },
        "members": [
            {
                "id": f"m{i:02d}",
                "name": f"Member {i}",
                "alone_cost": str(Decimal(str(a)).quantize(Decimal("0.01"))),
                "hours_alone": int(h),
            }
            for i, (a, h) in enumerate(zip(alone, hours, strict=True))
        ],
    }


def case_pool(side: str, params: dict[str, Any]) -> Prepared:
    from coopnet.engine.pooling import parse_pool, pool

    problem = parse_pool(pool_document(params["n"], params["seed"]))

    def summarise(results: list[Any]) -> dict[str, Any]:
        result = results[0]
        return {
            "pooled_cost": str(result.pooled_cost),
            "fees_total": str(sum(result.fees)),
            "core_empty": result.core_empty,
            "recommended": result.recommended,
            "pool": sum(result.in_pool),
        }

    return Prepared([lambda: pool(problem)], summarise, params["repeats"], params["warmup"])


CASES: dict[str, Callable[[str, dict[str, Any]], Prepared]] = {"pool": case_pool}


def run(profile: Profile) -> Section:
    section = Section(FAMILY, TITLE, INTRO)
    table = Table(
        "Exact pooling allocation",
        [
            "members",
            "in the pool",
            "coalitions",
            "median",
            "runs",
            "peak MiB",
            "fees from",
            "fees sum to cost",
            "target",
        ],
    )
    for n, repeats, warmup in QUICK if profile.quick else PLAN:
        params = {"n": n, "seed": SEED, "repeats": repeats, "warmup": warmup}
        measured: Measured = run_worker(FAMILY, "pool", "ours", params)
        summary = measured.summary
        exact = summary["fees_total"] == summary["pooled_cost"]
        target = "–"
        if n == 20:
            ok = measured.median < TARGET_SECONDS
            target = verdict(ok, f"< {TARGET_SECONDS:g} s")
            if not ok:
                section.misses.append(
                    f"pooling: 20 members took {format_seconds(measured.median)} "
                    f"(target {TARGET_SECONDS:g} s)"
                )
        if not exact:
            section.misses.append(f"pooling: fees of {n} members do not sum to the pooled cost")
        table.add(
            n,
            summary["pool"],
            f"{1 << summary['pool']:,}",
            format_seconds(measured.median),
            measured.runs,
            format_mib(measured.peak_rss_mib),
            summary["recommended"],
            "yes" if exact else "**no**",
            target,
        )
    table.notes.append(
        "Times are one whole `pool` call (cheapest pool, cost game, four solutions, core, fees), "
        "median of the timed runs in a fresh worker process. *Fees from*: the Shapley shares "
        "when they are in the core, else the nucleolus."
    )
    section.tables.append(table)
    return section
