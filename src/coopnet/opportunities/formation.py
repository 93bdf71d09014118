"""The formation job: read the network's private data, run the engine, store only what
partners may see. It runs in a background task (`tasks.formation_run`) and saves its progress
as it goes, outside any transaction, so that pollers see it."""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from coopnet.directory.models import Organisation, Skill
from coopnet.engine import network as engine
from coopnet.engine.fairshare import Explanation, Split, split, split_plan
from coopnet.engine.formation import Formation, form, form_with_skill_sharing
from coopnet.engine.money import to_money
from coopnet.opportunities import notices, selectors
from coopnet.opportunities.models import (
    Assignment,
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
)
from coopnet.opportunities.signals import demand_changed

INFEASIBLE = "No consortium in the network can cover: {skills}."
UNPROFITABLE = (
    "No consortium in the network can deliver this for its value after the commission and the "
    "finder's fee."
)
FAILED = "Formation failed: the network's coordinator has the details."
PROPOSED = "{count} consortium proposal(s) ready for the partners to decide on."
STOPPED = "This search stopped without finishing (its background worker stopped); started again."


def progress(run: FormationRun, progress: int, message: str, **fields: Any) -> None:
    FormationRun.objects.filter(pk=run.pk).update(progress=progress, message=message, **fields)


def formation_execute(*, run_id: int) -> None:
    """The formation task's work: read the network, run the engine, store the proposals.
    Progress is saved as it goes, outside any transaction, so that pollers see it."""
    claimed = FormationRun.objects.filter(pk=run_id, status=FormationRun.QUEUED).update(
        status=FormationRun.RUNNING, started=timezone.now()
    )
    if not claimed:  # already run (a retried task): do nothing twice
        return
    run = FormationRun.objects.select_related("opportunity").get(pk=run_id)
    try:
        progress(run, 10, "Reading the network's skills and capacity.")
        network, opportunity = selectors.engine_inputs(run.opportunity)
        progress(run, 30, "Forming the cheapest consortium and sharing its value.")
        cheapest = split(network, opportunity)
        progress(run, 50, "Looking for alternatives.")
        alternatives = _alternatives(network, opportunity, cheapest)
        progress(run, 90, "Saving the proposals.")
        with transaction.atomic():
            _store(run, cheapest, alternatives)
    except Exception:
        _fail(run, traceback.format_exc())
        raise


def _fail(run: FormationRun, error: str) -> None:
    progress(run, 100, FAILED, status=FormationRun.FAILED, error=error, finished=timezone.now())
    Opportunity.objects.filter(pk=run.opportunity_id).update(status=Opportunity.FAILED)
    demand_changed.send(sender=Opportunity)  # an update sends no model signal


Alternative = tuple[str, Formation, Split, tuple[str, ...] | None, dict[str, Any]]


def _signature(formation: Formation) -> tuple[Any, ...]:
    plan = ((a.person, a.requirement, round(a.hours, 2)) for a in formation.assignments)
    return tuple(sorted(plan))


def _alternatives(
    network: engine.Network, opportunity: engine.Opportunity, cheapest: Split
) -> list[Alternative]:
    """The fewest-organisations and skill-sharing plans, when they differ from the cheapest.
    Each is shared as the consortium game of its own organisations delivering that plan (each
    partner paid its own cost in the plan plus its share); a plan the value does not pay for
    is left out."""
    if cheapest.status not in ("optimal", "feasible"):
        return []
    fewest = form(network, opportunity, objective="organisations")
    sharing = form_with_skill_sharing(network, opportunity)
    candidates: list[tuple[str, Formation, tuple[str, ...] | None, dict[str, Any]]] = [
        (Proposal.FEWEST, fewest, None, {}),
        (
            Proposal.SKILL_SHARING,
            sharing.formation,
            sharing.roles,
            {"learning_hours": round(sharing.learning_hours, 2)},
        ),
    ]
    seen, found = {_signature(cheapest.formation)}, []
    for kind, formation, roles, data in candidates:
        if formation.cost is None or _signature(formation) in seen:
            continue
        seen.add(_signature(formation))
        shared = split_plan(network, opportunity, formation)
        if shared.status in ("optimal", "feasible"):
            found.append((kind, formation, shared, roles, data))
    return found


def _store(run: FormationRun, cheapest: Split, alternatives: list[Alternative]) -> None:
    opportunity = run.opportunity
    if cheapest.status == "infeasible":
        uncovered = cheapest.formation.uncovered
        names = dict(
            Skill.objects.filter(slug__in={u.skill for u in uncovered}).values_list("slug", "name")
        )
        skills = ", ".join(
            f"{names.get(u.skill, u.skill)} at level {u.min_level} or above" for u in uncovered
        )
        opportunity.status, message = Opportunity.INFEASIBLE, INFEASIBLE.format(skills=skills)
    elif cheapest.status == "unprofitable":  # the shortfall would reveal the partners' costs
        opportunity.status, message = Opportunity.UNPROFITABLE, UNPROFITABLE
    else:
        made = [_proposal_create(run, Proposal.CHEAPEST, cheapest.formation, cheapest, None, {})]
        for kind, formation, shared, roles, data in alternatives:
            made.append(_proposal_create(run, kind, formation, shared, roles, data))
        notices.proposals_made(opportunity, made)
        opportunity.status = Opportunity.PROPOSED
        message = PROPOSED.format(count=1 + len(alternatives))
    opportunity.save(update_fields=["status"])
    progress(run, 100, message, status=FormationRun.DONE, finished=timezone.now())


def _proposal_create(
    run: FormationRun,
    kind: str,
    formation: Formation,
    shared: Split,
    roles: tuple[str, ...] | None,
    data: dict[str, Any],
) -> Proposal:
    assert formation.cost is not None
    assert shared.game is not None
    proposal = Proposal.objects.create(
        opportunity=run.opportunity,
        run=run,
        kind=kind,
        cost=to_money(formation.cost),
        recommended=shared.recommended,
        in_core=shared.game.contains.get(shared.recommended),
        data={"solver": formation.status, **data},
        decide_by=run.decide_by,
    )
    organisations = Organisation.objects.in_bulk(shared.organisations, field_name="slug")
    ProposalPartner.objects.bulk_create(
        _partner(proposal, organisations[facts.org], facts, shared.payouts[facts.org])
        for facts in shared.explanations
    )
    demand_changed.send(sender=ProposalPartner)  # the opportunity may be shared now
    _assignments_create(proposal, formation, roles or ())
    return proposal


def _partner(
    proposal: Proposal, organisation: Organisation, facts: Explanation, shapley: Decimal
) -> ProposalPartner:
    """A partner's row: the engine's facts about its payout; words are made when shown."""
    return ProposalPartner(
        proposal=proposal,
        organisation=organisation,
        payout=facts.payout,
        shapley_payout=shapley,
        added_value=facts.added_value,
        reason=facts.reason,
        unique_skills=[{"skill": n.skill, "min_level": n.min_level} for n in facts.unique_skills],
        hours=facts.hours,
        own_cost=facts.own_cost,
        surplus_share=facts.surplus_share,
    )


def _assignments_create(proposal: Proposal, formation: Formation, roles: Iterable[str]) -> None:
    requirements = list(proposal.opportunity.requirements.select_related("skill"))
    organisations = Organisation.objects.in_bulk(formation.organisations, field_name="slug")
    roles = list(roles) or [Assignment.WORK] * len(formation.assignments)
    Assignment.objects.bulk_create(
        Assignment(
            proposal=proposal,
            person_id=int(a.person),
            organisation=organisations[a.org],
            skill=requirements[a.requirement].skill,
            requirement=requirements[a.requirement],
            hours=to_money(a.hours),
            role=role,
        )
        for a, role in zip(formation.assignments, roles, strict=True)
        if to_money(a.hours) > 0
    )
