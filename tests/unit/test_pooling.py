"""Shared-service cost pooling: the cost game, exact allocations, fees to the cent, the CLI."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopnet.cli import main
from coopnet.engine.errors import BadInput
from coopnet.engine.pooling import (
    Service,
    cost_vector,
    group_sizes,
    in_cost_core,
    parse_pool,
    pool,
    pool_json,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "it-support-pool.json"


def doc(
    alone: list[Any],
    fixed: Any = 300,
    per_member: Any = 0,
    unit: Any = 600,
    per_unit: Any = 2,
) -> dict[str, Any]:
    return {
        "service": {
            "name": "IT",
            "fixed_cost": fixed,
            "per_member_cost": per_member,
            "unit_cost": unit,
            "members_per_unit": per_unit,
        },
        "members": [
            {"id": f"m{i}", "name": f"Member {i}", "alone_cost": a, "hours_alone": 10 + i}
            for i, a in enumerate(alone)
        ],
    }


def test_group_sizes_are_popcounts() -> None:
    sizes = group_sizes(6)
    assert sizes.tolist() == [bin(m).count("1") for m in range(64)]


def test_three_members_capacity_two_hand_computed() -> None:
    # c(1) = 300 + 600 = 900, c(2) = 900, c(3) = 300 + 2 * 600 = 1500.
    problem = parse_pool(doc([1000, 800, 400]))
    costs = cost_vector(problem.service, 3)
    assert costs.tolist() == [0, 900, 900, 900, 900, 900, 900, 1500]
    result = pool(problem)
    assert result.pooled_cost == Decimal("1500.00")
    shapley = result.solutions["shapley"]
    assert shapley is not None
    np.testing.assert_allclose(shapley, [500, 500, 500])
    # Any pair pays 1000 > 900: the core is empty, least-core epsilon 100.
    assert result.core_empty
    assert result.least_core_epsilon == pytest.approx(100)
    assert result.contains["shapley"] is False
    assert result.recommended == "nucleolus"
    assert result.fees == [Decimal("500.00")] * 3
    assert result.savings == [Decimal("500.00"), Decimal("300.00"), Decimal("-100.00")]
    assert result.gains == [True, True, False]
    proportional = result.solutions["proportional"]
    assert proportional is not None
    np.testing.assert_allclose(
        proportional, [1500 * 1000 / 2200, 1500 * 800 / 2200, 1500 * 400 / 2200]
    )


def test_non_empty_core_hand_computed() -> None:
    # c(1) = 910, c(2) = 920, c(3) = 930: Shapley 310 each, in the core.
    result = pool(parse_pool(doc([500, "500.00", 500], per_member=10, per_unit=3)))
    assert result.pooled_cost == Decimal("930.00")
    assert not result.core_empty
    assert result.contains["shapley"] is True
    assert result.recommended == "shapley"
    assert result.fees == [Decimal("310.00")] * 3
    assert all(result.gains)


def test_fees_sum_to_the_cent() -> None:
    result = pool(parse_pool(doc([100, 100, 100, 100, 100, 100, 100], fixed="100.01", unit=0)))
    assert sum(result.fees) == result.pooled_cost == Decimal("100.01")
    assert max(result.fees) - min(result.fees) == Decimal("0.01")


def test_twenty_members_exact() -> None:
    service = Service("IT", Decimal("1000"), Decimal("37.5"), Decimal("900"), 3)
    costs = cost_vector(service, 20)
    assert len(costs) == 1 << 20
    rng = np.random.default_rng(3)
    for mask in [0, 1, (1 << 20) - 1, *rng.integers(0, 1 << 20, size=20).tolist()]:
        size = bin(mask).count("1")
        direct = 0.0 if size == 0 else 1000 + 37.5 * size + 900 * math.ceil(size / 3)
        assert costs[mask] == direct
    result = pool(parse_pool(doc([2000] * 20, fixed=1000, per_member="37.5", unit=900, per_unit=3)))
    assert sum(result.fees) == result.pooled_cost == Decimal(str(1000 + 37.5 * 20 + 900 * 7))


services = st.fixed_dictionaries(
    {
        "fixed": st.integers(0, 5000),
        "per_member": st.integers(0, 500),
        "unit": st.integers(0, 3000),
        "per_unit": st.integers(1, 6),
        "alone": st.lists(st.integers(0, 5000), min_size=1, max_size=7),
    }
)


@settings(max_examples=40, deadline=None)
@given(services)
def test_allocations_efficient_and_stable(case: dict[str, Any]) -> None:
    alone = case.pop("alone")
    problem = parse_pool(doc(alone, **case))
    result = pool(problem)
    n = len(alone)
    costs = cost_vector(problem.service, n)
    total = float(result.pooled_cost)
    assert sum(result.fees) == result.pooled_cost
    for name, x in result.solutions.items():
        assert x is not None, name
        assert float(np.sum(x)) == pytest.approx(total, abs=1e-6)
    # The core of c is non-empty exactly when the equal split is in it (c depends on |S| only).
    assert result.core_empty == (not in_cost_core(costs, np.full(n, total / n)))
    if not result.core_empty:
        for name in ("shapley", "nucleolus"):
            x = result.solutions[name]
            assert x is not None
            assert in_cost_core(costs, x), name
        assert result.recommended == "shapley"


def test_json_document_keys() -> None:
    document = pool_json(pool(parse_pool(doc([1000, 800, 400]))))
    assert set(document) >= {
        "service",
        "pooled_cost",
        "members",
        "solutions",
        "core",
        "recommended",
    }
    assert set(document["members"]["m0"]) >= {"fee", "saving", "hours_recovered", "gains"}
    assert set(document["solutions"]) == {"shapley", "nucleolus", "equal", "proportional"}
    assert set(document["core"]) >= {"empty", "contains"}
    json.dumps(document, allow_nan=False)


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pool", str(EXAMPLE), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["service"] == "Shared IT support"
    fees = sum(Decimal(str(m["fee"])) for m in document["members"].values())
    assert fees == Decimal(str(document["pooled_cost"]))
    assert document["recommended"] in ("shapley", "nucleolus")


def test_cli_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(doc([1000, 800, 400])))
    assert main(["pool", str(path)]) == 0
    text = capsys.readouterr().out
    assert "pooled cost 1,500.00" in text
    assert "-100.00" in text
    assert "would" in text  # "would pay more than alone", wrapped by the table
    assert "note" in text
    assert "core: empty" in text


def test_cli_table_has_no_note_column_when_everyone_gains(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["pool", str(EXAMPLE)]) == 0
    text = capsys.readouterr().out
    assert "hours recovered" in text
    assert "note" not in text


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["members"].append(dict(d["members"][0])), "members[3].id"),
        (lambda d: d["service"].update(fixed_cost=-1), "service.fixed_cost"),
        (lambda d: d["service"].update(unit_cost="NaN"), "service.unit_cost"),
        (lambda d: d["service"].update(members_per_unit=0), "service.members_per_unit"),
        (lambda d: d["service"].update(members_per_unit=2.5), "service.members_per_unit"),
        (lambda d: d["members"][1].update(alone_cost="lots"), "members[1].alone_cost"),
        (lambda d: d["members"][2].update(hours_alone=-3), "members[2].hours_alone"),
        (lambda d: d["members"][0].pop("alone_cost"), "members[0].alone_cost"),
        (lambda d: d.update(members=[]), "members"),
        (lambda d: d.update(members=doc([1] * 21)["members"]), "members"),
        (lambda d: d.pop("service"), "pool.service"),
    ],
)
def test_cli_bad_input(
    mutate: Any, field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = doc([1000, 800, 400])
    mutate(document)
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(document))
    assert main(["pool", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert field in lines[0]


def test_non_finite_json_constant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(doc([1, 2])).replace('"fixed_cost": 300', '"fixed_cost": Infinity'))
    assert main(["pool", str(path)]) == 2
    assert "service.fixed_cost" in capsys.readouterr().err


def test_parse_errors_are_bad_input() -> None:
    with pytest.raises(BadInput, match="service"):
        parse_pool({"members": []})
