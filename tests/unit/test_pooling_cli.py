"""`coopnet pool`: the known fees on a file, who is better off alone in the table, never an
empty core called stable, one error line naming the field for bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pool_cases import ACCOUNTS, EXAMPLE, doc

from coopnet.cli import main


def test_cli_json_gives_the_known_fees(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pool", str(ACCOUNTS), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    fees = {k: m["fee"] for k, m in document["members"].items()}
    assert fees == {"ash": 380.0, "brook": 460.0, "parker": 263.33, "dune": 426.67}
    assert document["pooled_cost"] == document["cheapest_cost"] == 1530.0
    assert document["optimal_pool"] == ["ash", "brook", "parker", "dune"]
    assert document["better_alone"] == []
    assert document["recommended"] == "shapley"
    assert document["stable"] is True
    assert document["members"]["parker"]["saving"] == 81.67


def test_cli_json_on_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pool", str(EXAMPLE), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["service"] == "Shared IT support"
    fees = sum(Decimal(str(m["fee"])) for m in document["members"].values())
    assert fees == Decimal(str(document["pooled_cost"])) == Decimal("4150")
    # three to a specialist: any three pool for 2,275, so the Shapley shares over-charge some
    assert document["recommended"] == "nucleolus"
    assert document["stable"] is True
    for member in document["members"].values():
        assert member["fee"] <= member["alone_cost"]


def test_cli_table_says_who_is_better_off_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(doc([1000, 800, 400])))
    assert main(["pool", str(path)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "pooled cost £900.00" in text
    assert "better off alone: joining adds £600.00" in text.replace("│ ", "").replace(" │", "")
    assert "Cheapest: 2 of 3 pool (£900.00)" in text
    assert "£1,300.00 in all against £1,500.00 if everyone pooled" in text
    assert "Stable: the shapley fees are in the core" in text
    assert "core: non-empty" in text


def test_cli_table_never_calls_an_empty_core_stable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(doc([900, 900, 600], fixed=0, unit=1000)))
    assert main(["pool", str(path)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Not stable: no split is in the core" in text
    assert "Stable:" not in text
    assert "core: empty" in text


def test_cli_table_has_no_note_column_when_everyone_pools(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["pool", str(ACCOUNTS)]) == 0
    text = capsys.readouterr().out
    assert "263.33" in text
    assert "note" not in text
    assert "Cheapest: all 4 pool (£1,530.00)." in text


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
