"""`common.compiled`: a query compiled once answers as the ORM's own query does, for any
arguments, with the ORM's conversions, and refuses arguments it could not put back in place."""

import datetime as dt

import pytest
from django.db.models import Count

from coopnet.common.compiled import Compiled
from coopnet.directory.models import Organisation, Person

pytestmark = pytest.mark.django_db


def _people(slug, *, least=0):
    return (
        Person.objects.filter(organisation__slug=slug, skills__level__gte=least)
        .order_by("name")
        .values_list("name", "organisation_id")
        .distinct()
    )


def _counted(build):
    """`build`, with the arguments of each call to it (one a compilation) in `.calls`."""

    def counting(*arguments, **fixed):
        counting.calls.append((arguments, fixed))
        return build(*arguments, **fixed)

    counting.calls = []
    return counting


def test_rows_are_the_querysets_for_every_argument_from_one_compilation(consortium_cast):
    build = _counted(_people)
    people = Compiled(build)
    for slug in ("outlier", "partner", "nowhere", "partner"):
        assert people.rows(slug) == list(_people(slug))
    partner = Organisation.objects.get(slug="partner").pk
    assert people.rows("partner") == [("Grace Hopper", partner), ("Linus Torvalds", partner)]
    assert len(build.calls) == 1
    assert build.calls[0][0][0] not in ("outlier", "partner", "nowhere")  # a stand-in


def test_a_keyword_is_compiled_into_the_sql_once_for_each_value(consortium_cast):
    build = _counted(_people)
    people = Compiled(build)
    partner = Organisation.objects.get(slug="partner").pk
    assert people.rows("partner", least=4) == [("Grace Hopper", partner)]
    assert people.rows("partner", least=1) == [
        ("Grace Hopper", partner),
        ("Linus Torvalds", partner),
    ]
    assert people.rows("outlier", least=4) == [("Ada Lovelace", consortium_cast["outlier"].pk)]
    assert people.rows("partner", least=5) == []
    assert [fixed for _, fixed in build.calls] == [{"least": 4}, {"least": 1}, {"least": 5}]


def test_values_are_converted_as_the_orm_converts_them(cast):
    created = Compiled(
        lambda pk: Organisation.objects.filter(pk=pk).values_list("created", "coordination_cost")
    )
    (when, cost), *_ = created.rows(cast["outlier"].pk)
    assert isinstance(when, dt.datetime)
    assert when == Organisation.objects.get(pk=cast["outlier"].pk).created
    assert str(cost) == "500.00"
    counted = Compiled(
        lambda pk: (
            Organisation.objects.filter(pk=pk)
            .annotate(people_count=Count("people"))
            .values_list("name", "people_count")
        )
    )
    assert counted.rows(cast["outlier"].pk) == [("Outlier Co-op", 1)]


def test_an_argument_a_lookup_changes_or_of_another_type_is_refused(cast):
    with pytest.raises(ValueError, match=r"arguments \[0\]"):
        Compiled(lambda text: Person.objects.filter(name__icontains=text).values_list("pk")).rows(
            "Ada"
        )
    with pytest.raises(TypeError, match="argument 0 must be an int or a str"):
        Compiled(lambda day: Person.objects.filter(pk=1).values_list("pk")).rows(
            dt.date(2026, 6, 17)
        )
