"""Opportunity services: validation, the network handed to the engine, the stored split, and
the formation task's progress and failures."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import client_for, send
from django.core.exceptions import ValidationError
from instants import TODAY

from coopnet.common.amounts import REQUIRED
from coopnet.directory import services as directory
from coopnet.directory.models import NetworkSettings
from coopnet.engine.network import CommissionPolicy, FinderFee
from coopnet.opportunities import formation, selectors, services
from coopnet.opportunities.models import (
    Assignment,
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
    Requirement,
)

# deadlines are dated from today, and cannot be in the past
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

BAD_REQUIREMENTS = [
    {"skill": "cobol", "min_level": 3, "hours": "10"},
    {"skill": "elixir", "min_level": 7, "hours": "0"},
    {"skill": "python", "min_level": True, "hours": "1.234"},
]


def start(cast, opportunity, actor="alice"):
    return services.formation_start(actor=cast[actor], opportunity_id=opportunity.pk)


def test_bad_input_names_every_field_and_saves_nothing(consortium_cast, post_opportunity):
    with pytest.raises(ValidationError) as caught:
        post_opportunity(
            title=" ",
            value="-5",
            deadline=TODAY - dt.timedelta(days=1),
            requirements=BAD_REQUIREMENTS,
        )
    errors = caught.value.message_dict
    assert errors == {
        "title": [REQUIRED],
        "value": [services.BAD_MONEY.format(value="-5")],
        "deadline": [services.PAST_DEADLINE],
        "requirements[0].skill": [services.UNKNOWN_SKILL.format(slug="cobol")],
        "requirements[1].min_level": [services.BAD_LEVEL.format(level=7)],
        "requirements[1].hours": [services.BAD_HOURS.format(value="0")],
        "requirements[2].min_level": [services.BAD_LEVEL.format(level=True)],
        "requirements[2].hours": [services.BAD_HOURS.format(value="1.234")],
    }
    assert not Opportunity.objects.exists()
    assert not Requirement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("value", "0", "value"),
        ("value", "12.345", "value"),
        ("value", "NaN", "value"),
        ("value", "1e12", "value"),
        ("deadline", "31/03/2031", "deadline"),
        ("title", "x" * 201, "title"),
        ("client", "x" * 201, "client"),
        ("requirements", [], "requirements"),
        ("requirements", "elixir", "requirements"),
    ],
)
def test_each_bad_field_is_named(consortium_cast, post_opportunity, field, value, key):
    with pytest.raises(ValidationError) as caught:
        post_opportunity(**{field: value})
    assert list(caught.value.message_dict) == [key]
    assert not Opportunity.objects.exists()


def test_api_answers_bad_input_with_422_per_field(consortium_cast):
    alice = client_for(consortium_cast["alice"])
    body = {
        "organisation": "outlier",
        "title": "Booking system",
        "value": "-5",
        "deadline": str(TODAY + dt.timedelta(days=30)),
        "requirements": [
            {"skill": "elixir", "min_level": 4, "hours": "40"},
            {"skill": "ux-design", "min_level": 3, "hours": "0"},
        ],
    }
    response = send(alice, "post", "/api/opportunities", body)
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"value", "requirements[1].hours"}
    assert send(alice, "post", "/api/opportunities", {**body, "value": "lots"}).status_code == 422
    assert not Opportunity.objects.exists()


def test_commission_is_copied_when_posted(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    NetworkSettings.objects.update(commission=Decimal("0.2"))
    opportunity.refresh_from_db()
    assert opportunity.commission == Decimal("0.05")


def test_a_network_without_settings_posts_without_commission(consortium_cast, post_opportunity):
    NetworkSettings.objects.all().delete()
    assert post_opportunity().commission == 0


def test_engine_sees_only_people_with_a_required_skill(consortium_cast, post_opportunity):
    directory.person_create(
        actor=consortium_cast["dee"],
        organisation_slug="distant",
        name="Pythonista",
        hours_available="10",
        cost_rate="10",
        skills={"python": 5},
    )
    network, opportunity = selectors.engine_inputs(post_opportunity())
    assert {o.id for o in network.organisations} == {"outlier", "partner", "rival", "distant"}
    people = {p.id: p for p in network.people}
    assert len(people) == 5  # Ada, Grace, Linus, Rita, Dora; not the Pythonista
    ada = people[str(consortium_cast["person"].pk)]
    assert (ada.org, ada.skills, ada.cost_rate) == ("outlier", {"elixir": 4}, Decimal("77.71"))
    assert opportunity.commission == CommissionPolicy(Decimal("0.05"))
    assert opportunity.finder == FinderFee("outlier")  # the poster brought the client, no fee
    assert [(r.skill, r.min_level, r.hours) for r in opportunity.requirements] == [
        ("elixir", 4, Decimal("40")),
        ("ux-design", 3, Decimal("20")),
    ]


@pytest.mark.parametrize(("value", "commission"), [("12000", "0.05"), ("12345.67", "0.0375")])
def test_payouts_and_commission_sum_to_the_value_to_the_cent(
    consortium_cast, post_opportunity, value, commission
):
    NetworkSettings.objects.update(commission=Decimal(commission))
    opportunity = post_opportunity(value=value)
    start(consortium_cast, opportunity)
    commission_amount = (Decimal(value) * Decimal(commission)).quantize(Decimal("0.01"))
    proposals = list(opportunity.proposals.all())
    assert proposals
    for proposal in proposals:
        partners = list(proposal.partners.all())
        assert {p.organisation.slug for p in partners} == {"outlier", "partner"}
        assert sum(p.payout for p in partners) + commission_amount == Decimal(value)
        assert sum(p.shapley_payout for p in partners) + commission_amount == Decimal(value)
        assert all(p.own_cost + p.surplus_share == p.payout for p in partners)
        assert all(p.payout.as_tuple().exponent == -2 for p in partners)


def test_cheapest_proposal_stores_assignments_and_explanations(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    run = start(consortium_cast, opportunity)
    assert (run.status, run.progress, run.task_id != "") == (FormationRun.DONE, 100, True)
    proposal = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    assert proposal.cost == Decimal("5046.93")  # 40 × 77.71 + 500 + 20 × 61.37 + 211.13
    assert (proposal.recommended, proposal.in_core) == (Proposal.SHAPLEY, True)
    assert {(a.person.name, a.hours, a.role) for a in proposal.assignments.all()} == {
        ("Ada Lovelace", Decimal("40.00"), Assignment.WORK),
        ("Grace Hopper", Decimal("20.00"), Assignment.WORK),
    }
    outlier = proposal.partners.get(organisation__slug="outlier")
    partner = proposal.partners.get(organisation__slug="partner")
    assert (outlier.reason, partner.reason) == ("only_supplier", "only_supplier")
    assert outlier.unique_skills == [{"skill": "elixir", "min_level": 4}]
    assert partner.unique_skills == [{"skill": "ux-design", "min_level": 3}]
    assert (outlier.legacy_explanation, partner.legacy_explanation) == ("", "")
    # own costs: 40 × 77.71 + 500 = 3,608.40 and 20 × 61.37 + 211.13 = 1,438.53; the surplus
    # 12,000 - 600 - 5,046.93 = 6,353.07 is shared equally (neither delivers alone), 3,176.535
    # each: the odd half cent goes to the first partner, Outlier
    assert [(p.hours, p.own_cost, p.surplus_share, p.payout) for p in (outlier, partner)] == [
        (Decimal("40.00"), Decimal("3608.40"), Decimal("3176.54"), Decimal("6784.94")),
        (Decimal("20.00"), Decimal("1438.53"), Decimal("3176.53"), Decimal("4615.06")),
    ]
    assert (outlier.shapley_payout, partner.shapley_payout) == (outlier.payout, partner.payout)
    sharing = opportunity.proposals.get(kind=Proposal.SKILL_SHARING)
    learning = sharing.assignments.get(role=Assignment.LEARNING)
    assert learning.person.name == "Linus Torvalds"


def test_an_alternative_pays_each_partner_for_its_own_hours_in_that_plan(
    consortium_cast, post_opportunity
):
    opportunity = post_opportunity()
    start(consortium_cast, opportunity)
    sharing = opportunity.proposals.get(kind=Proposal.SKILL_SHARING)
    for partner in sharing.partners.all():
        planned = sharing.assignments.filter(organisation=partner.organisation)
        assert partner.hours == sum(a.hours for a in planned)  # learning and supervising too
        assert partner.own_cost + partner.surplus_share == partner.payout
    total = sum(p.payout for p in sharing.partners.all())
    assert total + opportunity.commission_amount == opportunity.value


def test_progress_is_reported_step_by_step(consortium_cast, post_opportunity, monkeypatch):
    seen = []
    report = formation.progress

    def record(run, progress, message, **fields):
        seen.append(progress)
        report(run, progress, message, **fields)

    monkeypatch.setattr(formation, "progress", record)
    start(consortium_cast, post_opportunity())
    assert seen == [10, 30, 50, 90, 100]


def test_infeasible_opportunity_names_the_skill_but_no_capacity(consortium_cast, post_opportunity):
    opportunity = post_opportunity(
        requirements=[{"skill": "elixir", "min_level": 5, "hours": "1000"}]
    )
    run = start(consortium_cast, opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.INFEASIBLE
    assert run.message == formation.INFEASIBLE.format(skills="Elixir at level 5 or above")
    assert not opportunity.proposals.exists()


def test_unprofitable_opportunity_reveals_no_cost(consortium_cast, post_opportunity):
    opportunity = post_opportunity(value="100")
    run = start(consortium_cast, opportunity)
    opportunity.refresh_from_db()
    assert (opportunity.status, run.message) == (Opportunity.UNPROFITABLE, formation.UNPROFITABLE)


def test_a_failed_formation_is_recorded_but_not_shown(
    consortium_cast, post_opportunity, monkeypatch
):
    def broken(network, opportunity):
        raise RuntimeError("solver exploded near rate 61.37")

    monkeypatch.setattr(formation, "split", broken)
    opportunity = post_opportunity()
    run = start(consortium_cast, opportunity)
    opportunity.refresh_from_db()
    assert (run.status, run.message, opportunity.status) == (
        FormationRun.FAILED,
        formation.FAILED,
        Opportunity.FAILED,
    )
    assert "solver exploded" in run.error
    response = client_for(consortium_cast["alice"]).get(f"/api/opportunities/runs/{run.pk}")
    assert "exploded" not in response.content.decode()
    monkeypatch.undo()
    assert start(consortium_cast, opportunity).status == FormationRun.DONE  # may try again


def test_a_retried_task_does_nothing_twice(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    run = start(consortium_cast, opportunity)
    count = opportunity.proposals.count()
    formation.formation_execute(run_id=run.pk)
    assert opportunity.proposals.count() == count


def test_a_new_search_leaves_out_the_organisations_that_declined(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    start(consortium_cast, opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.PROPOSED
    with_partner = Proposal.objects.filter(
        opportunity=opportunity, partners__organisation__slug="partner"
    ).distinct()
    assert with_partner.exists()  # Grace's UX is in the cheapest consortium
    for proposal in with_partner:
        services.proposal_decide(
            actor=consortium_cast["pat"], proposal_id=proposal.pk, accept=False, reason="Too busy"
        )
    for proposal in opportunity.proposals.filter(status=Proposal.PROPOSED):
        services.proposal_decide(
            actor=consortium_cast["alice"], proposal_id=proposal.pk, accept=False, reason="Too busy"
        )
    assert [o.slug for o in selectors.declined_partners(opportunity)] == ["partner"]
    network, _ = selectors.engine_inputs(opportunity)
    assert "partner" not in {o.id for o in network.organisations}
    assert "outlier" in {o.id for o in network.organisations}  # the poster is never left out
    start(consortium_cast, opportunity)
    opportunity.refresh_from_db()
    latest = opportunity.runs.first()
    fresh = Proposal.objects.filter(run=latest)
    assert fresh.exists()
    assert not ProposalPartner.objects.filter(
        proposal__in=fresh, organisation__slug="partner"
    ).exists()
    page = client_for(consortium_cast["alice"]).get(f"/opportunities/{opportunity.pk}/")
    assert "having declined a proposal for it: Partner Co-op" in page.content.decode()


def test_a_search_whose_worker_died_can_be_started_again(consortium_cast, post_opportunity, clock):
    from django.utils import timezone

    from coopnet.opportunities.models import STALE_AFTER

    opportunity = post_opportunity()
    lost = FormationRun.objects.create(
        opportunity=opportunity, status=FormationRun.RUNNING, progress=30, started=timezone.now()
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(status=Opportunity.FORMING)
    alice = client_for(consortium_cast["alice"])
    # a search still within its time is left alone
    clock.shift(STALE_AFTER - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        start(consortium_cast, opportunity)
    assert (
        "Find the consortium" not in alice.get(f"/opportunities/{opportunity.pk}/").content.decode()
    )
    # one that has run for longer than any search takes has lost its worker
    clock.shift(dt.timedelta(minutes=2))
    page = alice.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert "stopped without finishing" in page
    assert "Find the consortium" in page
    progress = alice.get(f"/opportunities/runs/{lost.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"  # the polling page reloads instead of waiting
    run = start(consortium_cast, opportunity)
    lost.refresh_from_db()
    assert lost.status == FormationRun.FAILED
    assert run.status == FormationRun.DONE
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.PROPOSED
