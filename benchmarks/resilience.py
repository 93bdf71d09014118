"""Skills resilience (`coopnet.engine.resilience`): the skills map and the optimal mentoring plan
on a 10,000-person synthetic network.

One case, run in a fresh worker process per configuration: `resilience(network, opportunities,
options)` for the five 12-requirement opportunities of `coopnet.engine.synthetic` (seed 1), with
no organisation opted in to cross-organisation mentoring (pools are single organisations) and
with every organisation opted in (one network-wide pool, the largest model).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.common import (
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

FAMILY = "resilience"
TITLE = "Resilience: skills map and mentoring plan"
INTRO = """
`coopnet.engine.resilience.resilience`: bus factor, free hours and demand of every skill, the
network's and every organisation's at-risk share of demand, and the mentoring plan that
maximises the weighted coverage gain (an integer program over classes of interchangeable
mentors and learners, solved by HiGHS). The network is `generate_network(people=10000,
organisations=1000, seed=1)` with `generate_opportunities(count=5, requirements=12, seed=1)`.
Times cover the whole call on a freshly built `Network` (its skill index included); generating
and parsing the files are not timed.
"""

PEOPLE, ORGANISATIONS, SEED = 10_000, 1_000, 1
TARGET_SECONDS = 2.0


def case_resilience(side: str, params: dict[str, Any]) -> Prepared:
    from coopnet.engine.formats import parse_network, parse_opportunity
    from coopnet.engine.network import Network
    from coopnet.engine.resilience import parse_mentoring, resilience
    from coopnet.engine.synthetic import generate_network, generate_opportunities

    if side != "ours":
        raise ValueError(f"resilience has no peer side (got {side!r})")
    doc = generate_network(
        people=params["people"], organisations=params["organisations"], seed=SEED
    )
    if params["opt_in"]:
        doc["mentoring_opt_in"] = [o["id"] for o in doc["organisations"]]
    opportunities = [
        parse_opportunity(o)
        for o in generate_opportunities(doc, count=5, requirements=12, seed=SEED)
    ]
    parsed = parse_network(doc)
    options = parse_mentoring(doc, parsed)

    def job() -> Any:
        fresh = Network(parsed.organisations, parsed.people, parsed.collaborations)
        return resilience(fresh, opportunities, options)

    def summarise(results: list[Any]) -> dict[str, Any]:
        result = results[0]
        return {
            "skills": len(result.map.skills),
            "at_risk": len(result.map.at_risk),
            "pairings": len(result.plan.pairings),
            "score_before": result.plan.score_before,
            "score_after": result.plan.score_after,
            "gain": result.plan.gain,
        }

    return Prepared(
        jobs=[job], summarise=summarise, repeats=params["repeats"], warmup=params["warmup"]
    )


CASES: dict[str, Callable[[str, dict[str, Any]], Prepared]] = {"resilience": case_resilience}


def run(profile: Profile) -> Section:
    section = Section(FAMILY, TITLE, INTRO)
    progress("[resilience] skills map and mentoring plan")
    warmup, repeats = (0, 2) if profile.quick else (1, 5)
    table = Table(
        f"Skills map and mentoring plan, {PEOPLE:,} people in {ORGANISATIONS:,} organisations",
        [
            "mentoring pools",
            "time",
            "skills",
            "at risk",
            "pairings",
            "score before → after",
            "coverage gain",
            "peak MiB",
            "runs",
            "target",
        ],
        notes=[
            "*Mentoring pools*: with no opt-in, pairs stay inside an organisation; with all "
            "organisations opted in, any mentor may pair with any learner. The score is the "
            "share of demanded hours on skills with a bus factor of at most 1 (lower is "
            f"better). Target: under {TARGET_SECONDS:g} s."
        ],
    )
    for opt_in in (False, True):
        params = {
            "people": PEOPLE,
            "organisations": ORGANISATIONS,
            "opt_in": opt_in,
            "warmup": warmup,
            "repeats": repeats,
        }
        measured = run_worker(FAMILY, "resilience", "ours", params)
        summary = measured.summary
        ok = measured.median < TARGET_SECONDS
        label = "all organisations opted in" if opt_in else "no opt-in"
        if not ok:
            section.misses.append(
                f"resilience ({label}): {format_seconds(measured.median)} ≥ {TARGET_SECONDS:g} s"
            )
        table.add(
            label,
            format_seconds(measured.median),
            summary["skills"],
            summary["at_risk"],
            f"{summary['pairings']:,}",
            f"{summary['score_before']:.3f} → {summary['score_after']:.3f}",
            f"{summary['gain']:,.1f}",
            format_mib(measured.peak_rss_mib),
            measured.runs,
            verdict(ok, f"< {TARGET_SECONDS:g} s"),
        )
    section.tables.append(table)
    return section
