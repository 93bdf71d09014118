"""Partners stored as words before the facts were kept (migration 0002): their reason and
skills are read back from the words, their hours from the assignments; the own cost and share
of the surplus stay unknown; words that cannot be read back are kept and shown as they were."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("opportunities", "0001_initial")]
AFTER = [("opportunities", "0002_partner_facts")]
#: what coopnet wrote before the facts were kept, one wording of each kind
WORDS = {
    "outlier": (
        "Without Outlier Co-op the consortium would earn £6,353.07 less: nobody else in it has "
        "elixir (level 4+). Its payout is £6,784.94.",
        ["elixir (level 4+)"],
    ),
    "partner": (
        "Without Partner Co-op the consortium would earn £402.50 less: the others could cover "
        "its work, but at a higher cost. Its payout is £4,615.06.",
        [],
    ),
    "rival": ("A split explained in words nobody can read back.", []),
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest():
    """Whatever a test leaves, the database ends at the latest migrations for the next."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def old_rows(apps):
    """A proposal of three partners as migration 0001 stored them, and its assignments."""
    get = apps.get_model
    skill = get("directory", "Skill").objects.create(slug="elixir", name="Elixir")
    opportunity = None
    for slug in WORDS:
        organisation = get("directory", "Organisation").objects.create(name=slug, slug=slug)
        person = get("directory", "Person").objects.create(
            organisation=organisation, name=f"{slug} person", hours_available=10, cost_rate=10
        )
        if opportunity is None:
            opportunity = get("opportunities", "Opportunity").objects.create(
                posted_by=organisation, title="Old", value=12000, deadline=dt.date(2031, 6, 30)
            )
            run = get("opportunities", "FormationRun").objects.create(opportunity=opportunity)
            proposal = get("opportunities", "Proposal").objects.create(
                opportunity=opportunity, run=run, kind="cheapest", cost=5046.93
            )
        for hours in ("12.50", "7.25"):
            get("opportunities", "Assignment").objects.create(
                proposal=proposal,
                person=person,
                organisation=organisation,
                skill=skill,
                hours=hours,
            )
        words, skills = WORDS[slug]
        get("opportunities", "ProposalPartner").objects.create(
            proposal=proposal,
            organisation=organisation,
            payout=100,
            shapley_share=100,
            added_value=1,
            unique_skills=skills,
            explanation=words,
        )


def test_old_partner_rows_become_facts_where_their_words_can_be_read_back():
    old_rows(migrate(BEFORE))
    apps = migrate(AFTER)
    rows = {
        p.organisation.slug: p
        for p in apps.get_model("opportunities", "ProposalPartner").objects.all()
    }
    facts = {slug: (p.reason, p.unique_skills, p.legacy_explanation) for slug, p in rows.items()}
    assert facts == {
        "outlier": ("only_supplier", [{"skill": "elixir", "min_level": 4}], ""),
        "partner": ("others_costlier", [], ""),
        "rival": ("", [], WORDS["rival"][0]),
    }
    for partner in rows.values():
        assert partner.hours == Decimal("19.75")  # 12.50 + 7.25 of its assignments
        assert (partner.own_cost, partner.surplus_share) == (None, None)
        assert partner.shapley_payout == Decimal("100.00")


def test_going_back_writes_the_words_again():
    old_rows(migrate(BEFORE))
    migrate(AFTER)
    apps = migrate(BEFORE)
    rows = apps.get_model("opportunities", "ProposalPartner").objects.all()
    stored = {p.organisation.slug: (p.explanation, p.unique_skills) for p in rows}
    assert stored["outlier"] == (
        "Without outlier the consortium would earn £1.00 less: nobody else in it has "
        "elixir (level 4+).",
        ["elixir (level 4+)"],
    )
    assert stored["rival"] == (WORDS["rival"][0], [])
