"""The `coopnet` command: parse, call the engine, print. Errors become one `error:` line.

Exit status: 0 success, 2 bad input, 1 anything else (spec/interfaces.md).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer._click.exceptions import NoArgsIsHelpError, UsageError  # typer (pinned) vendors click

from coopnet import __version__
from coopnet.engine.errors import BadInput, EngineError
from coopnet.engine.fairshare import split
from coopnet.engine.formation import form, form_with_skill_sharing
from coopnet.engine.formats import (
    parse_allocation,
    parse_game,
    parse_network,
    parse_opportunity,
    read_json,
)
from coopnet.engine.games import (
    DEFAULT_SOLUTIONS,
    SOLUTIONS,
    SolveOptions,
    check_allocation,
    solve,
)
from coopnet.engine.network import Network, Opportunity
from coopnet.engine.pooling import PoolResult
from coopnet.report import (
    allocation_check_json,
    explanation_text,
    formation_json,
    formation_table,
    game_report_json,
    game_report_table,
    skill_sharing_json,
    split_json,
    split_table,
)

app = typer.Typer(
    help="coopnet: optimal consortia and fair, stable splits for co-operative networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
generate_app = typer.Typer(help="Synthetic data for demos and benchmarks.", no_args_is_help=True)
app.add_typer(generate_app, name="generate")
game_app = typer.Typer(
    help="Cooperative (TU) games: solutions, core, added value.", no_args_is_help=True
)
app.add_typer(game_app, name="game")

out = Console()
err = Console(stderr=True)


class Method(StrEnum):
    exact = "exact"
    sample = "sample"


class Objective(StrEnum):
    cost = "cost"
    organisations = "organisations"


class Scheme(StrEnum):
    antithetic = "antithetic"
    stratified = "stratified"
    plain = "plain"


def emit_json(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document, indent=2, allow_nan=False) + "\n")


def _solution_names(text: str | None) -> tuple[list[str], bool]:
    if text is None:
        return list(DEFAULT_SOLUTIONS), False
    names = [name.strip() for name in text.split(",") if name.strip()]
    for name in names:
        if name not in SOLUTIONS:
            raise BadInput(f"--solution: unknown {name!r}; choose from {', '.join(SOLUTIONS)}")
    if not names:
        raise BadInput("--solution: name at least one solution")
    return names, True


@game_app.command("solve")
def game_solve(
    file: Annotated[Path, typer.Argument(help="A game file (spec §1).")],
    solution: Annotated[
        str | None,
        typer.Option(
            help=f"Comma-separated, from: {', '.join(SOLUTIONS)}. [default: shapley,nucleolus]"
        ),
    ] = None,
    method: Annotated[
        Method, typer.Option(help="Shapley and Banzhaf: exact or sampled.")
    ] = Method.exact,
    samples: Annotated[
        int, typer.Option(help="Orderings (Shapley) or coalitions (Banzhaf) sampled.")
    ] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed for sampling.")] = 0,
    scheme: Annotated[
        Scheme, typer.Option(help="Variance reduction for sampled Shapley.")
    ] = Scheme.antithetic,
    allocation: Annotated[
        Path | None, typer.Option(help="Check this allocation against the core.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Solve a TU game: Shapley, nucleolus, core and each player's added value."""
    game = parse_game(read_json(file, exact=False))
    names, explicit = _solution_names(solution)
    options = SolveOptions(names, method.value, samples, seed, scheme.value, explicit)
    with err.status(f"Solving a {game.n}-player game…"):  # shown only on a terminal
        report = solve(game, options)
    document = game_report_json(report)
    if allocation is not None:
        x = parse_allocation(read_json(allocation, exact=False), game.players)
        check = check_allocation(game, x)
        document["allocation_check"] = allocation_check_json(
            game.players, check, game.value, x, game.kind
        )
    if as_json:
        emit_json(document)
        return
    out.print(game_report_table(report))
    core = document["core"]
    if core["empty"] is not None:
        verdict = "empty" if core["empty"] else "non-empty"
        eps = core["least_core_epsilon"]
        out.print(f"core: {verdict}" + (f" (least-core ε = {eps:,.4f})" if eps is not None else ""))
    for name, inside in core["contains"].items():
        out.print(f"  {name}: {'in the core' if inside else 'NOT in the core'}")
    for name, reason in report.undefined.items():
        out.print(f"  {name}: not available ({reason})")
    if "allocation_check" in document:
        check_doc = document["allocation_check"]
        out.print(f"allocation: {'in the core' if check_doc['in_core'] else 'NOT in the core'}")
        for objection in check_doc["objections"]:
            out.print(f"  {', '.join(objection['coalition'])} object by {objection['by']:,.4f}")


def _ids(text: str | None) -> list[str] | None:
    return None if text is None else [t.strip() for t in text.split(",") if t.strip()]


NetworkOption = Annotated[Path, typer.Option("--network", help="A network file (spec §2).")]
OpportunityOption = Annotated[
    Path, typer.Option("--opportunity", help="An opportunity file (spec §2).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
TimeLimit = Annotated[
    float, typer.Option(help="Seconds before the solver reports its best so far.")
]


def _load(network: Path, opportunity: Path) -> tuple[Network, Opportunity]:
    return parse_network(read_json(network)), parse_opportunity(read_json(opportunity))


@app.command("form")
def form_command(
    network: NetworkOption,
    opportunity: OpportunityOption,
    include: Annotated[
        str | None, typer.Option(help="Only these organisations (comma-separated ids).")
    ] = None,
    exclude: Annotated[
        str | None, typer.Option(help="Never these organisations (comma-separated ids).")
    ] = None,
    objective: Annotated[
        Objective, typer.Option(help="cost: cheapest; organisations: fewest, then cheapest.")
    ] = Objective.cost,
    alternatives: Annotated[
        bool, typer.Option(help="Also the fewest-organisations and skill-sharing alternatives.")
    ] = False,
    time_limit: TimeLimit = 60.0,
    as_json: JsonOption = False,
) -> None:
    """The optimal consortium: who works how many hours on what, at the least cost."""
    net, opp = _load(network, opportunity)
    with err.status(f"Forming a consortium from {len(net.people):,} people…"):
        result = form(
            net,
            opp,
            include=_ids(include),
            exclude=_ids(exclude) or (),
            objective=objective.value,
            time_limit=time_limit,
        )
    document = formation_json(result)
    if alternatives and result.status != "infeasible":
        with err.status("Forming the alternatives…"):
            fewest = form(net, opp, objective="organisations", time_limit=time_limit)
            sharing = form_with_skill_sharing(net, opp, time_limit=time_limit)
        document["alternatives"] = {
            "fewest_organisations": formation_json(fewest),
            "skill_sharing": skill_sharing_json(sharing),
        }
    if as_json:
        emit_json(document)
        return
    if result.status == "infeasible":
        out.print("[bold]infeasible[/bold]: no consortium can deliver this opportunity")
        for u in result.uncovered:
            out.print(f"  {u.skill} (level {u.min_level}+, {u.hours:g} hours): {u.reason}")
        return
    out.print(formation_table(result))
    out.print(
        f"organisations: {', '.join(result.organisations)}; solved in {result.solve_seconds:.2f} s"
    )
    if "alternatives" in document:
        _print_alternatives(document["alternatives"])


def _print_alternatives(alternatives: dict[str, Any]) -> None:
    fewest = alternatives["fewest_organisations"]
    out.print(
        f"Fewest organisations: {len(fewest['organisations'])} "
        f"({', '.join(fewest['organisations'])}), cost {fewest['cost']:,.2f}"
    )
    sharing = alternatives["skill_sharing"]
    out.print(
        f"Skill-sharing: {sharing['learning_hours']:g} hours by juniors with "
        f"{sharing['supervising_hours']:g} hours of expert supervision, "
        f"extra cost {sharing['extra_cost'] or 0:,.2f}"
    )


@app.command("split")
def split_command(
    network: NetworkOption,
    opportunity: OpportunityOption,
    samples: Annotated[
        int, typer.Option(help="Orderings sampled when the consortium is too large to enumerate.")
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed for sampling.")] = 0,
    time_limit: TimeLimit = 60.0,
    as_json: JsonOption = False,
) -> None:
    """Form the consortium and share the value fairly: Shapley, core check, nucleolus."""
    net, opp = _load(network, opportunity)
    with err.status("Forming the consortium and computing every coalition's worth…"):
        result = split(net, opp, samples=samples, seed=seed, time_limit=time_limit)
    if as_json:
        emit_json(split_json(result))
        return
    if result.status == "infeasible":
        out.print("[bold]infeasible[/bold]: no consortium can deliver this opportunity")
        for u in result.formation.uncovered:
            out.print(f"  {u.skill} (level {u.min_level}+): {u.reason}")
        return
    if result.status == "unprofitable":
        out.print(
            f"[bold]unprofitable[/bold]: the cheapest delivery costs {result.shortfall:,.2f} "
            "more than the value after commission"
        )
        return
    out.print(split_table(result))
    stable = result.recommended == "shapley"
    out.print(
        "Stable: the Shapley split is in the core."
        if stable
        else "The Shapley split is NOT in the core; the nucleolus split is recommended."
    )
    for e in result.explanations:
        out.print(f"• {explanation_text(e)}")


@app.command("pool")
def pool_command(
    file: Annotated[Path, typer.Argument(help="A pooling file (docs/pooling-format.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Pool a shared service: who should join, fees to the cent, savings, hours, the core."""
    from coopnet.engine.pooling import parse_pool, pool, pool_json

    problem = parse_pool(read_json(file))
    with err.status(f"Allocating a pool of {len(problem.members)} members…"):
        result = pool(problem)
    if as_json:
        emit_json(pool_json(result))
        return
    out.print(_pool_table(result))
    for line in _pool_verdict(result):
        out.print(line)


def _pool_table(result: PoolResult) -> Any:
    from rich.table import Table

    title = f"{result.problem.service.name}: pooled cost {result.pooled_cost:,.2f}"
    if result.recommended:
        title += f" (fees from {result.recommended})"
    table = Table(title=title, title_justify="left")
    flagged = not all(result.in_pool)
    columns = ("member", "alone cost", "fee", "saving", "hours recovered")
    for column in (*columns, "note") if flagged else columns:
        table.add_column(column, justify="left" if column in ("member", "note") else "right")
    rows = zip(result.problem.members, result.fees, result.savings, result.in_pool, strict=True)
    for k, (member, fee, saving, inside) in enumerate(rows):
        label = f"{member.name} ({member.id})" if member.name != member.id else member.id
        cells = [label, f"{member.alone_cost:,.2f}", f"{fee:,.2f}" if inside else "—"]
        cells += [f"{saving:,.2f}", f"{result.hours_recovered[k]:,}"]
        if flagged:
            adds = result.joining_adds
            cells.append("" if inside else f"better off alone: joining adds {adds:,.2f}")
        table.add_row(*cells)
    return table


def _pool_verdict(result: PoolResult) -> list[str]:
    """The cheapest pool, whether the fees are stable, and the core verdict on each solution."""
    if not result.recommended:
        return ["Nobody pools: every member is better off alone."]
    pooled, n = len(result.pool_ids), len(result.in_pool)
    lines = [
        f"Cheapest: {pooled} of {n} pool ({result.pooled_cost:,.2f}), the others go alone; "
        f"{result.cheapest_cost:,.2f} in all against {result.everyone_cost:,.2f} "
        "if everyone pooled."
        if pooled < n
        else f"Cheapest: all {n} pool ({result.pooled_cost:,.2f})."
    ]
    if result.stable:
        lines.append(
            f"Stable: the {result.recommended} fees are in the core; no group, alone or "
            "together, would pay less."
        )
    else:
        lines.append(
            "Not stable: no split is in the core; the fees are the nucleolus, which keeps the "
            "largest over-charge of any group as small as it can be."
        )
    eps = result.least_core_epsilon
    verdict = "empty" if result.core_empty else "non-empty"
    lines.append(f"core: {verdict}" + (f" (least-core ε = {eps:,.4f})" if eps is not None else ""))
    for name, x in result.solutions.items():
        if x is None:
            lines.append(f"  {name}: not available ({result.undefined.get(name, 'undefined')})")
            continue
        inside = "in the core" if result.contains.get(name) else "NOT in the core"
        shares = ", ".join(f"{p} {v:,.2f}" for p, v in zip(result.pool_ids, x, strict=True))
        lines.append(f"  {name}: {inside} — {shares}")
    return lines


@app.command("resilience")
def resilience_command(
    network: NetworkOption,
    opportunities: Annotated[
        list[Path] | None,
        typer.Option(
            "--opportunities",
            "--opportunity",
            help="Opportunity files (spec §2) whose hours make the demand: "
            "--opportunities A.json B.json, or the option repeated.",
        ),
    ] = None,
    more: Annotated[
        list[Path] | None,
        typer.Argument(hidden=True, help="More opportunity files, after --opportunities."),
    ] = None,
    session_hours: Annotated[float, typer.Option(help="Mentor hours one pairing takes.")] = 10.0,
    as_json: JsonOption = False,
) -> None:
    """Skills resilience: bus factors, the at-risk share of demand and a mentoring plan."""
    from rich.table import Table

    from coopnet.engine.resilience import parse_mentoring, resilience, resilience_json

    if more and not opportunities:
        raise BadInput(
            f"unexpected argument {str(more[0])!r}: opportunity files follow --opportunities"
        )
    raw = read_json(network)
    net = parse_network(raw)
    options = parse_mentoring(raw, net)
    opps = [parse_opportunity(read_json(path)) for path in [*(opportunities or []), *(more or [])]]
    if not session_hours > 0 or session_hours == float("inf"):
        raise BadInput(f"--session-hours: {session_hours} must be a positive number")
    with err.status(f"Mapping the skills of {len(net.people):,} people…"):
        result = resilience(net, opps, options, session_hours=session_hours)
    document = resilience_json(result)
    if as_json:
        emit_json(document)
        return
    table = Table(title="Demanded skills")
    for column in ("skill", "bus factor", "free hours", "demand"):
        table.add_column(column, justify="left" if column == "skill" else "right")
    for s in sorted(result.map.skills, key=lambda s: (-s.demand, s.skill)):
        if s.demand > 0:
            table.add_row(s.skill, str(s.bus_factor), f"{s.free_hours:,.0f}", f"{s.demand:,.0f}")
    out.print(table)
    out.print(f"at-risk share of demand (bus factor ≤ 1): {result.map.score:.1%}")
    if result.map.at_risk:
        out.print("at risk: " + ", ".join(s.skill for s in result.map.at_risk))
    plan = result.plan
    out.print(
        f"mentoring plan: {len(plan.pairings)} pairings, at-risk share "
        f"{plan.score_before:.1%} → {plan.score_after:.1%} (coverage gain {plan.gain:,.1f})"
    )
    for p in plan.pairings[:20]:
        out.print(f"  {p.mentor} mentors {p.learner} in {p.skill} ({p.hours:g} hours)")
    if len(plan.pairings) > 20:
        out.print(f"  … and {len(plan.pairings) - 20} more (use --json for all)")


@generate_app.command("network")
def generate_network_command(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the network (spec §2).")
    ],
    people: Annotated[int, typer.Option(help="How many people.")] = 10_000,
    organisations: Annotated[int, typer.Option(help="How many organisations.")] = 1_000,
    skills: Annotated[int, typer.Option(help="How many skills of the taxonomy to use.")] = 300,
    opportunities: Annotated[int, typer.Option(help="Opportunities to write beside it.")] = 5,
    requirements: Annotated[int, typer.Option(help="Requirements per opportunity.")] = 12,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same network.")
    ] = 0,
) -> None:
    """A realistic synthetic network, and opportunities for it, written as spec §2 files.

    The opportunities go beside the network as <output stem>-opportunity-<k>.json.
    """
    from coopnet.engine.synthetic import generate_network, generate_opportunities

    try:
        with err.status(f"Generating {people:,} people in {organisations:,} organisations…"):
            network = generate_network(
                people=people, organisations=organisations, skills=skills, seed=seed
            )
            found = generate_opportunities(
                network, count=opportunities, requirements=requirements, seed=seed
            )
    except (ValueError, TypeError) as exc:
        raise BadInput(str(exc)) from None
    _write_json(output, network)
    written = [output]
    for k, opportunity in enumerate(found, start=1):
        path = output.with_name(f"{output.stem}-opportunity-{k}.json")
        _write_json(path, opportunity)
        written.append(path)
    for path in written:
        err.print(f"wrote {path}")


def _write_json(path: Path, document: Any) -> None:
    try:
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{path}: cannot be written ({exc.strerror})") from None


@app.command()
def demo(
    engine: Annotated[
        bool, typer.Option("--engine", help="Print the engine demo instead of serving the app.")
    ] = False,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: Annotated[str, typer.Option(help="Where the demo database lives.")] = ".coopnet-demo",
    fresh: Annotated[bool, typer.Option(help="Start again from a new demo database.")] = False,
) -> None:
    """The demo network in the web app (its logins are printed), or --engine for the engine."""
    if engine:
        from coopnet.demo import run_demo

        run_demo(out)
        return
    from coopnet.web.serve import demo as run_web_demo

    run_web_demo(host=host, port=port, data_dir=data_dir, fresh=fresh)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web worker processes.")] = 2,
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first.")] = True,
) -> None:
    """Run the web app with gunicorn (settings from the environment: see docs/deployment.md)."""
    from coopnet.web.serve import serve as run_server

    run_server(host=host, port=port, workers=workers, migrate=migrate)


@app.command()
def worker(
    batch: Annotated[bool, typer.Option(help="Run the queued jobs, then exit.")] = False,
) -> None:
    """Run background jobs (formation, splits) from the database queue."""
    from coopnet.web.serve import worker as run_worker

    run_worker(batch=batch)


@app.command()
def token(
    username: Annotated[str, typer.Argument(help="The user the token acts for.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "script",
) -> None:
    """Issue an API token for a user; the key is shown once (only its hash is kept)."""
    from coopnet.web.serve import setup_django

    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    from coopnet.common.models import ApiToken

    try:
        user = get_user_model().objects.filter(username=username).first()
    except DatabaseError:
        where = settings.DATABASES["default"]["NAME"]
        raise BadInput(
            f"no coopnet database at {where}: set COOPNET_DATA_DIR (the demo's is "
            f".coopnet-demo) or DATABASE_URL"
        ) from None
    if user is None:
        raise BadInput(f"no user called {username!r}")
    _, key = ApiToken.issue(user, name)
    out.print(key)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"coopnet {__version__}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: every failure ends in one `error:` line and the spec's exit status."""
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="coopnet", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        return 1
    except NoArgsIsHelpError:
        return 0
    except UsageError as exc:
        sys.stderr.write(f"error: {exc.format_message()}\n")
        return 2
    except BadInput as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except EngineError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except MemoryError:
        sys.stderr.write("error: out of memory; try a smaller game or --method sample\n")
        return 1
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if os.environ.get("COOPNET_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            f"error: internal error ({exc.__class__.__name__}: {exc}); "
            "set COOPNET_DEBUG=1 for the traceback\n"
        )
        return 1
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
