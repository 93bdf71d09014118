"""The `coopnet` command line against spec/interfaces.md §1 and §3."""

import json
from pathlib import Path

import pytest

from coopnet.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def solve_json(capsys, tmp_path, game, *options):
    path = tmp_path / "game.json"
    path.write_text(json.dumps(game))
    code, out, err = run(capsys, "game", "solve", path, "--json", *options)
    assert code == 0, err
    return json.loads(out)


def test_output_has_the_keys_of_the_spec(capsys):
    code, out, _ = run(capsys, "game", "solve", EXAMPLES / "three-partners.json", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["players"] == ["A", "B", "C"]
    assert doc["kind"] == "profit"
    assert doc["grand_value"] == 90
    assert set(doc["solutions"]) == {"shapley", "nucleolus"}
    assert doc["solutions"]["shapley"] == pytest.approx({"A": 115 / 3, "B": 85 / 3, "C": 70 / 3})
    assert doc["solutions"]["nucleolus"] == pytest.approx({"A": 40, "B": 30, "C": 20})
    assert doc["core"] == {
        "empty": False,
        "least_core_epsilon": pytest.approx(-20),
        "contains": {"shapley": True, "nucleolus": True},
    }
    assert doc["added_value"] == {"A": 60, "B": 50, "C": 40}
    assert "standard_error" not in doc


def test_json_mode_prints_only_json_on_stdout(capsys):
    _, out, _ = run(capsys, "game", "solve", EXAMPLES / "majority.json", "--json")
    json.loads(out)


def test_undefined_nucleolus_is_null_with_a_reason(capsys, tmp_path):
    game = {"players": ["A", "B"], "values_by_mask": [0, 5, 5, 8]}
    doc = solve_json(capsys, tmp_path, game)
    assert doc["solutions"]["nucleolus"] is None
    assert "imputation" in doc["undefined"]["nucleolus"]
    assert doc["solutions"]["shapley"] == {"A": 4, "B": 4}


def test_cost_game_gives_cost_shares_and_cost_core(capsys):
    _code, out, _ = run(
        capsys,
        "game",
        "solve",
        EXAMPLES / "airport.json",
        "--json",
        "--solution",
        "shapley,nucleolus,least_core",
    )
    doc = json.loads(out)
    assert doc["kind"] == "cost"
    assert doc["grand_value"] == 4
    assert doc["solutions"]["shapley"] == pytest.approx(
        {"cessna": 1 / 3, "learjet": 5 / 6, "boeing": 17 / 6}
    )
    assert doc["solutions"]["nucleolus"] == pytest.approx(
        {"cessna": 0.5, "learjet": 0.75, "boeing": 2.75}
    )
    assert doc["core"]["empty"] is False
    assert doc["core"]["contains"]["shapley"] is True


def test_sampled_shapley_reports_standard_errors_and_is_seeded(capsys, tmp_path):
    game = json.loads((EXAMPLES / "talmud-200.json").read_text())
    options = ("--method", "sample", "--samples", "4000", "--seed", "7", "--solution", "shapley")
    first = solve_json(capsys, tmp_path, game, *options)
    again = solve_json(capsys, tmp_path, game, *options)
    assert first == again
    exact = solve_json(capsys, tmp_path, game, "--solution", "shapley")["solutions"]["shapley"]
    for player, estimate in first["solutions"]["shapley"].items():
        error = first["standard_error"]["shapley"][player]
        assert 0 < error < 5
        assert abs(estimate - exact[player]) <= 5 * error


def test_voting_game_of_a_hundred_players_is_exact(capsys, tmp_path):
    players = [f"p{i}" for i in range(100)]
    weights = {p: 1 + i % 7 for i, p in enumerate(players)}
    game = {"players": players, "weighted_voting": {"quota": 201, "weights": weights}}
    doc = solve_json(capsys, tmp_path, game, "--solution", "shapley")
    shares = doc["solutions"]["shapley"]
    assert sum(shares.values()) == pytest.approx(1)
    assert shares["p0"] == pytest.approx(shares["p7"])
    assert shares["p6"] > shares["p5"] > shares["p0"]
    assert doc["core"]["empty"] is True


def test_default_solutions_on_a_huge_game_give_null_nucleolus_with_reason(capsys, tmp_path):
    players = [f"p{i}" for i in range(40)]
    game = {
        "players": players,
        "weighted_voting": {"quota": 21, "weights": dict.fromkeys(players, 1)},
    }
    doc = solve_json(capsys, tmp_path, game)
    assert doc["solutions"]["shapley"]["p3"] == pytest.approx(1 / 40)
    assert doc["solutions"]["nucleolus"] is None
    assert "exact only" in doc["undefined"]["nucleolus"]


def test_allocation_check_names_the_objecting_coalition(capsys):
    _code, out, _ = run(
        capsys,
        "game",
        "solve",
        EXAMPLES / "three-partners.json",
        "--json",
        "--allocation",
        EXAMPLES / "three-partners-allocation.json",
    )
    check = json.loads(out)["allocation_check"]
    assert check["in_core"] is False
    assert check["objections"][0] == {
        "coalition": ["A", "C"],
        "could_earn": 40,
        "allocated": 30,
        "by": 10,
    }


def test_a_readable_table_without_json(capsys):
    code, out, _ = run(capsys, "game", "solve", EXAMPLES / "un-security-council.json")
    assert code == 0
    assert "China" in out
    assert "0.1963" in out
    assert "core: non-empty" in out


BAD_GAMES = [
    ("not json", "not valid JSON"),
    ('{"players": []}', "players"),
    ('{"players": ["A", "A"], "values": []}', "listed twice"),
    ('{"players": ["A"], "values": [{"coalition": ["B"], "value": 1}]}', "'B' is not one of"),
    (
        '{"players": ["A", "B"], "values": [{"coalition": ["A"], "value": 1},'
        ' {"coalition": ["A"], "value": 2}]}',
        "values[1].coalition",
    ),
    ('{"players": ["A"], "values": [{"coalition": ["A"], "value": NaN}]}', "values[0].value"),
    ('{"players": ["A"], "values": [{"coalition": ["A"], "value": "Infinity"}]}', "finite"),
    ('{"players": ["A"], "values": [{"coalition": ["A"], "value": "x"}]}', "not a number"),
    ('{"players": ["A"]}', "exactly one of"),
    ('{"players": ["A", "B"], "values_by_mask": [0, 1, 2]}', "2^2 = 4"),
    ('{"players": ["A"], "weighted_voting": {"quota": 1, "weights": {"A": -1}}}', "weights.A"),
    ('{"players": ["A"], "bankruptcy": {"estate": -1, "claims": {"A": 1}}}', "estate"),
    ('{"players": ["A", "B"], "airport": {"costs": {"A": 1}}}', "no entry for player 'B'"),
    ('{"players": ["A"], "kind": "loss", "values": []}', "kind"),
    ('{"players": ["A"], "players": ["B"], "values": []}', "appears twice"),
]


@pytest.mark.parametrize(("text", "message"), BAD_GAMES)
def test_bad_input_exits_2_with_one_error_line(capsys, tmp_path, text, message):
    path = tmp_path / "game.json"
    path.write_text(text)
    code, out, err = run(capsys, "game", "solve", path, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


def test_exact_enumeration_beyond_the_limit_is_refused_with_a_hint(capsys, tmp_path):
    players = [f"p{i}" for i in range(30)]
    path = tmp_path / "big.json"
    path.write_text(
        json.dumps(
            {"players": players, "bankruptcy": {"estate": 10, "claims": dict.fromkeys(players, 1)}}
        )
    )
    code, _, err = run(capsys, "game", "solve", path, "--json", "--solution", "shapley")
    assert code == 2
    assert "use --method sample" in err


@pytest.mark.parametrize(
    "args",
    [
        ("game", "solve", "/no/such/file.json"),
        ("game", "solve", "EXAMPLE", "--solution", "bogus"),
        ("game", "solve", "EXAMPLE", "--method", "bogus"),
        ("game", "solve", "EXAMPLE", "--method", "sample", "--samples", "1"),
        ("game", "solve", "EXAMPLE", "--bogus-option"),
    ],
)
def test_bad_command_lines_exit_2_with_one_error_line(capsys, args):
    args = [str(EXAMPLES / "majority.json") if a == "EXAMPLE" else a for a in args]
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_demo_shows_a_split_that_adds_up_to_the_penny(capsys):
    code, out, _ = run(capsys, "demo", "--engine")
    assert code == 0
    assert "Outlier Co-op" in out
    assert "£45,000.00, to the penny" in out


def test_an_estate_beyond_the_claims_is_bad_input(capsys, tmp_path):
    path = tmp_path / "game.json"
    path.write_text(
        json.dumps(
            {"players": ["A", "B"], "bankruptcy": {"estate": 700, "claims": {"A": 100, "B": 200}}}
        )
    )
    code, _, err = run(capsys, "game", "solve", path, "--json")
    assert code == 2
    assert "bankruptcy.estate: 700 exceeds the claims' total 300" in err


@pytest.mark.parametrize(("entry", "message"), [("1" * 400, "too large"), ("1e999", "finite")])
def test_values_by_mask_out_of_float_range_names_the_entry(capsys, tmp_path, entry, message):
    path = tmp_path / "game.json"
    path.write_text('{"players": ["A"], "values_by_mask": [0, ' + entry + "]}")
    code, _, err = run(capsys, "game", "solve", path, "--json")
    assert code == 2
    assert "values_by_mask[1]" in err
    assert message in err
