"""`coopnet form` and `coopnet split`: the optimal consortium for an opportunity, and the fair
share of its value among the consortium's organisations (spec §2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from coopnet.cli.currency import Currency, CurrencyOption, network_currency
from coopnet.cli.options import (
    JsonOption,
    NetworkOption,
    OpportunityOption,
    Seed,
    TimeLimit,
    emit_json,
    err,
    ids,
    load,
    out,
)
from coopnet.cli.report import (
    explanation_text,
    formation_json,
    off_the_top_text,
    skill_sharing_json,
    split_json,
)
from coopnet.cli.tables import formation_table, split_table
from coopnet.engine.fairshare import Split, split
from coopnet.engine.formation import Formation, Uncovered, form, form_with_skill_sharing
from coopnet.engine.network import Network, Opportunity


class Objective(StrEnum):
    cost = "cost"
    organisations = "organisations"


IncludeOption = Annotated[
    str | None, typer.Option(help="Only these organisations (comma-separated ids).")
]
ExcludeOption = Annotated[
    str | None, typer.Option(help="Never these organisations (comma-separated ids).")
]
ObjectiveOption = Annotated[
    Objective, typer.Option(help="cost: cheapest; organisations: fewest, then cheapest.")
]
AlternativesOption = Annotated[
    bool, typer.Option(help="Also the fewest-organisations and skill-sharing alternatives.")
]
SplitSamples = Annotated[
    int,
    typer.Option(help="Orderings sampled when the consortium is too large to enumerate.", min=4),
]


def form_command(
    network: NetworkOption,
    opportunity: OpportunityOption,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    objective: ObjectiveOption = Objective.cost,
    alternatives: AlternativesOption = False,
    time_limit: TimeLimit = 60.0,
    currency: CurrencyOption = None,
    as_json: JsonOption = False,
) -> None:
    """The optimal consortium: who works how many hours on what, at the least cost."""
    money = network_currency(currency)
    net, opp = load(network, opportunity)
    with err.status(f"Forming a consortium from {len(net.people):,} people…"):
        result = form(
            net,
            opp,
            include=ids(include),
            exclude=ids(exclude) or (),
            objective=objective.value,
            time_limit=time_limit,
        )
    document = formation_json(result)
    if alternatives and result.status != "infeasible":
        document["alternatives"] = _alternatives(net, opp, time_limit)
    if as_json:
        emit_json(document)
    elif result.status == "infeasible":
        _print_infeasible(result.uncovered, with_hours=True)
    else:
        _print_formation(result, document.get("alternatives"), money)


def _alternatives(net: Network, opp: Opportunity, time_limit: float) -> dict[str, Any]:
    """The fewest-organisations consortium and the one that pairs juniors with experts."""
    with err.status("Forming the alternatives…"):
        fewest = form(net, opp, objective="organisations", time_limit=time_limit)
        sharing = form_with_skill_sharing(net, opp, time_limit=time_limit)
    return {
        "fewest_organisations": formation_json(fewest),
        "skill_sharing": skill_sharing_json(sharing),
    }


def _print_infeasible(uncovered: tuple[Uncovered, ...], *, with_hours: bool) -> None:
    out.print("[bold]infeasible[/bold]: no consortium can deliver this opportunity")
    for u in uncovered:
        hours = f", {u.hours:g} hours" if with_hours else ""
        out.print(f"  {u.skill} (level {u.min_level}+{hours}): {u.reason}")


def _print_formation(
    result: Formation, alternatives: dict[str, Any] | None, money: Currency
) -> None:
    """The work table, then the alternatives (`--alternatives`) in a line each."""
    out.print(formation_table(result, money))
    out.print(
        f"organisations: {', '.join(result.organisations)}; solved in {result.solve_seconds:.2f} s"
    )
    if alternatives is None:
        return
    fewest = alternatives["fewest_organisations"]
    out.print(
        f"Fewest organisations: {len(fewest['organisations'])} "
        f"({', '.join(fewest['organisations'])}), cost {money(fewest['cost'])}"
    )
    sharing = alternatives["skill_sharing"]
    out.print(
        f"Skill-sharing: {sharing['learning_hours']:g} hours by juniors with "
        f"{sharing['supervising_hours']:g} hours of expert supervision, "
        f"extra cost {money(sharing['extra_cost'] or 0)}"
    )


def split_command(
    network: NetworkOption,
    opportunity: OpportunityOption,
    samples: SplitSamples = 2000,
    seed: Seed = 0,
    time_limit: TimeLimit = 60.0,
    currency: CurrencyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Form the consortium and share the value fairly: Shapley, core check, nucleolus.

    Each partner's payout is the cost of its own work plus its share of the surplus (the
    nucleolus's when the Shapley split is not in the core), and why.
    """
    money = network_currency(currency)
    net, opp = load(network, opportunity)
    with err.status("Forming the consortium and computing every coalition's worth…"):
        result = split(net, opp, samples=samples, seed=seed, time_limit=time_limit)
    finder = _finder_name(net, result)
    if as_json:
        emit_json(split_json(result, money, finder))
    elif result.status == "infeasible":
        _print_infeasible(result.formation.uncovered, with_hours=False)
    elif result.status == "unprofitable":
        assert result.shortfall is not None
        out.print(
            f"[bold]unprofitable[/bold]: the cheapest delivery costs {money(result.shortfall)} "
            "more than the value after what is taken off the top"
        )
        out.print(off_the_top_text(result, money, finder))
    else:
        _print_split(result, money, finder)


def _finder_name(net: Network, result: Split) -> str | None:
    """The name of the organisation that brought the client (checked to be in the network)."""
    if result.finder is None:
        return None
    return net.organisations[net.org_index[result.finder]].name


def _print_split(result: Split, money: Currency, finder: str | None) -> None:
    out.print(split_table(result, money))
    out.print(off_the_top_text(result, money, finder))
    out.print(
        "Stable: the Shapley split is in the core."
        if result.recommended == "shapley"
        else "The Shapley split is NOT in the core; the nucleolus split is recommended."
    )
    for e in result.explanations:
        out.print(f"• {explanation_text(e, money)}")
