"""Offerings compared: where they compete, where they complement, and whom to bundle with.

An offering is reduced to what comparison needs: its id, its organisation and the set of
skills it draws on. Two offerings *overlap* on the skills both draw on (they compete for the
same work) and *complement* each other with the skills one draws on and the other lacks.

A bundle for a chosen offering covers a *target* set of skills (by default the union of the
offerings compared) with partners from other organisations. Choosing the fewest partners that
cover the target is the set-cover problem (NP-hard); the greedy rule used here (take the
organisation that adds the most skills still missing, ties by the fewest skills beyond the
target, then by name) is within a factor H(k) <= 1 + ln k of the fewest, k the most skills one
partner adds, and is exact for the handful of partners a bundle names.

>>> a = Offer(1, "outlier", frozenset({"python", "ux"}))
>>> b = Offer(2, "rival", frozenset({"python", "elixir"}))
>>> pair = compare_pair(a, b)
>>> sorted(pair.overlap), sorted(pair.only_first), sorted(pair.only_second)
(['python'], ['ux'], ['elixir'])
>>> [step.organisation for step in bundle(a, [b], target=frozenset({"elixir"})).steps]
['rival']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

#: the most partners a bundle suggests
MAX_PARTNERS = 3


@dataclass(frozen=True)
class Offer:
    """An offering as the comparison sees it: `organisation` is its organisation's key."""

    id: int
    organisation: str
    skills: frozenset[str]


@dataclass(frozen=True)
class Pair:
    """Two offerings side by side: the skills both draw on (they compete there) and those only
    one of them draws on (each complements the other there)."""

    first: int
    second: int
    overlap: frozenset[str]
    only_first: frozenset[str]
    only_second: frozenset[str]
    #: both from one organisation: its own range, not competitors
    same_organisation: bool

    @property
    def competes(self) -> bool:
        return bool(self.overlap) and not self.same_organisation

    @property
    def complements(self) -> bool:
        return bool(self.only_first or self.only_second)


def compare_pair(first: Offer, second: Offer) -> Pair:
    return Pair(
        first=first.id,
        second=second.id,
        overlap=first.skills & second.skills,
        only_first=first.skills - second.skills,
        only_second=second.skills - first.skills,
        same_organisation=first.organisation == second.organisation,
    )


def compare(offers: Sequence[Offer]) -> list[Pair]:
    """Every pair of `offers`, in their order ((1, 2), (1, 3), (2, 3), ...)."""
    return [compare_pair(a, b) for a, b in combinations(offers, 2)]


def union(offers: Iterable[Offer]) -> frozenset[str]:
    """Every skill any of `offers` draws on: the default target of a bundle."""
    found: set[str] = set()
    for offer in offers:
        found |= offer.skills
    return frozenset(found)


@dataclass(frozen=True)
class Step:
    """One partner of a bundle: its organisation, the offerings of it that bring the skills it
    adds (by id, ascending), and those skills."""

    organisation: str
    offers: tuple[int, ...]
    adds: frozenset[str]


@dataclass(frozen=True)
class Bundle:
    """The partners suggested for `base` to cover `target`, in the order chosen, and what of
    the target is still uncovered after them (no partner brings it, or the cap was reached)."""

    base: int
    target: frozenset[str]
    steps: tuple[Step, ...]
    uncovered: frozenset[str]


def bundle(
    base: Offer,
    candidates: Iterable[Offer],
    *,
    target: frozenset[str],
    max_partners: int = MAX_PARTNERS,
) -> Bundle:
    """Greedy set cover of `target` less what `base` brings, by the organisations (other than
    `base`'s) of `candidates`, at most `max_partners` of them."""
    by_organisation: dict[str, list[Offer]] = {}
    for offer in candidates:
        if offer.organisation != base.organisation:
            by_organisation.setdefault(offer.organisation, []).append(offer)
    missing = set(target - base.skills)
    steps: list[Step] = []
    while missing and len(steps) < max_partners:
        best = _best(by_organisation, missing, target)
        if best is None:
            break
        organisation, adds = best
        offers = tuple(sorted(o.id for o in by_organisation.pop(organisation) if o.skills & adds))
        steps.append(Step(organisation, offers, adds))
        missing -= adds
    return Bundle(base.id, target, tuple(steps), frozenset(missing))


def _best(
    by_organisation: dict[str, list[Offer]], missing: set[str], target: frozenset[str]
) -> tuple[str, frozenset[str]] | None:
    """The organisation adding the most missing skills (ties: fewest skills off the target,
    then its key), with those skills; None when none adds any."""
    ranked = []
    for organisation, offers in by_organisation.items():
        brings = union(offers)
        adds = frozenset(brings & missing)
        if adds:
            ranked.append((-len(adds), len(brings - target), organisation, adds))
    if not ranked:
        return None
    _, _, organisation, adds = min(ranked, key=lambda r: (r[0], r[1], r[2]))
    return organisation, adds
