"""The pooling document (docs/pooling-format.md): every bad field refused with its own one-line
message naming the field, and the defaults and edge values that are accepted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pool_cases import doc

from coopnet.engine.errors import BadInput, TooLarge
from coopnet.engine.pooling import MAX_POOL_MEMBERS, Member, Service, parse_pool, parse_service


def refused(document: Any, message: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_pool(document)
    assert str(raised.value) == message


# -- the service ----------------------------------------------------------------------------


def test_a_service_with_only_its_fixed_cost_takes_the_defaults() -> None:
    # name "service", no per-member or unit cost, one member to a unit
    assert parse_service({"fixed_cost": 150}) == Service(
        "service", Decimal(150), Decimal(0), Decimal(0), 1
    )


def test_a_service_keeps_its_fields_exactly() -> None:
    service = parse_service(
        {
            "name": "Accounts",
            "fixed_cost": "150.10",
            "per_member_cost": Decimal("120.5"),
            "unit_cost": 900,
            "members_per_unit": "6",
        }
    )
    assert service == Service("Accounts", Decimal("150.10"), Decimal("120.5"), Decimal(900), 6)


@pytest.mark.parametrize("units", [1, "1", Decimal("3.0"), 3.0, "20"])
def test_members_per_unit_accepts_whole_numbers_of_at_least_one(units: Any) -> None:
    assert parse_service({"fixed_cost": 0, "members_per_unit": units}).members_per_unit == int(
        Decimal(str(units))
    )


def test_zero_costs_are_accepted() -> None:
    service = parse_service(
        {"fixed_cost": 0, "per_member_cost": "0.00", "unit_cost": 0.0, "members_per_unit": 1}
    )
    assert (service.fixed_cost, service.per_member_cost, service.unit_cost) == (0, 0, 0)
    assert service.cost(3) == 0


@pytest.mark.parametrize(
    ("service", "message"),
    [
        ([1, 2], "service: expected an object"),
        ("IT", "service: expected an object"),
        ({"name": "IT"}, "service.fixed_cost: missing"),
        ({"fixed_cost": 1, "name": ""}, "service.name: expected a non-empty string"),
        ({"fixed_cost": 1, "name": "   "}, "service.name: expected a non-empty string"),
        ({"fixed_cost": 1, "name": 5}, "service.name: expected a non-empty string"),
        ({"fixed_cost": 1, "name": None}, "service.name: expected a non-empty string"),
        ({"fixed_cost": -1}, "service.fixed_cost: -1 is below the minimum of 0"),
        ({"fixed_cost": "-0.01"}, "service.fixed_cost: -0.01 is below the minimum of 0"),
        ({"fixed_cost": "NaN"}, "service.fixed_cost: 'NaN' is not a finite number"),
        ({"fixed_cost": None}, "service.fixed_cost: None is not a number"),
        ({"fixed_cost": True}, "service.fixed_cost: True is not a number"),
        (
            {"fixed_cost": "1e3"},
            "service.fixed_cost: '1e3' is not written plainly (digits 0-9, at most one point)",
        ),
        (
            {"fixed_cost": Decimal("1e999")},
            "service.fixed_cost: 1E+999 is too large (at most 1e+15 in size)",
        ),
        (
            {"fixed_cost": 1, "per_member_cost": -5},
            "service.per_member_cost: -5 is below the minimum of 0",
        ),
        (
            {"fixed_cost": 1, "per_member_cost": "ten"},
            "service.per_member_cost: 'ten' is not a number",
        ),
        (
            {"fixed_cost": 1, "per_member_cost": None},
            "service.per_member_cost: None is not a number",
        ),
        (
            {"fixed_cost": 1, "unit_cost": "-900"},
            "service.unit_cost: -900 is below the minimum of 0",
        ),
        ({"fixed_cost": 1, "unit_cost": None}, "service.unit_cost: None is not a number"),
        (
            {"fixed_cost": 1, "unit_cost": "Infinity"},
            "service.unit_cost: 'Infinity' is not a finite number",
        ),
    ],
)
def test_a_bad_service_field_is_named(service: Any, message: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_service(service)
    assert str(raised.value) == message
    refused({"service": service, "members": [{"id": "a", "alone_cost": 1}]}, message)


@pytest.mark.parametrize(
    ("units", "message"),
    [
        (0, "0 is not an integer of at least 1"),
        (-2, "-2 is not an integer of at least 1"),
        (2.5, "2.5 is not an integer of at least 1"),
        ("2.5", "2.5 is not an integer of at least 1"),
        (Decimal("0.999"), "0.999 is not an integer of at least 1"),
        (True, "True is not an integer of at least 1"),
        (None, "None is not an integer of at least 1"),
        ([1], "[1] is not an integer of at least 1"),
        ("two", "'two' is not a number"),
        ("1e999", "'1e999' is not written plainly (digits 0-9, at most one point)"),
        (Decimal("1e999"), "1E+999 is too large (at most 1e+15 in size)"),
        ("NaN", "'NaN' is not a finite number"),
    ],
)
def test_members_per_unit_is_a_whole_number_of_at_least_one(units: Any, message: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_service({"fixed_cost": 1, "members_per_unit": units})
    assert str(raised.value) == f"service.members_per_unit: {message}"


# -- the document and its members -----------------------------------------------------------


def test_a_member_with_only_an_id_and_going_alone_cost_takes_the_defaults() -> None:
    problem = parse_pool({"service": {"fixed_cost": 10}, "members": [{"id": "a", "alone_cost": 7}]})
    assert problem.service == Service("service", Decimal(10), Decimal(0), Decimal(0), 1)
    # name: the id; hours_alone: 0
    assert problem.members == (Member("a", "a", Decimal(7), Decimal(0)),)
    assert problem.ids == ("a",)


def test_members_keep_their_order_names_and_exact_amounts() -> None:
    problem = parse_pool(doc(["520.00", 0, "0.01"]))
    assert problem.members == (
        Member("m0", "Member 0", Decimal("520.00"), Decimal(10)),
        Member("m1", "Member 1", Decimal(0), Decimal(11)),
        Member("m2", "Member 2", Decimal("0.01"), Decimal(12)),
    )
    assert problem.ids == ("m0", "m1", "m2")


def test_twenty_members_are_accepted_and_twenty_one_refused() -> None:
    assert MAX_POOL_MEMBERS == 20
    assert len(parse_pool(doc([1] * 20)).members) == 20
    with pytest.raises(TooLarge) as raised:
        parse_pool(doc([1] * 21))
    assert str(raised.value) == (
        "members: 21 members; exact allocation enumerates 2^n groups and is limited to 20 members"
    )


def member_doc(*entries: Any) -> dict[str, Any]:
    return {"service": {"fixed_cost": 100}, "members": list(entries)}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "pool: expected an object"),
        ("pool", "pool: expected an object"),
        ({"members": []}, "pool.service: missing"),
        ({"service": {"fixed_cost": 1}}, "pool.members: missing"),
        ({"service": None, "members": []}, "service: expected an object"),
        ({"service": {"fixed_cost": 1}, "members": {"a": 1}}, "members: expected a list"),
        ({"service": {"fixed_cost": 1}, "members": "a"}, "members: expected a list"),
        ({"service": {"fixed_cost": 1}, "members": []}, "members: at least one member is needed"),
        (member_doc("a"), "members[0]: expected an object"),
        (member_doc({"id": "a", "alone_cost": 1}, 7), "members[1]: expected an object"),
        (member_doc({"alone_cost": 1}), "members[0].id: missing"),
        (member_doc({"id": "", "alone_cost": 1}), "members[0].id: expected a non-empty string"),
        (member_doc({"id": 3, "alone_cost": 1}), "members[0].id: expected a non-empty string"),
        (
            member_doc({"id": "a", "alone_cost": 1}, {"id": "a", "alone_cost": 2}),
            "members[1].id: 'a' appears twice",
        ),
        (
            member_doc({"id": "a", "alone_cost": 1, "name": " "}),
            "members[0].name: expected a non-empty string",
        ),
        (
            member_doc({"id": "a", "alone_cost": 1, "name": None}),
            "members[0].name: expected a non-empty string",
        ),
        (member_doc({"id": "a"}), "members[0].alone_cost: missing"),
        (
            member_doc({"id": "a", "alone_cost": 1}, {"id": "b", "alone_cost": "-1"}),
            "members[1].alone_cost: -1 is below the minimum of 0",
        ),
        (
            member_doc({"id": "a", "alone_cost": "lots"}),
            "members[0].alone_cost: 'lots' is not a number",
        ),
        (
            member_doc({"id": "a", "alone_cost": 1, "hours_alone": -3}),
            "members[0].hours_alone: -3 is below the minimum of 0",
        ),
        (
            member_doc({"id": "a", "alone_cost": 1, "hours_alone": None}),
            "members[0].hours_alone: None is not a number",
        ),
    ],
)
def test_a_bad_document_field_is_named(document: Any, message: str) -> None:
    refused(document, message)
