"""No engine output holds a negative zero: it prints as -0.0 or -0.00 although it is nothing."""

import contextlib
import dataclasses
import io
import json
import math
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from network_cases import small_case

from coopnet.cli import main
from coopnet.engine.fairshare import split
from coopnet.engine.formation import form, form_with_skill_sharing
from coopnet.engine.formats import parse_network, parse_opportunity
from coopnet.engine.games import (
    SOLUTIONS,
    ExplicitGame,
    SolveOptions,
    check_allocation,
    nucleolus,
    solve,
)
from coopnet.engine.resilience import resilience, resilience_json

#: "-0", "-0.0", "-0.00" as a whole JSON number (not the start of -0.03 or -0.0e-5)
NEGATIVE_ZERO_TEXT = re.compile(r"(?<![\d.])-0(\.0*)?(?![\d.eE])")
# Zeros of both signs, small integers and a few fractions: sums and differences of them are
# where a solver or a subtraction leaves -0.0 behind.
worths = st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 3.5, -2.25, 6.0, 10.0])


def negative_zeros(value, where="output"):
    """Where in a nested result (dataclasses, dicts, sequences, arrays) a negative zero sits."""
    if isinstance(value, float | np.floating):
        return [where] if value == 0 and math.copysign(1, value) < 0 else []
    if isinstance(value, Decimal):
        return [where] if value.is_zero() and value.is_signed() else []
    if isinstance(value, np.ndarray):
        return negative_zeros(value.tolist(), where)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return negative_zeros(items, where)
    if isinstance(value, dict):
        return [z for k, v in value.items() for z in negative_zeros(v, f"{where}.{k}")]
    if isinstance(value, list | tuple):
        return [z for i, v in enumerate(value) for z in negative_zeros(v, f"{where}[{i}]")]
    return []


@st.composite
def dense_values(draw, max_players=5):
    n = draw(st.integers(1, max_players))
    values = draw(st.lists(worths, min_size=1 << n, max_size=1 << n))
    values[0] = draw(st.sampled_from([0.0, -0.0]))
    return n, values


def test_the_walk_finds_negative_zeros():
    found = negative_zeros({"a": [1.0, -0.0], "b": np.array([0.0, -0.0]), "c": Decimal("-0.00")})
    assert found == ["output.a[1]", "output.b[1]", "output.c"]


@given(game=dense_values(), kind=st.sampled_from(["profit", "cost"]))
@settings(max_examples=150, deadline=None)
def test_solving_with_every_concept_gives_no_negative_zero(game, kind):
    n, values = game
    players = tuple(f"P{i}" for i in range(n))
    explicit = ExplicitGame(players, values=values, kind=kind)
    report = solve(explicit, SolveOptions(solutions=SOLUTIONS))
    assert negative_zeros(report) == []
    proposal = np.full(n, -0.0)
    assert negative_zeros(check_allocation(explicit, proposal)) == []


@given(game=dense_values(), kind=st.sampled_from(["profit", "cost"]))
@settings(max_examples=60, deadline=None)
def test_sampled_solutions_and_their_errors_have_no_negative_zero(game, kind):
    n, values = game
    explicit = ExplicitGame(tuple(f"P{i}" for i in range(n)), values=values, kind=kind)
    options = SolveOptions(solutions=("shapley", "banzhaf"), method="sample", samples=8, seed=1)
    assert negative_zeros(solve(explicit, options)) == []


@given(
    game=dense_values()
    | st.integers(1, 5).flatmap(
        lambda n: st.lists(st.floats(-50, 50), min_size=1 << n, max_size=1 << n).map(
            lambda values: (n, [0.0, *values[1:]])
        )
    )
)
@settings(max_examples=200, deadline=None)
def test_the_nucleolus_never_falls_below_a_stand_alone_value(game):
    n, values = game
    singles = np.array([values[1 << i] for i in range(n)])
    if singles.sum() > values[-1]:
        return  # no imputation: the nucleolus is undefined
    x = nucleolus(values)
    assert np.all(x >= singles)
    assert negative_zeros(x) == []


def test_a_player_held_at_a_stand_alone_value_of_zero_gets_exactly_zero():
    # the module's doctest: C is held at v({C}) = 0, which least squares can undershoot
    x = nucleolus([0, 0, 0, 10, 0, 0, 0, 2])
    assert math.copysign(1, x[2]) == 1
    assert x[2] == 0
    assert negative_zeros(x.round(9)) == []


def solve_on_the_command_line(document, *options):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "game.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["game", "solve", str(path), "--json", *options]) == 0
    return out.getvalue()


@given(game=dense_values(max_players=4), kind=st.sampled_from(["profit", "cost"]))
@settings(max_examples=60, deadline=None)
def test_game_solve_json_has_no_negative_zero(game, kind):
    n, values = game
    document = {"players": [f"P{i}" for i in range(n)], "kind": kind, "values_by_mask": values}
    for options in (("--solution", ",".join(SOLUTIONS)), ("--method", "sample", "--samples", "8")):
        text = solve_on_the_command_line(document, *options)
        assert NEGATIVE_ZERO_TEXT.search(text) is None, text
        assert negative_zeros(json.loads(text)) == []


def test_a_game_of_negative_zeros_solves_to_plain_zeros():
    document = {"players": ["A", "B"], "values_by_mask": [-0.0, -0.0, -0.0, -0.0]}
    text = solve_on_the_command_line(document, "--solution", ",".join(SOLUTIONS))
    assert json.loads(text)["solutions"]["shapley"] == {"A": 0.0, "B": 0.0}
    assert NEGATIVE_ZERO_TEXT.search(text) is None


@given(seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_formations_splits_and_resilience_have_no_negative_zero(seed):
    network_doc, opportunity_doc = small_case(seed)
    network, opportunity = parse_network(network_doc), parse_opportunity(opportunity_doc)
    assert negative_zeros(form(network, opportunity)) == []
    assert negative_zeros(form_with_skill_sharing(network, opportunity)) == []
    assert negative_zeros(split(network, opportunity)) == []
    result = resilience(network, [opportunity])
    assert negative_zeros(result) == []
    assert negative_zeros(resilience_json(result)) == []
