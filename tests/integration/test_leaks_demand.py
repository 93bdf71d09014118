"""Issue 11, inference leak 1: demand from opportunities that are not shared (a draft, anything
only its poster has read) must not move any figure of the skills map, totals included; and a
skill's shared demand shows only once opportunities of three organisations ask for it."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from casts import client_for, share
from instants import TODAY

from coopnet.directory.models import Skill
from coopnet.mentoring import selectors
from coopnet.opportunities.services import opportunity_create

pytestmark = pytest.mark.usefixtures("clock")

# "33" standing alone as a figure; a CSRF token or a cache key may hold the digits by chance.
THIRTY_THREE = re.compile(r"(?<![\w.])33(?![\w.])")


def _post(cast, actor, organisation, skill, hours, level=3):
    return opportunity_create(
        actor=cast[actor],
        organisation_slug=organisation,
        title=f"{organisation} asks for {skill}",
        value="5000",
        deadline=TODAY + dt.timedelta(days=30),
        requirements=[{"skill": skill, "min_level": level, "hours": hours}],
    )


def _map(user):
    body = client_for(user).get("/api/skills/map").json()
    return body, {row["skill"]: row for row in body["skills"]}


@pytest.fixture
def fortran(db):
    return Skill.objects.create(slug="fortran", name="Fortran")


def test_a_draft_moves_nothing_on_the_map(consortium_cast, fortran):
    before, _ = _map(consortium_cast["charlie"])
    page_before = client_for(consortium_cast["charlie"]).get("/skills/").content.decode()
    _post(consortium_cast, "alice", "outlier", "fortran", "33")
    after, rows = _map(consortium_cast["charlie"])
    assert "fortran" not in rows
    assert after["demand_hours"] == before["demand_hours"]
    assert after["score"] == before["score"]
    assert after["organisations"] == before["organisations"]
    page = client_for(consortium_cast["charlie"]).get("/skills/").content.decode()
    assert "Fortran" not in page
    assert len(THIRTY_THREE.findall(page)) == len(THIRTY_THREE.findall(page_before))


def test_a_draft_moves_nothing_on_its_own_organisations_map(consortium_cast, fortran):
    _post(consortium_cast, "alice", "outlier", "fortran", "33")
    own = client_for(consortium_cast["alice"]).get("/api/skills/organisations/outlier/map")
    assert "fortran" not in {row["skill"] for row in own.json()["skills"]}
    assert Decimal(own.json()["demand_hours"]) == 0


def test_shared_demand_shows_only_from_three_organisations(consortium_cast, fortran):
    partner = consortium_cast["partner"]
    first = _post(consortium_cast, "alice", "outlier", "fortran", "33")
    share(first, partner)
    second = _post(consortium_cast, "charlie", "rival", "fortran", "7")
    share(second, partner)
    body, rows = _map(consortium_cast["dee"])
    assert "fortran" not in rows  # two organisations: hidden, from the totals too
    assert Decimal(body["demand_hours"]) == 0
    assert body["score"] == 0
    third = _post(consortium_cast, "dee", "distant", "fortran", "10")
    _map_before_sharing, rows = _map(consortium_cast["dee"])
    assert "fortran" not in rows  # the third is still a draft
    share(third, partner)
    body, rows = _map(consortium_cast["dee"])
    assert Decimal(rows["fortran"]["demand"]) == Decimal("50.00")
    assert Decimal(body["demand_hours"]) == Decimal("50.00")
    assert selectors.MIN_ORGANISATIONS_FOR_DEMAND == 3


def test_a_proposal_among_the_posters_own_people_does_not_share_it(consortium_cast, fortran):
    """Only another organisation's reading shares an opportunity: a proposal whose only
    partner is the poster leaves it private."""
    opportunities = [
        _post(consortium_cast, admin, slug, "fortran", "5")
        for admin, slug in (("alice", "outlier"), ("charlie", "rival"), ("dee", "distant"))
    ]
    for opportunity in opportunities[:2]:
        share(opportunity, consortium_cast["partner"])
    share(opportunities[2], opportunities[2].posted_by)
    _, rows = _map(consortium_cast["pat"])
    assert "fortran" not in rows
