"""Money in the command line's human output is written in the network's currency: `--currency`,
else `COOPNET_CURRENCY` (the web app's setting), else GBP; a code that is not ISO 4217 is bad
input named by where it came from. JSON keeps plain numbers."""

import json
from pathlib import Path

import pytest
from pool_cases import ACCOUNTS
from test_cli_split import NETWORK, OPPORTUNITY

from coopnet.cli import main


@pytest.fixture(autouse=True)
def _network_currency_unset(monkeypatch):
    monkeypatch.delenv("COOPNET_CURRENCY", raising=False)
    monkeypatch.delenv("COOPNET_LANGUAGE", raising=False)


@pytest.fixture
def files(tmp_path):
    net, opp = tmp_path / "network.json", tmp_path / "opportunity.json"
    net.write_text(json.dumps(NETWORK))
    opp.write_text(json.dumps(OPPORTUNITY))
    return ["--network", str(net), "--opportunity", str(opp)]


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def words(text):
    return " ".join(text.split())


def test_split_in_euros_by_option(capsys, files):
    code, out, _ = run(capsys, "split", *files, "--currency", "EUR")
    assert code == 0
    assert "Split of €20,000.00 (commission €1,000.00)" in out
    assert "Its payout of €8,250.00 is the cost of its own work, €2,100.00" in words(out)
    assert "£" not in out


def test_split_in_euros_by_the_network_setting(capsys, files, monkeypatch):
    monkeypatch.setenv("COOPNET_CURRENCY", "eur")  # the web app accepts lower case too
    code, out, _ = run(capsys, "split", *files)
    assert code == 0
    assert "€8,250.00" in out
    assert "£" not in out


def test_the_option_wins_over_the_setting(capsys, monkeypatch):
    monkeypatch.setenv("COOPNET_CURRENCY", "USD")
    code, out, _ = run(capsys, "pool", ACCOUNTS, "--currency", "EUR")
    assert code == 0
    assert "Cheapest: all 4 pool (€1,530.00)." in out
    assert "$" not in out


def test_the_language_setting_writes_money_as_the_network_does(capsys, monkeypatch):
    monkeypatch.setenv("COOPNET_CURRENCY", "EUR")
    monkeypatch.setenv("COOPNET_LANGUAGE", "fr")
    code, out, _ = run(capsys, "pool", ACCOUNTS)
    assert code == 0
    assert "Cheapest: all 4 pool (1\u202f530,00\xa0€)." in out


def test_form_writes_its_costs_in_the_currency(capsys, files):
    code, out, _ = run(capsys, "form", *files, "--alternatives", "--currency", "USD")
    assert code == 0
    assert "optimal: cost US$6,500.00" in out  # how en-gb writes dollars
    assert "Fewest organisations: 2 (a, c), cost US$7,100.00" in out


def test_the_engine_demo_in_euros_adds_up_to_the_cent(capsys):
    code, out, _ = run(capsys, "demo", "--engine", "--currency", "EUR")
    assert code == 0
    assert "worth €45,000" in out
    assert "€45,000.00, to the cent." in words(out)
    assert "£" not in out


def test_a_currency_without_cents_is_written_in_whole_units(capsys):
    code, out, _ = run(capsys, "demo", "--engine", "--currency", "JPY")
    assert code == 0
    assert "JP¥45,000, exactly." in words(out)


def test_json_money_stays_numbers_and_only_the_words_change(capsys, files):
    _, pounds, _ = run(capsys, "split", *files, "--json")
    _, euros, _ = run(capsys, "split", *files, "--json", "--currency", "EUR")
    pounds_doc, euros_doc = json.loads(pounds), json.loads(euros)
    pounds_text = {k: v.pop("text") for k, v in pounds_doc["explanations"].items()}
    euros_text = {k: v.pop("text") for k, v in euros_doc["explanations"].items()}
    pounds_top, euros_top = pounds_doc.pop("off_the_top"), euros_doc.pop("off_the_top")
    assert euros_doc == pounds_doc
    assert euros_text["a"] == pounds_text["a"].replace("£", "€")
    assert euros_top == pounds_top.replace("£", "€")


BAD_CODE = "{}: {!r} is not an ISO 4217 currency code (e.g. GBP, EUR, USD)\n"
COMMANDS = [
    ("split", "FILES"),
    ("split", "FILES", "--json"),
    ("form", "FILES"),
    ("pool", ACCOUNTS),
    ("demo", "--engine"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("code", ["XYZ", "pounds", ""])
def test_a_bad_option_exits_2_naming_it(capsys, files, command, code):
    args = [a for part in command for a in (files if part == "FILES" else [part])]
    status, out, err = run(capsys, *args, "--currency", code)
    assert status == 2
    assert out == ""
    assert err == "error: " + BAD_CODE.format("--currency", code)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_setting_exits_2_naming_it(capsys, files, monkeypatch, command):
    monkeypatch.setenv("COOPNET_CURRENCY", "£")
    args = [a for part in command for a in (files if part == "FILES" else [part])]
    status, out, err = run(capsys, *args)
    assert status == 2
    assert out == ""
    assert err == "error: " + BAD_CODE.format("COOPNET_CURRENCY", "£")


def test_a_game_is_not_money_and_ignores_the_setting(capsys, monkeypatch):
    monkeypatch.setenv("COOPNET_CURRENCY", "XYZ")
    examples = Path(__file__).resolve().parents[2] / "examples"
    code, out, _ = run(capsys, "game", "solve", examples / "three-partners.json")
    assert code == 0
    assert "core: non-empty" in out
