"""A query compiled once (`common.compiled.Compiled`) gives the rows the ORM gives, converted
as the ORM converts them (decimals, dates, JSON, nulls), for any arguments, in their order;
it is built at most twice (once to find its database, once to compile) however often it runs.
Outlier's booking system, formed with Partner Co-op, is the data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopnet.common.compiled import Compiled
from coopnet.opportunities import services
from coopnet.opportunities.models import Opportunity, ProposalPartner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


@pytest.fixture
def formed(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    services.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    return opportunity


def partners(proposal_id):
    return ProposalPartner.objects.filter(proposal_id=proposal_id).values_list(
        "organisation__name", "payout", "own_cost", "unique_skills", "decided_at"
    )


def test_the_rows_are_the_orms_converted_alike(formed):
    compiled = Compiled(partners)
    ProposalPartner.objects.filter(proposal__opportunity=formed).update(own_cost=None)
    for proposal in formed.proposals.all():
        rows = compiled.rows(proposal.pk)
        assert rows == list(partners(proposal.pk))
        assert [row[0] for row in rows] == ["Outlier Co-op", "Partner Co-op"]
        assert all(type(row[1]) is Decimal and row[2] is None for row in rows)
        assert all(isinstance(row[3], list) for row in rows)  # JSON, not its text
    deadlines = Compiled(
        lambda pk: Opportunity.objects.filter(pk=pk).values_list("deadline", "value")
    )
    assert deadlines.rows(formed.pk) == [(formed.deadline, Decimal("12000.00"))]
    assert type(deadlines.rows(formed.pk)[0][0]) is dt.date
    assert deadlines.rows(10**6) == []


def test_each_argument_goes_where_it_is_used(consortium_cast, formed, post_opportunity):
    other = post_opportunity(title="Other")
    rival = post_opportunity(actor="charlie", organisation="rival", title="Rival's")
    posted_after = Compiled(
        lambda poster, after: (
            Opportunity.objects.filter(posted_by_id=poster, pk__gt=after)
            .order_by("pk")
            .values_list("title", flat=True)
        ),
        arity=2,
    )
    outlier = consortium_cast["outlier"].pk
    assert posted_after.rows(outlier, 0) == [("Booking system",), ("Other",)]
    assert posted_after.rows(outlier, formed.pk) == [("Other",)]
    assert posted_after.rows(rival.posted_by_id, 0) == [("Rival's",)]
    assert posted_after.rows(outlier, other.pk) == []


def test_it_is_built_once_and_runs_one_query(formed):
    built = []

    def build(pk):
        built.append(pk)
        return partners(pk)

    compiled = Compiled(build)
    proposals = list(formed.proposals.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        for pk in proposals * 3:
            assert len(compiled.rows(pk)) == 2
    assert len(queries) == len(proposals) * 3
    assert len(built) == 2


def test_arguments_it_cannot_place_are_refused(formed):
    changed = Compiled(lambda pk: Opportunity.objects.filter(pk=pk + 1).values_list("pk"))
    with pytest.raises(ValueError, match="every argument must be a parameter"):
        changed.rows(formed.pk)
    with pytest.raises(TypeError, match="1 arguments expected, 2 given"):
        Compiled(partners).rows(1, 2)
