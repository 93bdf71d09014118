"""The offerings' comparison (engine/offerings.py): known cases exactly, invariants by property."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from coopnet.engine.offerings import Offer, bundle, compare, compare_pair, union

SKILLS = st.frozensets(st.sampled_from(["elixir", "python", "ux", "sql", "rust", "design"]))
ORGS = st.sampled_from(["a", "b", "c", "d"])


def offers_strategy(min_size: int = 1) -> st.SearchStrategy[list[Offer]]:
    return st.lists(st.tuples(ORGS, SKILLS), min_size=min_size, max_size=6).map(
        lambda rows: [Offer(i + 1, org, skills) for i, (org, skills) in enumerate(rows)]
    )


def test_a_known_pair_overlaps_and_complements() -> None:
    web = Offer(1, "outlier", frozenset({"python", "ux", "sql"}))
    data = Offer(2, "rival", frozenset({"python", "sql", "rust"}))
    pair = compare_pair(web, data)
    assert pair.overlap == {"python", "sql"}
    assert pair.only_first == {"ux"}
    assert pair.only_second == {"rust"}
    assert pair.competes
    assert pair.complements


def test_two_offerings_of_one_organisation_do_not_compete() -> None:
    pair = compare_pair(Offer(1, "a", frozenset({"x"})), Offer(2, "a", frozenset({"x"})))
    assert pair.overlap == {"x"}
    assert not pair.competes
    assert not pair.complements


def test_pairs_come_in_order() -> None:
    offers = [Offer(i, "a", frozenset()) for i in (5, 6, 7)]
    assert [(p.first, p.second) for p in compare(offers)] == [(5, 6), (5, 7), (6, 7)]


def test_bundle_takes_the_partner_that_adds_most_first() -> None:
    base = Offer(1, "a", frozenset({"python"}))
    others = [
        Offer(2, "b", frozenset({"ux"})),
        Offer(3, "c", frozenset({"ux", "rust", "sql"})),
        Offer(4, "d", frozenset({"elixir"})),
        Offer(5, "a", frozenset({"elixir"})),  # base's own: never a partner
    ]
    target = frozenset({"python", "ux", "rust", "sql", "elixir", "cobol"})
    found = bundle(base, others, target=target)
    assert [(s.organisation, s.offers, s.adds) for s in found.steps] == [
        ("c", (3,), frozenset({"ux", "rust", "sql"})),
        ("d", (4,), frozenset({"elixir"})),
    ]
    assert found.uncovered == {"cobol"}


def test_bundle_ties_go_to_the_partner_with_less_off_target_then_by_name() -> None:
    base = Offer(1, "a", frozenset())
    others = [
        Offer(2, "z", frozenset({"ux"})),
        Offer(3, "b", frozenset({"ux", "cobol"})),
        Offer(4, "y", frozenset({"ux"})),
    ]
    found = bundle(base, others, target=frozenset({"ux"}))
    assert [s.organisation for s in found.steps] == ["y"]


def test_bundle_stops_at_the_cap() -> None:
    base = Offer(1, "a", frozenset())
    others = [Offer(i, f"o{i}", frozenset({f"s{i}"})) for i in range(2, 7)]
    found = bundle(base, others, target=union(others), max_partners=2)
    assert len(found.steps) == 2
    assert len(found.uncovered) == 3


@given(offers_strategy(2))
def test_overlap_is_symmetric_and_complement_disjoint(offers: list[Offer]) -> None:
    for a, b in itertools.pairwise(offers):
        ab, ba = compare_pair(a, b), compare_pair(b, a)
        assert ab.overlap == ba.overlap
        assert ab.only_first == ba.only_second
        assert not ab.overlap & (ab.only_first | ab.only_second)
        assert not ab.only_first & ab.only_second
        assert ab.overlap | ab.only_first == a.skills
        assert ab.overlap | ab.only_second == b.skills


@given(offers_strategy(1))
def test_bundle_covers_the_target_with_every_skill_anyone_brings(offers: list[Offer]) -> None:
    base, others = offers[0], offers[1:]
    target = union(offers)
    found = bundle(base, others, target=target, max_partners=len(offers))
    added = union(Offer(0, s.organisation, s.adds) for s in found.steps)
    reachable = union(o for o in others if o.organisation != base.organisation)
    assert found.uncovered == target - base.skills - reachable
    assert base.skills | added | found.uncovered == target
    assert not added & base.skills  # a partner adds only what is missing
    organisations = [s.organisation for s in found.steps]
    assert len(set(organisations)) == len(organisations)
    assert base.organisation not in organisations
    sizes = [len(s.adds) for s in found.steps]
    assert sizes == sorted(sizes, reverse=True)  # greedy: each adds no more than the one before
