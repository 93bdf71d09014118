"""A pooled service, its candidate members, and the pooling document they are read from
(docs/pooling-format.md); bad input raises BadInput naming the field."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from coopnet.engine.errors import BadInput, TooLarge
from coopnet.engine.formats import number
from coopnet.engine.money import to_decimal

#: Exact allocation enumerates 2^n groups; beyond this it is refused.
MAX_POOL_MEMBERS = 20


@dataclass(frozen=True)
class Service:
    name: str
    fixed_cost: Decimal
    per_member_cost: Decimal
    unit_cost: Decimal
    members_per_unit: int

    def cost(self, size: int) -> Decimal:
        """pool(size): the exact cost of a pool of `size` members."""
        if size <= 0:
            return Decimal(0)
        units = math.ceil(size / self.members_per_unit)
        return self.fixed_cost + self.per_member_cost * size + self.unit_cost * units


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    alone_cost: Decimal
    hours_alone: Decimal


@dataclass(frozen=True)
class PoolProblem:
    service: Service
    members: tuple[Member, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)


# --- parsing -----------------------------------------------------------------------------------


def _object(value: Any, field_name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(f"{field_name}: expected an object")
    return value


def _required(doc: dict[str, Any], key: str, field_name: str) -> Any:
    if key not in doc:
        raise BadInput(f"{field_name}.{key}: missing")
    return doc[key]


def _amount(value: Any, field_name: str) -> Decimal:
    """A finite, non-negative exact amount (JSON number or decimal string)."""
    number(value, field_name, minimum=0.0)
    return to_decimal(value, field_name)


def _text(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{field_name}: expected a non-empty string")
    return value


def _units(value: Any, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise BadInput(f"{field_name}: {value!r} is not an integer of at least 1")
    number(value, field_name)
    exact = to_decimal(value, field_name)
    if exact != exact.to_integral_value() or exact < 1:
        raise BadInput(f"{field_name}: {value} is not an integer of at least 1")
    return int(exact)


def parse_service(value: Any) -> Service:
    doc = _object(value, "service")
    name = doc.get("name", "service")
    return Service(
        name=_text(name, "service.name"),
        fixed_cost=_amount(_required(doc, "fixed_cost", "service"), "service.fixed_cost"),
        per_member_cost=_amount(doc.get("per_member_cost", 0), "service.per_member_cost"),
        unit_cost=_amount(doc.get("unit_cost", 0), "service.unit_cost"),
        members_per_unit=_units(doc.get("members_per_unit", 1), "service.members_per_unit"),
    )


def parse_pool(doc: Any) -> PoolProblem:
    """A PoolProblem from a pooling document (docs/pooling-format.md); BadInput names the field."""
    doc = _object(doc, "pool")
    service = parse_service(_required(doc, "service", "pool"))
    entries = _required(doc, "members", "pool")
    if not isinstance(entries, list):
        raise BadInput("members: expected a list")
    if not entries:
        raise BadInput("members: at least one member is needed")
    if len(entries) > MAX_POOL_MEMBERS:
        raise TooLarge(
            f"members: {len(entries)} members; exact allocation enumerates 2^n groups and "
            f"is limited to {MAX_POOL_MEMBERS} members"
        )
    members: list[Member] = []
    seen: set[str] = set()
    for i, raw in enumerate(entries):
        where = f"members[{i}]"
        entry = _object(raw, where)
        ident = _text(_required(entry, "id", where), f"{where}.id")
        if ident in seen:
            raise BadInput(f"{where}.id: {ident!r} appears twice")
        seen.add(ident)
        name = _text(entry.get("name", ident), f"{where}.name")
        alone = _amount(_required(entry, "alone_cost", where), f"{where}.alone_cost")
        hours = _amount(entry.get("hours_alone", 0), f"{where}.hours_alone")
        members.append(Member(ident, name, alone, hours))
    return PoolProblem(service, tuple(members))
