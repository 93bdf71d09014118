"""Searching by name finds people by their own name or their organisation's, in any case, the
same whether the matches are few (found by their ids) or many (the plain filter)."""

import pytest
from casts import client_for

from coopnet.directory import selectors, services


@pytest.fixture
def named(cast):
    for name in ("Adam Smith", "Grace Hopper", "Nevada Jones"):
        services.person_create(
            actor=cast["charlie"],
            organisation_slug="rival",
            name=name,
            hours_available="10",
            cost_rate="50",
        )
    return cast


def _names(user, text):
    found = selectors.directory_search(user, name=text)
    return sorted(p.name for p in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ada", ["Ada Lovelace", "Adam Smith", "Nevada Jones"]),
        ("HOPPER", ["Grace Hopper"]),
        ("rival", ["Adam Smith", "Grace Hopper", "Nevada Jones"]),
        ("Outlier Co", ["Ada Lovelace"]),
        ("nobody", []),
    ],
)
@pytest.mark.parametrize("at_most", [1000, 0])
def test_names_of_people_and_of_their_organisations(named, monkeypatch, text, expected, at_most):
    monkeypatch.setattr(selectors, "NAMED_AT_MOST", at_most)
    assert _names(named["bob"], text) == expected


def test_the_page_lists_them(named):
    text = client_for(named["bob"]).get("/directory/?name=ada").content.decode()
    for name in ("Ada Lovelace", "Adam Smith", "Nevada Jones"):
        assert name in text
