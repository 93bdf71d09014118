"""What the directory's search shows, written without the template engine: the results table
(`results.found_html`), the skills of each row (`skills_html`, also the `skill_list` tag), the
search form's fields rendered once per value shown (`RememberedField`), and the people API's
JSON written from plain rows: each as the engine, the form renderer and the response schema
would have written it."""

import json
from decimal import Decimal

import pytest
from casts import client_for
from django.core.paginator import Paginator
from django.forms import BoundField
from django.http import QueryDict
from django.template.defaultfilters import floatformat
from django.utils import translation
from ninja.responses import NinjaJSONEncoder
from pydantic import TypeAdapter

from coopnet.directory import api, forms, results, services
from coopnet.directory.forms import SearchForm
from coopnet.directory.models import PersonSkill, Skill
from coopnet.directory.search_sql import FoundPerson, FoundSkill
from coopnet.directory.selectors import HeldSkill
from coopnet.directory.templatetags.skills import skill_list, skills_html

TOM = FoundPerson(
    7,
    'Tom & "Jerry" <b>',
    "tom-co",
    "Tom's <Co>",
    (FoundSkill("python", "Python", 5), FoundSkill("cpp", "C++ & <x>", 3)),
)
EVE = FoundPerson(8, "Eve", "eve", "Eve Ltd", ())

TABLE = (
    '<table class="data">\n'
    '<thead><tr><th scope="col">Name</th><th scope="col">Organisation</th>'
    '<th scope="col">Skills (level 1–5)</th></tr></thead>\n'
    "<tbody>\n"
    "<tr><td>Tom &amp; &quot;Jerry&quot; &lt;b&gt;</td>"
    '<td><a href="/organisations/tom-co/">Tom&#x27;s &lt;Co&gt;</a></td>'
    '<td><ul class="skills"><li>Python <span class="level" title="level 5 of 5">5</span></li>'
    '<li class="match">C++ &amp; &lt;x&gt; <span class="level" title="level 3 of 5">3</span></li>'
    "</ul></td></tr>\n"
    '<tr><td>Eve</td><td><a href="/organisations/eve/">Eve Ltd</a></td>'
    '<td><span class="muted">none listed</span></td></tr>\n'
    "</tbody>\n</table>\n"
)


def test_a_page_of_results_escapes_every_name_and_marks_the_searched_skill():
    page = Paginator(range(2), 25).page(1)
    html = results.found_html(page, [TOM, EVE], "cpp", 1000, "<!--pages-->")
    assert html == '<p class="count">People 1–2 of 2 found.</p>\n' + TABLE + "<!--pages-->"


@pytest.mark.parametrize(
    ("count", "number", "said"),
    [
        (0, 1, "No one found."),
        (1, 1, "1 person found."),
        (31, 2, "People 26–31 of 31 found."),
        (999, 40, "People 976–999 of 999 found."),
        (
            1000,
            40,
            "People 976–1,000 of the first 1,000 found: narrow the search to see any others.",
        ),
    ],
)
def test_the_count_says_which_people_of_how_many(count, number, said):
    page = Paginator(range(count), 25).page(number)
    people = [EVE] if count else []
    html = results.found_html(page, people, None, 1000, "<!--pages-->")
    assert html.startswith(f'<p class="count">{said}</p>\n')
    assert ("<table" in html, "<!--pages-->" in html) == (bool(count), bool(count))


@pytest.mark.parametrize("language", ["en-gb", "de", "fr"])
def test_numbers_are_written_as_the_template_filter_wrote_them(language):
    with translation.override(language):
        for value in (0, 7, 976, 1000, 12345):
            assert results._number(value) == floatformat(value, "0g")


def test_skill_list_and_skills_html_write_the_same_escaped_list(db):
    cpp = Skill.objects.create(slug="cpp", name="C++ & <x>")
    rust = Skill.objects.create(slug="rust", name="Rust")
    held = [PersonSkill(skill=rust, level=2), PersonSkill(skill=cpp, level=4)]
    expected = (
        '<ul class="skills">'
        '<li class="match">C++ &amp; &lt;x&gt; <span class="level" title="level 4 of 5">4</span>'
        '</li><li>Rust <span class="level" title="level 2 of 5">2</span></li></ul>'
    )
    assert skill_list(held, "cpp") == expected
    assert skill_list([HeldSkill("rust", "Rust", 2), HeldSkill("cpp", "C++ & <x>", 4)], "cpp") == (
        expected
    )
    assert skills_html([("rust", "Rust", 2), ("cpp", "C++ & <x>", 4)], "cpp") == expected
    assert skills_html([], "cpp") == '<span class="muted">none listed</span>'


class PlainSearchForm(SearchForm):
    """The search form rendered by Django alone, every time."""

    bound_field_class = BoundField


@pytest.mark.parametrize(
    "typed",
    [
        {},
        {"skill": "python", "min_level": "3"},
        {"skill": "PYTHON", "min_hours": "10", "name": 'Ada "<b>"'},
        {"skill": "cobol", "min_level": "9", "min_hours": "lots"},
        {"min_hours": "-1", "name": "x" * 201},
    ],
)
def test_the_search_form_is_rendered_as_django_renders_it(cast, typed):
    query = QueryDict(mutable=True)
    query.update(typed)
    for _ in range(2):  # rendered, then remembered
        assert str(SearchForm(query)) == str(PlainSearchForm(query))
    assert forms._FIELDS_SHOWN


def test_a_renamed_skill_shows_by_its_new_name_in_the_form(cast):
    query = QueryDict("skill=python")
    assert 'value="Python"' in str(SearchForm(query))
    python = Skill.objects.get(slug="python")
    python.name = "Python 3"
    python.save()
    assert 'value="Python 3"' in str(SearchForm(query))


def test_the_form_remembers_no_more_fields_than_its_bound(cast, monkeypatch):
    monkeypatch.setattr(forms, "FIELDS_REMEMBERED", 3)
    for name in ("one", "two", "three"):
        assert f'value="{name}"' in str(SearchForm(QueryDict(f"name={name}")))
        assert 1 <= len(forms._FIELDS_SHOWN) <= 3


@pytest.mark.django_db(transaction=True)
def test_each_viewer_sees_the_search_as_they_typed_it(cast):
    """The results of `name=Ada` and `name=ada` are the same, kept once; the form of each
    shows what was typed."""
    upper = client_for(cast["bob"]).get("/directory/?name=Ada").content.decode()
    lower = client_for(cast["charlie"]).get("/directory/?name=ada").content.decode()
    assert 'value="Ada"' in upper
    assert 'value="ada"' not in upper
    assert 'value="ada"' in lower
    assert 'value="Ada"' not in lower
    assert upper.count("<td>Ada Lovelace</td>") == lower.count("<td>Ada Lovelace</td>") == 1


@pytest.fixture
def crowd(cast):
    for k in range(6):
        services.person_create(
            actor=cast["alice"],
            organisation_slug="outlier",
            name=f'Person <{k}> & "co"',
            hours_available=Decimal(10 * k),
            cost_rate="50",
            skills={"python": 1 + k % 5, "elixir": 5 - k % 5},
        )
    return cast


@pytest.mark.parametrize(
    ("query", "found"),
    [("skill=python&limit=4", 4), ("skill=python&limit=4&offset=4", 2), ("name=person", 6),
     ("name=zz", 0)],
)  # fmt: skip
def test_the_people_api_answers_what_its_response_schema_validates(crowd, query, found):
    body = client_for(crowd["charlie"]).get(f"/api/people?{query}").content
    schema = TypeAdapter(list[api.PublicPerson])
    checked = schema.dump_python(schema.validate_json(body))
    assert body == json.dumps(checked, cls=NinjaJSONEncoder).encode()
    assert len(checked) == found
