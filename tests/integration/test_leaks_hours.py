"""Issue 11, inference leak 2: a competitor narrowed `/api/people?min_hours=` step by step to
Ada's exact hours in 17 queries. The directory shows nobody's hours to other organisations, so
its filter may tell them only which public band a person's hours are in (`HOURS_BANDS`); the
organisation's own members still filter their own people exactly."""

import re
from decimal import Decimal

import pytest
from casts import PLANTED_HOURS, client_for

from coopnet.directory.models import Person
from coopnet.directory.selectors import HOURS_BANDS


def _api_finds(client, min_hours):
    found = client.get("/api/people", {"name": "Ada", "min_hours": str(min_hours)}).json()
    return any(p["name"] == "Ada Lovelace" for p in found)


def _page_finds(client, min_hours):
    page = client.get("/directory/", {"name": "Ada", "min_hours": str(min_hours)})
    return "Ada Lovelace" in page.content.decode()


def _bisect(finds, low=Decimal(0), high=Decimal(10_000), steps=40):
    """The attack: binary search for the largest `min_hours` that still finds Ada. Returns
    every question asked and its answer."""
    asked = {low: finds(low), high: finds(high)}
    for _ in range(steps):
        middle = ((low + high) / 2).quantize(Decimal("0.01"))
        if middle in (low, high):
            break
        asked[middle] = finds(middle)
        low, high = (middle, high) if asked[middle] else (low, middle)
    return asked


@pytest.mark.parametrize("finds", [_api_finds, _page_finds], ids=["api", "page"])
def test_a_competitor_cannot_bisect_hours_below_the_band(cast, finds):
    """Whatever Ada's hours within their band [100, 200), the attacker's questions get the
    same answers: the bisection learns the band and nothing closer."""
    charlie = client_for(cast["charlie"])
    asked = _bisect(lambda h: finds(charlie, h))
    assert len(asked) >= 17
    band = next(b for b in reversed(HOURS_BANDS) if b <= PLANTED_HOURS)
    above = next(b for b in HOURS_BANDS if b > PLANTED_HOURS)
    ada = Person.objects.get(pk=cast["person"].pk)
    for hours in (band, (band + above) / 2, above - Decimal("0.01")):
        ada.hours_available = hours
        ada.save(update_fields=["hours_available"])
        replayed = {question: finds(charlie, question) for question in asked}
        assert replayed == asked, f"hours of {hours} answer differently from {PLANTED_HOURS}"


@pytest.mark.parametrize("finds", [_api_finds, _page_finds], ids=["api", "page"])
def test_own_members_filter_their_own_people_exactly(cast, finds):
    bob = client_for(cast["bob"])
    assert finds(bob, PLANTED_HOURS)
    assert not finds(bob, PLANTED_HOURS + Decimal("0.01"))


def test_the_page_says_how_hours_are_matched(cast):
    page = client_for(cast["charlie"]).get("/directory/").content.decode()
    bands = re.sub(r"\s+", " ", page)
    assert "bands" in bands
    assert "your own organisation" in bands
