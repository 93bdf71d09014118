"""What every command shares: the two consoles, the JSON printer and the common options.

Human output goes to `out`; progress and notes to `err` (stderr), so that `--json` leaves one
JSON object alone on stdout (spec/interfaces.md).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from coopnet.engine.formats import parse_network, parse_opportunity, read_json
from coopnet.engine.network import Network, Opportunity

out = Console()
err = Console(stderr=True)

NetworkOption = Annotated[Path, typer.Option("--network", help="A network file (spec §2).")]
OpportunityOption = Annotated[
    Path, typer.Option("--opportunity", help="An opportunity file (spec §2).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def positive(value: float) -> float:
    """A Typer callback for a float option: finite and more than 0. Typer reads "nan", "inf"
    and "-3" as floats, and its `min=` lets NaN through (every comparison with NaN is false)."""
    if not math.isfinite(value) or value <= 0:
        raise typer.BadParameter(f"{value} is not a finite number more than 0.")
    return value


TimeLimit = Annotated[
    float,
    typer.Option(help="Seconds before the solver reports its best so far.", callback=positive),
]
Seed = Annotated[int, typer.Option(help="Random seed for sampling.", min=0)]
#: how many orderings or coalitions are sampled; the engine asks for at least 4 (two pairs)
Samples = Annotated[
    int, typer.Option(help="Orderings (Shapley) or coalitions (Banzhaf) sampled.", min=4)
]


def emit_json(document: dict[str, Any]) -> None:
    """One JSON object on stdout (no NaN or infinity: they are not JSON)."""
    sys.stdout.write(json.dumps(document, indent=2, allow_nan=False) + "\n")


def load(network: Path, opportunity: Path) -> tuple[Network, Opportunity]:
    """A network file and an opportunity file (spec §2), checked."""
    net = parse_network(read_json(network))
    return net, parse_opportunity(read_json(opportunity), net.org_index)


def ids(text: str | None) -> list[str] | None:
    """A comma-separated list of ids ("o1, o2" → ["o1", "o2"]); None stays None."""
    return None if text is None else [t.strip() for t in text.split(",") if t.strip()]
