"""The command line's bad input: whatever the file or the option, exit 2 with one `error:` line
naming what is wrong, never exit 1 (a bug) and never a traceback. Through the real CLI."""

import json
import subprocess
import sys

import pytest
from test_cli_consortium import NETWORK, OPPORTUNITY

from coopnet.cli import main
from coopnet.engine.formats import MAX_MAGNITUDE

GAME = {"players": ["A", "B"], "values_by_mask": [0, 1, 1, 3]}


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_refused(result, *named):
    code, out, err = result
    assert code == 2, err
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1, err
    for text in named:
        assert text in err


@pytest.fixture
def files(tmp_path):
    """A good game, network and opportunity file, by name."""
    paths = {}
    for name, doc in (("game", GAME), ("network", NETWORK), ("opportunity", OPPORTUNITY)):
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(doc))
    return paths


def test_deeply_nested_json_is_bad_input_not_a_crash(capsys, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert_refused(run(capsys, "game", "solve", path), "nested too deeply")


def test_an_integer_too_long_to_read_is_bad_input(capsys, tmp_path):
    path = tmp_path / "long.json"
    path.write_text('{"players": ["A"], "values_by_mask": [0, ' + "9" * 5000 + "]}")
    assert_refused(run(capsys, "game", "solve", path), "long.json")


@pytest.mark.parametrize(
    ("game", "field"),
    [
        ({"players": ["A", "B"], "values_by_mask": [0, 1e300, 1, 1e300]}, "values_by_mask[1]"),
        ({"players": ["A"], "values": [{"coalition": ["A"], "value": 1e300}]}, "values[0].value"),
        (
            {
                "players": ["A", "B"],
                "weighted_voting": {"quota": 1e300, "weights": {"A": 1, "B": 1}},
            },
            "weighted_voting.quota",
        ),
        (
            {
                "players": ["A", "B"],
                "weighted_voting": {"quota": 2, "weights": {"A": 1e300, "B": 1}},
            },
            "weighted_voting.weights.A",
        ),
        (
            {
                "players": ["A", "B"],
                "weighted_voting": {"quota": 2, "weights": {"A": 9e14, "B": 1e-9}},
            },
            "weighted_voting",
        ),
        (
            {"players": ["A", "B"], "bankruptcy": {"estate": 1, "claims": {"A": 1e300, "B": 1}}},
            "bankruptcy.claims.A",
        ),
        ({"players": ["A"], "airport": {"costs": {"A": -1e300}}}, "airport.costs.A"),
    ],
)
def test_huge_numbers_in_a_game_are_bad_input(capsys, tmp_path, game, field):
    path = tmp_path / "game.json"
    path.write_text(json.dumps(game))
    assert_refused(run(capsys, "game", "solve", path), field)


def test_the_largest_allowed_value_is_solved(capsys, tmp_path):
    path = tmp_path / "game.json"
    path.write_text(json.dumps({"players": ["A"], "values_by_mask": [0, MAX_MAGNITUDE]}))
    code, _, err = run(capsys, "game", "solve", path, "--json")
    assert code == 0, err


@pytest.mark.parametrize(
    ("field", "value"),
    [("hours", 1e300), ("cost_rate", 1e300), ("cost_rate", "1e3"), ("hours", "١٢٣")],
)
def test_huge_or_unplain_numbers_in_a_network_are_bad_input(capsys, files, field, value):
    network = json.loads(json.dumps(NETWORK))
    network["people"][0][field] = value
    files["network"].write_text(json.dumps(network))
    result = run(
        capsys, "form", "--network", files["network"], "--opportunity", files["opportunity"]
    )
    assert_refused(result, f"people[0].{field}")


def test_a_huge_opportunity_value_is_bad_input(capsys, files):
    files["opportunity"].write_text(json.dumps({**OPPORTUNITY, "value": 1e300}))
    result = run(
        capsys, "split", "--network", files["network"], "--opportunity", files["opportunity"]
    )
    assert_refused(result, "value")


BAD_SECONDS = ["-1", "0", "nan", "NaN", "inf", "-inf"]


@pytest.mark.parametrize("command", ["form", "split"])
@pytest.mark.parametrize("seconds", BAD_SECONDS)
def test_a_time_limit_must_be_a_finite_positive_number(capsys, files, command, seconds):
    args = [command, "--network", files["network"], "--opportunity", files["opportunity"]]
    assert_refused(run(capsys, *args, "--time-limit", seconds), "--time-limit")


@pytest.mark.parametrize("samples", ["-5", "0", "3", "nan", "1e3"])
def test_samples_are_a_whole_number_of_at_least_four(capsys, files, samples):
    game = ["game", "solve", files["game"], "--method", "sample", "--samples", samples]
    assert_refused(run(capsys, *game), "--samples")
    split = ["split", "--network", files["network"], "--opportunity", files["opportunity"]]
    assert_refused(run(capsys, *split, "--samples", samples), "--samples")


@pytest.mark.parametrize("hours", BAD_SECONDS)
def test_session_hours_must_be_a_finite_positive_number(capsys, files, hours):
    result = run(capsys, "resilience", "--network", files["network"], "--session-hours", hours)
    assert_refused(result, "--session-hours")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--people", "0"),
        ("--people", "-3"),
        ("--organisations", "0"),
        ("--skills", "0"),
        ("--requirements", "0"),
        ("--opportunities", "-1"),
        ("--seed", "-1"),
    ],
)
def test_generate_refuses_counts_below_their_least(capsys, tmp_path, option, value):
    result = run(capsys, "generate", "network", "-o", tmp_path / "n.json", option, value)
    assert_refused(result, option)
    assert not (tmp_path / "n.json").exists()


@pytest.mark.parametrize("seed", ["-1", "nan"])
def test_a_seed_is_a_whole_number_of_at_least_zero(capsys, files, seed):
    assert_refused(run(capsys, "game", "solve", files["game"], "--seed", seed), "--seed")


@pytest.mark.parametrize(
    ("option", "value"), [("--port", "0"), ("--port", "70000"), ("--workers", "0")]
)
def test_serve_refuses_a_bad_port_or_worker_count(capsys, option, value):
    assert_refused(run(capsys, "serve", option, value), option)


def test_the_installed_command_exits_2_on_a_deep_file(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    done = subprocess.run(
        [sys.executable, "-m", "coopnet.cli", "game", "solve", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: ")
