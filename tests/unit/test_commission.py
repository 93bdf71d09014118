"""The commission policy and the finder's fee (spec §4): amounts worked by hand, the clamps, the
split that shares what is left, and each bad field refused in one line."""

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from network_cases import small_case
from test_cli_split import NETWORK, OPPORTUNITY

from coopnet.cli import main
from coopnet.engine.errors import BadInput
from coopnet.engine.fairshare import split
from coopnet.engine.formats import parse_commission, parse_finder, parse_network, parse_opportunity
from coopnet.engine.network import (
    CommissionPolicy,
    FinderFee,
    Opportunity,
    commission_amount,
    finder_amount,
)

D = Decimal
POLICY = CommissionPolicy(D("0.05"), D(250), D(500), D(5000))


def test_policy_is_rate_times_value_plus_flat_within_its_bounds():
    assert POLICY.amount(D(45000)) == D("2500.00")  # 2,250 + 250


def test_policy_minimum_lifts_a_small_commission():
    assert POLICY.amount(D(4000)) == D("500.00")  # 200 + 250 = 450, below the minimum


def test_policy_maximum_caps_a_large_commission():
    assert POLICY.amount(D(200000)) == D("5000.00")  # 10,000 + 250, above the maximum


def test_commission_never_exceeds_the_value():
    assert POLICY.amount(D(300)) == D("300.00")  # the minimum of 500 is more than the value


def test_commission_rounds_half_even_to_the_cent():
    assert CommissionPolicy(D("0.05")).amount(D("0.50")) == D("0.02")  # 0.025
    assert CommissionPolicy(D("0.05")).amount(D("0.70")) == D("0.04")  # 0.035


def test_a_plain_rate_means_what_it_always_meant():
    assert commission_amount(D(45000), D("0.05")) == D("2250.00")
    assert commission_amount(D(45000), CommissionPolicy(D("0.05"))) == D("2250.00")


def test_finder_rate_and_flat():
    assert finder_amount(D(45000), FinderFee("o7", rate=D("0.02")), D(2500)) == D("900.00")
    assert finder_amount(D(45000), FinderFee("o7", flat=D("750")), D(2500)) == D("750.00")
    assert finder_amount(D(45000), None, D(2500)) == D("0.00")


def test_finder_gets_at_most_what_the_commission_leaves():
    opportunity = Opportunity("x", D(1000), (), None, CommissionPolicy(D("0.5")), None)
    fee = FinderFee("o7", flat=D(800))
    assert finder_amount(opportunity.value, fee, opportunity.commission_amount) == D("500.00")


def test_distributable_is_the_value_less_both_fees():
    opportunity = Opportunity("x", D(45000), (), None, POLICY, FinderFee("o7", rate=D("0.02")))
    assert opportunity.commission_amount == D("2500.00")
    assert opportunity.finder_amount == D("900.00")
    assert opportunity.distributable == opportunity.value_after_commission == D("41600.00")


money = st.decimals(min_value=0, max_value=5000, places=2)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    value_cents=st.integers(0, 10**6),
    rate=st.decimals(min_value=0, max_value="0.99", places=3),
    flat=money,
    bounds=st.tuples(st.none() | money, st.none() | money).map(
        lambda b: b if None in b else tuple(sorted(b))
    ),
    finder=st.none() | st.decimals(min_value=0, max_value="0.99", places=3) | money,
    flat_finder=st.booleans(),
)
def test_payouts_commission_and_finder_add_up_to_the_value(
    seed, value_cents, rate, flat, bounds, finder, flat_finder
):
    network, opportunity = small_case(seed, max_people=6)
    value = D(value_cents) / 100
    opportunity["value"] = str(value)
    opportunity["commission"] = {"rate": str(rate), "flat": str(flat)}
    opportunity["commission"].update(
        {k: str(b) for k, b in zip(("min", "max"), bounds, strict=True) if b is not None}
    )
    if finder is not None:
        kind = "flat" if flat_finder or finder >= 1 else "rate"
        opportunity["finder"] = {"organisation": "o0", kind: str(finder)}
    parsed = parse_opportunity(opportunity)
    assert D(0) <= parsed.distributable <= value
    result = split(parse_network(network), parsed)
    taken = result.commission_amount + result.finder_amount
    assert taken + parsed.distributable == value
    if result.status in ("optimal", "feasible"):
        assert sum(result.payouts.values()) + taken == value


def test_parse_keeps_a_plain_rate_a_rate():
    assert parse_commission(0.05) == D("0.05")
    assert parse_commission({"rate": "0.05", "flat": 250, "min": 500, "max": 5000}) == POLICY
    assert parse_commission({}) == CommissionPolicy()


BAD_COMMISSION = [
    ({"rate": -0.01}, "commission.rate: -0.01 is below the minimum of 0"),
    ({"rate": 1}, "commission.rate: 1 is not a fraction below 1"),
    ({"rate": "NaN"}, "commission.rate"),
    ({"flat": -5}, "commission.flat: -5 is below the minimum of 0"),
    ({"flat": "lots"}, "commission.flat: 'lots' is not a number"),
    ({"min": -1}, "commission.min: -1 is below the minimum of 0"),
    ({"max": True}, "commission.max: True is not a number"),
    ({"min": 600, "max": 500}, "commission.min: 600 is above commission.max (500)"),
    ({"cap": 5}, "commission.cap: not a field (expected rate, flat, min, max)"),
    (1.5, "commission: 1.5 is not a fraction below 1"),
]


@pytest.mark.parametrize(("commission", "message"), BAD_COMMISSION)
def test_bad_commission_names_the_field(commission, message):
    with pytest.raises(BadInput) as error:
        parse_commission(commission)
    assert message in str(error.value)


BAD_FINDER = [
    ([], "finder: expected an object"),
    ({"rate": 0.02}, "finder.organisation: expected a non-empty string id"),
    ({"organisation": "o9", "rate": 0.02}, "finder.organisation: 'o9' is not one of the"),
    ({"organisation": "a"}, "finder: give exactly one of rate, flat"),
    ({"organisation": "a", "rate": 0.02, "flat": 10}, "finder: give exactly one of rate, flat"),
    ({"organisation": "a", "rate": 1.2}, "finder.rate: 1.2 is not a fraction below 1"),
    ({"organisation": "a", "rate": -0.1}, "finder.rate: -0.1 is below the minimum of 0"),
    ({"organisation": "a", "flat": -10}, "finder.flat: -10 is below the minimum of 0"),
    ({"organisation": "a", "fee": 10}, "finder.fee: not a field"),
]


@pytest.mark.parametrize(("finder", "message"), BAD_FINDER)
def test_bad_finder_names_the_field(finder, message):
    with pytest.raises(BadInput) as error:
        parse_finder(finder, {"a", "b"})
    assert message in str(error.value)


def test_finder_unchecked_without_a_network():
    assert parse_finder({"organisation": "o9", "flat": 10}) == FinderFee("o9", flat=D(10))


# The split of test_cli_split with a policy and a finder who is not a partner (Dell brought the
# client and has nobody on the job). Commission 5% of 20,000 + 250 = 1,250 (within 500..5,000);
# finder 2% = 400; the partners share 20,000 - 1,250 - 400 = 18,350.
#   v(ABC) = 18,350 - 6,500 = 11,850;  v(AC) = 18,350 - 7,100 = 11,250; every other v = 0.
#   Shapley: B 600 x 2/6 = 200; A = C = (11,250 + 2 x 11,850) / 6 = 5,825.
#   Payouts: A 2,100 + 5,825 = 7,925; B 2,400 + 200 = 2,600; C 2,000 + 5,825 = 7,825;
#   7,925 + 2,600 + 7,825 + 1,250 + 400 = 20,000.
FINDER_NETWORK = {
    **NETWORK,
    "organisations": [*NETWORK["organisations"], {"id": "d", "name": "Dell Partners"}],
}
POLICY_OPPORTUNITY = {
    **OPPORTUNITY,
    "commission": {"rate": 0.05, "flat": 250, "min": 500, "max": 5000},
    "finder": {"organisation": "d", "rate": 0.02},
}


@pytest.fixture(autouse=True)
def _network_currency_unset(monkeypatch):
    monkeypatch.delenv("COOPNET_CURRENCY", raising=False)
    monkeypatch.delenv("COOPNET_LANGUAGE", raising=False)


def run_split(capsys, tmp_path, network, opportunity, *extra):
    net, opp = tmp_path / "network.json", tmp_path / "opportunity.json"
    net.write_text(json.dumps(network))
    opp.write_text(json.dumps(opportunity))
    code = main(["split", "--network", str(net), "--opportunity", str(opp), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_split_json_pays_the_finder_off_the_top(capsys, tmp_path):
    code, out, _ = run_split(capsys, tmp_path, FINDER_NETWORK, POLICY_OPPORTUNITY, "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["commission_amount"] == 1250
    assert doc["finder"] == "d"
    assert doc["finder_amount"] == 400
    assert doc["organisations"] == ["a", "b", "c"]
    assert doc["payouts"] == {"a": 7925, "b": 2600, "c": 7825}
    assert doc["off_the_top"] == (
        "Taken off the top of £20,000.00: the network's commission, £1,250.00, and a finder's "
        "fee of £400.00 to Dell Partners, which brought the client; the partners share "
        "£18,350.00."
    )


def test_split_json_without_a_finder_has_no_finder_amount(capsys, tmp_path):
    _, out, _ = run_split(capsys, tmp_path, NETWORK, OPPORTUNITY, "--json")
    doc = json.loads(out)
    assert "finder_amount" not in doc
    assert "finder" not in doc
    assert doc["off_the_top"] == (
        "Taken off the top of £20,000.00: the network's commission, £1,000.00; the partners "
        "share £19,000.00."
    )


def test_split_table_says_what_was_taken_off_the_top(capsys, tmp_path):
    _, out, _ = run_split(capsys, tmp_path, FINDER_NETWORK, POLICY_OPPORTUNITY)
    text = " ".join(out.split())
    assert "Split of £20,000.00 (commission £1,250.00, finder's fee £400.00)" in text
    assert "a finder's fee of £400.00 to Dell Partners, which brought the client" in text
    assert "the partners share £18,350.00." in text


def test_split_with_a_finder_outside_the_network_exits_2(capsys, tmp_path):
    bad = {**POLICY_OPPORTUNITY, "finder": {"organisation": "zz", "rate": 0.02}}
    code, out, err = run_split(capsys, tmp_path, NETWORK, bad, "--json")
    assert (code, out) == (2, "")
    assert err == "error: finder.organisation: 'zz' is not one of the organisations\n"
