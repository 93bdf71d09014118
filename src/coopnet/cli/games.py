"""`coopnet game solve`: a TU game's solutions, its core and each player's added value (spec §1)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coopnet.cli.options import JsonOption, Samples, Seed, emit_json, err, out
from coopnet.cli.report import allocation_check_json, game_report_json
from coopnet.cli.tables import game_report_table
from coopnet.engine.errors import BadInput
from coopnet.engine.formats import parse_allocation, parse_game, read_json
from coopnet.engine.games import (
    DEFAULT_SOLUTIONS,
    SOLUTIONS,
    Game,
    SolveOptions,
    check_allocation,
    solve,
)


class Method(StrEnum):
    exact = "exact"
    sample = "sample"


class Scheme(StrEnum):
    antithetic = "antithetic"
    stratified = "stratified"
    plain = "plain"


SolutionOption = Annotated[
    str | None,
    typer.Option(
        help=f"Comma-separated, from: {', '.join(SOLUTIONS)}. \\[default: shapley,nucleolus]"
    ),
]
MethodOption = Annotated[Method, typer.Option(help="Shapley and Banzhaf: exact or sampled.")]
SchemeOption = Annotated[Scheme, typer.Option(help="Variance reduction for sampled Shapley.")]
AllocationOption = Annotated[
    Path | None, typer.Option(help="Check this allocation against the core.")
]


def game_solve(
    file: Annotated[Path, typer.Argument(help="A game file (spec §1).")],
    solution: SolutionOption = None,
    method: MethodOption = Method.exact,
    samples: Samples = 10_000,
    seed: Seed = 0,
    scheme: SchemeOption = Scheme.antithetic,
    allocation: AllocationOption = None,
    as_json: JsonOption = False,
) -> None:
    """Solve a TU game: Shapley, nucleolus, core and each player's added value."""
    game = parse_game(read_json(file, exact=False))
    names, explicit = solution_names(solution)
    options = SolveOptions(names, method.value, samples, seed, scheme.value, explicit)
    with err.status(f"Solving a {game.n}-player game…"):  # shown only on a terminal
        report = solve(game, options)
    document = game_report_json(report)
    if allocation is not None:
        document["allocation_check"] = _allocation_check(game, allocation)
    if as_json:
        emit_json(document)
        return
    out.print(game_report_table(report))
    for line in _verdict(document, report.undefined):
        out.print(line)


def solution_names(text: str | None) -> tuple[list[str], bool]:
    """The solutions named by `--solution` (and whether any were named), checked."""
    if text is None:
        return list(DEFAULT_SOLUTIONS), False
    names = [name.strip() for name in text.split(",") if name.strip()]
    for name in names:
        if name not in SOLUTIONS:
            raise BadInput(f"--solution: unknown {name!r}; choose from {', '.join(SOLUTIONS)}")
    if not names:
        raise BadInput("--solution: name at least one solution")
    return names, True


def _allocation_check(game: Game, path: Path) -> dict[str, Any]:
    x = parse_allocation(read_json(path, exact=False), game.players)
    check = check_allocation(game, x)
    return allocation_check_json(game.players, check, game.value, x, game.kind)


def _verdict(document: dict[str, Any], undefined: dict[str, str]) -> list[str]:
    """The core, which solutions are in it, and which coalitions object to an allocation."""
    core = document["core"]
    lines = []
    if core["empty"] is not None:
        verdict = "empty" if core["empty"] else "non-empty"
        eps = core["least_core_epsilon"]
        lines.append(
            f"core: {verdict}" + (f" (least-core ε = {eps:,.4f})" if eps is not None else "")
        )
    for name, inside in core["contains"].items():
        lines.append(f"  {name}: {'in the core' if inside else 'NOT in the core'}")
    for name, reason in undefined.items():
        lines.append(f"  {name}: not available ({reason})")
    if "allocation_check" in document:
        check = document["allocation_check"]
        lines.append(f"allocation: {'in the core' if check['in_core'] else 'NOT in the core'}")
        for objection in check["objections"]:
            lines.append(f"  {', '.join(objection['coalition'])} object by {objection['by']:,.4f}")
    return lines
