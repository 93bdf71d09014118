"""A partner's payout in words, from the engine's facts (`engine.fairshare.Explanation`).

Two texts, for two audiences: `why` (what the consortium would lose without the partner, and
the reason) may be read by everyone in the consortium; `payout_parts` (its payout as the cost of
its own work plus its share of the surplus, and why that share is what it is) reveals its costs
and is for the partner itself only. Amounts are written by the caller's `money` (the network's
currency); no currency is written here. It imports no Django, so that the command line uses it
too.

>>> money = "£{:,.2f}".format
>>> print(why("Outlier Co-op", Decimal("6200"), "only_supplier", [("elixir", 4)], money))
... # doctest: +NORMALIZE_WHITESPACE
Without Outlier Co-op the consortium would earn £6,200.00 less: nobody else in it has elixir
(level 4+).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

Money = Callable[[Decimal], str]

REASONS = {
    "only_supplier": "nobody else in it has {skills}.",
    "others_lack_hours": "the others lack the hours to deliver without it.",
    "others_unprofitable": "the others could not deliver without it at a profit.",
    "others_costlier": "the others could cover its work, but at a higher cost.",
    "others_same_cost": "the others could do its work at the same cost.",
    "others_cheaper": "the others could do its work for less.",
}

SHARE_REASONS = {
    "shapley": (
        "its Shapley value: what it adds to the consortium, averaged over every order in "
        "which the partners could have come together"
    ),
    "nucleolus": (
        "the nucleolus: no Shapley split is stable here, and this one makes the most any group "
        "of partners could gain by going it alone as small as it can be"
    ),
}


def skills_words(needs: Iterable[tuple[str, int]]) -> str:
    """ "elixir (level 4+), ux-design (level 2+)"."""
    return ", ".join(f"{skill} (level {level}+)" for skill, level in needs)


def why(
    name: str,
    added_value: Decimal,
    reason: str,
    unique_skills: Iterable[tuple[str, int]],
    money: Money,
) -> str:
    """What the consortium would earn less (or more) without the partner, and why.

    >>> print(why("Loom", Decimal("-120"), "others_cheaper", [], "£{:,.2f}".format))
    Without Loom the consortium would earn £120.00 more: the others could do its work for less.
    """
    because = REASONS[reason].format(skills=skills_words(unique_skills))
    if added_value < 0:
        return f"Without {name} the consortium would earn {money(-added_value)} more: {because}"
    return f"Without {name} the consortium would earn {money(added_value)} less: {because}"


def off_the_top(
    value: Decimal,
    commission: Decimal,
    finder_fee: Decimal,
    finder: str | None,
    money: Money,
) -> str:
    """What is taken off the top of the value before the partners share it (spec §4): the
    network's commission and, when someone brought the client, its finder's fee.

    >>> print(off_the_top(Decimal(45000), Decimal(2500), Decimal(900), "Loom", "£{:,.2f}".format))
    ... # doctest: +NORMALIZE_WHITESPACE
    Taken off the top of £45,000.00: the network's commission, £2,500.00, and a finder's fee of
    £900.00 to Loom, which brought the client; the partners share £41,600.00.
    """
    taken = f"Taken off the top of {money(value)}: the network's commission, {money(commission)}"
    if finder is not None:
        taken += (
            f", and a finder's fee of {money(finder_fee)} to {finder}, which brought the client"
        )
    return f"{taken}; the partners share {money(value - commission - finder_fee)}."


def payout_parts(
    payout: Decimal,
    own_cost: Decimal,
    surplus_share: Decimal,
    hours: Decimal,
    solution: str,
    money: Money,
) -> str:
    """The partner's payout as its own costs plus its share of the surplus (private to it)."""
    return (
        f"Its payout of {money(payout)} is the cost of its own work, {money(own_cost)} for "
        f"{hours:,.2f} hours of its people (and its coordination cost), plus "
        f"{money(surplus_share)} as its share of the surplus: {SHARE_REASONS[solution]}."
    )
