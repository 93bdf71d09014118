"""Reading and validating the JSON formats of spec/interfaces.md.

Every problem is a `BadInput` whose message names the file, the field and what is wrong, in
one line. Numbers may be JSON numbers or decimal strings ("12.50"); NaN and infinities are
refused.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from coopnet.engine.errors import BadInput, TooLarge
from coopnet.engine.games.model import (
    MAX_EXACT_PLAYERS,
    AirportGame,
    BankruptcyGame,
    ExplicitGame,
    Game,
    WeightedVotingGame,
    check_players,
)
from coopnet.engine.games.subsets import FloatVector
from coopnet.engine.money import to_decimal
from coopnet.engine.network import (
    Collaboration,
    Commission,
    CommissionPolicy,
    FinderFee,
    Network,
    Opportunity,
    Organisation,
    Person,
    Requirement,
)

_FORMS = ("values", "values_by_mask", "weighted_voting", "bankruptcy", "airport")

#: the largest size of any number in a file (10^15: beyond any contract, and where a float
#: still holds cents); past it a solver's floats lose the answer, or overflow
MAX_MAGNITUDE = 1e15
#: the largest a voting game's weights may add up to once scaled to whole numbers: every
#: coalition's weight stays exact as a float and as a 64-bit integer
MAX_VOTING_TOTAL = 2**53


class _NonFinite:
    """What JSON's NaN and Infinity parse to, so the field they stand in can be named."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BadInput(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def read_json(path: str | Path, exact: bool = True) -> Any:
    """Parse a JSON file, a clear BadInput for every failure. `exact` keeps decimals as
    `Decimal` (money); games are solved in floats, and parse several times faster as floats."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    try:
        return json.loads(
            text,
            parse_float=Decimal if exact else float,
            parse_constant=_NonFinite,
            object_pairs_hook=_no_duplicate_keys,
        )
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except BadInput as exc:  # a duplicate key
        raise BadInput(f"{path}: {exc}") from None
    except RecursionError:
        raise BadInput(f"{path}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # an integer of more digits than Python reads (4,300)
        raise BadInput(f"{path}: not valid JSON ({exc})") from None


def number(value: Any, field: str, minimum: float | None = None) -> float:
    """A finite float from a JSON number or decimal string, at least `minimum` if given."""
    if isinstance(value, _NonFinite):
        raise BadInput(f"{field}: {value.name} is not a finite number")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise BadInput(f"{field}: {value!r} is not a number")
    exact = to_decimal(value, field)
    result = float(exact)
    if not abs(result) <= MAX_MAGNITUDE:
        raise BadInput(f"{field}: {value} is too large (at most {MAX_MAGNITUDE:g} in size)")
    if minimum is not None and result < minimum:
        raise BadInput(f"{field}: {value} is below the minimum of {minimum:g}")
    return result


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(f"{field}: expected an object")
    return value


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadInput(f"{field}: expected a list")
    return value


def _per_player(
    value: Any, field: str, players: tuple[str, ...], minimum: float | None = 0.0
) -> list[Any]:
    """An object with exactly one entry per player, in the players' order (raw values)."""
    entries = _object(value, field)
    for name in entries:
        if name not in players:
            raise BadInput(f"{field}: {name!r} is not one of the players")
    for name in players:
        if name not in entries:
            raise BadInput(f"{field}: no entry for player {name!r}")
    for name in players:
        number(entries[name], f"{field}.{name}", minimum)
    return [entries[name] for name in players]


def parse_game(doc: Any) -> Game:
    """A Game from a spec §1 game document."""
    doc = _object(doc, "game")
    players = check_players(_list(doc.get("players"), "players"))
    kind = doc.get("kind", "profit")
    if kind not in ("profit", "cost"):
        raise BadInput(f"kind: {kind!r} is neither 'profit' nor 'cost'")
    forms = [f for f in _FORMS if f in doc]
    if len(forms) != 1:
        given = ", ".join(forms) if forms else "none"
        raise BadInput(f"game: give exactly one of {', '.join(_FORMS)} (given: {given})")
    form = forms[0]
    if form == "airport":
        if "kind" in doc and kind != "cost":
            raise BadInput("kind: an airport game is a cost game")
        costs = _per_player(_object(doc[form], form).get("costs"), "airport.costs", players)
        return AirportGame(players, costs=tuple(number(c, "cost") for c in costs))
    if form == "bankruptcy":
        return _bankruptcy_game(players, _object(doc[form], form), kind)
    if form == "weighted_voting":
        return _voting_game(players, _object(doc[form], form), kind)
    if len(players) > MAX_EXACT_PLAYERS:
        raise TooLarge(
            f"{form}: a game given by its values is limited to {MAX_EXACT_PLAYERS} players "
            f"(got {len(players)}); describe it with a generator or use --method sample"
        )
    if form == "values":
        vector = _values_from_list(doc[form], players)
    else:
        vector = _values_by_mask(doc[form], len(players))
    return ExplicitGame(players, values=vector, kind=kind)


def _bankruptcy_game(players: tuple[str, ...], spec: dict[str, Any], kind: Any) -> Game:
    estate = number(spec.get("estate"), "bankruptcy.estate", 0.0)
    claims = _per_player(spec.get("claims"), "bankruptcy.claims", players)
    total = sum(number(c, "claim") for c in claims)
    if estate > total:
        raise BadInput(
            f"bankruptcy.estate: {estate:g} exceeds the claims' total {total:g}; "
            "a bankruptcy game shares an estate that cannot meet every claim"
        )
    return BankruptcyGame(
        players, estate=estate, claims=tuple(number(c, "claim") for c in claims), kind=kind
    )


def _voting_game(players: tuple[str, ...], spec: dict[str, Any], kind: Any) -> Game:
    """Weights and quota are kept exact: decimals are scaled to integers by a common power of 10."""
    raw = [*_per_player(spec.get("weights"), "weighted_voting.weights", players)]
    quota_raw = spec.get("quota")
    number(quota_raw, "weighted_voting.quota")
    exact = [to_decimal(v, "weight") for v in [quota_raw, *raw]]
    places = max(0, *(-int(d.normalize().as_tuple().exponent) for d in exact))
    if places > 9:
        raise BadInput("weighted_voting: weights and quota may have at most 9 decimal places")
    scaled = [int(d.scaleb(places)) for d in exact]
    if sum(scaled[1:]) > MAX_VOTING_TOTAL or scaled[0] > MAX_VOTING_TOTAL:
        raise BadInput(
            "weighted_voting: the weights, as whole numbers of their smallest decimal place, "
            "add up to more than 2^53; use fewer decimal places or smaller weights"
        )
    if scaled[0] <= 0:
        raise BadInput("weighted_voting.quota: must be positive (the empty coalition loses)")
    return WeightedVotingGame(players, quota=scaled[0], weights=tuple(scaled[1:]), kind=kind)


def _values_from_list(entries: Any, players: tuple[str, ...]) -> FloatVector:
    index = {p: i for i, p in enumerate(players)}
    vector = np.zeros(1 << len(players))
    seen: dict[int, int] = {}
    for k, entry in enumerate(_list(entries, "values")):
        field = f"values[{k}]"
        entry = _object(entry, field)
        members = _list(entry.get("coalition"), f"{field}.coalition")
        mask = 0
        for name in members:
            if not isinstance(name, str) or name not in index:
                raise BadInput(f"{field}.coalition: {name!r} is not one of the players")
            if mask >> index[name] & 1:
                raise BadInput(f"{field}.coalition: {name!r} is listed twice")
            mask |= 1 << index[name]
        if mask in seen:
            raise BadInput(f"{field}.coalition: the same coalition as values[{seen[mask]}]")
        seen[mask] = k
        value = number(entry.get("value"), f"{field}.value")
        if mask == 0 and value != 0:
            raise BadInput(f"{field}: the empty coalition is always worth 0")
        vector[mask] = value
    return vector


def _values_by_mask(entries: Any, n: int) -> FloatVector:
    entries = _list(entries, "values_by_mask")
    if len(entries) != 1 << n:
        raise BadInput(f"values_by_mask: expected 2^{n} = {1 << n} entries, got {len(entries)}")
    vector = None
    if set(map(type, entries)) <= {int, float}:  # the common case, checked all at once
        try:
            vector = np.array(entries, dtype=np.float64)
        except OverflowError:
            vector = np.array([np.inf])
        if not np.all(np.abs(vector) <= MAX_MAGNITUDE):  # NaN too
            vector = None  # let the entry-by-entry check name the one at fault
    if vector is None:
        vector = np.array([number(v, f"values_by_mask[{m}]") for m, v in enumerate(entries)])
    if vector[0] != 0:
        raise BadInput("values_by_mask[0]: the empty coalition is always worth 0")
    return vector


def parse_allocation(doc: Any, players: tuple[str, ...]) -> FloatVector:
    """An allocation {"allocation": {player: amount}} (or the bare object) in player order."""
    doc = _object(doc, "allocation")
    entries = doc.get("allocation", doc)
    raw = _per_player(entries, "allocation", players, minimum=None)
    return np.array([number(v, f"allocation.{p}") for p, v in zip(players, raw, strict=True)])


def _identifier(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise BadInput(f"{field}: expected a non-empty string id")
    return value


def _decimal(value: Any, field: str, minimum: float | None = 0.0) -> Decimal:
    number(value, field, minimum)
    return to_decimal(value, field)


def _level(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise BadInput(f"{field}: {value!r} is not a level (an integer 1 to 5)")
    exact = to_decimal(value, field)
    if exact != exact.to_integral_value() or not 1 <= exact <= 5:
        raise BadInput(f"{field}: {value} is not a level (an integer 1 to 5)")
    return int(exact)


def parse_network(doc: Any) -> Network:
    """A Network from a spec §2 network document."""
    doc = _object(doc, "network")
    organisations = []
    seen: set[str] = set()
    for k, entry in enumerate(_list(doc.get("organisations"), "organisations")):
        field = f"organisations[{k}]"
        entry = _object(entry, field)
        org_id = _identifier(entry.get("id"), f"{field}.id")
        if org_id in seen:
            raise BadInput(f"{field}.id: {org_id!r} is used twice")
        seen.add(org_id)
        name = entry.get("name", org_id)
        if not isinstance(name, str):
            raise BadInput(f"{field}.name: expected a string")
        cost = _decimal(entry.get("coordination_cost", 0), f"{field}.coordination_cost")
        organisations.append(Organisation(org_id, name, cost))
    if not organisations:
        raise BadInput("organisations: the list is empty")
    return Network(
        tuple(organisations),
        _parse_people(doc.get("people"), seen),
        _parse_collaborations(doc, seen),
    )


def _parse_people(entries: Any, orgs: set[str]) -> tuple[Person, ...]:
    people = []
    seen: set[str] = set()
    for k, entry in enumerate(_list(entries, "people")):
        field = f"people[{k}]"
        entry = _object(entry, field)
        person_id = _identifier(entry.get("id"), f"{field}.id")
        if person_id in seen:
            raise BadInput(f"{field}.id: {person_id!r} is used twice")
        seen.add(person_id)
        org = _identifier(entry.get("org"), f"{field}.org")
        if org not in orgs:
            raise BadInput(f"{field}.org: {org!r} is not one of the organisations")
        skills = {
            _identifier(skill, f"{field}.skills"): _level(level, f"{field}.skills.{skill}")
            for skill, level in _object(entry.get("skills", {}), f"{field}.skills").items()
        }
        hours = _decimal(entry.get("hours"), f"{field}.hours")
        rate = _decimal(entry.get("cost_rate"), f"{field}.cost_rate")
        people.append(Person(person_id, org, skills, hours, rate))
    return tuple(people)


def _parse_collaborations(doc: dict[str, Any], orgs: set[str]) -> tuple[Collaboration, ...]:
    result = []
    for k, entry in enumerate(_list(doc.get("collaborations", []), "collaborations")):
        field = f"collaborations[{k}]"
        entry = _object(entry, field)
        pair = _list(entry.get("orgs"), f"{field}.orgs")
        if len(pair) != 2 or pair[0] == pair[1]:
            raise BadInput(f"{field}.orgs: expected two different organisation ids")
        for org in pair:
            if org not in orgs:
                raise BadInput(f"{field}.orgs: {org!r} is not one of the organisations")
        projects = _decimal(entry.get("projects", 1), f"{field}.projects")
        result.append(Collaboration((pair[0], pair[1]), int(projects)))
    return tuple(result)


def parse_opportunity(doc: Any, organisations: Collection[str] | None = None) -> Opportunity:
    """An Opportunity from a spec §2 opportunity document (with a §4 commission policy and
    finder). Given the network's `organisations`, the finder must be one of them."""
    doc = _object(doc, "opportunity")
    opportunity_id = doc.get("id", "opportunity")
    if not isinstance(opportunity_id, str):
        raise BadInput("id: expected a string")
    value = _decimal(doc.get("value"), "value")
    requirements = []
    for k, entry in enumerate(_list(doc.get("requirements"), "requirements")):
        field = f"requirements[{k}]"
        entry = _object(entry, field)
        skill = _identifier(entry.get("skill"), f"{field}.skill")
        level = _level(entry.get("min_level", 1), f"{field}.min_level")
        hours = _decimal(entry.get("hours"), f"{field}.hours")
        if hours <= 0:
            raise BadInput(f"{field}.hours: must be more than 0")
        requirements.append(Requirement(skill, level, hours))
    if not requirements:
        raise BadInput("requirements: the list is empty")
    cap = doc.get("max_organisations")
    if cap is not None:
        cap_exact = _decimal(cap, "max_organisations", 1)
        if cap_exact != cap_exact.to_integral_value():
            raise BadInput(f"max_organisations: {cap} is not a whole number")
        cap = int(cap_exact)
    commission = parse_commission(doc.get("commission", 0))
    finder = None if doc.get("finder") is None else parse_finder(doc["finder"], organisations)
    return Opportunity(opportunity_id, value, tuple(requirements), cap, commission, finder)


_POLICY_FIELDS = ("rate", "flat", "min", "max")
_FINDER_FIELDS = ("organisation", "rate", "flat")


def _rate(value: Any, field: str) -> Decimal:
    rate = _decimal(value, field)
    if rate >= 1:
        raise BadInput(f"{field}: {rate} is not a fraction below 1 (e.g. 0.05 for 5%)")
    return rate


def _known_fields(entry: dict[str, Any], field: str, known: tuple[str, ...]) -> None:
    for key in entry:
        if key not in known:
            raise BadInput(f"{field}.{key}: not a field (expected {', '.join(known)})")


def parse_commission(value: Any) -> Commission:
    """`commission`: a rate (a plain number, spec §2) or a policy {"rate", "flat", "min",
    "max"} (spec §4), each optional and non-negative, the rate below 1 and min <= max."""
    if not isinstance(value, dict):
        return _rate(value, "commission")
    _known_fields(value, "commission", _POLICY_FIELDS)
    bounds = {
        key: None if value.get(key) is None else _decimal(value[key], f"commission.{key}")
        for key in ("min", "max")
    }
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        raise BadInput(f"commission.min: {low} is above commission.max ({high})")
    return CommissionPolicy(
        rate=_rate(value.get("rate", 0), "commission.rate"),
        flat=_decimal(value.get("flat", 0), "commission.flat"),
        minimum=low,
        maximum=high,
    )


def parse_finder(value: Any, organisations: Collection[str] | None = None) -> FinderFee:
    """`finder`: {"organisation": id, "rate" | "flat"}, the organisation that brought the
    client (one of `organisations` when they are known; a partner or not) and its fee."""
    entry = _object(value, "finder")
    _known_fields(entry, "finder", _FINDER_FIELDS)
    organisation = _identifier(entry.get("organisation"), "finder.organisation")
    if organisations is not None and organisation not in organisations:
        raise BadInput(f"finder.organisation: {organisation!r} is not one of the organisations")
    given = [key for key in ("rate", "flat") if entry.get(key) is not None]
    if len(given) != 1:
        raise BadInput("finder: give exactly one of rate, flat (the fee on the value or a sum)")
    if given == ["rate"]:
        return FinderFee(organisation, rate=_rate(entry["rate"], "finder.rate"))
    return FinderFee(organisation, flat=_decimal(entry["flat"], "finder.flat"))
