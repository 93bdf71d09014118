"""The skill picker (issue 12): a skill field takes a typed name or slug in any case and names
the text it cannot resolve; suggestions come a few at a time from the skill search, so that no
page sends the whole taxonomy."""

import html
import re

import pytest
from casts import client_for, once, send
from django import forms
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopnet.directory import views
from coopnet.directory.forms import SKILL_AMBIGUOUS, SearchForm, SkillField, skill_labels
from coopnet.directory.models import Person, PersonSkill, Skill
from coopnet.directory.selectors import SKILL_MATCHES, skill_search
from coopnet.directory.services import UNKNOWN_SKILL
from coopnet.mentoring.models import LearningWish
from coopnet.opportunities.models import Opportunity

pytestmark = pytest.mark.django_db

#: bigger than the packaged taxonomy (687 skills)
TAXONOMY = 700


def clean(text, **kwargs):
    return SkillField(**kwargs).clean(text)


def option_values(response):
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)"', response.text)]


@pytest.fixture
def big_taxonomy(skills):
    Skill.objects.bulk_create(
        Skill(slug=f"skill-{n:04}", name=f"Skill {n:04}", family="family") for n in range(TAXONOMY)
    )


# -- the field ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ux-design", "UX-Design", "Ux-Design", "  ux-design  "])
def test_a_skill_is_typed_by_its_name_or_slug_in_any_case(skills, typed):
    assert clean(typed) == "ux-design"


def test_a_name_that_differs_from_the_slug_resolves(skills):
    Skill.objects.create(slug="k8s", name="Kubernetes")
    assert clean("kubernetes") == clean("K8S") == "k8s"


def test_an_unknown_skill_is_named_in_the_error(skills):
    with pytest.raises(forms.ValidationError) as raised:
        clean("Cobol")
    assert raised.value.messages == [UNKNOWN_SKILL.format(slug="Cobol")]
    assert raised.value.messages == [
        "Unknown skill 'Cobol': choose one from the network's skill list."
    ]


def test_a_name_shared_by_two_skills_is_refused_naming_both(skills):
    Skill.objects.create(slug="golang", name="Go")
    Skill.objects.create(slug="go-board-game", name="go")
    with pytest.raises(forms.ValidationError) as raised:
        clean("GO ")
    message = SKILL_AMBIGUOUS.format(text="GO", slugs="go-board-game, golang")
    assert raised.value.messages == [message]
    assert message == "'GO' is the name of several skills: type the id of the one you mean " + (
        "(go-board-game, golang)."
    )
    assert clean("golang") == "golang"
    assert clean("Go-Board-Game") == "go-board-game"


def test_a_slug_wins_over_another_skills_name(skills):
    Skill.objects.create(slug="r", name="R")
    Skill.objects.create(slug="r-lang", name="r")
    assert clean("r") == "r"


def test_an_empty_optional_field_is_empty_and_a_required_one_refused(skills):
    assert clean("", required=False) == ""
    with pytest.raises(forms.ValidationError):
        clean("")


def test_a_chosen_skill_is_shown_by_its_name(skills):
    field = SkillField()
    assert field.prepare_value("ux-design") == "Ux-Design"
    assert field.prepare_value("UX-DESIGN") == "Ux-Design"
    assert field.prepare_value("cobol") == "cobol"  # unknown: as typed
    assert field.prepare_value("") == ""


def test_a_skill_whose_name_is_shared_is_shown_by_its_slug(skills):
    Skill.objects.create(slug="go", name="Golang")
    Skill.objects.create(slug="golang", name="Go language")
    Skill.objects.create(slug="go-lang", name="Golang")
    assert SkillField().prepare_value("go") == "go"  # "Golang" would be ambiguous
    assert SkillField().prepare_value("golang") == "Go language"


def test_skill_labels_name_each_skill_unless_its_name_is_shared(skills):
    go = Skill.objects.create(slug="go", name="Golang")
    Skill.objects.create(slug="golang", name="Go language")
    k8s = Skill.objects.create(slug="k8s", name="Kubernetes")
    assert skill_labels([go, k8s, skills[0]]) == {
        "go": "go",
        "k8s": "Kubernetes",
        "elixir": "Elixir",
    }


def test_the_edit_page_asks_the_same_queries_for_one_skill_or_many(cast):
    Skill.objects.bulk_create(Skill(slug=f"s{n}", name=f"S {n}") for n in range(6))
    alice = client_for(cast["alice"])
    url = f"/people/{cast['person'].pk}/edit/"

    def queries():
        with CaptureQueriesContext(connection) as asked:
            response = alice.get(url)
        assert response.status_code == 200
        return len(asked)

    one = queries()
    for n in range(6):
        PersonSkill.objects.create(
            person=cast["person"], skill_id=Skill.objects.get(slug=f"s{n}").pk, level=2
        )
    assert queries() == one
    assert 'value="S 5"' in alice.get(url).text


def test_a_form_shares_no_labels_with_another():
    first, second = SearchForm(), SearchForm()
    assert first.fields["skill"]._labels is not second.fields["skill"]._labels


# -- the search as you type -----------------------------------------------------------------


def test_the_search_ranks_exact_then_prefix_then_the_rest(skills):
    for slug, name in [("data-python", "Data with Python"), ("pythonic", "Pythonic style")]:
        Skill.objects.create(slug=slug, name=name)
    assert [s.slug for s in skill_search("PYTHON")] == ["python", "pythonic", "data-python"]
    assert [s.slug for s in skill_search("thon")] == ["data-python", "python", "pythonic"]
    assert skill_search("cobol") == []


def test_the_search_answers_at_most_a_few_skills(big_taxonomy):
    assert len(skill_search("skill")) == SKILL_MATCHES == 15
    assert len(skill_search("skill", limit=3)) == 3
    assert [s.slug for s in skill_search("")][:3] == ["elixir", "python", "skill-0000"]


def test_the_endpoint_answers_options_for_a_datalist(cast, big_taxonomy):
    response = client_for(cast["charlie"]).get("/directory/skills/?q=skill 06")
    assert response.status_code == 200
    assert option_values(response) == [f"Skill 06{n:02}" for n in range(SKILL_MATCHES)]
    assert 'label="family"' in response.text  # the skill's family, never its id
    assert "skill-0600" not in response.text
    assert "private" in response["Cache-Control"]
    assert option_values(client_for(cast["charlie"]).get("/directory/skills/?q=ux")) == [
        "Ux-Design"
    ]


def test_the_endpoint_escapes_names(cast):
    Skill.objects.create(slug="quotes", name='"><script>alert(1)</script>')
    text = client_for(cast["bob"]).get("/directory/skills/?q=script").text
    assert "<script>" not in text
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in text


def test_the_endpoint_takes_long_or_odd_text_without_error(cast):
    bob = client_for(cast["bob"])
    for query in ("x" * 10_000, "%25", "_", "'", "%E2%80%94"):
        response = bob.get(f"/directory/skills/?q={query}")
        assert response.status_code == 200, query
        assert option_values(response) == [], query


def test_the_page_endpoint_suggests_to_anyone_but_the_api_is_for_the_signed_in(cast):
    response = Client().get("/directory/skills/?q=py")  # a client at the front door
    assert response.status_code == 200
    assert option_values(response) == ["Python"]
    assert Client().get("/api/skills?q=py").status_code == 401


def test_the_api_searches_skills_with_a_bound(cast, big_taxonomy):
    alice = client_for(cast["alice"])
    found = send(alice, "get", "/api/skills?q=elix").json()
    assert found == [{"slug": "elixir", "name": "Elixir", "family": ""}]
    assert len(send(alice, "get", "/api/skills?q=skill&limit=50").json()) == 50
    assert len(send(alice, "get", "/api/skills?q=skill").json()) == SKILL_MATCHES
    assert send(alice, "get", "/api/skills?q=skill&limit=51").status_code == 422
    assert send(alice, "get", "/api/skills?q=skill&limit=0").status_code == 422


# -- no page sends the taxonomy -------------------------------------------------------------


def pages(cast):
    return [
        "/directory/",
        "/directory/?skill=skill-0650",
        "/organisations/outlier/people/new/",
        f"/people/{cast['person'].pk}/edit/",
        "/opportunities/new/",
        "/skills/organisations/outlier/",  # learning wishes, sessions, level changes
    ]


def test_no_page_sends_the_whole_taxonomy(cast, big_taxonomy, clock):
    alice = client_for(cast["alice"])
    for url in pages(cast):
        response = alice.get(url)
        assert response.status_code == 200, url
        assert response.text.count("<option") < 50, url
        assert "Skill 0123" not in response.text, url
        assert "data-skill-search=" in response.text, url


def test_skill_fields_have_their_own_labelled_lists(cast, clock):
    text = client_for(cast["alice"]).get("/organisations/outlier/people/new/").text
    ids = re.findall(r'<input type="text" name="skills-\d-skill"[^>]*id="([^"]+)"', text)
    assert ids == ["id_skills-0-skill", "id_skills-1-skill", "id_skills-2-skill"]
    for n, id_ in enumerate(ids, start=1):
        assert f'<label class="visually-hidden" for="{id_}">Skill {n}</label>' in text
        assert f'list="{id_}-options"' in text
        assert f'<datalist id="{id_}-options"></datalist>' in text


# -- the forms take names -------------------------------------------------------------------


def test_the_directory_is_searched_by_a_skill_name_and_shows_it(cast):
    alice = client_for(cast["alice"])
    for typed in ("Elixir", "elixir", "ELIXIR"):
        response = alice.get(f"/directory/?skill={typed}")
        assert "Ada Lovelace" in response.text, typed
        assert 'value="Elixir"' in response.text, typed
    response = alice.get("/directory/?skill=Cobol", HTTP_HX_REQUEST="true")
    assert "Unknown skill 'Cobol'" in html.unescape(response.text)
    assert "Ada Lovelace" not in response.text


def test_an_opportunity_takes_skills_by_name(consortium_cast, clock):
    from test_opportunities_views import form_data

    data = form_data(rows=[("Elixir", "4", "40"), ("UX-DESIGN", "3", "20")])
    alice = client_for(consortium_cast["alice"])
    response = alice.post("/opportunities/new/", data | once(consortium_cast["alice"]))
    assert response.status_code == 302
    requirements = Opportunity.objects.get().requirements.order_by("pk")
    assert [r.skill.slug for r in requirements] == ["elixir", "ux-design"]


def test_an_opportunity_form_sent_back_shows_skills_by_name(consortium_cast, clock):
    from test_opportunities_views import form_data

    data = form_data(rows=[("elixir", "4", "40")], title="")
    response = client_for(consortium_cast["alice"]).post("/opportunities/new/", data)
    assert response.status_code == 400
    assert 'name="requirements-0-skill" value="Elixir"' in response.text


def test_a_learning_wish_takes_a_skill_by_name(cast, clock):
    alice = client_for(cast["alice"])
    url = "/skills/organisations/outlier/wishes/"
    response = alice.post(url, {"person": cast["person"].pk, "skill": "python"})
    assert response.status_code == 302
    assert LearningWish.objects.get().skill.slug == "python"
    response = alice.post(url, {"person": cast["person"].pk, "skill": "Pyton"})
    assert response.status_code == 400
    assert "Unknown skill 'Pyton'" in html.unescape(response.text)


# -- pages of people ------------------------------------------------------------------------


@pytest.fixture
def crowd(cast):
    """Outlier with Ada and 60 more people, "Member 00" to "Member 59"."""
    outlier = cast["person"].organisation
    Person.objects.bulk_create(
        Person(organisation=outlier, name=f"Member {n:02}", hours_available=1) for n in range(60)
    )
    return cast


def rows(response):
    return re.findall(r"<td>((?:Ada Lovelace|Member \d\d))", response.text)


@pytest.mark.parametrize(
    ("page", "first", "count", "shown"),
    [
        ("", "Ada Lovelace", 25, "People 1–25 of 61 found."),
        ("2", "Member 24", 25, "People 26–50 of 61 found."),
        ("3", "Member 49", 11, "People 51–61 of 61 found."),
        ("4", "Member 49", 11, "People 51–61 of 61 found."),  # past the end: the last
        ("99999999999999999999", "Member 49", 11, "People 51–61 of 61 found."),
        ("0", "Ada Lovelace", 25, "People 1–25 of 61 found."),
        ("-3", "Ada Lovelace", 25, "People 1–25 of 61 found."),
        ("many", "Ada Lovelace", 25, "People 1–25 of 61 found."),
        ("9" * 5000, "Ada Lovelace", 25, "People 1–25 of 61 found."),
    ],
)
def test_the_directory_shows_a_page_of_people(crowd, page, first, count, shown):
    response = client_for(crowd["charlie"]).get(f"/directory/?name=outlier&page={page}")
    assert response.status_code == 200
    assert rows(response)[0] == first
    assert len(rows(response)) == count
    assert shown in response.text


def test_a_search_pages_through_its_first_matches_only(crowd, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_LIMIT", 50)
    charlie = client_for(crowd["charlie"])
    first = charlie.get("/directory/?name=outlier")
    assert "People 1–25 of the first 50 found: narrow the search to see any others." in first.text
    last = charlie.get("/directory/?name=outlier&page=3")  # past the cap: its last page
    assert rows(last)[-1] == "Member 48"
    assert "People 26–50 of the first 50 found" in last.text
    assert 'rel="next"' not in last.text
    monkeypatch.setattr(views, "SEARCH_LIMIT", 61)
    assert "People 1–25 of the first 61 found" in charlie.get("/directory/?name=outlier").text
    monkeypatch.setattr(views, "SEARCH_LIMIT", 62)
    assert "People 1–25 of 61 found." in charlie.get("/directory/?name=outlier").text


def test_the_pages_links_keep_the_search(crowd):
    alice = client_for(crowd["alice"])
    text = alice.get("/directory/?name=outlier&page=2", HTTP_HX_REQUEST="true").text
    assert "<html" not in text
    assert 'href="?name=outlier&amp;page=1" rel="prev"' in text
    assert 'href="?name=outlier&amp;page=3" rel="next"' in text
    assert 'hx-boost="true" hx-target="#results"' in text
    assert "Page 2 of 3" in text
    one = alice.get("/directory/?name=lovelace").text
    assert "1 person found." in one
    assert 'rel="next"' not in one
    assert "No one found." in alice.get("/directory/?name=nobody").text


def test_a_profile_shows_its_people_a_page_at_a_time(crowd):
    charlie = client_for(crowd["charlie"])
    first = charlie.get("/organisations/outlier/")
    assert len(rows(first)) == 25
    assert "People 1–25 of 61." in first.text
    assert 'href="?page=2" rel="next"' in first.text
    last = charlie.get("/organisations/outlier/?page=3")
    assert rows(last) == [f"Member {n}" for n in range(49, 60)]


def test_an_organisations_own_list_shows_fifty_people_a_page(crowd):
    alice = client_for(crowd["alice"])
    assert len(rows(alice.get("/organisations/outlier/manage/"))) == 50
    last = alice.get("/organisations/outlier/manage/?page=2")
    assert rows(last) == [f"Member {n}" for n in range(49, 60)]
    assert "People 51–61 of 61." in last.text


def test_a_small_organisation_has_no_page_links(cast):
    text = client_for(cast["charlie"]).get("/organisations/outlier/").text
    assert "Ada Lovelace" in text
    assert 'rel="next"' not in text
    assert "Page 1 of" not in text
