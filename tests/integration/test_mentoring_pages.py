"""Issue 12: no skills page sends the whole taxonomy. The skills map shows 50 skills a page,
demanded ones by default, chosen by kind and by name; the organisations' chart shows at most 20
of them, the viewer's own among them."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from casts import client_for, share
from instants import TODAY

from coopnet.directory import services as directory
from coopnet.directory.models import Organisation, Skill
from coopnet.opportunities.models import Opportunity, Requirement

pytestmark = pytest.mark.usefixtures("clock")

DEMANDED = 60


@pytest.fixture
def taxonomy(consortium_cast):
    """Sixty skills "Skill 00" to "Skill 59" that no one holds, asked for by shared
    opportunities of Outlier, Rival and Partner: Skill 00 most (61 h each), Skill 59 least."""
    made = Skill.objects.bulk_create(
        Skill(slug=f"skill-{n:02}", name=f"Skill {n:02}") for n in range(DEMANDED)
    )
    partner, rival = consortium_cast["partner"], Organisation.objects.get(slug="rival")
    for poster, reader in (("outlier", partner), ("rival", partner), ("partner", rival)):
        opportunity = Opportunity.objects.create(
            posted_by=Organisation.objects.get(slug=poster),
            title=f"{poster}'s everything",
            value=Decimal(1000),
            deadline=TODAY + dt.timedelta(days=30),
        )
        Requirement.objects.bulk_create(
            Requirement(opportunity=opportunity, skill=s, min_level=3, hours=Decimal(61 - n))
            for n, s in enumerate(made)
        )
        share(opportunity, reader)
    return consortium_cast


def _rows(page):
    table = page.split('id="skills-map"')[1].split("</table>")[0]
    return re.findall(r"<td>(Skill \d\d)", table)


def _get(user, query=""):
    response = client_for(user).get(f"/skills/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_map_shows_fifty_demanded_skills_a_page(taxonomy):
    first = _get(taxonomy["dee"])
    assert _rows(first) == [f"Skill {n:02}" for n in range(50)]
    assert "Demanded skills: 1–50 of 60." in first
    assert "Elixir" not in first.split('id="skills-map"')[1]  # held, not demanded
    second = _get(taxonomy["dee"], "?page=2")
    assert _rows(second) == [f"Skill {n:02}" for n in range(50, 60)]
    assert "Demanded skills: 51–60 of 60." in second


def test_the_pages_link_to_each_other_keeping_the_filter(taxonomy):
    page = _get(taxonomy["dee"], "?q=skill&show=at-risk")
    assert 'href="/skills/?q=skill&amp;show=at-risk&amp;page=2#map" rel="next"' in page
    assert 'rel="prev"' not in page


def test_the_name_filter_finds_skills_by_part_of_their_name(taxonomy):
    page = _get(taxonomy["dee"], "?q=%20skill%20%205")
    assert _rows(page) == [f"Skill {n}" for n in range(50, 60)]
    assert "Demanded skills whose name has “skill 5”: 1–10 of 10." in page


def test_every_skill_held_or_demanded_shows_on_asking(taxonomy):
    page = _get(taxonomy["dee"], "?show=all&page=2")
    names = re.findall(r"<td>([^<]+?)(?: <span|</td>)", page.split('id="skills-map"')[1])
    assert names == [*(f"Skill {n}" for n in range(50, 60)), "Elixir", "Python", "Ux-Design"]


def test_the_at_risk_skills_are_one_click_away(taxonomy):
    page = _get(taxonomy["dee"])
    assert re.search(r'id="at-risk-count">60<', page)
    assert 'href="?show=at-risk#map"' in page
    assert len(_rows(_get(taxonomy["dee"], "?show=at-risk&page=2"))) == 10


@pytest.mark.parametrize(
    "query", ["?page=0", "?page=abc", "?page=99", "?show=secret", "?q=" + "x" * 5000, "?page=-1"]
)
def test_bad_filters_fall_back_to_a_page(taxonomy, query):
    page = _get(taxonomy["dee"], query)
    assert "Demanded skills" in page


def test_a_filter_that_finds_nothing_says_so(taxonomy):
    page = _get(taxonomy["dee"], "?q=cobol")
    assert "Demanded skills whose name has “cobol”: none." in page
    assert 'id="skills-map"' not in page


def test_an_organisations_page_shows_fifty_of_its_skills_a_page(taxonomy):
    page = client_for(taxonomy["alice"]).get("/skills/organisations/outlier/").content.decode()
    table = page.split('id="organisation-map"')[1].split("</table>")[0]
    assert len(re.findall(r"<tr", table)) == 1 + 50  # the header and fifty skills
    assert "All skills: 1–50 of 61." in page  # the sixty, and Elixir (Ada's)
    assert 'href="/skills/organisations/outlier/?page=2#own-map"' in page


def _chart_labels(page):
    chart = page.split('id="organisations-chart-title"')[1].split("</svg>")[0]
    return re.findall(r'text-anchor="end"[^>]*>([^<]+)<', chart)


def test_the_organisations_chart_keeps_to_twenty_with_the_viewers_own(consortium_cast):
    """All score 0 here: the most exposed are the last by name, Distant Co-op the first."""
    for n in range(30):
        directory.organisation_create(name=f"Extra {n:02}", slug=f"extra-{n:02}", admin=None)
    theirs = _chart_labels(_get(consortium_cast["alice"]))
    assert len(theirs) == 20
    assert "Distant Co-op" not in theirs
    page = _get(consortium_cast["dee"])
    own = _chart_labels(page)
    assert len(own) == 20
    assert own[0] == "Distant Co-op"
    assert "Of the 34 organisations, 0 score 50% or more; here are the most exposed and yours." in (
        page
    )
