"""`coopnet generate network`: a realistic synthetic network and opportunities for it, written
as spec §2 files, for demos and benchmarks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from coopnet.cli.options import err
from coopnet.engine.errors import BadInput
from coopnet.engine.synthetic import generate_network, generate_opportunities

OutputOption = Annotated[
    Path, typer.Option("--output", "-o", help="Where to write the network (spec §2).")
]
People = Annotated[int, typer.Option(help="How many people.", min=1)]
Organisations = Annotated[int, typer.Option(help="How many organisations.", min=1)]
Skills = Annotated[int, typer.Option(help="How many skills of the taxonomy to use.", min=1)]
Opportunities = Annotated[int, typer.Option(help="Opportunities to write beside it.", min=0)]
Requirements = Annotated[int, typer.Option(help="Requirements per opportunity.", min=1)]
GenerateSeed = Annotated[
    int, typer.Option(help="Random seed: the same seed gives the same network.", min=0)
]


def generate_network_command(
    output: OutputOption,
    people: People = 10_000,
    organisations: Organisations = 1_000,
    skills: Skills = 300,
    opportunities: Opportunities = 5,
    requirements: Requirements = 12,
    seed: GenerateSeed = 0,
) -> None:
    """A realistic synthetic network, and opportunities for it, written as spec §2 files.

    The opportunities go beside the network as <output stem>-opportunity-<k>.json.
    """
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
    written = [write_json(output, network)]
    for k, opportunity in enumerate(found, start=1):
        path = output.with_name(f"{output.stem}-opportunity-{k}.json")
        written.append(write_json(path, opportunity))
    for path in written:
        err.print(f"wrote {path}")


def write_json(path: Path, document: Any) -> Path:
    """Write `document` to `path` as JSON; a path that cannot be written is bad input."""
    try:
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{path}: cannot be written ({exc.strerror})") from None
    return path
