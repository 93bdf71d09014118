"""The directory's search in SQL (`search_sql`, what the search page and the people API run)
finds what `selectors.directory_search` (the same search as a queryset) finds: the same people,
in the same order, with the same skills, counted the same up to any cap, for every viewer;
free hours exact for the viewer's own organisations' people and by band for everyone else's."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError

from coopnet.directory import search_sql, selectors, services
from coopnet.directory.models import Skill

pytestmark = pytest.mark.django_db

#: (organisation, name, free hours, skills): names unique within an organisation, so that the
#: directory's order (organisation, then name) leaves no ties
PEOPLE = [
    ("outlier", "Ben 50% Off", "10", {"python": 3}),
    ("outlier", "Cy_Under", "40", {"python": 5, "elixir": 2, "ux-design": 2}),
    ("outlier", "Dee \\Slash", "9.99", {"ux-design": 1}),
    ("outlier", "Eve", "0", {}),
    ("rival", "Ada Byron", "12.50", {"python": 1, "elixir": 5}),
    ("rival", "Bo Rival", "100", {"python": 4, "cplusplus": 4}),
    ("rival", "Zed", "250", {"python": 2}),
    ("third", "Ann Third", "39.99", {"elixir": 3}),
    ("third", "Pat", "200", {"python": 5, "cplusplus": 1}),
]

SEARCHES = [
    {},
    {"skill": "python"},
    {"skill": "python", "min_level": 3},
    {"skill": "elixir", "min_level": 5},
    {"skill": "cobol"},
    {"min_hours": Decimal("0")},
    {"min_hours": Decimal("10")},
    {"min_hours": Decimal("12.5")},
    {"min_hours": Decimal("39.99")},
    {"min_hours": Decimal("123.46")},
    {"min_hours": Decimal("-1")},
    {"min_hours": Decimal("1000")},
    {"name": "ada"},
    {"name": "OUTLIER"},
    {"name": "third"},
    {"name": "50%"},
    {"name": "%"},
    {"name": "_"},
    {"name": "\\"},
    {"name": "nobody"},
    {"skill": "python", "min_level": 2, "min_hours": Decimal("10"), "name": "e"},
]


@pytest.fixture
def crowd(cast):
    """Ada of Outlier (123.45 hours) and the people above, in three organisations; Dora in
    none of them views as an outsider."""
    Skill.objects.create(slug="cplusplus", name='C++ <fast> & "safe"')
    services.organisation_create(name="Third Way", slug="third", admin=cast["bob"])
    admins = {"outlier": cast["alice"], "rival": cast["charlie"], "third": cast["bob"]}
    for organisation, name, hours, skills in PEOPLE:
        services.person_create(
            actor=admins[organisation],
            organisation_slug=organisation,
            name=name,
            hours_available=hours,
            cost_rate="50",
            skills=skills,
        )
    return {**cast, "dora": User.objects.create_user("dora"), "anonymous": AnonymousUser()}


def _selector_answer(user, arguments, offset, limit):
    page = selectors.directory_search(user, **arguments)[offset : offset + limit]
    return [
        (p.pk, p.name, p.organisation_slug, p.organisation_name, tuple(
            (s.slug, s.name, s.level) for s in p.skills
        ))
        for p in selectors.public_people(page)
    ]  # fmt: skip


@pytest.mark.parametrize("viewer", ["alice", "bob", "charlie", "dora", "anonymous"])
@pytest.mark.parametrize("at_most", [1000, 1])  # names matched by ids, or by the plain filter
def test_the_sql_finds_what_the_selector_finds(crowd, monkeypatch, viewer, at_most):
    monkeypatch.setattr(selectors, "NAMED_AT_MOST", at_most)
    user = crowd[viewer]
    for arguments in SEARCHES:
        search = search_sql.prepared(user, **arguments)
        total = selectors.directory_search(user, **arguments).count()
        for cap in (1, 3, 1000):
            assert search.count(cap) == min(total, cap), (arguments, cap)
        for offset, limit in ((0, 100), (0, 3), (3, 3), (9, 5), (50, 5)):
            expected = _selector_answer(user, arguments, offset, limit)
            assert search.people(offset, limit) == expected, (arguments, offset, limit)


def test_the_searches_above_find_someone_and_not_everyone(crowd):
    """The comparison above means something: most of its searches find some people but not
    all (10 in all: Ada of Outlier, and the crowd)."""
    counts = [search_sql.prepared(crowd["dora"], **a).count(1000) for a in SEARCHES]
    assert counts == [10, 6, 4, 1, 0, 10, 8, 8, 8, 4, 10, 2, 2, 5, 2, 1, 1, 1, 1, 0, 3]


def _names(user, **arguments):
    return [p.name for p in search_sql.prepared(user, **arguments).people(0, 100)]


def test_free_hours_are_exact_for_the_viewers_own_people_and_by_band_for_others(crowd):
    """Ada (Outlier, 123.45 hours) and Bo (Rival, 100) are both in the band of 100 or more:
    Outlier's members see Ada's exact hours, so a search for 123.46 leaves her out for them;
    anyone else finds her by her band, and no one finds Bo's exact hours but Rival's."""
    asked = {"skill": "python", "min_hours": Decimal("123.46")}
    assert _names(crowd["alice"], **asked) == ["Bo Rival", "Zed", "Pat"]
    assert _names(crowd["charlie"], **asked) == ["Zed", "Pat"]
    assert _names(crowd["dora"], **asked) == ["Bo Rival", "Zed", "Pat"]
    asked = {"skill": "elixir", "min_hours": Decimal("123.46")}
    assert _names(crowd["alice"], **asked) == []
    assert _names(crowd["dora"], **asked) == ["Ada Lovelace"]


def test_a_page_lists_each_person_with_their_skills_highest_first(crowd):
    found = search_sql.prepared(crowd["dora"], skill="cplusplus").people(0, 10)
    cplusplus = 'C++ <fast> & "safe"'
    assert [(p.name, p.organisation_slug, p.organisation_name, p.skills) for p in found] == [
        ("Bo Rival", "rival", "Rival Ltd", (("cplusplus", cplusplus, 4), ("python", "Python", 4))),
        ("Pat", "third", "Third Way", (("python", "Python", 5), ("cplusplus", cplusplus, 1))),
    ]


def test_a_name_matches_its_wildcards_as_plain_text(crowd):
    assert _names(crowd["dora"], name="50%") == ["Ben 50% Off"]
    assert _names(crowd["dora"], name="y_u") == ["Cy_Under"]
    assert _names(crowd["dora"], name="\\s") == ["Dee \\Slash"]


@pytest.mark.parametrize("level", [0, 6, True, "3"])
def test_a_level_outside_1_to_5_is_refused(crowd, level):
    with pytest.raises(ValidationError) as caught:
        search_sql.prepared(crowd["alice"], skill="python", min_level=level)
    assert list(caught.value.message_dict) == ["min_level"]
